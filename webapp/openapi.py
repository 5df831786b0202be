"""The OpenAPI 3 description of /api/… and /healthz, written by hand next to the routes."""

from __future__ import annotations

from webapp.citation import MEDIA, STYLES
from webapp.data import STATS_LIMIT
from webapp.params import (
    COMPLETE_LIMIT,
    DEFAULT_FACETS,
    DEFAULT_LIMIT,
    MAX_COMPLETE_LIMIT,
    MAX_FACETS,
    MAX_STATS_LIMIT,
    MAX_STATS_OFFSET,
    ORDERS,
)
from webapp.security import (
    LIMIT_REQUEST_LINE,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_PARAGRAPH,
    MAX_QUERY,
)


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _int_param(name: str, default: int, low: int, high: int) -> dict:
    return {
        "name": name,
        "in": "query",
        "schema": {"type": "integer", "minimum": low, "maximum": high, "default": default},
    }


def _json(ref: str, description: str = "OK") -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


DOC_ID_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,200}$"}
# A query or a word: something besides spaces, at most MAX_QUERY characters. What the query
# language accepts is more than a schema can say: a query that cannot be read is a 400.
WORDS_SCHEMA = {"type": "string", "minLength": 1, "maxLength": MAX_QUERY, "pattern": "\\S"}
# gunicorn refuses a request line over this many bytes before the app sees it.
TOO_LONG = {
    "description": f"The request line is over {LIMIT_REQUEST_LINE} bytes (a short HTML page)",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
NO_INDEX = _error("No index yet (or a damaged one): the message names the command to run")


def openapi_document(server_url: str) -> dict:
    q_param = {
        "name": "q",
        "in": "query",
        "required": True,
        "description": "The query, in izde's query language (see /help)",
        "schema": WORDS_SCHEMA,
    }
    document: dict = {
        "openapi": "3.0.3",
        "info": {
            "title": "izde API",
            "version": "1",
            "description": "Full-text search of Kazakh documents. Every page of the "
            "web front end has a JSON twin here.",
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search paragraphs (the same JSON as `izde search --json`)",
                    "operationId": "search",
                    "parameters": [
                        q_param,
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_LIMIT,
                                "default": DEFAULT_LIMIT,
                            },
                        },
                        {
                            "name": "offset",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": 0,
                                "maximum": MAX_OFFSET,
                                "default": 0,
                            },
                        },
                        {
                            "name": "doc",
                            "in": "query",
                            "description": "Only this document",
                            "schema": DOC_ID_SCHEMA,
                        },
                        {
                            "name": "order",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "enum": list(ORDERS),
                                "default": "relevance",
                            },
                        },
                        {
                            "name": "facets",
                            "in": "query",
                            "description": "How many documents to list in `facets` (those with "
                            "the most hits); `facet_documents` counts them all",
                            "schema": {
                                "type": "integer",
                                "minimum": 0,
                                "maximum": MAX_FACETS,
                                "default": DEFAULT_FACETS,
                            },
                        },
                    ],
                    "responses": {
                        "200": _json("SearchResult"),
                        "400": _error("Bad parameters or a query that cannot be read"),
                        "503": NO_INDEX,
                    },
                }
            },
            "/api/term": {
                "get": {
                    "summary": "Where a word appears: its forms, counts per document, concordance",
                    "operationId": "term",
                    "parameters": [
                        {
                            "name": "w",
                            "in": "query",
                            "required": True,
                            "schema": WORDS_SCHEMA,
                        }
                    ],
                    "responses": {
                        "200": _json("TermView"),
                        "400": _error("No word given"),
                        "503": NO_INDEX,
                    },
                }
            },
            "/api/concordance": {
                "get": {
                    "summary": "Every occurrence of a word in context (keyword in context), paged; "
                    "format=tsv streams them all",
                    "operationId": "concordance",
                    "parameters": [
                        {
                            "name": "w",
                            "in": "query",
                            "required": True,
                            "schema": WORDS_SCHEMA,
                        },
                        {
                            "name": "form",
                            "in": "query",
                            "required": False,
                            "description": "Only these surface forms (repeat the parameter)",
                            "schema": {"type": "array", "items": {"type": "string"}},
                            "style": "form",
                            "explode": True,
                        },
                        {"name": "doc", "in": "query", "required": False, "schema": DOC_ID_SCHEMA},
                        {
                            "name": "sort",
                            "in": "query",
                            "required": False,
                            "description": "doc: reading order; left/right: the words beside the match, outward, in Kazakh alphabetical order (refused above a documented number of occurrences: then document order and sort_refused); form: by form",
                            "schema": {
                                "type": "string",
                                "enum": ["doc", "left", "right", "form"],
                                "default": "doc",
                            },
                        },
                        {
                            "name": "offset",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 0, "default": 0},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 1000,
                                "default": 100,
                            },
                        },
                        {
                            "name": "width",
                            "in": "query",
                            "required": False,
                            "description": "Characters of context on each side",
                            "schema": {
                                "type": "integer",
                                "minimum": 10,
                                "maximum": 300,
                                "default": 60,
                            },
                        },
                        {
                            "name": "format",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "string",
                                "enum": ["json", "tsv"],
                                "default": "json",
                            },
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "One page as JSON, or every line as TSV (header row first)",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Concordance"}
                                },
                                "text/tab-separated-values": {"schema": {"type": "string"}},
                            },
                        },
                        "400": _error("No word, or bad parameters"),
                        "503": NO_INDEX,
                    },
                }
            },
            "/api/doc/{doc_id}": {
                "get": {
                    "summary": "A whole document, paragraph by paragraph",
                    "operationId": "document",
                    "parameters": [
                        {"name": "doc_id", "in": "path", "required": True, "schema": DOC_ID_SCHEMA},
                        {
                            "name": "q",
                            "in": "query",
                            "required": False,
                            "description": "Mark the forms of this query in the paragraphs",
                            "schema": {"type": "string", "maxLength": MAX_QUERY},
                        },
                    ],
                    "responses": {
                        "200": _json("DocumentView"),
                        "400": _error("A query (q) that cannot be read"),
                        "404": _error("No such document"),
                        "503": NO_INDEX,
                    },
                }
            },
            "/api/cite": {
                "get": {
                    "summary": "A ready citation of one paragraph (plain text, BibTeX, CSL-JSON)",
                    "operationId": "cite",
                    "parameters": [
                        {"name": "doc", "in": "query", "required": True, "schema": DOC_ID_SCHEMA},
                        {
                            "name": "n",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PARAGRAPH},
                        },
                        {
                            "name": "style",
                            "in": "query",
                            "required": False,
                            "description": "Only this citation, as text (BibTeX, RIS and CSL-JSON "
                            "as a download); without it, all of them in one JSON object",
                            "schema": {"type": "string", "enum": list(STYLES)},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The citation",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Citation"}
                                },
                                **{
                                    media.split(";")[0]: {
                                        "schema": {"type": "array", "items": {"type": "object"}}
                                        if media.split(";")[0].endswith("+json")
                                        else {"type": "string"}
                                    }
                                    for media, _ext in MEDIA.values()
                                },
                            },
                        },
                        "400": _error("Bad parameters"),
                        "404": _error("No such paragraph"),
                        "503": NO_INDEX,
                    },
                }
            },
            "/api/stats": {
                "get": {
                    "summary": "Index figures and a page of its documents",
                    "operationId": "stats",
                    "parameters": [
                        {
                            "name": "title",
                            "in": "query",
                            "description": "Only documents whose title contains this",
                            "schema": {"type": "string", "maxLength": MAX_QUERY},
                        },
                        _int_param("offset", 0, 0, MAX_STATS_OFFSET),
                        _int_param("limit", STATS_LIMIT, 1, MAX_STATS_LIMIT),
                    ],
                    "responses": {
                        "200": _json("Stats"),
                        "400": _error("Bad parameters"),
                        "503": NO_INDEX,
                    },
                }
            },
            "/api/complete": {
                "get": {
                    "summary": "Completions of the last word of q (search as you type)",
                    "operationId": "complete",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": False,
                            "description": "What has been typed; its last word is completed",
                            "schema": {"type": "string", "maxLength": MAX_QUERY},
                        },
                        _int_param("limit", COMPLETE_LIMIT, 1, MAX_COMPLETE_LIMIT),
                    ],
                    "responses": {
                        "200": _json("Completions"),
                        "400": _error("Bad parameters"),
                        "503": NO_INDEX,
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This description",
                    "operationId": "openapi",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3 document",
                            "content": {"application/json": {}},
                        }
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Health for monitors",
                    "operationId": "health",
                    "responses": {
                        "200": _json("Health", "The index is served"),
                        "503": _json("Health", "No usable index"),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "status", "message"],
                    "properties": {
                        "error": {"type": "string"},
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                        "command": {"type": "string"},
                    },
                },
                "Hit": {
                    "type": "object",
                    "properties": {
                        "doc_id": {"type": "string"},
                        "doc_title": {"type": "string"},
                        "paragraph": {"type": "integer"},
                        "anchor": {"type": "string"},
                        "url": {"type": "string"},
                        "section": {"type": "string"},
                        "page": {"type": "integer", "nullable": True},
                        "score": {"type": "number"},
                        "text": {"type": "string"},
                        "highlight": {
                            "type": "string",
                            "description": "HTML-escaped text with matched forms in <mark>",
                        },
                        "kind": {"type": "string", "enum": ["paragraph", "heading"]},
                    },
                },
                "SearchResult": {
                    "type": "object",
                    "required": ["query", "total", "hits"],
                    "properties": {
                        "query": {"type": "string"},
                        "understood_as": {"type": "string"},
                        "total": {"type": "integer"},
                        "took_ms": {"type": "number"},
                        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                        "facets": {
                            "type": "object",
                            "additionalProperties": {"type": "integer"},
                            "description": "Hits per document, the documents with the most "
                            "hits first (at most `facets` of them)",
                        },
                        "facet_documents": {
                            "type": "integer",
                            "description": "Documents with any hit",
                        },
                        "suggestion": {"type": "string", "nullable": True},
                        "partial": {"type": "boolean"},
                        "limit": {"type": "integer"},
                        "offset": {"type": "integer"},
                    },
                },
                "TermView": {"type": "object", "additionalProperties": True},
                "Completions": {
                    "type": "object",
                    "required": ["prefix", "completions"],
                    "properties": {
                        "prefix": {"type": "string"},
                        "completions": {"type": "array"},
                    },
                },
                "Concordance": {
                    "type": "object",
                    "properties": {
                        "word": {"type": "string"},
                        "forms": {"type": "array", "items": {"type": "object"}},
                        "related": {"type": "array", "items": {"type": "object"}},
                        "total": {"type": "integer"},
                        "offset": {"type": "integer"},
                        "limit": {"type": "integer"},
                        "sort": {"type": "string"},
                        "lines": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    k: {"type": "integer" if k == "paragraph" else "string"}
                                    for k in (
                                        "doc_id",
                                        "doc_title",
                                        "paragraph",
                                        "anchor",
                                        "permalink",
                                        "url",
                                        "left",
                                        "match",
                                        "right",
                                        "form",
                                    )
                                },
                            },
                        },
                    },
                },
                "DocumentView": {"type": "object", "additionalProperties": True},
                "Citation": {
                    "type": "object",
                    "properties": {
                        "doc_id": {"type": "string"},
                        "paragraph": {"type": "integer"},
                        "anchor": {"type": "string"},
                        "title": {"type": "string"},
                        "section": {"type": "string"},
                        "page": {"type": "integer", "nullable": True},
                        "fp": {"type": "string"},
                        "url": {"type": "string"},
                        "text": {"type": "string"},
                        "bibtex": {"type": "string"},
                        "csl": {"type": "object"},
                    },
                },
                "Stats": {
                    "type": "object",
                    "properties": {
                        "documents": {"type": "integer"},
                        "paragraphs": {"type": "integer"},
                        "generation": {},
                        "document_list": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Health": {
                    "type": "object",
                    "required": ["status"],
                    "properties": {
                        "status": {"type": "string"},
                        "documents": {"type": "integer"},
                        "paragraphs": {"type": "integer"},
                        "generation": {},
                        "age_seconds": {"type": "number", "nullable": True},
                    },
                },
            }
        },
    }
    for path in document["paths"].values():
        for operation in path.values():
            operation["responses"]["414"] = TOO_LONG
    return document
