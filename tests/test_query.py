"""The query language: parsing, leniency, limits; arbitrary input never raises but QueryError."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.index.schema import build_schema
from indexer.index.store import open_index
from indexer.search.engine import search
from indexer.search.query import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    And,
    DocFilter,
    Not,
    Or,
    Phrase,
    QueryError,
    Word,
    compile_query,
    parse,
)
from indexer.text.stemmer import stem_keys


def test_plain_words_are_and():
    assert parse("дағдарыс экономика") == And([Word("дағдарыс"), Word("экономика")])


def test_operators():
    tree = parse('"бастауыш партия" -экономика* =дағдарыстан title:стратегия doc:abc')
    assert tree == And(
        [
            Phrase(["бастауыш", "партия"]),
            Not(Word("экономика", "prefix")),
            Word("дағдарыстан", "exact"),
            Word("стратегия", field="title"),
            DocFilter("abc"),
        ]
    )
    assert parse("а OR б в") == Or([Word("а"), And([Word("б"), Word("в")])])
    assert parse("(а OR б) в") == And([Or([Word("а"), Word("б")]), Word("в")])
    assert parse("«Нұр Отан»") == Phrase(["Нұр", "Отан"])


@pytest.mark.parametrize(
    "q,expected",
    [
        ('"бастауыш партия', Phrase(["бастауыш", "партия"])),  # unclosed quote
        ("(дағдарыс", Word("дағдарыс")),  # unclosed bracket
        ("дағдарыс)", Word("дағдарыс")),  # stray bracket
        ("OR дағдарыс OR", Word("дағдарыс")),  # stray operators
        ("дағдарыс - экономика", And([Word("дағдарыс"), Word("экономика")])),  # lone minus
        ("дағдарыс * ", Word("дағдарыс")),  # lone star
        ("--дағдарыс", Word("дағдарыс")),  # double negation
        ("Іс-әрекеттер", Word("Іс-әрекеттер")),  # hyphen inside a word
        ("дағ\x00дарыс\x07", And([Word("дағ"), Word("дарыс")])),  # control characters
    ],
)
def test_lenient(q, expected):
    assert parse(q) == expected


@pytest.mark.parametrize("q", ["", " ", "*", '""', "()", "OR", "-", "!!!", "\x00\x01"])
def test_nothing_to_search(q):
    with pytest.raises(QueryError):
        parse(q)


def test_limits():
    with pytest.raises(QueryError, match="too long"):
        parse("а" * (MAX_QUERY_CHARS + 1))
    parse(" ".join(["сөз"] * MAX_TERMS))
    with pytest.raises(QueryError, match="too many"):
        parse(" ".join(["сөз"] * (MAX_TERMS + 1)))
    parse(
        "(" * 5000 if False else "(" * 400 + "сөз" + ")" * 400
    )  # deep brackets: no recursion error


def test_only_negative_is_error():
    with pytest.raises(QueryError):
        compile_query(parse("-дағдарыс"), build_schema())


def test_understood_as():
    schema = build_schema()
    comp = compile_query(parse("дағдарыс"), schema)
    assert comp.understood_as == "(text:дағдарыс OR root:дағдарыс)"
    assert comp.understood == [
        {
            "word": "дағдарыс",
            "as": "all_forms",
            "detail": {
                "key": "дағдарыс",
                "related": "дағдарыс",
                "read_as": None,
                "without_kazakh_letters": False,
                "found": True,
            },
        }
    ]
    folded = compile_query(parse("дагдарыс"), schema).understood_as
    assert "fold:" in folded
    shown = compile_query(parse("қандай дағдарыс"), schema).understood_as
    assert "ignored: қандай" in shown


def test_stop_words_alone_are_kept():
    comp = compile_query(parse("қандай"), build_schema())
    assert "text:" in comp.understood_as


QUERY_PIECES = st.sampled_from(
    list('"«»“”()-−*=:|ORNT doc title section ')
    + list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі")
    + list("abcdefgğıšäöüASDF0123456789")
    + [
        "\x00",
        "\x07",
        "\u200b",
        "\u202e",
        "\ufeff",
        "\ud7ff",
        "\n",
        "\t",
        "\r",
        "🙂",
        "̆",
        "OR ",
        "AND ",
        "NOT ",
    ]
)
QUERIES = st.one_of(
    st.text(max_size=200),
    st.lists(QUERY_PIECES, max_size=200).map("".join),
    st.lists(
        st.sampled_from(
            ["дағдарыс", "-", "*", '"', "(", ")", "OR", "=", "doc:", "title:", "экономика*", " "]
        ),
        max_size=80,
    ).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(QUERIES)
def test_parse_never_raises_other_errors(q):
    try:
        tree = parse(q)
    except QueryError:
        return
    try:
        compile_query(tree, build_schema())
    except QueryError:
        pass


@pytest.fixture(scope="module")
def handle(shipped_index):
    h = open_index(shipped_index)
    yield h
    h.close()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    q=QUERIES,
    limit=st.integers(-5, 120),
    offset=st.integers(-5, 10_050),
    order=st.sampled_from(["relevance", "document", "x"]),
)
def test_search_never_raises_other_errors(handle, q, limit, offset, order):
    try:
        r = search(handle, q, limit=limit, offset=offset, order=order)
    except QueryError:
        return
    assert isinstance(r["total"], int) and len(r["hits"]) <= r["limit"]
    for hit in r["hits"]:
        assert "<script" not in hit["highlight"]


@pytest.mark.parametrize(
    "q", ["а" * 10_000, "сөз " * 3000, '"' * 999, "(" * 999, "-" * 999, "*" * 999, "\x00" * 999]
)
def test_big_hostile_inputs(handle, q):
    """Refused with a QueryError that names its code, or answered with a sane result; any
    other exception fails the test."""
    try:
        r = search(handle, q)
    except QueryError as exc:
        assert exc.code and str(exc)
        return
    assert isinstance(r["total"], int) and len(r["hits"]) <= r["limit"]


def test_a_clause_typed_twice_counts_once(handle):
    once = search(handle, "дағдарыс партия", limit=20)
    twice = search(handle, "дағдарыс партия дағдарыс", limit=20)
    assert once["total"] > 0
    assert [h["anchor"] for h in twice["hits"]] == [h["anchor"] for h in once["hits"]]
    assert [h["score"] for h in twice["hits"]] == [h["score"] for h in once["hits"]]
    assert twice["understood_as"] == once["understood_as"]


def test_all_prefixes_of_a_query_share_one_budget(tmp_path):
    """Each prefix may expand to MAX_PREFIX_TERMS terms, but all of them together only to
    MAX_QUERY_PREFIX_TERMS: later prefixes get what is left, and the answer says so."""
    from indexer.index.store import update_index
    from indexer.search.query import MAX_PREFIX_TERMS, MAX_QUERY_PREFIX_TERMS, Compiler

    per_letter = MAX_PREFIX_TERMS + 50
    letters = "бвгдежзк"
    assert len(letters) * MAX_PREFIX_TERMS > MAX_QUERY_PREFIX_TERMS
    words = [f"{c}а{i:04d}" for c in letters for i in range(per_letter)]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "w.txt").write_text(
        "\n\n".join(" ".join(words[i : i + 50]) for i in range(0, len(words), 50)), encoding="utf-8"
    )
    update_index([corpus], tmp_path / "index")
    h = open_index(tmp_path / "index")
    try:
        with h.searcher() as s:
            c = Compiler(h.ix.schema, s.reader())
            sizes = [len(c._expand("exact", f"{x}а")[0]) for x in letters]
            again = c._expand("exact", "ба")
        assert sizes[0] == MAX_PREFIX_TERMS
        assert sum(sizes) == MAX_QUERY_PREFIX_TERMS
        assert sizes[-1] == 0
        assert len(again[0]) == MAX_PREFIX_TERMS  # a repeat is the same expansion
        r = search(h, " OR ".join(f"{x}а*" for x in letters))
        assert r["total"] > 0
        assert str(MAX_QUERY_PREFIX_TERMS) in " ".join(r.get("notes", [])) + r["understood_as"]
    finally:
        h.close()


def test_a_prefix_reads_all_segments_in_order(tmp_path, monkeypatch):
    """Terms of a prefix come from every segment, the first PREFIX_SCAN in alphabetical
    order over the whole index (not the first ones of one segment)."""
    from indexer.index.store import update_index
    from indexer.search import query

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    odd = [f"ба{i:02d}" for i in range(1, 40, 2)]
    even = [f"ба{i:02d}" for i in range(0, 40, 2)]
    (corpus / "odd.txt").write_text(" ".join(odd) + ".\n", encoding="utf-8")
    update_index([corpus], tmp_path / "index")
    (corpus / "even.txt").write_text(" ".join(even) + ".\n", encoding="utf-8")
    update_index([corpus], tmp_path / "index")
    monkeypatch.setattr(query, "PREFIX_SCAN", 10)
    h = open_index(tmp_path / "index")
    try:
        with h.searcher() as s:
            reader = s.reader()
            assert len(reader.leaf_readers()) >= 2, "the test needs two segments"
            forms, cut = query.Compiler(h.ix.schema, reader)._expand("exact", "ба")
        assert cut
        assert sorted(forms) == [f"ба{i:02d}" for i in range(10)]
    finally:
        h.close()


def test_a_form_with_two_readings_asks_for_both_keys():
    """алып is keyed in the index under its likelier reading (ал, "taking"); the listed
    word алып ("giant") keys the forms read that way. A query for алып asks for both."""
    assert stem_keys("алып") == ("ал", "алып")
    comp = compile_query(parse("алып"), build_schema())
    assert "text:ал" in comp.understood_as and "text:алып" in comp.understood_as
    assert {"ал", "алып"} <= comp.marks.stems
    # a word with one reading gets one key
    one = compile_query(parse("мемлекет"), build_schema())
    assert one.understood_as.count("text:") == 1
