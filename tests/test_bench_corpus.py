"""The benchmark corpora (bench/corpus.py, bench/vocabulary.py): seeded, harmonic, growing.

Small sizes only (the whole file runs in seconds); the Heaps figures at 10K-1M paragraphs
are measured by `python -m bench.heaps`, not here.
"""

from __future__ import annotations

import json
import random
import re

import pytest

from bench import corpus, vocabulary
from bench.vocabulary import (
    ABL,
    ACC,
    DAT,
    GEN,
    LOC,
    PARTICIPLE,
    PAST,
    PLURAL,
    POSS3,
    attach,
    inflect_nominal,
    is_back,
)
from indexer.analysis import index_terms
from indexer.text.suffixes import BACK_VOWELS, FRONT_VOWELS

pytestmark = pytest.mark.skipif(
    not corpus.sentences_path().is_file(), reason="KazNERD sentences not available"
)

_WORD = re.compile(r"[^\W\d_]+")


def test_same_seed_same_corpus_and_other_seed_another():
    a = corpus.make_paragraphs(300, seed=7, vocabulary="realistic")
    b = corpus.make_paragraphs(300, seed=7, vocabulary="realistic")
    c = corpus.make_paragraphs(300, seed=8, vocabulary="realistic")
    assert a == b
    assert a != c
    # A prefix of a larger corpus is the smaller corpus (Heaps curves are read off one pass).
    assert corpus.make_paragraphs(100, seed=7, vocabulary="realistic") == a[:100]


def test_realistic_corpus_is_the_real_one_with_words_replaced():
    real = corpus.make_paragraphs(200, seed=1, vocabulary="real")
    mixed = corpus.make_paragraphs(200, seed=1, vocabulary="realistic")
    changed = 0
    for r, m in zip(real, mixed, strict=True):
        rw, mw = _WORD.findall(r), _WORD.findall(m)
        assert len(rw) == len(mw)  # word for word: the sentences are the same
        changed += sum(x != y for x, y in zip(rw, mw, strict=True))
    total = sum(len(_WORD.findall(r)) for r in real)
    assert 0.05 < changed / total < 0.3


def test_records_stream_to_jsonl(tmp_path):
    out = tmp_path / "c.jsonl"
    assert corpus.main(["45", str(out), "--per-doc", "20", "--seed", "2"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    recs = [json.loads(line) for line in lines]
    assert [len(r["text"].split("\n\n")) for r in recs] == [20, 20, 5]
    assert recs == corpus.make_records(45, seed=2, per_doc=20, vocabulary="realistic")


@pytest.mark.parametrize(
    ("stem", "morpheme", "form"),
    [
        ("бала", GEN, "баланың"),  # back vowel, after a vowel
        ("адам", GEN, "адамның"),  # after a nasal
        ("тіл", GEN, "тілдің"),  # front vowel, after л
        ("кітап", GEN, "кітаптың"),  # after a voiceless consonant
        ("үй", PLURAL, "үйлер"),
        ("сөз", PLURAL, "сөздер"),
        ("тас", PLURAL, "тастар"),
        ("мектеп", LOC, "мектепте"),
        ("жол", DAT, "жолға"),
        ("көк", DAT, "көкке"),
        ("адам", ABL, "адамнан"),
        ("қала", ABL, "қаладан"),
        ("кітап", POSS3, "кітабы"),  # п voices before a vowel
        ("жүрек", POSS3, "жүрегі"),
        ("әке", POSS3, "әкесі"),
        ("өнер", ACC, "өнерді"),
        ("кел", PAST, "келді"),
        ("айт", PAST, "айтты"),
        ("ал", PARTICIPLE, "алған"),
        ("көр", PARTICIPLE, "көрген"),
        ("айт", PARTICIPLE, "айтқан"),
    ],
)
def test_suffixes_follow_harmony_and_the_join(stem, morpheme, form):
    assert attach(stem, morpheme) == form


def test_generated_nominal_endings_keep_the_stems_harmony():
    """Over many stems of one harmony, the endings added carry only that harmony's vowels
    (the instrumental -мен/-бен/-пен does not harmonise and is left out)."""
    rng = random.Random(5)
    lexemes = vocabulary.vocabulary().lexemes
    checked = 0
    for lex in lexemes[:20_000]:
        if lex.kind != "noun" or not lex.inflects:
            continue
        vowels = [ch for ch in lex.stem if ch in BACK_VOWELS + FRONT_VOWELS]
        if not vowels or len({ch in BACK_VOWELS for ch in vowels}) != 1:
            continue  # mixed-harmony loans: their endings follow the last vowel only
        form = inflect_nominal(lex.stem, rng)
        ending = re.sub("(мен|бен|пен)$", "", form[len(lex.stem) :])
        wrong = FRONT_VOWELS if is_back(lex.stem) else BACK_VOWELS
        assert not any(ch in wrong for ch in ending), (lex.stem, form)
        checked += 1
    assert checked > 1_000


def test_distinct_forms_grow_with_size_like_text():
    def distinct(n: int, vocab: str) -> int:
        seen: set[str] = set()
        for para in corpus.iter_paragraphs(n, seed=0, vocabulary=vocab):
            seen.update(w.lower() for w in _WORD.findall(para))
        return len(seen)

    small, large = distinct(2_000, "realistic"), distinct(20_000, "realistic")
    real_large = distinct(20_000, "real")
    # Ten times the text: the realistic vocabulary keeps growing (Heaps: 10^beta, beta about
    # 0.5), the recombined sentences have nearly run out of new words.
    assert large > 2.5 * small
    assert large > 2 * real_large


def test_distinct_index_terms_outgrow_the_real_corpus():
    """The word keys the index stores (its `text` field), on 2,000 paragraphs."""

    def keys(vocab: str) -> int:
        seen: set[str] = set()
        for para in corpus.iter_paragraphs(2_000, seed=0, vocabulary=vocab):
            seen.update(index_terms(para))
        return len(seen)

    assert keys("realistic") > 1.3 * keys("real")
