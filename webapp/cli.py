"""`izde serve`: the command webapp adds to the `izde` command line (registered under the
`izde.commands` entry point in pyproject.toml, so indexer/ never imports the web app)."""

from __future__ import annotations

from pathlib import Path

import click

from indexer.cli import INDEX_OPTION, _index_dir
from webapp.hosts import check_base_url, parse_host


def _base_url(_ctx, _param, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return check_base_url(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _hosts(_ctx, _param, value: str | None) -> list[str]:
    hosts = [h.strip() for h in (value or "").split(",") if h.strip()]
    for h in hosts:
        if h != "*" and parse_host(h) is None:
            raise click.BadParameter(f"{h!r} is not a host name with an optional :port")
    return hosts


@click.command()
@INDEX_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: $IZDE_WORKERS, else one per CPU, at most 4).",
)
@click.option(
    "--base-url",
    envvar="IZDE_BASE_URL",
    callback=_base_url,
    help="The public address, e.g. https://izde.example.kz: absolute links (citations, "
    "the API description) use it, and its host name is answered. [$IZDE_BASE_URL]",
)
@click.option(
    "--allowed-hosts",
    envvar="IZDE_ALLOWED_HOSTS",
    callback=_hosts,
    help="Other Host names to answer, comma-separated: NAME (any port), NAME:PORT, or * "
    "for any. Always answered: the --host address and localhost, 127.0.0.1, [::1] on the "
    "port served. [$IZDE_ALLOWED_HOSTS]",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Threads per worker process that run requests (connections are greenlets).",
)
def serve(
    index_dir: Path | None,
    host: str,
    port: int,
    workers: int | None,
    base_url: str | None,
    allowed_hosts: list[str],
    threads: int,
) -> None:
    """Serve the web front end and the JSON API (gunicorn, gevent workers)."""
    # gevent's cooperative sockets go in before gunicorn and the app are imported (the
    # master loads the app and the workers inherit it); threads stay native: requests run
    # in them (webapp/serve.py). Imported here, not at the top, so that `izde --help`
    # (which lists this command) patches nothing and loads no web server.
    from gevent import monkey

    monkey.patch_all(thread=False)
    # after the patch, so that gunicorn and the app see the cooperative sockets
    from webapp.serve import serve as run

    run(
        _index_dir(index_dir),
        host=host,
        port=port,
        workers=workers,
        base_url=base_url,
        allowed_hosts=allowed_hosts,
        threads=threads,
    )
