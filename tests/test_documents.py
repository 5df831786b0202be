"""Readers: every format built from scratch, the shipped paper, encodings, skips, ids."""

from __future__ import annotations

import datetime
import json
import os
import tempfile
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from indexer.ingest import ids
from indexer.ingest.encoding import BinaryContent, EncodingUndetermined, decode_bytes
from indexer.ingest.model import SkipFile
from indexer.ingest.paragraphs import fingerprint, number_blocks, split_plain_text
from indexer.ingest.readers import read_documents

REPO = Path(__file__).resolve().parent.parent
PAPER = REPO / "corpus" / "nur-otan-strategy-2009-2012.kk.txt"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

BAR = "ДАМУДЫҢ НЕГІЗГІ БАСЫМДЫҚТАРЫ"
SUB2 = "2. Азаматтардың мүддесін қорғау, Халықтық тұғырнаманы іске асыру"


def one(path: Path):
    docs = read_documents(path)
    assert len(docs) == 1
    return docs[0]


def assert_numbered(doc) -> None:
    assert [p.n for p in doc.paragraphs] == list(range(1, len(doc.paragraphs) + 1))
    for p in doc.paragraphs:
        assert p.text == p.text.strip() and p.text
        assert p.fp == fingerprint(p.text)


# -- the shipped paper -------------------------------------------------------------------


@pytest.fixture(scope="module")
def paper():
    return one(PAPER)


def test_paper_metadata_from_sidecar(paper):
    assert paper.doc_id == "nur-otan-strategy-2009-2012"
    assert paper.title == '"Нұр Отан" ХДП-ның 2009-2012 жылдарға арналған Іс-әрекеттер стратегиясы'
    assert paper.lang == "kk" and paper.date == "2009"
    assert paper.encoding == "utf-8" and paper.format == "text"
    assert len(paper.sha256) == 64


def test_paper_paragraphs_and_headings(paper):
    assert_numbered(paper)
    assert len(paper.paragraphs) == 124
    headings = [p.text for p in paper.paragraphs if p.kind == "heading"]
    assert headings == [
        "«Нұр Отан» Халықтық Демократиялық партиясының 2009-2012 жылдарға арналған "
        "Іс-әрекеттер стратегиясы",
        "КІРІСПЕ",
        "ПАРТИЯНЫҢ СТРАТЕГИЯЛЫҚ МАҚСАТТАРЫ МЕН МІНДЕТТЕРІ",
        "НЕГІЗГІ СТРАТЕГИЯЛЫҚ МІНДЕТТЕРГЕ ҚОЛ ЖЕТКІЗУ КЕЗЕҢДЕРІ",
        "САЯСИ ЦЕНТРИЗМ ТҰЖЫРЫМДАМАСЫН ДАМЫТУ",
        BAR,
        "1. Ұлт Көшбасшысының төңірегіне жалпықазақстандық топтасуды дамыту",
        SUB2,
        "3. Партияның әлеуметтік базасын нығайту және кеңейту",
        "4. Дағдарыстан кейінгі дамудың инновациялық идеяларына серпінділік беру",
        "5. Партияның жаңа серпінді бейнесін қалыптастыру",
        "6. Ішкі партиялық менеджменттің жаңа принциптерін енгізу",
        "7. Жаңа электоралды циклге әзірлік",
        "ҚОРЫТЫНДЫ",
    ]
    # The title block is paragraph 1 and enters no section path.
    assert paper.paragraphs[0].kind == "heading" and paper.paragraphs[0].section == []
    assert paper.paragraphs[1].text == "КІРІСПЕ" and paper.paragraphs[2].section == ["КІРІСПЕ"]


def test_paper_section_paths(paper):
    bar = next(
        p for p in paper.paragraphs if p.text.startswith("Қазіргі дағдарыс – беріктігімізді")
    )
    assert bar.kind == "paragraph"
    assert bar.section == [BAR, SUB2]
    sub = next(p for p in paper.paragraphs if p.text == SUB2)
    assert sub.kind == "heading" and sub.section == [BAR]
    # A new numbered heading replaces the previous one; a new all-caps heading resets.
    last = next(p for p in paper.paragraphs if p.text.startswith("Сайлауда жеңіске жету"))
    assert last.section == [BAR, "7. Жаңа электоралды циклге әзірлік"]
    concl = next(p for p in paper.paragraphs if p.text.startswith("Партия экономиканы одан әрі"))
    assert concl.section == ["ҚОРЫТЫНДЫ"]


