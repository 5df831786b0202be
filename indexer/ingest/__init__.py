"""Files to documents: encodings, one reader per format, paragraphs and headings, document
ids and sidecar metadata. Produces `Document`/`Paragraph` objects; never writes the index.

model (Document, Paragraph, FileReport, SkipFile, READER_VERSION) <- paragraphs, encoding,
ids, limits, sidecar <- base (shared reader steps) <- text, markdown, html, docx, pdf, jsonl
(one reader each) <- readers (dispatch by extension: iter_documents, read_documents).
"""
