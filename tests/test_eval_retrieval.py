"""Retrieval metrics on a handmade example, and the evaluation on a tiny collection."""

from __future__ import annotations

import json
import math

import pytest

from indexer.eval.retrieval import evaluate, mrr_at, ndcg_at, recall_at, score_run


def test_metrics_by_hand():
    ranked = ["a", "x", "b", "y"]
    relevant = {"a", "b", "c"}
    # DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) + 1/log2(4) = 2.1309
    assert ndcg_at(ranked, relevant, 10) == pytest.approx(1.5 / (1.5 + 1 / math.log2(3)))
    assert mrr_at(["x", "y", "b"], relevant) == pytest.approx(1 / 3)
    assert mrr_at(["x"] * 10 + ["a"], relevant) == 0.0
    assert recall_at(ranked, relevant, 10) == pytest.approx(2 / 3)
    assert recall_at(ranked, relevant, 1) == pytest.approx(1 / 3)
    assert ndcg_at([], relevant) == 0.0


def test_score_run_averages_over_judged_topics():
    run = {"t1": ["a"], "t2": ["x", "b"], "t3": ["z"]}
    qrels = {"t1": {"a"}, "t2": {"b"}, "t3": set()}
    avg, rows = score_run(run, qrels)
    assert avg["queries"] == 2
    assert avg["mrr@10"] == pytest.approx((1 + 0.5) / 2)
    assert avg["ndcg@10"] == pytest.approx((1 + 1 / math.log2(3)) / 2)
    assert avg["recall@100"] == 1.0


def test_evaluate_tiny_collection(tmp_path):
    docs = [
        {"id": "d1", "title": "Жасуша", "text": "Жасуша тірі ағзаның ең кіші бірлігі."},
        {"id": "d2", "title": "Өзен", "text": "Ертіс өзені Қазақстанның ең ұзын өзендерінің бірі."},
        {"id": "d3", "title": "Хан", "text": "Абылай хан қазақ хандығын басқарды."},
    ]
    (tmp_path / "corpus.jsonl").write_text(
        "\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", encoding="utf-8"
    )
    (tmp_path / "topics.tsv").write_text(
        "q1\tТірі ағзаның ең кіші бірлігі қалай аталады?\nq2\tЕң ұзын өзен қайсы?\n"
        "q3\tАбылай хан кім?\n",
        encoding="utf-8",
    )
    (tmp_path / "qrels.tsv").write_text("q1\td1\t1\nq2\td2\t1\nq3\td3\t1\n", encoding="utf-8")
    per = tmp_path / "per.jsonl"
    r = evaluate(tmp_path, per_query=per)
    assert r["queries"] == 3
    assert r["ndcg@10"] == pytest.approx(1.0) and r["mrr@10"] == pytest.approx(1.0)
    rows = [json.loads(line) for line in per.read_text(encoding="utf-8").splitlines()]
    assert {row["topic"] for row in rows} == {"q1", "q2", "q3"}
