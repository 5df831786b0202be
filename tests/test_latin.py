"""Latin-script Kazakh is Kazakh: recognised per paragraph, analysed through Cyrillic for both
layers, with offsets (and so marks) on the Latin text as written; English stays English."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from indexer.analysis import analyze, index_terms
from indexer.index.store import open_index, update_index
from indexer.search.engine import search
from indexer.text import lang, translit, unfold, variants
from indexer.text.lang import latin_scheme, paragraph_lang
from indexer.text.translit import latin_to_cyrillic
from indexer.text.variants import load_variants, name_variants

REPO = Path(__file__).resolve().parent.parent
PAPER = REPO / "corpus" / "nur-otan-strategy-2009-2012.kk.txt"
SHARED = REPO.parent / "shared"

# Cyrillic -> the 2021 Latin alphabet, to write real Kazakh text (the shipped paper) in it.
_TO_LATIN = str.maketrans(
    {
        "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e",
        "ё": "io", "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l",
        "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s",
        "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts",
        "ч": "ch", "ш": "ş", "щ": "şş", "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e",
        "ю": "iu", "я": "ia",
    }
)  # fmt: skip


def to_latin(text: str) -> str:
    """`text` in the 2021 alphabet, capitals kept."""
    out = []
    for ch in text:
        lat = ch.lower().translate(_TO_LATIN)
        out.append(lat[:1].upper() + lat[1:] if ch.isupper() and lat else lat)
    return "".join(out)


# -- which paragraphs are Latin-script Kazakh ---------------------------------------------------

KAZAKH_LATIN = [
    # 2021 alphabet
    "Qazaqstan Respublikasy – demokratiialyq, zaiyrly, qūqyqtyq jäne äleumettık memleket.",
    "Älemdık qarjy dağdarysy 2008 jyly bastaldy.",
    "Ükımet dağdarysqa qarsy şaralar qabyldady.",
    # informal ASCII
    "Bul kitap kazak tilinde zhazylgan",
    "Qazaqstan dagdarystan shygudyn zholyn izdedi",
    # one-word queries
    "dağdarys",
    "qoğam",
]
KAZAKH_2017 = [
    "Dag'darys kezinde qog'am birikti.",
    "Qazaqstannyn' s'ekarasy uzaq.",
]
# Real English sentences (a dataset description's style, news, everyday prose), some with
# Kazakh names and words in them.
ENGLISH = [
    "The economic crisis hit Kazakhstan in 2009, and the government responded quickly.",
    "Nursultan Nazarbayev met Recep Tayyip Erdoğan in Astana on Tuesday.",
    "Iraq and Qatar signed an agreement on oil exports.",
    "Beautiful is better than ugly. Explicit is better than implicit.",
    "I don't know what it's about, O'Brien said, but we'll see.",
    "Sentences were annotated with named entities by two native speakers of Kazakh.",
    "The dataset contains questions, passages from Wikipedia and relevance judgements.",
    "Almaty is the largest city of Kazakhstan and its former capital.",
    "Typical Systems",
    "Iraq",
    "Written Order",
    "The students' essays were graded by their teachers.",
    "Qazaq is written with a q in the new alphabet, which the reform introduced in 2021.",
]


@pytest.mark.parametrize("text", KAZAKH_LATIN)
def test_latin_kazakh_is_kazakh(text):
    assert latin_scheme(text) == "2021"
    assert paragraph_lang(text) == "kk"


@pytest.mark.parametrize("text", KAZAKH_2017)
def test_apostrophe_alphabet_is_recognised(text):
    assert latin_scheme(text) == "2017"
    assert paragraph_lang(text) == "kk"


@pytest.mark.parametrize("text", ENGLISH)
def test_english_stays_english(text):
    assert latin_scheme(text) == ""
    assert paragraph_lang(text) == "en"
    toks = analyze(text)
    assert {t["lang"] for t in toks if t["norm"].isalpha()} == {"en"}


def test_english_readmes_of_the_shared_data_stay_english():
    """Every Latin-only line of five words or more in the datasets' English READMEs."""
    lines = []
    for readme in sorted((SHARED / "data").glob("*/README.md")):
        for ln in readme.read_text(encoding="utf-8").splitlines():
            ln = ln.strip("#*-> `|")
            if len(re.findall(r"[A-Za-z]{2,}", ln)) >= 5 and not re.search("[\u0400-\u04ff]", ln):
                lines.append(ln)
    if not lines:
        pytest.skip("shared data missing")
    wrong = [ln for ln in lines if paragraph_lang(ln) != "en"]
    assert len(wrong) <= len(lines) // 50, wrong


def test_the_paper_in_the_2021_alphabet_is_kazakh_and_has_the_same_word_keys():
    """The shipped paper written in the 2021 alphabet: every line of a few words is read as
    Kazakh, and its word keys are the Cyrillic line's (letters the alphabet writes alike,
    и/й, ю/я/ц, aside)."""
    lines = [ln for ln in PAPER.read_text(encoding="utf-8").splitlines() if len(ln.split()) >= 4]
    assert len(lines) > 100
    assert all(latin_scheme(to_latin(ln)) == "2021" for ln in lines)
    same = total = 0
    for ln in lines:
        cyr, lat = index_terms(ln), index_terms(to_latin(ln))
        if len(cyr) == len(lat):
            same += sum(a == b for a, b in zip(cyr, lat))
        total += len(cyr)
    assert same / total > 0.9, same / total


# -- both layers through Cyrillic, offsets on the Latin text ---------------------------------


