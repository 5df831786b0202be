"""izde's Whoosh writers (indexer.index.writer) write what Whoosh's own writer writes.

Every comparison is at the reader level: terms, term statistics, every posting with its
weight and encoded value, each document's field lengths, stored fields and columns. (The
files are not byte-identical: the pool interns equal posting values, so Whoosh's pickled
blocks refer back to an earlier equal value instead of repeating it.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from whoosh import index as windex
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.writing import SegmentWriter

from indexer.index.schema import build_schema, paragraph_fields
from indexer.index.writer import IzdeMpWriter, IzdeSegmentWriter, TermPool, open_writer
from indexer.ingest.readers import iter_documents

REPO = Path(__file__).resolve().parent.parent
PAPER = REPO / "corpus" / "nur-otan-strategy-2009-2012.kk.txt"


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    """add_document arguments of the shipped paper's paragraphs, and of a few extra
    documents with odd content (compounds, numbers, capitals, empty sections)."""
    out = []
    for copy in range(3):  # three copies: frequent terms span several posting blocks
        for doc in iter_documents(PAPER):
            doc.doc_id = f"paper{copy}"
            paras = doc.paragraphs[copy:] + doc.paragraphs[:copy]
            out += [paragraph_fields(doc, p) for p in paras]
    extra = [
        "салт-дәстүр ХДП-ның 200-ден 1-ші сондай-ақ Астана'да 12.05.2009 Қазақстан-2030",
        "ҚАЗАҚСТАН РЕСПУБЛИКАСЫ ПРЕЗИДЕНТІ",
        "5 247 720 теңге, 88,41 пайыз",
        "Twitter-дегі 2009–2012 жж. Н.Ә. Назарбаев",
        "и в на что это процесс",
    ]
    for i, text in enumerate(extra, 1):
        out.append(
            {
                "anchor": f"x#p{i}",
                "doc_id": "x",
                "n": i,
                "kind": "paragraph",
                "text": text,
                "exact": text,
                "fold": text,
                "title": "Қосымша мәтін",
                "section": "",
                "lang": "kk",
                "fp": f"fp{i}",
                "url": "",
            }
        )
    schema = build_schema()
    return [{k: v for k, v in r.items() if k in schema} for r in out]


def build(path: Path, rows: list[dict], writer_factory, commits: int = 1, schema=None):
    path.mkdir(parents=True, exist_ok=True)
    ix = windex.create_in(str(path), schema or build_schema())
    step = -(-len(rows) // commits)
    for start in range(0, len(rows), step):
        w = writer_factory(ix)
        for r in rows[start : start + step]:
            w.add_document(**r)
        w.commit()
    return windex.open_dir(str(path))


def stock(ix):
    return SegmentWriter(ix, compound=False)


def snapshot(ix, key: str = "anchor", blocks: bool = True) -> dict:
    """Everything a search can see, keyed by a unique stored field (document numbers may
    differ between segment layouts)."""
    with ix.reader() as r:
        anchor_of = {d: f.get(key) for d, f in r.iter_docs()}
        assert None not in anchor_of.values()
        stored = {anchor_of[d]: f for d, f in r.iter_docs()}
        lengths = {
            anchor_of[d]: {name: r.doc_field_length(d, name) for name in ix.schema.scorable_names()}
            for d in anchor_of
        }
        postings = {}
        stats = {}
        for fieldname, btext in r.all_terms():
            ti = r.term_info(fieldname, btext)
            stats[(fieldname, btext)] = (
                ti.weight(),
                ti.doc_frequency(),
                ti.min_length(),
                ti.max_length(),
                ti.max_weight(),
            )
            m = r.postings(fieldname, btext)
            items = []
            while m.is_active():
                # The block layout too: postings per block and the block's statistics.
                block = (
                    (
                        getattr(m, "_blocklength", None),
                        m.block_min_length(),
                        m.block_max_length(),
                        m.block_max_weight(),
                    )
                    if blocks
                    else None
                )
                items.append((anchor_of[m.id()], m.weight(), m.value(), block))
                m.next()
            postings[(fieldname, btext)] = sorted(items)
        columns = {}
        for name in ("doc_id", "n", "num"):
            if name in ix.schema and r.has_column(name):
                col = r.column_reader(name)
                columns[name] = {anchor_of[d]: col[d] for d in anchor_of}
        field_lengths = {name: r.field_length(name) for name in ix.schema.scorable_names()}
    return {
        "stored": stored,
        "lengths": lengths,
        "postings": postings,
        "stats": stats,
        "columns": columns,
        "field_lengths": field_lengths,
    }


def assert_same(a: dict, b: dict) -> None:
    for key in ("stored", "lengths", "columns", "field_lengths"):
        assert a[key] == b[key], key
    assert a["postings"].keys() == b["postings"].keys()
    for key in a["postings"]:
        assert a["postings"][key] == b["postings"][key], key
    assert a["stats"] == b["stats"]


def test_same_index_as_whoosh(tmp_path, rows):
    want = snapshot(build(tmp_path / "stock", rows, stock))
    got_ix = build(tmp_path / "izde", rows, lambda ix: IzdeSegmentWriter(ix))
    assert_same(want, snapshot(got_ix))
    assert len(want["postings"]) > 3000
    assert max(len(p) for p in want["postings"].values()) > 2 * 128  # several blocks


def test_same_index_when_the_pool_spills_to_runs(tmp_path, rows, monkeypatch):
    runs = []
    original = TermPool.save

    def small_save(self):
        runs.append(len(self._fields))
        original(self)

    monkeypatch.setattr(TermPool, "save", small_save)

    def writer(ix):
        w = IzdeSegmentWriter(ix, limitmb=1)
        w.pool.limit = 40_000  # a few hundred postings per run
        return w

    want = snapshot(build(tmp_path / "stock", rows, stock))
    assert_same(want, snapshot(build(tmp_path / "izde", rows, writer)))
    assert len(runs) > 5
    assert not list((tmp_path / "izde").rglob("*.termrun"))  # runs removed


def test_same_index_after_merges_and_deletions(tmp_path, rows):
    """Several commits (segments merged by Whoosh's policy through the pool), deletions,
    then an optimize: the merged postings go through TermPool.add."""

    def run(path, factory):
        ix = build(path, rows, factory, commits=4)
        w = factory(ix)
        w.delete_by_term("anchor", rows[3]["anchor"])
        w.delete_by_term("anchor", rows[-1]["anchor"])
        w.add_document(
            **{**rows[3], "text": "жаңа мәтін", "exact": "жаңа мәтін", "fold": "жаңа мәтін"}
        )
        w.commit(optimize=True)
        return windex.open_dir(str(path))

    want = snapshot(run(tmp_path / "stock", stock))
    got = run(tmp_path / "izde", lambda ix: IzdeSegmentWriter(ix))
    assert len(got._segments()) == 1
    assert_same(want, snapshot(got))


def test_two_processes_same_postings(tmp_path, rows):
    want = snapshot(build(tmp_path / "stock", rows, stock), blocks=False)
    got = build(tmp_path / "mp", rows, lambda ix: open_writer(ix, procs=2))
    assert len(got._segments()) == 2  # one per helper: blocks differ, not postings
    assert_same(want, snapshot(got, blocks=False))
    w = open_writer(got, procs=2)
    assert isinstance(w, IzdeMpWriter) and not w.compound
    w.cancel()


def test_two_processes_over_existing_segments(tmp_path, rows):
    """An update with the two-process writer: the parent merges the existing segments
    (optimize) through its own pool while the helpers write the new documents."""

    def run(path, first, second):
        ix = build(path, rows[:200], first, commits=2)
        w = second(ix)
        w.delete_by_term("anchor", rows[10]["anchor"])
        for r in rows[200:]:
            w.add_document(**r)
        w.commit(optimize=True)
        return windex.open_dir(str(path))

    want = snapshot(run(tmp_path / "stock", stock, stock), blocks=False)
    got = run(
        tmp_path / "mp", lambda ix: IzdeSegmentWriter(ix), lambda ix: open_writer(ix, procs=2)
    )
    assert len(got._segments()) == 3  # merged old ones + one per helper
    assert_same(want, snapshot(got, blocks=False))


def test_segments_are_not_compound(tmp_path, rows):
    ix = build(tmp_path / "ix", rows[:50], lambda ix: open_writer(ix))
    names = os.listdir(tmp_path / "ix")
    assert not [n for n in names if n.endswith(".seg")], names
    assert [n for n in names if n.endswith(".trm")] and [n for n in names if n.endswith(".pst")]
    assert all(not s.is_compound() for s in ix._segments())


def test_fallbacks_match_whoosh(tmp_path):
    """Boosted documents take Whoosh's own add_document (their lengths are then read back
    from the lengths column at commit); a schema with a term vector uses it throughout."""
    schema = Schema(
        id=ID(stored=True), body=TEXT(stored=True), num=NUMERIC(int, sortable=True), extra=STORED()
    )
    docs = [
        {"id": str(i), "body": f"alpha beta {'gamma ' * (i % 4)} w{i}", "num": i, "extra": {"i": i}}
        for i in range(200)
    ]
    docs[5]["_boost"] = 2.0
    docs[6]["_body_boost"] = 3.0
    want = snapshot(build(tmp_path / "a", docs, stock, schema=schema), key="id")
    got = snapshot(
        build(tmp_path / "b", docs, lambda ix: IzdeSegmentWriter(ix), schema=schema), key="id"
    )
    assert_same(want, got)

    vschema = Schema(id=ID(stored=True), body=TEXT(stored=True, vector=True))
    vdocs = [{"id": str(i), "body": f"x y{i % 3} z"} for i in range(50)]
    ix = build(tmp_path / "v", vdocs, lambda ix: IzdeSegmentWriter(ix), schema=vschema)
    assert_same(
        snapshot(build(tmp_path / "w", vdocs, stock, schema=vschema), key="id"),
        snapshot(ix, key="id"),
    )
    with ix.searcher() as s:
        assert s.vector_as("weight", 0, "body")
