"""The read path: the query language and its compiler, the ranker over cached postings, the
search engine, the term and document views, highlighting, and text output for the CLI."""