def test_latin_words_get_the_cyrillic_keys_and_keep_their_offsets():
    text = "Ükımet dağdarysqa qarsy şaralar qabyldady."
    toks = analyze(text)
    word = toks[1]
    assert word["text"] == "dağdarysqa" and text[word["start"] : word["end"]] == "dağdarysqa"
    assert word["exact"] == "dağdarysqa"  # the exact field keeps the form as written
    assert word["norm"] == "дағдарысқа" and word["lang"] == "kk"
    cyr = analyze("Үкімет дағдарысқа қарсы шаралар қабылдады.")
    for layer in ("stem", "root", "fold"):
        assert [t[layer] for t in toks] == [t[layer] for t in cyr], layer


def test_apostrophe_alphabet_reads_word_final_letters():
    text = "Qazaqstannyn' s'ekarasy"
    toks = analyze(text)
    assert [t["norm"] for t in toks] == ["қазақстанның", "шекарасы"]
    assert toks[0]["text"] == "Qazaqstannyn'"
    assert [t["stem"] for t in toks] == index_terms("Қазақстанның шекарасы")


def test_readings_of_the_three_alphabets():
    assert latin_to_cyrillic("dağdarys") == "дағдарыс"
    assert latin_to_cyrillic("dag'darys", "2017") == "дағдарыс"
    assert latin_to_cyrillic("birikti", "2017") == "бірікті"
    assert latin_to_cyrillic("u'i'", "2017") == "үй"
    assert latin_to_cyrillic("Qaraǵandy") == "қарағанды"  # the 2018 acute letters
    assert latin_to_cyrillic("úı") == "үі"


# -- name variants ---------------------------------------------------------------------------


def test_name_variants_from_the_data_file():
    assert "нұр-сұлтан" in name_variants("Астана")
    assert "астана" in name_variants("Нұр-Сұлтан")
    assert "алма-ата" in name_variants("алматы")
    assert "алматы" in name_variants("Alma-Ata")
    assert name_variants("дағдарыс") == []
    groups = load_variants()
    assert all(len(names) >= 2 for names in groups.values())


# -- a real index ----------------------------------------------------------------------------

LATIN_DOC = """Älemdık qarjy dağdarysy 2008 jyly bastaldy.

Qazaqstan dağdarystan şyğudyñ jolyn izdedi.

Ükımet dağdarysqa qarsy şaralar qabyldady.

Dag'darys kezinde qog'am birikti.
"""
INFORMAL_DOC = """Qazaqstan dagdarystan shygudyn zholyn izdedi.

Ukimet dagdaryska karsy sharalar kabyldady, zhagdai zhaksardy.
"""
CYRILLIC_DOC = """Дағдарыстың салдары ауыр болды.

Экономикалық дағдарыс кезінде жұмыссыздық өсті.

Бұл кітапта экономикалық даму туралы айтылады.
"""
ENGLISH_DOC = """The financial crisis of 2008 hit many countries.

Kazakhstan looked for a way out of the crisis.
"""
FORMS = {
    "latin.txt": ["dağdarysy", "dağdarystan", "dağdarysqa", "Dag'darys"],
    "cyrillic.txt": ["Дағдарыстың", "дағдарыс"],
    "informal.txt": ["dagdarystan", "dagdaryska"],
}


@pytest.fixture(scope="module")
def handle(tmp_path_factory):
    root = tmp_path_factory.mktemp("latin")
    docs = root / "docs"
    docs.mkdir()
    (docs / "latin.txt").write_text(LATIN_DOC, encoding="utf-8")
    (docs / "cyrillic.txt").write_text(CYRILLIC_DOC, encoding="utf-8")
    (docs / "informal.txt").write_text(INFORMAL_DOC, encoding="utf-8")
    (docs / "english.txt").write_text(ENGLISH_DOC, encoding="utf-8")
    update_index([docs], root / "index")
    h = open_index(root / "index")
    yield h
    h.close()


def _marked(result) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for hit in result["hits"]:
        marks = re.findall(r"<mark>(.*?)</mark>", hit["highlight"])
        out.setdefault(hit["doc_id"], set()).update(marks)
    return out


@pytest.mark.parametrize("q", ["дағдарыс", "дағдарыстан", "dağdarys", "Dağdarysqa"])
def test_either_script_finds_both_in_every_form_marked(handle, q):
    result = search(handle, q, limit=50)
    marked = _marked(result)
    for name, forms in FORMS.items():
        doc = next(d for d in marked if d.startswith(name.split(".")[0]))
        assert set(forms) <= marked[doc], (q, doc, marked[doc])
    assert not any(d.startswith("english") for d in marked)
    assert not any(h["text"].startswith("Бұл кітапта") for h in result["hits"])


def test_informal_query_finds_all_three_through_the_folded_field(handle):
    marked = _marked(search(handle, "dagdarys", limit=50))
    assert {d.split("-")[0].split(".")[0] for d in marked} >= {"latin", "cyrillic", "informal"}


def test_informal_spelling_is_keyed_under_the_dictionary_word():
    """ "dagdarystan" has no letters for ғ: its reading дагдарыстан is unfolded to the
    dictionary word дағдарыс, so the word layer holds the Cyrillic word's key."""
    informal = "Qazaqstan dagdarystan shygudyn zholyn izdedi"
    assert latin_scheme(informal) == "2021"
    assert index_terms(informal) == index_terms("Қазақстан дағдарыстан шығудың жолын іздеді")


def test_english_paragraphs_are_found_in_english(handle):
    result = search(handle, "crisis", limit=50)
    assert {h["doc_id"].split(".")[0] for h in result["hits"]} == {"english"}
    assert "<mark>crisis</mark>" in result["hits"][0]["highlight"]


def test_doctests_of_the_text_modules():
    for module in (lang, translit, variants, unfold):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
