"""The word layer's lexicon: the shipped lists, their licences, and the scripts that build
them from their sources (run here on small made-up source files)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from indexer.text import lexicon
from indexer.text.lexicon import Lexicon, elided_stems, is_elision_noun, unelided

DATA = Path(lexicon.__file__).with_name("data")


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, DATA / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_shipped_lexicon_loads_as_sets_and_dicts() -> None:
    lex = lexicon.load()
    assert lex is not None
    assert isinstance(lex.nouns, frozenset) and isinstance(lex.verbs, frozenset)
    assert isinstance(lex.analyses, dict) and isinstance(lex.freq, dict)
    # curated roots are words whole, derived ones among them
    assert {"ақын", "мемлекеттік", "басшы", "сыртқы", "жылғы"} <= lex.roots <= lex.nouns
    assert {"кел", "жаса", "баста"} <= lex.verbs
    assert lex.analyses["сөзді"] == ("сөз", "N")
    assert lex.freq["және"] > 100


def test_kaznlp_data_keeps_its_attribution() -> None:
    for name in ("kk_kaznlp.txt", "kk_analyses.txt"):
        head = (DATA / name).read_text(encoding="utf-8")[:1200]
        assert "CC BY-SA 4.0" in head and "KazNLP" in head and "Makazhanov" in head, name
    assert "KazNERD" in (DATA / "kk_freq.txt").read_text(encoding="utf-8")[:200]


def test_missing_word_list_means_no_lexicon(tmp_path: Path) -> None:
    assert lexicon.load(tmp_path / "absent.txt") is None


def test_elision_helpers() -> None:
    assert unelided("ерн") == "ерін" and unelided("халқ") == "халық"
    assert unelided("кітап") == "кітап"
    elided = elided_stems(["орны", "ерніне", "жылнама"])
    assert {"орн", "ерн"} <= elided and "жылн" not in elided
    assert is_elision_noun("орын", elided)
    assert not is_elision_noun("жылын", elided)  # жыл + -ы-н, not an elided noun
    assert is_elision_noun("мұрын", frozenset())  # the grammar's list


def test_mapped_lexicon() -> None:
    lex = Lexicon(frozenset({"қала"}), frozenset({"қал"}), frozenset({"қала"}))
    folded = lex.mapped(lambda w: w.replace("қ", "к"))
    assert folded.nouns == {"кала"} and folded.verbs == {"кал"} and folded.roots == {"кала"}


def test_build_kaznlp_from_its_sources(tmp_path: Path) -> None:
    build = _script("build_kaznlp")
    morph = tmp_path / "kaznlp-morph"
    morph.mkdir()
    (morph / "md").write_text(
        "кітаб\tR_ZE\nорн\tR_ZE\nорын\tR_ZE\nкел\tR_ET\n,\tR_UTR\nды\tC4\n", encoding="utf-8"
    )
    (morph / "lkps").write_text(
        "кітабы\tкітаб_R_ZE ы_S3\t5\n"
        "кітабы\tкітабы_R_ZEQ\t1\n"
        "келтіріп\tкел_R_ET тір_V4 іп_ET_KSE\t2\n"
        "орны\tорн_R_ZE ы_S3\t3\n"
        "тілсіз\tтіл_R_ZE сіз_ABE\t1\n",
        encoding="utf-8",
    )
    known = build.known_nouns(morph / "md", morph / "lkps", tmp_path / "none.txt")
    roots = build.roots(morph / "md", morph / "lkps", known)
    # б/г/ғ restored, the dropped vowel put back, punctuation left out
    assert roots["кітап"] == {"N"} and roots["орын"] == {"N"} and "," not in roots
    # the causative makes its own verb, the privative its own word
    assert roots["келтір"] == {"V"} and "тілсіз" in roots
    found = build.analyses(morph / "lkps", known)
    assert found["кітабы"] == ("кітап", "N")  # 5 votes against 1
    assert found["келтіріп"] == ("келтір", "V") and found["орны"] == ("орын", "N")
    news = tmp_path / "news.txt"
    news.write_text("Бала мектепке барды. Бала үйге келді.", encoding="utf-8")
    assert build.frequencies(news) == {"бала": 2}
