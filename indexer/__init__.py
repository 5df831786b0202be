"""izde indexer: Kazakh text analysis, document ingestion and a Whoosh paragraph index."""
