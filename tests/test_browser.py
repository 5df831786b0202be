"""The pages in real headless Chromium (Debian's, driven by Playwright): what a person does."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import pytest

pytestmark = pytest.mark.browser

DOC = "nur-otan-strategy-2009-2012"
WORD = "дағдарыс"
FORM = re.compile(r"дағдарыс\w*", re.IGNORECASE)
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


@pytest.fixture
def open_page(browser):
    """`open_page(viewport, **context options)`: a fresh context (no cookies) and a page that
    fails the test on any dialog (alert) or page error."""
    contexts = []
    problems: list[str] = []

    def make(viewport: dict, **options):
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        # Console errors (a CSP refusal, a script error) fail the test; an expected 404
        # status (the not-found page) is not a problem of the page.
        page.on(
            "console",
            lambda m: (
                problems.append(f"console {m.type}: {m.text}")
                if m.type == "error" and "Failed to load resource" not in m.text
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems, problems


def no_horizontal_scroll(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: scrollWidth {scroll} > {width}"


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                      return r.top >= -1 && r.top < window.innerHeight && r.bottom > 0; }""",
        selector,
    )


def collect_hits(page) -> list[dict]:
    return page.eval_on_selector_all(
        "li.hit",
        """els => els.map(li => ({
              anchor: li.dataset.anchor,
              text: li.querySelector('.snippet').textContent,
              marks: Array.from(li.querySelectorAll('.snippet mark')).map(m => m.textContent)}))""",
    )


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_search_read_cite_and_switch_language(live_server, open_page, screenshot_dir, device):
    """One person's visit from start to end, each step where the last one left off (so
    longer than 80 lines): type with the letter keys, page through, open a result, cite it,
    follow the permanent link, switch the language."""
    viewport = VIEWPORTS[device]
    width = viewport["width"]
    page = open_page(viewport, permissions=["clipboard-read", "clipboard-write"])

    def shot(name: str) -> None:
        page.screenshot(path=str(screenshot_dir / f"{device}-{name}.png"), full_page=False)

    page.goto(live_server + "/")
    assert page.get_attribute("html", "lang") == "kk"
    no_horizontal_scroll(page, width)
    shot("01-home")

    # Type дағдарыс with the on-screen ғ key, in the middle of typing.
    box = page.locator("#q")
    box.click()
    page.keyboard.type("да")
    page.locator('button[data-insert="ғ"]').click()
    page.keyboard.type("дарыс")
    assert box.input_value() == WORD
    assert page.evaluate("document.activeElement.id") == "q"
    # The caret stays where the letter went: insert in the middle too.
    box.fill("дадарыс")
    page.evaluate("() => document.getElementById('q').setSelectionRange(2, 2)")
    page.locator('button[data-insert="ғ"]').click()
    assert box.input_value() == WORD
    assert page.evaluate("document.getElementById('q').selectionStart") == 3
    shot("02-typed")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))

    # 24 results, every form marked, over the pages of results.
    assert page.locator(".count").get_attribute("data-total") == "24"
    assert box.input_value() == WORD
    no_horizontal_scroll(page, width)
    shot("03-results")
    first_page_url = page.url
    seen: list[dict] = []
    while True:
        seen += collect_hits(page)
        nxt = page.locator('a[rel="next"]')
        if not nxt.count():
            break
        nxt.click()
        page.wait_for_load_state()
    assert len(seen) == 24
    assert len({h["anchor"] for h in seen}) == 24
    marked_forms = set()
    for hit in seen:
        forms = FORM.findall(hit["text"])
        assert hit["marks"], hit
        assert len(hit["marks"]) == len(forms), hit
        assert all(FORM.fullmatch(m) for m in hit["marks"]), hit
        marked_forms |= {m.lower() for m in hit["marks"]}
    assert {"дағдарыс", "дағдарыстың", "дағдарысқа", "дағдарыстан"} <= marked_forms

    # Open the third result: the page lands on its paragraph, marked.
    page.goto(first_page_url)
    third = page.locator("li.hit").nth(2)
    anchor = third.get_attribute("data-anchor")
    n = int(anchor.rsplit("#p", 1)[1])
    title = third.locator(".hit-title a").inner_text()
    third.locator(".hit-title a").click()
    page.wait_for_url(re.compile(rf"/doc/{DOC}\?.*#p{n}$"))
    target = f"#p{n}"
    page.wait_for_function("(sel) => document.querySelector(sel).matches(':target')", arg=target)
    classes = page.get_attribute(target, "class")
    assert "is-target" in classes and "is-hit" in classes
    assert in_viewport(page, target)
    assert page.locator(f"{target} mark").count() >= 1
    background = page.eval_on_selector(target, "el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    no_horizontal_scroll(page, width)
    shot("04-paragraph")

    # Copy its citation.
    page.locator(f"{target} details.cite > summary").click()
    copy = page.locator(f"{target} button[data-copy$='-gost']:not([data-quote])")
    copy.click()
    page.wait_for_function(
        "(sel) => document.querySelector(sel + ' .copy-status').textContent.length > 0", arg=target
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert title in copied
    assert f"{n}-абзац" in copied
    permanent = re.search(rf"{re.escape(live_server)}/p/{DOC}/{n}\?h=[0-9a-f]+", copied)
    assert permanent, copied
    # The quote with its citation: the paragraph, then the same citation.
    page.locator(f"{target} button[data-quote]").click()
    page.wait_for_function("(c) => navigator.clipboard.readText().then(t => t !== c)", arg=copied)
    quoted = page.evaluate("navigator.clipboard.readText()")
    paragraph = page.locator(f"{target} .para-text").inner_text().strip()
    assert quoted == f"«{paragraph}»\n\n{copied}"
    no_horizontal_scroll(page, width)
    shot("05-cite")
    # The permanent URL leads back to the same paragraph.
    page.goto(permanent.group(0))
    assert page.url.endswith(f"#p{n}")
    assert "is-target" in page.get_attribute(target, "class")

    # English, remembered across pages, then back to Kazakh.
    page.locator('.lang-switch a[hreflang="en"]').click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert "Permanent link" in page.content()
    page.locator(".site-nav a").last.click()  # the help page
    page.wait_for_url(re.compile(r"/help$"))
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "How to write queries"
    no_horizontal_scroll(page, width)
    shot("06-help-en")
    page.goto(live_server + "/search?q=" + quote(WORD))
    assert page.get_attribute("html", "lang") == "en"
    assert "Results: 24" in page.locator(".count").inner_text()
    shot("07-results-en")
    page.locator('.lang-switch a[hreflang="kk"]').click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "kk"
    page.goto(live_server + "/help")
    assert page.get_attribute("html", "lang") == "kk"
    assert page.locator("h1").inner_text() == "Сұрауды қалай жазу керек"

    # The term page too.
    page.goto(live_server + "/term?w=" + quote(WORD))
    assert page.locator(".kwic li").count() > 0
    no_horizontal_scroll(page, width)
    shot("08-term")


def test_works_without_javascript(live_server, open_page, screenshot_dir):
    page = open_page(VIEWPORTS["desktop"], java_script_enabled=False)
    page.goto(live_server + "/")
    assert not page.locator("[data-letters]").is_visible()  # the letter keys need JS
    page.fill("#q", WORD)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.locator(".count").get_attribute("data-total") == "24"
    # the citation is readable without JS; the copy button stays hidden
    page.locator("li.hit").first.locator("details.cite > summary").click()
    cite = page.locator("li.hit").first.locator(".cite-text").first
    assert cite.is_visible() and "/p/" in cite.inner_text()
    assert not page.locator("li.hit").first.locator("button.copy").first.is_visible()
    page.locator('a[rel="next"]').click()
    page.wait_for_url(re.compile(r"offset=10"))
    page.locator(".facets-wide a").first.click()  # beside the results on a wide screen
    page.wait_for_url(re.compile(r"doc="))
    page.screenshot(path=str(screenshot_dir / "nojs-results.png"))


def test_keyboard_alone(live_server, open_page):
    page = open_page(VIEWPORTS["desktop"])
    page.goto(live_server + "/search?q=" + quote(WORD))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # The home page starts in the search box; Tab goes on to the button, then the letters.
    page.goto(live_server + "/")
    assert page.evaluate("document.activeElement.id") == "q"
    order = []
    for _ in range(12):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate(
                "document.activeElement.id || document.activeElement.getAttribute('data-insert')"
                " || document.activeElement.textContent.trim()"
            )
        )
    assert order[0] == "Іздеу" and order.index("Іздеу") < order.index("ә")
    # Focus is visible.
    page.focus("#q")
    outline = page.eval_on_selector("#q", "el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    # A letter key works from the keyboard as well.
    page.fill("#q", "")
    page.focus('button[data-insert="қ"]')
    page.keyboard.press("Enter")
    assert page.input_value("#q") == "қ"


def test_capital_letters_key(live_server, open_page):
    page = open_page(VIEWPORTS["desktop"])
    page.goto(live_server + "/")
    page.click("#q")
    page.click("button[data-shift]")
    assert page.get_attribute("button[data-shift]", "aria-pressed") == "true"
    page.click('button[data-insert="ә"]')
    page.keyboard.type("лем")
    assert page.input_value("#q") == "Әлем"


AXE_PAGES = [
    "/",
    "/search?q=" + quote(WORD),
    "/search?q=" + quote("экономикалық дағдарыс қашан"),
    f"/doc/{DOC}?q={quote(WORD)}&hl=64#p64",
    "/term?w=" + quote(WORD),
    "/help",
    "/stats",
    "/stats?title=" + quote("стратегия"),
    f"/cite?doc={DOC}&n=64",
    "/doc/no-such-doc",
]


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_accessibility_with_axe(live_server, open_page, device):
    sync_axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = sync_axe.Axe()
    page = open_page(VIEWPORTS[device], bypass_csp=True)  # axe is injected as a script
    for lang in ("kk", "en"):
        for target in AXE_PAGES:
            sep = "&" if "?" in target.split("#")[0] else "?"
            url = (
                live_server + target.replace("#", f"{sep}lang={lang}#", 1)
                if "#" in target
                else live_server + target + f"{sep}lang={lang}"
            )
            page.goto(url)
            results = axe.run(page)
            bad = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert not bad, (url, bad)


def test_script_in_a_document_is_shown_as_text(
    tmp_path, make_live_server, open_page, screenshot_dir
):
    from test_web_security import EVIL, EVIL_ID, make_evil_index

    server = make_live_server(make_evil_index(tmp_path))
    page = open_page(VIEWPORTS["desktop"])
    for target in [
        "/search?q=alert",
        f"/doc/{EVIL_ID}?q=alert&hl=1#p1",
        "/term?w=" + quote("абзац"),
        f"/cite?doc={EVIL_ID}&n=1",
        "/stats",
        "/search?q=" + quote(EVIL),
    ]:
        page.goto(server.url + target)
        page.wait_for_load_state("load")
        shown = page.get_by_text(EVIL, exact=False)  # some copies sit in folded blocks
        assert any(shown.nth(i).is_visible() for i in range(shown.count())) or (
            EVIL in page.input_value("#q")
        ), target
        assert page.locator("script:not([src])").count() == 0
        name = re.sub(r"[^a-z]+", "-", target)[:40]
        page.screenshot(path=str(screenshot_dir / f"xss{name}.png"))
    page.goto(server.url + f"/api/doc/{EVIL_ID}")
    assert EVIL in page.content().replace("&lt;", "<").replace("&gt;", ">")


def test_no_index_page_says_what_to_run(tmp_path, make_live_server, open_page, screenshot_dir):
    server = make_live_server(tmp_path / "no-index-yet")
    page = open_page(VIEWPORTS["phone"])
    page.goto(server.url + "/search?q=" + quote(WORD))
    command = page.locator("pre.command").inner_text()
    assert command.startswith("izde index corpus --index ")
    assert page.locator("#q").input_value() == WORD
    no_horizontal_scroll(page, VIEWPORTS["phone"]["width"])
    page.screenshot(path=str(screenshot_dir / "phone-no-index.png"))


# -- results first, truthful totals, citations, search as you type (#11) -------------------

KAZQAD = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "kazqad-dev"
FIRST_VIEWPORTS = {"wide": {"width": 1366, "height": 768}, "phone": {"width": 360, "height": 740}}


@pytest.fixture(scope="session")
def mixed_server(tmp_path_factory):
    """The shipped paper plus the KazQAD passages, indexed and served (the issue's corpus)."""
    corpus = KAZQAD / "corpus.jsonl"
    if not corpus.exists():
        pytest.skip(f"no {corpus}")
    from conftest import CORPUS, LiveServer

    from indexer.index.store import update_index

    index_dir = tmp_path_factory.mktemp("mixed") / "index"
    update_index([CORPUS, corpus], index_dir)
    server = LiveServer(index_dir)
    yield server.url
    server.stop()


@pytest.mark.parametrize("device", ["wide", "phone"])
@pytest.mark.parametrize("query", [WORD, "Абай Құнанбаев"])
def test_the_first_hit_is_in_the_first_viewport(mixed_server, open_page, device, query):
    page = open_page(FIRST_VIEWPORTS[device])
    page.goto(mixed_server + "/search?q=" + quote(query))
    top = page.evaluate("document.querySelector('li.hit').getBoundingClientRect().top")
    assert 0 < top < FIRST_VIEWPORTS[device]["height"], top
    per_doc = page.locator(".facets-wide" if device == "wide" else ".facets-narrow")
    assert per_doc.is_visible()
    if device == "phone":
        assert per_doc.get_attribute("open") is None  # folded away
        assert not page.locator(".facets-narrow nav").is_visible()
    else:
        box = per_doc.bounding_box()
        hits = page.locator("ol.hits").bounding_box()
        assert box["x"] > hits["x"] + hits["width"]  # beside the results, not above
    no_horizontal_scroll(page, FIRST_VIEWPORTS[device]["width"])


def test_the_total_is_the_same_on_page_two(mixed_server, open_page):
    page = open_page(FIRST_VIEWPORTS["wide"])
    page.goto(mixed_server + "/search?q=" + quote("Абай Құнанбаев"))
    first = page.locator(".count").get_attribute("data-total")
    label = page.locator(".count").inner_text().split("(")[0:2]
    page.locator('a[rel="next"]').click()
    page.wait_for_url(re.compile(r"offset=10"))
    assert page.locator(".count").get_attribute("data-total") == first
    assert page.locator(".count").inner_text().split("(")[0:2] == label
    assert page.locator("li.hit").count() == 10


def test_the_cite_control_copies_gost_and_apa(live_server, open_page):
    page = open_page(VIEWPORTS["desktop"], permissions=["clipboard-read", "clipboard-write"])
    page.goto(live_server + "/search?q=" + quote(WORD))
    hit = page.locator("li.hit").first
    n = int(hit.get_attribute("data-anchor").rsplit("#p", 1)[1])
    gost = page.request.get(f"{live_server}/api/cite?doc={DOC}&n={n}&style=gost").text()
    apa = page.request.get(f"{live_server}/api/cite?doc={DOC}&n={n}&style=apa").text()
    hit.locator("details.cite > summary").click()
    for source, want in (("-gost", gost), ("-apa", apa)):
        hit.locator(f"button[data-copy$='{source}']:not([data-quote])").click()
        page.wait_for_function(
            "() => document.querySelector('li.hit .copy-status').textContent.length > 0"
        )
        assert page.evaluate("navigator.clipboard.readText()") == want
        page.evaluate("document.querySelector('li.hit .copy-status').textContent = ''")
    assert "URL: " in gost and "қаралған күні:" in gost
    # The quote with its citation: the paragraph's text, then the citation.
    hit.locator("button[data-quote]").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    text = hit.locator(".snippet").inner_text().strip()
    assert copied == f"«{text}»\n\n{gost}"


def test_search_as_you_type(live_server, open_page):
    page = open_page(VIEWPORTS["desktop"])
    loads: list[str] = []
    page.on("request", lambda r: loads.append(r.url) if r.resource_type == "document" else None)
    page.goto(live_server + "/")
    box = page.locator("#q")
    box.press_sequentially("дағд", delay=30)
    options = page.locator("#q-suggest [role=option]")
    options.first.wait_for()
    words = options.all_inner_texts()
    assert words[0].startswith("дағдарыс") and all(w.startswith("дағд") for w in words)
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "q-suggest-0"
    box.press("Enter")
    assert box.input_value() == words[0]
    assert box.get_attribute("aria-expanded") == "false"
    # The results follow the box without a page load; the address says what is shown.
    page.wait_for_function(
        "(w) => new URLSearchParams(location.search).get('q') === w"
        " && document.querySelector('li.hit') !== null",
        arg=words[0],
    )
    assert len(loads) == 1, loads
    assert int(page.locator(".count").get_attribute("data-total")) > 0
    # Typing on: a newer query replaces the older one's results.
    box.press_sequentially(" экология", delay=20)
    page.wait_for_function(
        "(q) => new URLSearchParams(location.search).get('q') === q",
        arg=words[0] + " экология",
    )
    page.wait_for_function("() => document.querySelector('.summary') !== null")
    assert box.input_value() == words[0] + " экология"
    assert page.evaluate("document.activeElement.id") == "q"
    # Typed without Kazakh letters, completed with them.
    box.fill("")
    box.press_sequentially("дагд", delay=30)
    page.wait_for_function(
        "() => [...document.querySelectorAll('#q-suggest [role=option]')]"
        ".some(o => o.textContent.startsWith('дағд'))"
    )


PAPER = "nur-otan-strategy-2009-2012"


def _kwic_page(page) -> list[tuple[str, str]]:
    return [
        (li.locator("mark.kwic-form").inner_text(), li.locator(".kwic-link").get_attribute("href"))
        for li in page.locator("ul.kwic > li").all()
    ]


def test_the_concordance_pages_through_every_occurrence(mixed_server, open_page):
    """Issue #11: the 34 occurrences of дағдарыс in the paper, over pages of 10 sorted by
    the right context, in the order the API gives (whose Kazakh collation is tested in
    tests/test_concordance.py), each line linking to its paragraph with the word marked."""
    args = f"w={quote(WORD)}&doc={PAPER}&sort=right&limit=10"
    page = open_page(FIRST_VIEWPORTS["wide"])
    page.goto(mixed_server + "/concordance?" + args)
    seen: list[tuple[str, str]] = []
    while True:
        seen += _kwic_page(page)
        nxt = page.locator('a[rel="next"]')
        if not nxt.count():
            break
        nxt.first.click()
        page.wait_for_load_state()
    api = json.load(
        urlopen(f"{mixed_server}/api/concordance?{args.replace('limit=10', 'limit=100')}")
    )
    assert api["total"] == len(seen) == 34
    assert [m for m, _ in seen] == [line["match"] for line in api["lines"]]
    page.goto(mixed_server + seen[0][1])
    assert page.locator("mark").count() >= 1


def test_unticking_a_form_removes_its_lines(mixed_server, open_page):
    page = open_page(FIRST_VIEWPORTS["wide"])
    page.goto(mixed_server + f"/concordance?w={quote(WORD)}&doc={PAPER}&limit=100")
    before = [m for m, _ in _kwic_page(page)]
    gone = "дағдарыстан"
    assert gone in before
    page.locator(f'input[name="form"][value="{gone}"]').uncheck()
    page.get_by_role("button", name=re.compile("Apply|Қолдану|Применить|Көрсету")).last.click()
    page.wait_for_url(re.compile(r"form="))
    after = [m for m, _ in _kwic_page(page)]
    assert gone not in [m.lower() for m in after]
    assert len(after) == len(before) - sum(1 for m in before if m.lower() == gone)
