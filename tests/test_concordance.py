"""The concordance (keyword in context) over a real index of the shipped paper: every
occurrence, paged, sorted in Kazakh order, exported, narrowed to chosen forms; the page, the
API, the export and the CLI agree."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.cli import main as cli
from indexer.index.store import open_index
from indexer.search import budget
from indexer.search import concordance as kwic
from indexer.search.engine import search
from indexer.text.collation import KAZAKH_ALPHABET, sort_key, sorted_kk

REPO = Path(__file__).resolve().parent.parent
PAPER = REPO / "corpus" / "nur-otan-strategy-2009-2012.kk.txt"
DOC = "nur-otan-strategy-2009-2012"
WORD = "дағдарыс"
WORDS = re.compile(r"\w+")


def counted_in_the_file(prefix: str) -> int:
    """Occurrences counted straight from the text file, without izde."""
    text = PAPER.read_text(encoding="utf-8").lower()
    return len(re.findall(rf"(?<!\w){prefix}\w*", text))


@pytest.fixture(scope="module")
def handle(shipped_index):
    return open_index(shipped_index)


@pytest.fixture(scope="module")
def client(shipped_index):
    from webapp import create_app

    return create_app({"INDEX_DIR": shipped_index}).test_client()


def all_pages(h, w: str, size: int = 10, **kw) -> tuple[int, list[dict]]:
    first = kwic.concordance(h, w, limit=size, **kw)
    lines = list(first["lines"])
    for offset in range(size, first["total"] + size, size):
        page = kwic.concordance(h, w, offset=offset, limit=size, **kw)
        assert page["total"] == first["total"]  # the total does not depend on the page
        lines += page["lines"]
    return first["total"], lines


# -- Kazakh alphabetical order ----------------------------------------------------------------


def test_kazakh_order_is_the_alphabet_not_code_points():
    letters = KAZAKH_ALPHABET.split()
    assert len(letters) == 42
    shuffled = sorted(letters)  # code-point order: ә ғ қ … after я
    assert shuffled != letters
    assert sorted_kk(shuffled) == letters
    assert sorted_kk(["ұл", "үй", "ел", "іс", "ия", "ақ", "әке", "я"]) == [
        "ақ",
        "әке",
        "ел",
        "ия",
        "ұл",
        "үй",
        "іс",
        "я",
    ]
    assert sort_key("Қазақ") == sort_key("қазақ")
    assert sorted_kk(["қыз", "кел", "2009", "abc"]) == ["2009", "кел", "қыз", "abc"]


# -- every occurrence, paged and sorted ------------------------------------------------------


def test_every_occurrence_of_the_word_over_pages_of_ten_sorted_by_right_context(handle):
    expected = counted_in_the_file(WORD)
    assert expected == 34  # the count of the file itself
    total, lines = all_pages(handle, WORD, doc=DOC, sort="right")
    assert total == expected
    assert len(lines) == total
    places = {(ln["paragraph"], ln["left"], ln["match"]) for ln in lines}
    assert len(places) == total  # no occurrence twice, none left out
    for ln in lines:
        assert ln["match"].lower().startswith(WORD)
        assert ln["doc_id"] == DOC and ln["anchor"] == f"{DOC}#p{ln['paragraph']}"
    # The right context, word by word outward from the match, in Kazakh order.
    keys = [tuple(sort_key(w) for w in WORDS.findall(ln["right"].lower())[:3]) for ln in lines]
    assert keys == sorted(keys)


def test_left_sort_reads_outward_from_the_match(handle):
    total, lines = all_pages(handle, WORD, size=7, sort="left")
    assert total == 34
    keys = [
        tuple(sort_key(w) for w in reversed(WORDS.findall(ln["left"].lower())[-3:])) for ln in lines
    ]
    # (a word cut by the context width may differ from the whole word the sort used)
    assert [k[:1] for k in keys] == sorted(k[:1] for k in keys)


def test_document_and_form_orders(handle):
    _, by_doc = all_pages(handle, WORD, sort="doc")
    paragraphs = [ln["paragraph"] for ln in by_doc]
    assert paragraphs == sorted(paragraphs)
    _, by_form = all_pages(handle, WORD, sort="form")
    forms = [ln["form"] for ln in by_form]
    assert forms == sorted(forms, key=sort_key)
    assert sorted(map(repr, by_doc)) == sorted(map(repr, by_form))


def test_the_spellings_search_takes(handle):
    plain = kwic.concordance(handle, WORD, limit=5)
    for spelled in ("дагдарыс", "dağdarys", "д\u0061гд\u0061рыс", "ДАҒДАРЫСТЫҢ"):
        other = kwic.concordance(handle, spelled, limit=5)
        assert other["keys"] == plain["keys"], spelled
        assert other["total"] == plain["total"] == 34
        assert [ln["anchor"] for ln in other["lines"]] == [ln["anchor"] for ln in plain["lines"]]


def test_forms_with_counts_and_unticking_a_form(handle):
    every = kwic.concordance(handle, WORD, limit=100)
    counts = {f["form"]: f["count"] for f in every["forms"]}
    assert counts == {"дағдарыстан": 15, "дағдарыс": 7, "дағдарысқа": 7, "дағдарыстың": 5}
    assert sum(counts.values()) == every["total"]
    kept = [f for f in counts if f != "дағдарыстан"]
    narrowed = kwic.concordance(handle, WORD, forms=kept, limit=100)
    assert narrowed["total"] == every["total"] - counts["дағдарыстан"]
    assert {ln["form"] for ln in narrowed["lines"]} == set(kept)
    assert len(narrowed["lines"]) == narrowed["total"]
    assert {f["form"]: f["selected"] for f in narrowed["forms"]} == {
        f: f != "дағдарыстан" for f in counts
    }
    # The links mark exactly the chosen forms on the document page.
    assert narrowed["link_query"] == " OR ".join("=" + f for f in sorted(kept, key=sort_key))


def test_too_many_to_sort_by_context_comes_in_document_order(shipped_index, monkeypatch):
    monkeypatch.setattr(kwic, "CONTEXT_SORT_MAX", 10)
    h = open_index(shipped_index)  # a fresh handle: orders are cached per handle
    r = kwic.concordance(h, WORD, sort="right", limit=100)
    assert r["sort"] == "doc"
    assert r["sort_refused"] == {"asked": "right", "most": 10, "why": "too_many"}
    assert r["total"] == 34
    assert [ln["paragraph"] for ln in r["lines"]] == sorted(ln["paragraph"] for ln in r["lines"])


def test_a_context_sort_past_its_deadline_comes_in_document_order(shipped_index):
    """The budget is spent before the first chunk of paragraphs is read (a budget of a
    nanosecond): the sort is refused, not run past its deadline, and the refusal is not
    kept, so a request with time to spare sorts."""
    h = open_index(shipped_index)
    r = kwic.concordance(h, WORD, sort="left", limit=100, budget=1e-9)
    assert r["sort"] == "doc" and r["total"] == 34
    assert r["sort_refused"] == {
        "asked": "left",
        "most": kwic.CONTEXT_SORT_MAX,
        "why": "time_budget",
    }
    again = kwic.concordance(h, WORD, sort="left", limit=100)
    assert again["sort"] == "left" and "sort_refused" not in again
    text = kwic.format_text(r)
    assert "not sorted by left context" in text and "time budget" in text


def test_a_context_sort_waits_for_the_expensive_lane_or_is_busy(shipped_index, client):
    """While another expensive search holds its lane (one at a time), a context sort whose
    turn cannot come within its budget is Busy: a 503 with Retry-After on the web."""
    h = open_index(shipped_index)
    with budget.turn(expensive=True):
        with pytest.raises(budget.Busy):
            kwic.concordance(h, WORD, sort="right", budget=1e-9)
        r = client.get(f"/api/concordance?w={quote(WORD)}&sort=left&limit=3")
        assert r.status_code == 503 and r.headers["Retry-After"]
        # document order needs no lane of its own
        assert kwic.concordance(h, WORD, limit=3)["total"] == 34
    assert kwic.concordance(h, WORD, sort="right", limit=3)["sort"] == "right"


def test_a_failed_build_leaves_nothing_behind(shipped_index, monkeypatch):
    """The per-generation state lives on the handle, and a build that fails (here a
    deadline that passes while waiting) leaves no entry for its order."""
    h = open_index(shipped_index)

    def fail(*_a, **_kw):
        raise budget.Busy("no turn")

    monkeypatch.setattr(kwic, "_build", fail)
    with pytest.raises(budget.Busy):
        kwic.concordance(h, WORD, sort="left")
    assert h.caches.get("concordance_building") == {}
    assert not h.caches.get("concordance")
    monkeypatch.undo()
    assert kwic.concordance(h, WORD, sort="left")["sort"] == "left"
    assert h.caches.get("concordance_building") == {} and len(h.caches["concordance"]) == 1
    assert not any(isinstance(v, dict) and "_BUILDING" in k for k, v in vars(kwic).items())


def test_bad_requests(handle):
    for kw in ({"limit": 0}, {"offset": -1}, {"width": 5}, {"sort": "random"}):
        with pytest.raises(kwic.QueryError):
            kwic.concordance(handle, WORD, **kw)
    with pytest.raises(kwic.QueryError):
        kwic.concordance(handle, " ".join(["сөз"] * (kwic.MAX_PHRASE + 1)))
    past = kwic.concordance(handle, WORD, offset=1000)
    assert past["total"] == 34 and past["lines"] == []
    nothing = kwic.concordance(handle, "жоқсөзжоқ")
    assert nothing["total"] == 0 and nothing["lines"] == [] and nothing["forms"] == []


def test_the_export_takes_turns_with_searches(shipped_index, monkeypatch):
    """While an export is paused between chunks, a search (one at a time: the default)
    runs to the end."""
    monkeypatch.setattr(kwic, "EXPORT_CHUNK", 2)
    h = open_index(shipped_index)
    expected = search(h, WORD, limit=3)["total"]
    lines = kwic.iter_lines(h, WORD)
    first = next(lines)
    done = []
    t = threading.Thread(target=lambda: done.append(search(h, WORD, limit=3)["total"]))
    t.start()
    t.join(timeout=20)
    assert done == [expected]
    rest = list(lines)
    assert 1 + len(rest) == 34 and first["paragraph"] <= rest[0]["paragraph"]


# -- page, API, export and CLI ------------------------------------------------------------------


def tsv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))


def test_tsv_quotes_what_needs_quoting():
    """A value with a tab or a double quote is quoted, RFC 4180 style, and reads back whole;
    a line break becomes a space so that each row stays one line."""
    values = ['"Нұр Отан" ХДП', "a\tb", "line\nbreak", 7, "plain"]
    row = kwic.tsv_row(values)
    assert row.count("\n") == 1 and row.endswith("\n")
    assert tsv_rows(row) == [['"Нұр Отан" ХДП', "a\tb", "line break", "7", "plain"]]
    assert row.startswith('"""Нұр Отан"" ХДП"\t"a\tb"\tline break\t7\tplain')


