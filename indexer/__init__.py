"""izde's core: Kazakh text analysis, document ingestion, a Whoosh paragraph index, and
search over it.

The rooms, and the one direction their imports point (checked by import-linter in CI)::

    text  <-  analysis  <-  ingest  <-  index  <-  search  <-  eval  <-  {cli, webapp}

- `text/`: Kazakh letters, normalisation, language, transliteration, the stemmer and its
  tables and word lists. Plain functions on strings; knows nothing of Whoosh.
- `analysis/`: the Whoosh tokenizer, the named filters and the analyzers.
- `ingest/`: files to `Document`/`Paragraph` objects: encodings, one reader per format,
  paragraphs and headings, ids.
- `index/`: the write path and the index on disk: schema, writer, crash-safe generations,
  update, check.
- `search/`: the read path: query language, compiler, ranker, engine, views, highlighting.
- `eval/`: `izde eval stems|retrieval`.

Nothing here imports `webapp`; `izde serve` is a command that `webapp` adds to the CLI.
"""
