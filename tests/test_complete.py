"""Word completions for search as you type (indexer.search.complete and /api/complete),
over the shipped index."""

from __future__ import annotations

import pytest

from indexer.analysis.analyzers import stem_word
from indexer.index.store import open_index
from indexer.search.complete import completions, spellings
from indexer.search.engine import searcher
from webapp import create_app


@pytest.fixture(scope="module")
def handle(shipped_index):
    return open_index(shipped_index)


def forms_of(handle, word: str) -> dict[str, int]:
    """Every written form in the index with the stem of `word`, and its count."""
    stem = stem_word(word)
    with searcher(handle) as s:
        reader = s.reader()
        out = {}
        for raw in reader.expand_prefix("exact", stem[:-1]):
            form = raw.decode() if isinstance(raw, bytes) else raw
            if stem_word(form) == stem:
                out[form] = int(reader.frequency("exact", form))
        return out


def test_a_completion_is_the_most_frequent_written_form_never_a_stem(handle):
    got = completions(handle, "дағд")["completions"]
    forms = forms_of(handle, "дағдарыс")
    crisis = [c for c in got if stem_word(c["word"]) == stem_word("дағдарыс")]
    assert len(crisis) == 1, got  # one entry per word, not one per form
    best = max(forms.items(), key=lambda fc: fc[1])
    assert crisis[0] == {"word": best[0], "count": sum(forms.values())}
    words = [
        c["word"]
        for prefix in ("дағд", "қоға", "экон", "парт")
        for c in completions(handle, prefix)["completions"]
    ]
    with searcher(handle) as s:  # every completion is a written form of the documents
        assert all(s.reader().frequency("exact", w) > 0 for w in words), words
    counts = [c["count"] for c in got]
    assert counts == sorted(counts, reverse=True)
    assert all(c["word"].startswith("дағд") for c in got)


def test_typed_without_kazakh_letters_or_in_latin(handle):
    want = completions(handle, "дағд")["completions"]
    assert completions(handle, "дагд")["completions"] == want
    assert completions(handle, "dagd")["completions"] == want
    assert completions(handle, "ДАҒД")["completions"] == want
    assert "дағд" in spellings("дагд")


def test_the_last_word_of_a_query_is_completed(handle):
    got = completions(handle, "экономикалық дағд")
    assert got["prefix"] == "дағд" and got["completions"]
    assert completions(handle, "-дағд")["completions"] == got["completions"]


@pytest.mark.parametrize("prefix", ["", "д", " ", "12", "**", "zzzzzz", "а" * 200])
def test_too_short_or_unknown_prefixes_complete_to_nothing(handle, prefix):
    assert completions(handle, prefix)["completions"] == []


def test_api_complete(shipped_index):
    client = create_app({"INDEX_DIR": shipped_index}).test_client()
    r = client.get("/api/complete?q=" + "дағд")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.get_json()["completions"][0]["word"].startswith("дағдарыс")
    assert client.get("/api/complete?q=дағд&limit=1").get_json()["completions"].__len__() == 1
    assert client.get("/api/complete?q=дағд&limit=0").status_code == 400
    assert client.get("/api/complete?q=" + "а" * 1001).status_code == 400
    assert client.get("/api/complete").get_json()["completions"] == []
