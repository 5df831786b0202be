"""The analyzers of the schema's fields, and a plain-function API (`analyze`, `stem_word`,
`index_terms`).

Each analyzer is the tokenizer and the chain for its field (`indexer.analysis.chain`):
``KazakhTokenizer() | ChainFilter(chain_steps(field))``. The fields and their keys:

- `text` (`KazakhAnalyzer`): the word key, what `izde stem` prints: every inflected form of
  a word shares it (`indexer.text.stemmer.stem`);
- `root` (`RootAnalyzer`): the broad key that reaches across derivation, for ranking
  (`indexer.text.stemmer.root`);
- `exact` (`ExactAnalyzer`): the normalised form as written, for `=word`;
- `fold` (`FoldAnalyzer`): the word key of a word typed without Kazakh letters;
- `KeysAnalyzer`: every key on every token (`text`, `root`, `exact`, `fold`), for a caller
  that wants them all from one pass (highlighting).

`analyzer(fused=False)` is the same chain composed filter by filter (slower, same tokens).
"""

from __future__ import annotations

from indexer.analysis.chain import ChainFilter, chain_steps, explicit_analyzer
from indexer.analysis.filters import fold_token  # noqa: F401 - callers import it from here
from indexer.analysis.tokenizer import KazakhTokenizer
from indexer.text.normalize import lower_kk

__all__ = [
    "ANALYSIS_VERSION",
    "KazakhAnalyzer",
    "RootAnalyzer",
    "ExactAnalyzer",
    "FoldAnalyzer",
    "KeysAnalyzer",
    "analyze",
    "stem_word",
    "index_terms",
]

#: Changes whenever the analysis makes different terms of the same text; an index built
#: with another version must be rebuilt (`izde index --rebuild`). 2: the `root` field and
#: its key, Latin-script Kazakh read through Cyrillic, one chain for every field.
ANALYSIS_VERSION = 2


def _analyzer(field: str | None, fused: bool):
    if not fused:
        return explicit_analyzer(field)
    return KazakhTokenizer() | ChainFilter(chain_steps(field))


def KazakhAnalyzer(fused: bool = True):  # noqa: N802 - named like Whoosh's StandardAnalyzer
    """The word key, for paragraph text (with positions), titles, sections and queries."""
    return _analyzer("text", fused)


def RootAnalyzer(fused: bool = True):  # noqa: N802
    """The root key (the broad layer, a lower-weight field for ranking)."""
    return _analyzer("root", fused)


def ExactAnalyzer(fused: bool = True):  # noqa: N802
    """Normalised lower-case surface forms, not stemmed (for `=word`)."""
    return _analyzer("exact", fused)


def FoldAnalyzer(fused: bool = True):  # noqa: N802
    """Word keys with Kazakh letters folded (queries typed without Kazakh letters)."""
    return _analyzer("fold", fused)


def KeysAnalyzer(fused: bool = True):  # noqa: N802
    """Every key on every token: `text` (the word key), `root`, `exact`, `fold`, with
    `scope` saying which fields a token is for (a form with a clitic is for `exact` only)."""
    return _analyzer(None, fused)


# -- plain-function API --------------------------------------------------------------------

_WORDS = KazakhAnalyzer()
_KEYS = KeysAnalyzer()


def analyze(text: str, mode: str = "index") -> list[dict]:
    """Every word token of `text` with both layers: text (the slice of the original), start,
    end, pos, norm (the normalised word; Cyrillic for Latin-script Kazakh), exact, stem (the
    word key), root (the broad key), fold, lang, part ("", "whole" or "part" of a compound).
    """
    out = []
    for t in _KEYS(text, positions=True, chars=True, mode=mode):
        if t.scope == "exact":
            continue  # the form with its clitic: the exact field's, not a word of its own
        out.append(
            {
                "text": text[t.startchar : t.endchar],
                "start": t.startchar,
                "end": t.endchar,
                "pos": t.pos,
                "norm": t.norm,
                "exact": t.exact,
                "stem": t.text,
                "root": t.root,
                "fold": t.fold,
                "lang": t.lang,
                "part": t.part,
            }
        )
    return out


def index_terms(text: str) -> list[str]:
    """The word keys KazakhAnalyzer indexes for `text`, in order."""
    return [t.text for t in _WORDS(text, mode="index")]


def stem_word(word: str) -> str:
    """Normalise and stem one word, language by the word alone; a compound gives its whole
    stem. Text without any token gives the word lower-cased."""
    for t in _WORDS(word, mode="index"):
        return t.text
    return lower_kk(word.strip())