def test_tsv_export_has_exactly_total_rows(client):
    for args in ("", "&sort=right", f"&doc={DOC}", "&form=дағдарыс&form=дағдарысқа"):
        api = client.get(f"/api/concordance?w={quote(WORD)}&limit=1{args}").get_json()
        r = client.get(f"/api/concordance?w={quote(WORD)}&format=tsv{args}")
        assert r.status_code == 200
        assert r.headers["Content-Type"] == "text/tab-separated-values; charset=utf-8"
        assert r.is_streamed
        rows = tsv_rows(r.get_data().decode("utf-8"))
        assert tuple(rows[0]) == kwic.TSV_COLUMNS
        assert len(rows) - 1 == api["total"], args
        assert all(len(row) == len(kwic.TSV_COLUMNS) for row in rows)
        assert rows[1][kwic.TSV_COLUMNS.index("match")] == api["lines"][0]["match"]
    plain = client.get(f"/api/concordance?w={quote(WORD)}&format=tsv").get_data()
    assert len(tsv_rows(plain.decode("utf-8"))) - 1 == 34


def test_cli_concordance(shipped_index):
    runner = CliRunner()
    out = runner.invoke(cli, ["concordance", WORD, "--tsv", "--index", str(shipped_index)])
    assert out.exit_code == 0, out.output
    rows = tsv_rows(out.output)
    assert tuple(rows[0]) == kwic.TSV_COLUMNS and len(rows) - 1 == 34
    args = ["concordance", "дагдарыс", "--sort", "right", "--limit", "5", "--json"]
    out = runner.invoke(cli, [*args, "--index", str(shipped_index)])
    assert out.exit_code == 0
    h = open_index(shipped_index)
    assert json.loads(out.output) == kwic.concordance(h, "дагдарыс", sort="right", limit=5)
    text = runner.invoke(cli, ["concordance", WORD, "--index", str(shipped_index)]).output
    assert text.startswith(f"{WORD}: 34 occurrences") and text.count("[") >= 34
    nine = " ".join(["сөз"] * 9)
    bad = runner.invoke(cli, ["concordance", nine, "--index", str(shipped_index)])
    assert bad.exit_code == 2


