"""The per-query time budget and the turns of expensive searches (issue #13), on an index
of 2,500 KazQAD passages where sixteen prefixes take seconds."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from indexer.index.store import open_index, update_index
from indexer.search import budget as B
from indexer.search.engine import Busy, search

KAZQAD = Path(__file__).resolve().parents[2] / "shared" / "data" / "kazqad-dev" / "corpus.jsonl"
PASSAGES = 2_500
MANY_PREFIXES = "а* б* в* г* д* е* ж* з* и* к* л* м* н* о* п* р*"


@pytest.fixture(scope="module")
def handle(tmp_path_factory):
    if not KAZQAD.exists():
        pytest.skip("the KazQAD passages are not here")
    src = tmp_path_factory.mktemp("kazqad") / "docs"
    src.mkdir()
    lines = KAZQAD.read_text(encoding="utf-8").splitlines()[:PASSAGES]
    (src / "passages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    update_index([src], src.parent / "index")
    h = open_index(src.parent / "index")
    yield h
    h.close()


def test_a_search_past_its_budget_returns_what_it_has(handle):
    full = search(handle, MANY_PREFIXES, budget=30)
    t0 = time.monotonic()
    cut = search(handle, MANY_PREFIXES, budget=0.1)
    took = time.monotonic() - t0
    assert full["complete"] is True and full["total_is_lower_bound"] is False
    assert cut["complete"] is False and cut["incomplete_reason"] == B.TIME_BUDGET
    assert cut["total_is_lower_bound"] is True
    assert cut["total"] <= full["total"]
    assert took < 3.0  # (the budget, plus reading the hits of one page: a generous bound)


def test_phrase_checks_stop_at_the_deadline(handle):
    r = search(handle, '"және оның"', budget=30)
    assert r["complete"] is True
    quick = search(handle, '"және оның" "бұл жылы" "оның ішінде"', budget=0.001)
    assert quick["complete"] is False and quick["total_is_lower_bound"] is True


def test_expensive_searches_wait_for_their_lane_within_their_budget(handle):
    held = threading.Event()
    release = threading.Event()

    def hold():
        with B.turn(B.Deadline(30), expensive=True):
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    try:
        held.wait(5)
        with pytest.raises(Busy) as err:
            search(handle, "экономика*", budget=0.2)
        assert err.value.retry_after >= 1
        assert search(handle, "экономика", budget=0.2)["total"] > 0  # ordinary: own lane
    finally:
        release.set()
        t.join()


def test_ordinary_search_answers_while_sixteen_expensive_ones_run(handle):
    outcomes: list[str] = []

    def expensive():
        try:
            r = search(handle, MANY_PREFIXES)
            outcomes.append("complete" if r["complete"] else "incomplete")
        except Busy:
            outcomes.append("busy")

    threads = [threading.Thread(target=expensive) for _ in range(16)]
    for t in threads:
        t.start()
    time.sleep(0.3)  # they are running or waiting
    t0 = time.monotonic()
    r = search(handle, "Сырдария өзені")
    took = time.monotonic() - t0
    for t in threads:
        t.join(30)
    assert r["total"] > 0 and r["complete"] is True
    assert took < 3.0, took
    assert len(outcomes) == 16 and "busy" in outcomes