def test_paper_lists_are_paragraphs(paper):
    stages = [p for p in paper.paragraphs if p.text.startswith(("1)", "2)", "3)"))]
    assert len(stages) == 3 and all(p.kind == "paragraph" for p in stages)
    assert stages[0].section == ["НЕГІЗГІ СТРАТЕГИЯЛЫҚ МІНДЕТТЕРГЕ ҚОЛ ЖЕТКІЗУ КЕЗЕҢДЕРІ"]
    items = [p for p in paper.paragraphs if p.text.startswith("6. Энергетиканы дамыту.")]
    assert len(items) == 1 and items[0].kind == "paragraph"
    priorities = [p for p in paper.paragraphs if p.text == "7. Жаңа электоралды циклге әзірлік."]
    assert priorities and priorities[0].kind == "paragraph"


def test_paper_decoration_dropped(paper):
    assert not any(set(p.text) <= set("_ ") for p in paper.paragraphs)
    assert paper.paragraphs[-1].text.startswith("Дағдарыс – бұл инновация уақыты.")


# -- plain text variants -----------------------------------------------------------------


def test_hard_wrapped_text_joins_lines(tmp_path):
    f = tmp_path / "wrapped.txt"
    f.write_text(
        "Тақырып\n\nКІРІСПЕ\n\nБірінші абзац мұнда басталып, келесі жолда жал-\n"
        "ғасады және осында аяқталады.\n\nЕкінші абзац қысқа.\n",
        encoding="utf-8",
    )
    doc = one(f)
    assert doc.title == "Тақырып"
    texts = [(p.kind, p.text) for p in doc.paragraphs]
    assert texts == [
        ("heading", "Тақырып"),
        ("heading", "КІРІСПЕ"),
        (
            "paragraph",
            "Бірінші абзац мұнда басталып, келесі жолда жалғасады және осында аяқталады.",
        ),
        ("paragraph", "Екінші абзац қысқа."),
    ]
    assert doc.paragraphs[2].section == ["КІРІСПЕ"]


def test_split_plain_text_numbered_list_without_periods_is_not_headings():
    _title, blocks = split_plain_text(
        "Кіріспе сөз бірнеше сөйлемнен тұрады және ол ұзын болып келеді. " * 3 + "\n"
        "1. Бірінші тармақ\n2. Екінші тармақ\n3. Үшінші тармақ\n",
        detect_title=False,
    )
    assert [b.kind for b in blocks] == ["paragraph"] * 4


@pytest.mark.parametrize("codec,label", [("kz1048", "kz1048"), ("utf-16", "utf-16")])
def test_legacy_and_utf16_files(tmp_path, codec, label):
    text = (
        "КІРІСПЕ\nҚазақстан қазір қоғамның барлық тараптарын сапалы терең қайта құру "
        "жолында тұр, әлеуметтік өңірлер үйлесімді дамиды.\n" * 3
    )
    f = tmp_path / f"legacy-{codec}.txt"
    f.write_bytes(text.encode(codec))
    doc = one(f)
    assert doc.encoding == label
    assert doc.paragraphs[1].text.startswith("Қазақстан қазір қоғамның")


def test_cp1251_lookalike_file(tmp_path):
    text = (
        "Казакстан казiр когамнын барлык тараптарын сапалы терен кайта куру жолында тур.\n"
        "Улт Кошбасшысынын торенiрегiне жалпыказакстандык топтасуды дамыту керек.\n"
    )
    f = tmp_path / "lookalike.txt"
    f.write_bytes(text.encode("cp1251"))
    doc = one(f)
    assert doc.encoding == "cp1251"
    assert doc.paragraphs[-1].text.startswith("Улт Кошбасшысынын")


# -- markdown ----------------------------------------------------------------------------