def test_page_and_api_agree(client):
    args = f"w={quote('дагдарыс')}&sort=right&limit=10&offset=10"
    api = client.get(f"/api/concordance?{args}").get_json()
    page = client.get(f"/concordance?{args}").get_data(as_text=True)
    assert api["total"] == 34 and len(api["lines"]) == 10
    marks = re.findall(r'<mark class="kwic-form"[^>]*>([^<]*)</mark>', page)
    assert marks == [ln["match"] for ln in api["lines"]]
    links = re.findall(r'<a class="kwic-link" href="([^"]+)"', page)
    assert [int(urlsplit(u).fragment[1:]) for u in links] == [
        ln["paragraph"] for ln in api["lines"]
    ]
    assert "11–20" in page and "34" in page
    assert 'rel="next"' in page and 'rel="prev"' in page
    for f in api["forms"]:
        assert f'value="{f["form"]}" checked>' in page


def test_unticked_form_leaves_the_page_and_the_export(client):
    args = f"w={quote(WORD)}&form={quote('дағдарыс')}&form={quote('дағдарыстың')}&limit=100"
    page = client.get(f"/concordance?{args}").get_data(as_text=True)
    marks = re.findall(r'<mark class="kwic-form"[^>]*>([^<]*)</mark>', page)
    assert len(marks) == 12 and {m.lower() for m in marks} == {"дағдарыс", "дағдарыстың"}
    assert f'value="{"дағдарыстан"}">' in page  # shown, not ticked
    rows = tsv_rows(client.get(f"/concordance?{args}&format=tsv").get_data().decode("utf-8"))
    assert len(rows) - 1 == 12


