"""The conflation metric of `izde eval stems`, by hand and on the dev gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.eval.stems import evaluate, format_confusions, format_errors, read_forms, read_tokens

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "data" / "ud-kazakh-ktb" / "kk_ktb-dev.conllu"

TINY = """\
# sent_id = 1
# text = made up
1\tКітап\tкітап\tNOUN\tn\t_\t0\troot\t_\t_
2\tкітабы\tкітап\tNOUN\tn\t_\t1\tnmod\t_\t_
3\tкітаптар\tкітап\tNOUN\tn\t_\t1\tnmod\t_\t_
4-5\tбаласыз\t_\t_\t_\t_\t_\t_\t_\t_
4\tбала\tбала\tNOUN\tn\t_\t1\tnmod\t_\t_
5\tсыз\tсыз\tADP\tpost\t_\t4\tcase\t_\t_
6\tбалалар\tбала\tNOUN\tn\t_\t1\tnmod\t_\t_
7\tбалық\tбалық\tNOUN\tn\t_\t1\tnmod\t_\t_
8\tжәне\tжәне\tCCONJ\tcnjcoo\t_\t1\tcc\t_\t_
9\t2009\t2009\tNUM\tnum\t_\t1\tnummod\t_\t_
10\t,\t,\tPUNCT\tcm\t_\t1\tpunct\t_\t_

# sent_id = 2
1\tалды\tал\tVERB\tv\t_\t0\troot\t_\t_
2\tалды\tалд\tNOUN\tn\t_\t1\tobl\t_\t_
3\tАлды\tал\tVERB\tv\t_\t1\tconj\t_\t_
4\tалу\tал\tVERB\tv\t_\t1\tconj\t_\t_
5\tБала\tбала\tNOUN\tn\t_\t1\tobj\t_\t_
6\t123\t123\tADJ\tadj\t_\t1\tamod\t_\t_
"""


def first3(word: str) -> str:
    return word[:3]


def test_forms_and_majority_lemma(tmp_path: Path) -> None:
    gold = tmp_path / "tiny.conllu"
    gold.write_text(TINY, encoding="utf-8")
    forms = read_forms(gold)
    # lower-cased, content words with a letter, multiword ranges and numbers left out
    assert forms == {
        "кітап": "кітап",
        "кітабы": "кітап",
        "кітаптар": "кітап",
        "бала": "бала",
        "балалар": "бала",
        "балық": "балық",
        "алды": "ал",
        "алу": "ал",
    }


def test_metric_by_hand(tmp_path: Path) -> None:
    gold = tmp_path / "tiny.conllu"
    gold.write_text(TINY, encoding="utf-8")
    r = evaluate(gold, first3)
    # lemma groups: кітап 3 (3 pairs), бала 2 (1), балық 1, ал 2 (1)      -> 5 pairs
    # stem groups:  кіт 3 (3), бал 3 (3: бала балалар балық), алд 1, алу 1 -> 6 pairs
    # both:         (кітап,кіт) 3 pairs, (бала,бал) 1 pair                -> 4 pairs
    assert r["forms"] == 8
    assert (r["pairs_same_lemma"], r["pairs_same_stem"], r["pairs_agree"]) == (5, 6, 4)
    assert r["recall"] == pytest.approx(4 / 5)
    assert r["precision"] == pytest.approx(4 / 6)
    assert r["f1"] == pytest.approx(8 / 11)
    text = format_errors(r, 5)
    assert "false splits" in text and "ал: алды→алд, алу→алу" in text
    assert "false merges" in text and "балық(балық)" in text


def test_token_measures_by_hand(tmp_path: Path) -> None:
    gold = tmp_path / "tiny.conllu"
    gold.write_text(TINY, encoding="utf-8")
    forms, tokens = read_tokens(gold)
    # «алды» is three tokens (two read ал, one алд: its majority lemma is ал), «бала» two.
    assert tokens["алды"] == 3 and tokens["бала"] == 2 and sum(tokens.values()) == 11
    r = evaluate(gold, first3)
    assert r["tokens"] == 11
    # stems: кіт {кітап} pure (3 tokens); бал {бала, балық} impure (2+1+1 tokens);
    # алд {ал} pure (3), алу {ал} pure (1)  -> purity 7/11
    assert r["purity"] == pytest.approx(7 / 11)
    # lemmas: кітап one stem (3 tokens), бала one stem (3), балық one (1), ал two (4)
    assert r["completeness"] == pytest.approx(7 / 11)
    text = format_confusions(r, 3)
    assert "бал: 2 wrong pairs; lemmas бала 2, балық 1" in text
    assert "ал: 1 pairs apart; stems алд 1, алу 1" in text


def test_no_shared_stem_means_full_precision(tmp_path: Path) -> None:
    gold = tmp_path / "tiny.conllu"
    gold.write_text(TINY, encoding="utf-8")
    r = evaluate(gold, lambda w: w)
    assert r["precision"] == 1.0 and r["recall"] == 0.0 and r["f1"] == 0.0


@pytest.mark.skipif(not DEV.exists(), reason="dev gold not present")
def test_dev_gold_meets_the_bar() -> None:
    # The bars of issue #10 for the word layer.
    r = evaluate(DEV)
    assert r["forms"] > 2000
    figures = (r["recall"], r["precision"], r["f1"], r["purity"])
    assert r["f1"] >= 0.88 and r["precision"] >= 0.90 and r["purity"] >= 0.90, figures


@pytest.mark.skipif(not DEV.exists(), reason="dev gold not present")
def test_dev_baselines() -> None:
    r = evaluate(DEV, lambda w: w[:5])
    assert round(r["recall"], 3) == 0.218 and round(r["precision"], 3) == 0.717


def test_figures_by_source(tmp_path: Path) -> None:
    from indexer.eval.stems import format_by_source, source_group, source_of

    assert source_of("wikipedia.tagged.txt:12:340") == "wikipedia"
    assert source_group("wikipedia-news") == "news_encyclopedic"
    assert source_group("kdt") == "kdt" and source_group("Ер_Төстік") == "other"
    gold = tmp_path / "tiny.conllu"
    gold.write_text(
        TINY.replace("# sent_id = 1", "# sent_id = wikipedia.tagged.txt:1:0").replace(
            "# sent_id = 2", "# sent_id = kdt.tagged.txt:2:0"
        ),
        encoding="utf-8",
    )
    r = evaluate(gold, first3, by_source=True)
    news, kdt, other = (r["by_source"][k] for k in ("news_encyclopedic", "kdt", "other"))
    assert (news["forms"], kdt["forms"], other["forms"]) == (6, 3, 0)
    # sentence 1 alone: кітап 3 forms (3 pairs), бала 2 (1), балық 1; stems кіт 3, бал 3
    assert news["recall"] == pytest.approx(1.0) and news["precision"] == pytest.approx(4 / 6)
    assert "news_encyclopedic: recall=1.000" in format_by_source(r)


@pytest.mark.skipif(not DEV.exists(), reason="dev gold not present")
def test_dev_gold_news_part_meets_the_bar() -> None:
    # Held-out gold is news, speeches and encyclopedia articles: that part must hold too.
    r = evaluate(DEV, by_source=True)["by_source"]["news_encyclopedic"]
    assert r["forms"] > 500
    assert r["f1"] >= 0.88 and r["precision"] >= 0.90 and r["purity"] >= 0.90, r
