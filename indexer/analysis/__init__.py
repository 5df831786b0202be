"""Whoosh analysis: the Kazakh tokenizer, one named filter per step, and the analyzers the
schema's fields use. The public names are importable from here (`indexer.analysis`), which
is also where indexes built before the layout change pickled them."""

from indexer.analysis.analyzers import *  # noqa: F401,F403
from indexer.analysis.analyzers import __all__  # noqa: F401
