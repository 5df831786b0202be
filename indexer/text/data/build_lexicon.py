"""Build `kk_lexicon.txt` (the stemmer's word list) from Debian's hunspell-kk.

    apt-get install hunspell-kk
    .venv/bin/python indexer/text/data/build_lexicon.py [/usr/share/hunspell/kk_KZ.dic]

Hunspell marks each headword with affix flags: A-L (either case) are the nominal
paradigms, M-Z the verbal ones, given on the verbal noun in -у/-ю (бастау, қою). The list
written here has one word a line: a nominal headword as it is («сауда»), a verb as its
stem with a trailing hyphen («баста-», «қой-»), lower-cased, NFC, sorted. Headwords
without flags count as nominal. Entries the stemmer's tables read as inflected forms
are left out (see `drop_inflected`): run this again after changing the tables. Derived
words (мемлекеттік, басшы) stay: the word layer keeps them as words of their own.
Licence of the result: that of hunspell-kk (GPL-2+ or LGPL-2.1+ or MPL-1.1+); see
`kk_lexicon.LICENSE`.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

DIC = Path("/usr/share/hunspell/kk_KZ.dic")
OUT = Path(__file__).with_name("kk_lexicon.txt")
HAVING = frozenset({"ды", "ді", "ты", "ті"})
VOWELS = "аәеоөұүыіэюяёиу"
VERBAL_FLAGS = frozenset("MNOPQRSTUVWXYZmnopqrstuvwxyz")
# Latin look-alikes that slipped into a few headwords («Aманжол», «Iсмет»).
LOOKALIKES = str.maketrans("AaEeIiOoPpCcXxyKkMHTB", "АаЕеІіОоРрСсХхуКкМНТВ")


def entries(dic: Path) -> list[str]:
    words: set[str] = set()
    lines = dic.read_text(encoding="utf-8-sig").splitlines()[1:]  # first line: the count
    for line in lines:
        word, _, flags = line.strip().partition("/")
        word = unicodedata.normalize("NFC", word.translate(LOOKALIKES)).lower()
        if not word or not all(ch.isalpha() or ch == "-" for ch in word):
            continue
        if VERBAL_FLAGS.intersection(flags):
            if word.endswith("ю"):  # қою = қой-у, кию = ки-у (й+у is written ю)
                stem = word[:-1] + ("й" if word[-2] not in "иі" else "")
            elif word.endswith("у"):
                stem = word[:-1]
            else:
                continue
            if len(stem) >= 2:
                words.add(stem + "-")
        else:
            words.add(word)
    return sorted(words)


def drop_inflected(words: list[str]) -> list[str]:
    """Leave out nominal entries that the stemmer's own tables read as an inflected form:
    a plural (өнімдер), or a listed noun plus case/possessive/person endings (үйге,
    сүтті), its dropped vowel put back too (орны is орын + -ы). The list is drawn from
    running text and holds such forms; a listed «өнімдер» would otherwise stop the
    plural being peeled for that word alone. A noun whose vowel is seen to drop (орын,
    with орны listed) is kept even though it reads as ор + -ы-н."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from indexer.text.lexicon import elided_stems, is_elision_noun, unelided
    from indexer.text.stemmer import KazakhStemmer

    plain = KazakhStemmer(lexicon=False)
    nouns = {w for w in words if not w.endswith("-")}
    nominal = {"CASE", "POSS", "PLURAL", "PERSON"}

    elided = elided_stems(nouns)

    def inflected(word: str) -> bool:
        if is_elision_noun(word, elided):
            return False
        for stem, path, _lex in plain._peel(word, plain._outermost, {}):
            if not nominal.issuperset(path):
                continue
            # -ды/-ті after a consonant is the accusative and the adjective of having
            # (тұзды "salty", білімді): a listed one is kept, the stemmer decides.
            if path == ("CASE",) and word[-2:] in HAVING and word[-3] not in VOWELS:
                continue
            full = unelided(stem)
            if "PLURAL" in path or stem in nouns or plain._finish(stem) in nouns:
                return True
            if full in nouns and is_elision_noun(full, elided):
                return True
        return False

    return [w for w in words if w.endswith("-") or not inflected(w)]


def main(argv: list[str]) -> int:
    dic = Path(argv[1]) if len(argv) > 1 else DIC
    if not dic.exists():
        print(f"{dic} not found: apt-get install hunspell-kk", file=sys.stderr)
        return 1
    words = drop_inflected(entries(dic))
    OUT.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
