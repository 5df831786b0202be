"""Files to documents: encodings, one reader per format, paragraphs and headings, document
ids and sidecar metadata. Produces `Document`/`Paragraph` objects; never writes the index."""
