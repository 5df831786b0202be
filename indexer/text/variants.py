"""Other names of a place (Астана ~ Нұр-Сұлтан, Алматы ~ Алма-Ата), from the small data
file `data/name_variants.tsv`. The search applies them only when the user asks (a `~`
before the word); this module only says which names belong together."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from indexer.text.normalize import fold_kazakh, lower_kk, unify_punct
from indexer.text.translit import latin_to_cyrillic

__all__ = ["name_variants", "load_variants", "VARIANTS_FILE"]

VARIANTS_FILE = Path(__file__).with_name("data") / "name_variants.tsv"


def _key(name: str) -> str:
    """A name as looked up: lower-case, one hyphen, Kazakh letters folded (so "Нур-Султан"
    and a reading of "Nur-Sultan" meet "нұр-сұлтан")."""
    return fold_kazakh(lower_kk(unify_punct(name.strip())))


def load_variants(path: Path = VARIANTS_FILE) -> dict[str, tuple[str, ...]]:
    """{looked-up form of each name: every name of its place, as in the file}."""
    groups: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        names = tuple(n.strip() for n in line.split("\t") if n.strip())
        for name in names:
            groups.setdefault(_key(name), names)
    return groups


@lru_cache(maxsize=1)
def _shipped() -> dict[str, tuple[str, ...]]:
    return load_variants()


def name_variants(name: str) -> list[str]:
    """The other names of the place `name` (Cyrillic or Latin, any case), the name itself
    left out; [] when it is not a known place.

    >>> name_variants("Астана")[:2]
    ['нұр-сұлтан', 'нур-султан']
    >>> "алматы" in name_variants("Alma-Ata")
    True
    """
    key = _key(name)
    names = _shipped().get(key)
    if names is None:
        reading = latin_to_cyrillic(name)
        if reading:
            key = _key(reading)
            names = _shipped().get(key)
    if names is None:
        return []
    return [n for n in names if _key(n) != key]
