"""Settings read from environment variables: one reader, the default when unset, and a
one-line error naming the variable when the value is not of the form expected."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from indexer.cli import main as cli
from indexer.config import ConfigError, env_float, env_int


def test_unset_or_blank_gives_the_default(monkeypatch):
    monkeypatch.delenv("IZDE_T", raising=False)
    assert env_int("IZDE_T", 7, 1, 10) == 7 and env_float("IZDE_T", 2.5, 0.0) == 2.5
    monkeypatch.setenv("IZDE_T", "   ")
    assert env_int("IZDE_T", 7, 1, 10) == 7 and env_float("IZDE_T", 2.5, 0.0) == 2.5


@pytest.mark.parametrize(
    ("raw", "as_int", "as_float"),
    [("3", 3, 3.0), (" 10 ", 10, 10.0), ("1_000", 1000, 1000.0), ("0.5", None, 0.5)],
)
def test_good_values(monkeypatch, raw, as_int, as_float):
    monkeypatch.setenv("IZDE_T", raw)
    assert env_float("IZDE_T", 1.0) == as_float
    if as_int is None:
        with pytest.raises(ConfigError):
            env_int("IZDE_T", 1)
    else:
        assert env_int("IZDE_T", 1) == as_int


@pytest.mark.parametrize(
    ("raw", "reader", "expected"),
    [
        ("1g", env_int, "$IZDE_T is '1g'; it must be a whole number from 1 to 64."),
        ("lots", env_float, "$IZDE_T is 'lots'; it must be a number of at least 0.05."),
        ("0", env_int, "$IZDE_T is '0'; it must be a whole number from 1 to 64."),
        ("0.01", env_float, "$IZDE_T is '0.01'; it must be a number of at least 0.05."),
        ("nan", env_float, "$IZDE_T is 'nan'; it must be a finite number of at least 0.05."),
        ("inf", env_float, "$IZDE_T is 'inf'; it must be a finite number of at least 0.05."),
    ],
)
def test_bad_values_name_the_variable_and_the_form(monkeypatch, raw, reader, expected):
    monkeypatch.setenv("IZDE_T", raw)
    with pytest.raises(ConfigError) as err:
        if reader is env_int:
            env_int("IZDE_T", 8, 1, 64)
        else:
            env_float("IZDE_T", 2.0, 0.05)
    assert str(err.value) == expected and "\n" not in str(err.value)


def test_the_cli_prints_one_line_not_a_traceback(monkeypatch):
    """A command whose modules read a bad setting: `izde` says which, exits 1, no traceback."""

    @click.command("config-probe")
    def probe() -> None:
        click.echo(env_int("IZDE_T", 8, 1, 64))

    cli.add_command(probe)
    try:
        runner = CliRunner()
        monkeypatch.setenv("IZDE_T", "12")
        ok = runner.invoke(cli, ["config-probe"])
        assert ok.exit_code == 0 and ok.output == "12\n"
        monkeypatch.setenv("IZDE_T", "1g")
        bad = runner.invoke(cli, ["config-probe"])
        assert bad.exit_code == 1
        assert bad.output.strip() == (
            "Error: $IZDE_T is '1g'; it must be a whole number from 1 to 64."
        )
        assert "Traceback" not in bad.output and not isinstance(bad.exception, ConfigError)
    finally:
        cli.commands.pop("config-probe", None)
