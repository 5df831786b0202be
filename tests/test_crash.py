"""An `izde index` killed with SIGKILL at any point leaves the previous index whole.

Runs `izde index` through tests/izde_paused.py, which gives the run a hook that pauses at
read|write|segment|commit|switch: the writer announces `IZDE_TEST_PAUSED <point>` on stderr
and sleeps there, and the test kills it at that moment.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from whoosh.qparser import QueryParser

from indexer.index.store import check_index, open_index, update_index

REPO = Path(__file__).resolve().parent.parent
PAPER = REPO / "corpus" / "nur-otan-strategy-2009-2012.kk.txt"
PAUSED = Path(__file__).resolve().parent / "izde_paused.py"
QUERIES = ["дағдарыс", "партия стратегиясы", "Қазақстан", "жаңа", "тұғырнама"]


def answers(index: Path) -> dict:
    h = open_index(index)
    out = {"count": h.ix.doc_count(), "generation": h.generation}
    with h.searcher() as s:
        for q in QUERIES:
            query = QueryParser("text", h.ix.schema).parse(q)
            out[q] = [hit["anchor"] for hit in s.search(query, limit=20)]
    h.close()
    return out


def izde_index(
    corpus: Path, index: Path, pause: str | None, procs: int | None = None
) -> subprocess.Popen:
    env = dict(os.environ)
    command = [sys.executable, "-m", "indexer.cli"]
    if procs:
        env["IZDE_INDEX_PROCS"] = str(procs)
    if pause:
        # With two processes, pause after the 450th paragraph: the helpers are running then.
        after = "450" if procs else "1"
        command = [sys.executable, str(PAUSED), pause, "60", "--after", after, "--"]
    return subprocess.Popen(
        [*command, "index", str(corpus), "--index", str(index)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_pause(proc: subprocess.Popen, point: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            raise AssertionError(f"indexer ended before pausing at {point}: rc={proc.wait()}")
        if line.strip() == f"IZDE_TEST_PAUSED {point}":
            return
    raise AssertionError(f"no pause at {point}")


def all_dead(procs: list, timeout: float) -> bool:
    """Dead or zombie (a zombie is dead; reaping is up to whoever adopted it)."""
    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for p in procs:
            try:
                if p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(p)
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return not alive
        time.sleep(0.1)


def describe(procs: list) -> list[str]:
    out = []
    for p in procs:
        try:
            out.append(f"{p.pid} {p.status()} {' '.join(p.cmdline())[:120]}")
        except psutil.Error as e:
            out.append(f"{p.pid} {type(e).__name__}")
    return out


@pytest.mark.parametrize(
    "point,procs",
    [
        ("read", None),
        ("write", None),
        ("segment", None),
        ("commit", None),
        ("switch", None),
        ("write", 2),
        ("commit", 2),
    ],
)
def test_kill_leaves_previous_index_whole(tmp_path, point, procs):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PAPER, corpus / PAPER.name)
    (corpus / "a.txt").write_text("Бірінші құжат дағдарыс туралы.\nЕкінші жол.\n", encoding="utf-8")
    index = tmp_path / "index"
    update_index([corpus], index)
    before = answers(index)

    # Work for the next run: a changed, a new and a removed document.
    (corpus / "a.txt").write_text("Өзгерген құжат, жаңа дағдарыс.\n", encoding="utf-8")
    (corpus / "b.jsonl").write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"r{i}",
                    "title": f"Жазба {i}",
                    "text": f"Партия стратегиясы {i}.\nЖаңа жол.",
                },
                ensure_ascii=False,
            )
            for i in range(300)
        )
        + "\n",
        encoding="utf-8",
    )
    text = PAPER.read_text(encoding="utf-8").split("\n")
    (corpus / PAPER.name).write_text(
        "\n".join(["Жаңа бірінші абзац."] + text[3:]), encoding="utf-8"
    )

    proc = izde_index(corpus, index, point, procs)
    helpers = []
    try:
        wait_for_pause(proc, point)
        helpers = psutil.Process(proc.pid).children(recursive=True)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    if procs and point == "write":
        assert helpers, "the two-process writer should have started its helpers"
    assert all_dead(helpers, timeout=30), (
        f"helper processes outlived the killed writer: {describe(helpers)}"
    )

    # The previous index is whole: opens, same count, same answers, passes the full check.
    assert answers(index) == before
    assert check_index(index) == []

    # The next run completes the work and cleans the leftovers (no helper process of the
    # killed writer keeps the lock: they die with it).
    run = izde_index(corpus, index, None, procs)
    out, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    assert "300 added" in out and "2 updated" in out
    after = open_index(index)
    assert after.generation == "gen-000002"
    assert sorted(p.name for p in index.iterdir() if p.name.startswith("gen-")) == [
        "gen-000001",
        "gen-000002",
    ]
    assert len(after.docs) == 302
    assert after.docs["a"]["paragraphs"] == 1
    assert check_index(index) == []
