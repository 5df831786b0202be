"""Kazakh text as strings: letters and normalisation, language of a word or paragraph,
Latin-to-Cyrillic transliteration, and the Kazakh stemmer with its suffix tables and word
lists (`data/`). Nothing here knows about Whoosh, files or the index."""
