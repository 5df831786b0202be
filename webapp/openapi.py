"""The OpenAPI 3 description of /api/… and /healthz, written by hand next to the routes."""

from __future__ import annotations

from webapp.params import DEFAULT_FACETS, DEFAULT_LIMIT, MAX_FACETS, ORDERS
from webapp.security import MAX_LIMIT, MAX_OFFSET, MAX_QUERY


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(ref: str, description: str = "OK") -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


DOC_ID_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,200}$"}
NO_INDEX = _error("No index yet (or a damaged one): the message names the command to run")


def openapi_document(server_url: str) -> dict:
    q_param = {
        "name": "q",
        "in": "query",
        "required": True,
        "description": "The query, in izde's query language (see /help)",
        "schema": {"type": "string", "maxLength": MAX_QUERY},
    }
    return {
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
                            "schema": {"type": "string", "maxLength": MAX_QUERY},
                        }
                    ],
                    "responses": {
                        "200": _json("TermView"),
                        "400": _error("No word given"),
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
                            "schema": {"type": "integer", "minimum": 1},
                        },
                    ],
                    "responses": {
                        "200": _json("Citation"),
                        "400": _error("Bad parameters"),
                        "404": _error("No such paragraph"),
                        "503": NO_INDEX,
                    },
                }
            },
            "/api/stats": {
                "get": {
                    "summary": "Index figures and the list of documents",
                    "operationId": "stats",
                    "responses": {"200": _json("Stats"), "503": NO_INDEX},
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
