"""Whoosh analysis: the Kazakh tokenizer (`tokenizer`), one named filter per step
(`filters`), the chain that composes them once for every field and runs it fast (`chain`),
the analyzers of the schema's fields (`analyzers`), and every field's terms of a paragraph
from one tokenisation (`terms`). The public names are importable from here.

`ANALYSIS_VERSION` changes whenever the same text would be indexed under other terms; an
index records it and is refused by another version."""

from indexer.analysis.analyzers import (
    ANALYSIS_VERSION,
    ExactAnalyzer,
    FoldAnalyzer,
    KazakhAnalyzer,
    KeysAnalyzer,
    RootAnalyzer,
    analyze,
    index_terms,
    stem_word,
)
from indexer.analysis.chain import ChainFilter, chain_steps, explicit_analyzer
from indexer.analysis.filters import (
    AbbreviationFilter,
    FieldFilter,
    FoldFilter,
    InvisibleCharFilter,
    KazakhLowercaseFilter,
    KazakhStemFilter,
    LanguageFilter,
    LookalikeFilter,
    NFCFilter,
    NumberFilter,
    ParagraphFacts,
    PunctuationFilter,
    RootFilter,
    TransliterationFilter,
    fold_token,
    root_token,
    stem_token,
)
from indexer.analysis.terms import ParagraphTerms, paragraph_terms
from indexer.analysis.tokenizer import (
    CompoundFilter,
    KazakhTokenizer,
    is_abbreviation,
    split_compound,
)

__all__ = [
    "ANALYSIS_VERSION",
    "KazakhTokenizer",
    "CompoundFilter",
    "NFCFilter",
    "InvisibleCharFilter",
    "PunctuationFilter",
    "LookalikeFilter",
    "AbbreviationFilter",
    "KazakhLowercaseFilter",
    "NumberFilter",
    "LanguageFilter",
    "TransliterationFilter",
    "FoldFilter",
    "RootFilter",
    "KazakhStemFilter",
    "FieldFilter",
    "ChainFilter",
    "ParagraphFacts",
    "chain_steps",
    "explicit_analyzer",
    "KazakhAnalyzer",
    "RootAnalyzer",
    "ExactAnalyzer",
    "FoldAnalyzer",
    "KeysAnalyzer",
    "analyze",
    "stem_word",
    "index_terms",
    "paragraph_terms",
    "ParagraphTerms",
    "stem_token",
    "root_token",
    "fold_token",
    "is_abbreviation",
    "split_compound",
]