def test_markdown(tmp_path):
    f = tmp_path / "note.kk.md"
    f.write_text(
        "---\ntitle: Жазба\ndate: 2024-05-01\n---\n"
        "# Бірінші бөлім\n\nМәтін **қалың** және *көлбеу* және [сілтеме](http://x.kz) бар.\n"
        "Жалғасы осында.\n\n## Ішкі бөлім\n\n- бірінші тармақ\n- екінші `код` тармақ\n\n"
        "# Екінші бөлім\n\n> Дәйексөз мәтіні.\n\n```\nprint(1)\n```\n",
        encoding="utf-8",
    )
    doc = one(f)
    assert doc.title == "Жазба" and doc.date == "2024-05-01" and doc.lang == "kk"
    assert doc.format == "markdown"
    got = [(p.kind, p.text, p.section) for p in doc.paragraphs]
    assert got == [
        ("heading", "Бірінші бөлім", []),
        (
            "paragraph",
            "Мәтін қалың және көлбеу және сілтеме бар. Жалғасы осында.",
            ["Бірінші бөлім"],
        ),
        ("heading", "Ішкі бөлім", ["Бірінші бөлім"]),
        ("paragraph", "бірінші тармақ", ["Бірінші бөлім", "Ішкі бөлім"]),
        ("paragraph", "екінші код тармақ", ["Бірінші бөлім", "Ішкі бөлім"]),
        ("heading", "Екінші бөлім", []),
        ("paragraph", "Дәйексөз мәтіні.", ["Екінші бөлім"]),
        ("paragraph", "print(1)", ["Екінші бөлім"]),
    ]


def test_markdown_single_h1_is_title(tmp_path):
    f = tmp_path / "t.md"
    f.write_text("# Құжат атауы\n\n## Бөлім\n\nМәтін.\n", encoding="utf-8")
    doc = one(f)
    assert doc.title == "Құжат атауы"
    assert doc.paragraphs[0].section == [] and doc.paragraphs[2].section == ["Бөлім"]


# -- HTML --------------------------------------------------------------------------------

HTML = """<!doctype html>
<html lang="kk-KZ"><head><meta charset="utf-8"><title>Бет атауы</title>
<meta name="description" content="Қысқа сипаттама">
<meta name="date" content="2023-02-03">
<link rel="canonical" href="https://example.kz/bet">
<style>body { color: red } .мәтін {}</style>
<script>var жасырын = "скрипт мәтіні";</script></head>
<body><nav><a href="/">Басты бет</a> | <a href="/x">Мәзір</a></nav>
<h1>Басты тақырып</h1>
<p>Бірінші <b>абзац</b> мәтіні.<br>Екінші жол.</p>
<h2>Ішкі бөлім</h2>
<div>Div ішіндегі мәтін <span>жалғасы</span>.<p>Ішкі абзац.</p></div>
<ul><li>Тізім бір</li><li>Тізім екі</li></ul>
<table><tr><td>Ұяшық A</td><td>Ұяшық B</td></tr></table>
<script>document.write("тағы скрипт")</script>
<footer>Авторлық құқық</footer>
</body></html>"""


