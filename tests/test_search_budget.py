"""The per-query time budget and the turns of expensive searches (issue #13), on an index
of 2,500 KazQAD passages where sixteen prefixes take seconds."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from served import Serve, http_get

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


def test_a_burst_of_expensive_searches_is_refused_at_once_not_queued():
    """One runs, EXPENSIVE_WAITING wait; the next is refused without waiting for its
    budget (30 s here), so a burst never fills the server's request threads."""
    running, waiting_started, release = threading.Event(), threading.Event(), threading.Event()
    results: list[str] = []

    def hold():
        with B.turn(B.Deadline(30), expensive=True):
            running.set()
            release.wait(10)

    def wait_in_line():
        waiting_started.set()
        with B.turn(B.Deadline(30), expensive=True):
            results.append("waited")

    holder = threading.Thread(target=hold)
    holder.start()
    running.wait(5)
    waiter = threading.Thread(target=wait_in_line)
    waiter.start()
    waiting_started.wait(5)
    while B._waiting < B.EXPENSIVE_WAITING:  # the waiter is in the lane's queue
        time.sleep(0.001)
    t0 = time.monotonic()
    try:
        with pytest.raises(Busy), B.turn(B.Deadline(30), expensive=True):
            pass
        refused_after = time.monotonic() - t0
    finally:
        release.set()
        holder.join()
        waiter.join()
    assert results == ["waited"] and B._waiting == 0
    assert refused_after < 10  # refused at once, not after its 30 s budget ran out


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


@pytest.mark.slow
def test_served_ordinary_search_answers_while_sixteen_expensive_ones_arrive(handle, tmp_path):
    """Issue #13's bar over a live `izde serve` with one worker: 16 concurrent `а* … р*`
    requests, and an ordinary search still answers within 3 s; each expensive one gets 200
    or 503 with Retry-After, never a 5xx of another kind."""
    server = Serve(handle.index_dir, tmp_path / "serve.log", args=("--workers", "1"))
    try:
        path = "/api/search?q=" + quote(MANY_PREFIXES)
        with ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(http_get, server.port, path, 60) for _ in range(16)]
            time.sleep(0.3)
            t0 = time.monotonic()
            status, _, body = http_get(server.port, "/api/search?q=" + quote("Сырдария өзені"))
            took = time.monotonic() - t0
            answers = [f.result() for f in futures]
        assert status == 200 and b'"total"' in body
        assert took < 3.0, took
        for st, headers, _ in answers:
            assert st in (200, 503), st
            if st == 503:
                assert int(headers["retry-after"]) >= 1
    finally:
        server.stop()