def test_each_line_opens_its_paragraph_with_the_word_marked(client):
    page = client.get(f"/concordance?w={quote('dağdarys')}&limit=5").get_data(as_text=True)
    links = re.findall(r'<a class="kwic-link" href="([^"]+)"', page)
    assert len(links) == 5
    for link in links:
        url = urlsplit(link.replace("&amp;", "&"))
        assert url.path == f"/doc/{DOC}" and parse_qs(url.query)["q"] == [WORD]
        n = url.fragment[1:]
        doc = client.get(f"{url.path}?{url.query}").get_data(as_text=True)
        para = re.search(rf'id="p{n}".*?</(?:p|h\d|li|div)>', doc, re.S)
        assert para is not None and "<mark>" in para.group(0)


def test_api_errors_are_400(client):
    assert client.get("/api/concordance").status_code == 400
    assert client.get(f"/api/concordance?w={quote(' '.join(['сөз'] * 9))}").status_code == 400
    assert client.get(f"/api/concordance?w={WORD}&sort=x").status_code == 400
    assert client.get(f"/api/concordance?w={WORD}&limit=5000").status_code == 400
    assert client.get(f"/api/concordance?w={WORD}&doc=../x").status_code == 400
    assert client.get(f"/concordance?w={WORD}&format=xml").status_code == 400


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    w=st.text(max_size=40),
    forms=st.lists(st.text(max_size=12), max_size=3),
    sort=st.sampled_from(["doc", "left", "right", "form", "x"]),
    route=st.sampled_from(["/concordance", "/api/concordance", "/term", "/api/term"]),
)
def test_any_word_is_answered_never_a_500(client, w, forms, sort, route):
    args = [("w", w), ("sort", sort)] + [("form", f) for f in forms]
    try:
        target = route + "?" + urlencode(args)
    except UnicodeEncodeError:  # lone surrogates cannot travel as UTF-8
        return
    r = client.get(target)
    assert r.status_code in (200, 400), target
    if r.status_code == 200 and route == "/api/concordance" and w.strip():
        body = r.get_json()
        assert len(body["lines"]) <= body["total"]


@pytest.mark.parametrize(
    ("phrase", "pattern"),
    [
        ("экономикалық дағдарыс", r"экономикалық\s+дағдарыс\w*"),
        ("дағдарыстан кейінгі", r"дағдарыстан\s+кейінгі(?!\w)"),
        ("Нұр Отан", r"нұр\s+отан\w*"),
    ],
)
def test_a_phrase_each_word_in_any_form(handle, client, phrase, pattern):
    text = PAPER.read_text(encoding="utf-8").lower()
    expected = len(re.findall(rf"(?<!\w){pattern}", text))
    total, lines = all_pages(handle, phrase, size=5, sort="right")
    assert total == expected > 0
    first, second = (w.lower() for w in phrase.split())
    for ln in lines:
        words = WORDS.findall(ln["match"].lower())
        assert words[0].startswith(first[:4]) and words[-1].startswith(second[:3])
    keys = [tuple(sort_key(w) for w in WORDS.findall(ln["right"].lower())[:1]) for ln in lines]
    assert keys == sorted(keys)
    r = client.get(f"/api/concordance?w={quote(phrase)}&format=tsv")
    assert len(tsv_rows(r.get_data().decode("utf-8"))) - 1 == total
    page = client.get(f"/concordance?w={quote(phrase)}&limit=100").get_data(as_text=True)
    assert len(re.findall(r'<mark class="kwic-form"', page)) == total