def test_html(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(HTML, encoding="utf-8")
    doc = one(f)
    assert doc.title == "Бет атауы" and doc.lang == "kk" and doc.date == "2023-02-03"
    assert doc.url == "https://example.kz/bet" and doc.description == "Қысқа сипаттама"
    got = [(p.kind, p.text, p.section) for p in doc.paragraphs]
    assert got == [
        ("heading", "Басты тақырып", []),
        ("paragraph", "Бірінші абзац мәтіні. Екінші жол.", ["Басты тақырып"]),
        ("heading", "Ішкі бөлім", ["Басты тақырып"]),
        ("paragraph", "Div ішіндегі мәтін жалғасы.", ["Басты тақырып", "Ішкі бөлім"]),
        ("paragraph", "Ішкі абзац.", ["Басты тақырып", "Ішкі бөлім"]),
        ("paragraph", "Тізім бір", ["Басты тақырып", "Ішкі бөлім"]),
        ("paragraph", "Тізім екі", ["Басты тақырып", "Ішкі бөлім"]),
        ("paragraph", "Ұяшық A · Ұяшық B", ["Басты тақырып", "Ішкі бөлім"]),
    ]
    all_text = " ".join(p.text for p in doc.paragraphs)
    for hidden in ("скрипт", "color", "Мәзір", "Басты бет", "Авторлық"):
        assert hidden not in all_text


def test_html_title_from_h1_when_no_title_tag(tmp_path):
    f = tmp_path / "p.htm"
    f.write_text("<html><body><h1>Жалғыз тақырып</h1><p>Мәтін.</p></body></html>", encoding="utf-8")
    doc = one(f)
    assert doc.title == "Жалғыз тақырып"
    assert doc.paragraphs[1].section == []  # the h1 is the title, not a section


# -- DOCX --------------------------------------------------------------------------------


def test_docx(tmp_path):
    d = docx.Document()
    d.core_properties.title = "Сөз тақырыбы"
    d.core_properties.created = datetime.datetime(2021, 6, 7, 8, 0, 0)
    d.add_paragraph("Құжаттың атауы", style="Title")
    d.add_heading("Бірінші тарау", level=1)
    d.add_paragraph("Бірінші тараудың мәтіні.")
    d.add_heading("Бірінші бөлімше", level=2)
    d.add_paragraph("Бөлімшенің мәтіні.")
    d.add_paragraph("")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Кесте A"
    table.rows[0].cells[1].text = "Кесте B"
    d.add_heading("Екінші тарау", level=1)
    d.add_paragraph("Соңғы мәтін.")
    f = tmp_path / "report.docx"
    d.save(str(f))
    doc = one(f)
    assert doc.format == "docx" and doc.encoding is None
    assert doc.title == "Құжаттың атауы"  # the Title paragraph wins over core title
    assert doc.date == "2021-06-07"
    got = [(p.kind, p.text, p.section) for p in doc.paragraphs]
    assert got == [
        ("heading", "Құжаттың атауы", []),
        ("heading", "Бірінші тарау", []),
        ("paragraph", "Бірінші тараудың мәтіні.", ["Бірінші тарау"]),
        ("heading", "Бірінші бөлімше", ["Бірінші тарау"]),
        ("paragraph", "Бөлімшенің мәтіні.", ["Бірінші тарау", "Бірінші бөлімше"]),
        ("paragraph", "Кесте A · Кесте B", ["Бірінші тарау", "Бірінші бөлімше"]),
        ("heading", "Екінші тарау", []),
        ("paragraph", "Соңғы мәтін.", ["Екінші тарау"]),
    ]


def test_docx_core_title_and_sidecar(tmp_path):
    d = docx.Document()
    d.core_properties.title = "Өзек атауы"
    d.add_paragraph("Жалғыз абзац.")
    f = tmp_path / "a.docx"
    d.save(str(f))
    assert one(f).title == "Өзек атауы"
    (tmp_path / "a.docx.meta.json").write_text(
        json.dumps({"title": "Бүйірлік атау", "url": "https://x.kz/a", "lang": "kk"}),
        encoding="utf-8",
    )
    doc = one(f)
    assert doc.title == "Бүйірлік атау" and doc.url == "https://x.kz/a" and doc.lang == "kk"


def test_damaged_docx_skipped(tmp_path):
    f = tmp_path / "bad.docx"
    f.write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    with pytest.raises(SkipFile, match="DOCX"):
        read_documents(f)


# -- PDF ---------------------------------------------------------------------------------


def make_pdf(path: Path) -> None:
    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    c = canvas.Canvas(str(path))
    c.setTitle("Сынақ PDF")
    c.setFont("DejaVu", 11)
    page1 = [
        (72, "КІРІСПЕ"),
        (90, "Қазақстан қазір қоғамның барлық тараптарын сапалы терең қайта"),
        (72, "құру жолында тұр. Бұл бірінші абзацтың екінші жолы, ол да ұзын бо-"),
        (72, "лады және аяқталады."),
        (90, "Екінші абзац басталады, ол да бірнеше жолға созылады және беттің"),
        (72, "соңына дейін жетіп, келесі бетте жалғасатын ұзын сөйлем болып"),
    ]
    y = 780
    for x, t in page1:
        c.drawString(x, y, t)
        y -= 16
    c.drawString(300, 40, "1")
    c.showPage()
    c.setFont("DejaVu", 11)
    y = 780
    for x, t in [
        (72, "келеді және осы жерде аяқталады."),
        (72, "2. Азаматтардың мүддесін қорғау"),
        (90, "Үшінші абзац екінші бетте тұр және ол да ұзын болып келеді, сондықтан"),
        (72, "екі жолға бөлінген."),
    ]:
        c.drawString(x, y, t)
        y -= 16
    c.drawString(300, 40, "2")
    c.save()


@pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans.ttf not installed")
def test_pdf_two_pages(tmp_path):
    f = tmp_path / "paper.pdf"
    make_pdf(f)
    doc = one(f)
    assert doc.format == "pdf" and doc.title == "Сынақ PDF" and doc.date
    got = [(p.kind, p.page, p.section, p.text) for p in doc.paragraphs]
    assert got == [
        ("heading", 1, [], "КІРІСПЕ"),
        (
            "paragraph",
            1,
            ["КІРІСПЕ"],
            "Қазақстан қазір қоғамның барлық тараптарын сапалы терең "
            "қайта құру жолында тұр. Бұл бірінші абзацтың екінші жолы, ол да ұзын болады және "
            "аяқталады.",
        ),
        (
            "paragraph",
            1,
            ["КІРІСПЕ"],
            "Екінші абзац басталады, ол да бірнеше жолға созылады "
            "және беттің соңына дейін жетіп, келесі бетте жалғасатын ұзын сөйлем болып келеді "
            "және осы жерде аяқталады.",
        ),
        ("heading", 2, ["КІРІСПЕ"], "2. Азаматтардың мүддесін қорғау"),
        (
            "paragraph",
            2,
            ["КІРІСПЕ", "2. Азаматтардың мүддесін қорғау"],
            "Үшінші абзац екінші "
            "бетте тұр және ол да ұзын болып келеді, сондықтан екі жолға бөлінген.",
        ),
    ]


def test_pdf_without_text_layer_or_broken(tmp_path):
    f = tmp_path / "broken.pdf"
    f.write_bytes(b"%PDF-1.4\n%garbage that is not a pdf body\n" * 5)
    with pytest.raises(SkipFile):
        read_documents(f)


# -- JSON Lines --------------------------------------------------------------------------


def test_jsonl(tmp_path):
    f = tmp_path / "news.jsonl"
    recs = [
        {
            "id": "A-17",
            "title": "Бірінші",
            "text": "Бір абзац.\n\nЕкінші абзац\nжалғасы.",
            "url": "https://x.kz/1",
            "date": "2020-01-02",
            "lang": "kk",
        },
        {"id": "b_2", "title": "Екінші", "text": "Жол бір.\nЖол екі.\nЖол үш."},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in recs]
    lines.insert(1, "{not json")
    lines.append(json.dumps({"id": "A-17", "text": "қайталанған"}, ensure_ascii=False))
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    warnings: list[str] = []
    docs = read_documents(f, warnings=warnings)
    assert [d.doc_id for d in docs] == ["A-17", "b_2"]
    a, b = docs
    assert a.title == "Бірінші" and a.url == "https://x.kz/1" and a.date == "2020-01-02"
    assert a.lang == "kk" and a.format == "jsonl" and a.encoding == "utf-8"
    assert [p.text for p in a.paragraphs] == ["Бір абзац.", "Екінші абзац жалғасы."]
    assert [p.text for p in b.paragraphs] == ["Жол бір.", "Жол екі.", "Жол үш."]
    assert len(warnings) == 2
    assert "line 2" in warnings[0] and "duplicate id 'A-17'" in warnings[1]


# -- skips -------------------------------------------------------------------------------


def test_skip_reasons(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n\n")
    with pytest.raises(SkipFile, match="empty"):
        read_documents(empty)
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 4)
    with pytest.raises(SkipFile, match="binary"):
        read_documents(binary)
    big = tmp_path / "big.txt"
    big.write_text("Үлкен мәтін жолы.\n" * 1000, encoding="utf-8")
    with pytest.raises(SkipFile, match="too large"):
        read_documents(big, max_bytes=1000)
    with pytest.raises(SkipFile, match="unsupported"):
        read_documents(tmp_path / "x.xyz")
    garbled = tmp_path / "garbled.txt"
    garbled.write_bytes(bytes((i * 37 + 11) % 128 + 128 for i in range(2000)))
    with pytest.raises(SkipFile, match="encoding could not be determined"):
        read_documents(garbled)
    side = tmp_path / "a.txt.meta.json"
    side.write_text("{}", encoding="utf-8")
    with pytest.raises(SkipFile, match="sidecar"):
        read_documents(side)


def _as_nobody(fn) -> str:
    """Run fn in a forked child with the rights of user `nobody` (root reads any file);
    what it raised, as "ExceptionName: message"."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            try:
                fn()
                msg = "no error"
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                msg = f"{type(exc).__name__}: {exc}"
            os.write(w, msg.encode("utf-8"))
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        out = fh.read().decode("utf-8")
    os.waitpid(pid, 0)
    return out


def test_unreadable_file(tmp_path):
    if os.geteuid() != 0:
        f = tmp_path / "secret.txt"
        f.write_text("Құпия.", encoding="utf-8")
        f.chmod(0)
        with pytest.raises(SkipFile, match="unreadable"):
            read_documents(f)
        return
    # As root: a folder anyone may enter, a file only its owner could read, read as nobody.
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        f = Path(d) / "secret.txt"
        f.write_text("Құпия.", encoding="utf-8")
        f.chmod(0)
        msg = _as_nobody(lambda: read_documents(f))
        assert msg == "SkipFile: unreadable (permission denied)", msg
        # A folder nobody may enter: the sidecar lookup fails first, and says so.
        os.chmod(d, 0o700)
        msg = _as_nobody(lambda: read_documents(f))
        assert msg.startswith("SkipFile: unreadable"), msg


def test_bad_sidecar(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Мәтін.", encoding="utf-8")
    (tmp_path / "a.txt.meta.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(SkipFile, match="bad sidecar"):
        read_documents(f)


# -- ids ---------------------------------------------------------------------------------


def test_ids_from_names():
    assert ids.base_id("nur-otan-strategy-2009-2012.kk.txt") == "nur-otan-strategy-2009-2012"
    assert ids.base_id("Қазақ әдебиеті.docx") == "qazaq-adebieti"
    assert ids.base_id("Сборник статей 2020.pdf") == "sbornik-statei-2020"
    assert ids.base_id(Path("reports/2020/Plan v2.md")) == "reports--2020--plan-v2"
    assert ids.base_id("../..//.hidden..txt") == "hidden"
    assert ids.base_id("###.txt") == "doc"
    assert ids.language_from_name("a.kk.txt") == "kk" and ids.language_from_name("a.txt") is None
    for name in ["a b.txt", "ÉTÉ.md", "x/../y.txt", "..", "я.pdf"]:
        assert ids.is_valid_id(ids.base_id(name))


def test_id_collisions_are_deterministic_and_stable():
    rel = {
        "/c/plan.txt": Path("plan.txt"),
        "/c/plan.md": Path("plan.md"),
        "/c/Plan.html": Path("Plan.html"),
        "/c/a/b.txt": Path("a/b.txt"),
        "/c/a-b.txt": Path("a-b.txt"),
    }
    first = ids.assign_ids(rel, {})
    assert first == ids.assign_ids(dict(reversed(list(rel.items()))), {})
    assert len(set(first.values())) == len(first)
    assert first["/c/a/b.txt"] == "a--b" and first["/c/a-b.txt"] == "a-b"
    # An id already owned by a source stays with it even when a new file sorts earlier.
    taken = {"plan": "/c/plan.txt"}
    again = ids.assign_ids({**rel, "/c/Plan.docx": Path("Plan.docx")}, taken)
    assert again["/c/plan.txt"] == "plan"
    assert len(set(again.values())) == len(again)


def test_record_ids():
    assert ids.record_id("A-17") == "A-17"
    assert ids.record_id("../etc/passwd") == "etc-passwd"
    assert ids.record_id(42) == "42"


def test_long_ids_are_shortened_stably_under_200_characters():
    long_record = "Ұзын жазба атауы " * 30
    rid = ids.record_id(long_record)
    assert len(rid) <= ids.MAX_ID and ids.is_valid_id(rid)
    assert rid == ids.record_id(long_record) != ids.record_id(long_record + "x")
    deep = Path(*(["қалта"] * 40), "файл.txt")
    fid = ids.base_id(deep)
    assert len(fid) <= ids.MAX_ID - ids.ID_ROOM and fid == ids.base_id(deep)
    assert ids.base_id("short.txt") == "short"


# -- properties --------------------------------------------------------------------------

LINES = st.lists(
    st.one_of(
        st.just(""),
        st.just("КІРІСПЕ"),
        st.just("2. Азаматтардың мүддесін қорғау,"),
        st.just("1) ТІЗІМ ТАРМАҒЫ"),
        st.just("_____"),
        st.text(alphabet="абвқңәіөү ҚӘ.,-1234\t", min_size=0, max_size=150),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(LINES)
def test_any_text_gives_numbered_paragraphs(lines):
    _title, blocks = split_plain_text("\n".join(lines))
    paras = number_blocks(blocks)
    assert [p.n for p in paras] == list(range(1, len(paras) + 1))
    for p in paras:
        assert p.text and p.text == p.text.strip() and p.fp == fingerprint(p.text)
        assert p.kind in ("heading", "paragraph")
        if p.kind == "heading":
            assert p.text not in p.section


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_name_gives_a_safe_id(name):
    doc_id = ids.base_id(name + ".txt")
    assert ids.is_valid_id(doc_id) and "/" not in doc_id
    assert ids.is_valid_id(ids.slugify(name)) and ids.record_id(name)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_decode_or_are_refused(data):
    try:
        text, enc = decode_bytes(data)
    except (BinaryContent, EncodingUndetermined):
        return
    assert enc in {"utf-8", "utf-8-sig", "utf-16", "utf-32", "kz1048", "cp1251"}
    assert isinstance(text, str)
