"""The API description matches the API (issue #13): Schemathesis, with every check, a fixed
seed and up to 500 generated requests per operation, against a live `izde serve` of the
shipped corpus, finds no failure. Its allowances are in tests/schemathesis.toml (why:
there)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from served import Serve, http_get

HERE = Path(__file__).resolve().parent
SEED = 2026
EXAMPLES = 500  # per operation (fewer where the schema allows fewer distinct requests)
TIME_BOUND = 900  # seconds for the whole run; it took 154 s on 2 shared cores

pytestmark = pytest.mark.slow


def _schemathesis() -> list[str]:
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("schemathesis is not installed (pip install -e '.[test]')")
    return [exe]


@pytest.fixture(scope="module")
def served(shipped_index, tmp_path_factory):
    server = Serve(
        shipped_index,
        tmp_path_factory.mktemp("schema") / "serve.log",
        env={"IZDE_WARM_SECONDS": "1"},
        args=("--workers", "2"),
    )
    yield server
    server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()[-3000:]


def test_schemathesis_finds_nothing(served, tmp_path):
    command = [
        *_schemathesis(),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        f"http://127.0.0.1:{served.port}/api/openapi.json",
        "--checks",
        "all",
        "--seed",
        str(SEED),
        "--max-examples",
        str(EXAMPLES),
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--output-truncate",
        "true",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
    ]
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=TIME_BOUND)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-6000:]
    summary = out.rsplit("SUMMARY", 1)[-1]
    print(summary)  # (pytest -s or -rP shows it: the operations, phases and test cases)
    assert "Failures:" not in summary and "Errors:" not in summary, summary
    # Every operation of the description was exercised (but the description itself, which
    # Schemathesis leaves out as its own source).
    spec = json.loads(http_get(served.port, "/api/openapi.json")[2])
    described = {f"{m.upper()} {path}" for path, ms in spec["paths"].items() for m in ms}
    junit = next(tmp_path.glob("junit-*.xml"))
    tested = {case.get("name") for case in ET.parse(junit).getroot().iter("testcase")}
    assert tested == described - {"GET /api/openapi.json"}, (tested, described)
