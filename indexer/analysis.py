"""Kazakh analysis chain (placeholder: plain words, lower-cased, stemmed)."""
from __future__ import annotations

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter

from indexer.stemmer import stem


def KazakhAnalyzer():  # noqa: N802 - named like Whoosh's StandardAnalyzer
    return RegexTokenizer(r"\w+") | LowercaseFilter() | StemFilter(stemfn=stem, cachesize=-1)


def ExactAnalyzer():  # noqa: N802
    return RegexTokenizer(r"\w+") | LowercaseFilter()


def FoldAnalyzer():  # noqa: N802
    return RegexTokenizer(r"\w+") | LowercaseFilter() | StemFilter(stemfn=stem, cachesize=-1)
