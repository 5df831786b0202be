"""The OpenAPI 3 description of /api/… and /healthz, written by hand next to the routes."""

from __future__ import annotations

from indexer.search import views
from indexer.search.engine import MAX_LIMIT, MAX_OFFSET
from webapp.citation import MEDIA, STYLES
from webapp.concordance import MAX_OFFSET as TERM_MAX_OFFSET
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
NO_INDEX = _error(
    "No index yet (or a damaged one): the message names the command to run. Or busy with "
    "other searches: Retry-After says when to try again"
)


Q_PARAM = {
    "name": "q",
    "in": "query",
    "required": True,
    "description": "The query, in izde's query language (see /help)",
    "schema": WORDS_SCHEMA,
}
WORD_PARAM = {"name": "w", "in": "query", "required": True, "schema": WORDS_SCHEMA}


def _get(summary: str, operation_id: str, parameters: list | None, responses: dict) -> dict:
    """One path's item: a GET operation (no parameters key when `parameters` is None)."""
    operation: dict = {"summary": summary, "operationId": operation_id}
    if parameters is not None:
        operation["parameters"] = parameters
    operation["responses"] = responses
    return {"get": operation}


def _search_path() -> dict:
    return _get(
        "Search paragraphs (the same JSON as `izde search --json`)",
        "search",
        [
            Q_PARAM,
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
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
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
                "schema": {"type": "string", "enum": list(ORDERS), "default": "relevance"},
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
        {
            "200": _json("SearchResult"),
            "400": _error("Bad parameters or a query that cannot be read"),
            "503": NO_INDEX,
        },
    )


def _term_path() -> dict:
    return _get(
        "Where a word appears: its forms, counts per document, concordance",
        "term",
        [
            WORD_PARAM,
            _int_param("offset", 0, 0, TERM_MAX_OFFSET),
            _int_param("limit", views.TERM_DOCUMENTS, 1, views.MAX_TERM_DOCUMENTS),
        ],
        {
            "200": _json("TermView"),
            "400": _error("No word given, or offset/limit out of range"),
            "503": NO_INDEX,
        },
    )


def _optional(name: str, schema: dict, description: str | None = None) -> dict:
    """An optional query parameter."""
    param: dict = {"name": name, "in": "query", "required": False}
    if description is not None:
        param["description"] = description
    param["schema"] = schema
    return param


def _concordance_path() -> dict:
    return _get(
        "Every occurrence of a word in context (keyword in context), paged; "
        "format=tsv streams them all",
        "concordance",
        [
            WORD_PARAM,
            {
                **_optional(
                    "form",
                    {"type": "array", "items": {"type": "string"}},
                    "Only these surface forms (repeat the parameter)",
                ),
                "style": "form",
                "explode": True,
            },
            _optional("doc", DOC_ID_SCHEMA),
            _optional(
                "sort",
                {"type": "string", "enum": ["doc", "left", "right", "form"], "default": "doc"},
                "doc: reading order; left/right: the words beside the match, outward, in "
                "Kazakh alphabetical order (refused above a documented number of occurrences: "
                "then document order and sort_refused); form: by form",
            ),
            _optional("offset", {"type": "integer", "minimum": 0, "default": 0}),
            _optional("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}),
            _optional(
                "width",
                {"type": "integer", "minimum": 10, "maximum": 300, "default": 60},
                "Characters of context on each side",
            ),
            _optional("format", {"type": "string", "enum": ["json", "tsv"], "default": "json"}),
        ],
        {
            "200": {
                "description": "One page as JSON, or every line as TSV (header row first)",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Concordance"}},
                    "text/tab-separated-values": {"schema": {"type": "string"}},
                },
            },
            "400": _error("No word, or bad parameters"),
            "503": NO_INDEX,
        },
    )


def _document_path() -> dict:
    return _get(
        "A whole document, paragraph by paragraph",
        "document",
        [
            {"name": "doc_id", "in": "path", "required": True, "schema": DOC_ID_SCHEMA},
            _optional(
                "q",
                {"type": "string", "maxLength": MAX_QUERY},
                "Mark the forms of this query in the paragraphs",
            ),
        ],
        {
            "200": _json("DocumentView"),
            "400": _error("A query (q) that cannot be read"),
            "404": _error("No such document"),
            "503": NO_INDEX,
        },
    )


def _cite_path() -> dict:
    downloads = {
        media.split(";")[0]: {
            "schema": {"type": "array", "items": {"type": "object"}}
            if media.split(";")[0].endswith("+json")
            else {"type": "string"}
        }
        for media, _ext in MEDIA.values()
    }
    return _get(
        "A ready citation of one paragraph (plain text, BibTeX, CSL-JSON)",
        "cite",
        [
            {"name": "doc", "in": "query", "required": True, "schema": DOC_ID_SCHEMA},
            {
                "name": "n",
                "in": "query",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PARAGRAPH},
            },
            _optional(
                "style",
                {"type": "string", "enum": list(STYLES)},
                "Only this citation, as text (BibTeX, RIS and CSL-JSON "
                "as a download); without it, all of them in one JSON object",
            ),
        ],
        {
            "200": {
                "description": "The citation",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Citation"}},
                    **downloads,
                },
            },
            "400": _error("Bad parameters"),
            "404": _error("No such paragraph"),
            "503": NO_INDEX,
        },
    )


def _stats_path() -> dict:
    return _get(
        "Index figures and a page of its documents",
        "stats",
        [
            {
                "name": "title",
                "in": "query",
                "description": "Only documents whose title contains this",
                "schema": {"type": "string", "maxLength": MAX_QUERY},
            },
            _int_param("offset", 0, 0, MAX_STATS_OFFSET),
            _int_param("limit", STATS_LIMIT, 1, MAX_STATS_LIMIT),
        ],
        {"200": _json("Stats"), "400": _error("Bad parameters"), "503": NO_INDEX},
    )


def _complete_path() -> dict:
    return _get(
        "Completions of the last word of q (search as you type)",
        "complete",
        [
            _optional(
                "q",
                {"type": "string", "maxLength": MAX_QUERY},
                "What has been typed; its last word is completed",
            ),
            _int_param("limit", COMPLETE_LIMIT, 1, MAX_COMPLETE_LIMIT),
        ],
        {"200": _json("Completions"), "400": _error("Bad parameters"), "503": NO_INDEX},
    )


def _paths() -> dict:
    return {
        "/api/search": _search_path(),
        "/api/term": _term_path(),
        "/api/concordance": _concordance_path(),
        "/api/doc/{doc_id}": _document_path(),
        "/api/cite": _cite_path(),
        "/api/stats": _stats_path(),
        "/api/complete": _complete_path(),
        "/api/openapi.json": _get(
            "This description",
            "openapi",
            None,
            {"200": {"description": "OpenAPI 3 document", "content": {"application/json": {}}}},
        ),
        "/healthz": _get(
            "Health for monitors",
            "health",
            None,
            {
                "200": _json("Health", "The index is served"),
                "503": _json("Health", "No usable index"),
            },
        ),
    }


def _props(**types: str) -> dict:
    """`properties` of plain-typed fields: name=JSON type."""
    return {name: {"type": kind} for name, kind in types.items()}


def _result_schemas() -> dict:
    """The schemas of search hits and results, completions and the concordance."""
    line_fields = [
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
    ]
    return {
        "Hit": {
            "type": "object",
            "properties": {
                **_props(
                    doc_id="string",
                    doc_title="string",
                    paragraph="integer",
                    anchor="string",
                    url="string",
                    section="string",
                ),
                "page": {"type": "integer", "nullable": True},
                **_props(score="number", text="string"),
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
                **_props(query="string", understood_as="string", total="integer"),
                "took_ms": {"type": "number"},
                "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                "facets": {
                    "type": "object",
                    "additionalProperties": {"type": "integer"},
                    "description": "Hits per document, the documents with the most "
                    "hits first (at most `facets` of them)",
                },
                "facet_documents": {"type": "integer", "description": "Documents with any hit"},
                "suggestion": {"type": "string", "nullable": True},
                **_props(partial="boolean", limit="integer", offset="integer"),
            },
        },
        "Completions": {
            "type": "object",
            "required": ["prefix", "completions"],
            "properties": _props(prefix="string", completions="array"),
        },
        "Concordance": {
            "type": "object",
            "properties": {
                **_props(word="string"),
                "forms": {"type": "array", "items": {"type": "object"}},
                "related": {"type": "array", "items": {"type": "object"}},
                **_props(total="integer", offset="integer", limit="integer", sort="string"),
                "lines": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            k: {"type": "integer" if k == "paragraph" else "string"}
                            for k in line_fields
                        },
                    },
                },
            },
        },
    }


def _other_schemas() -> dict:
    """The schemas of errors, documents, citations, stats and health."""
    return {
        "Error": {
            "type": "object",
            "required": ["error", "status", "message"],
            "properties": {
                **_props(error="string", status="integer", message="string"),
                "code": {
                    "type": "string",
                    "description": "Why a query cannot be searched, as a stable name",
                },
                "command": {"type": "string"},
            },
        },
        "TermView": {"type": "object", "additionalProperties": True},
        "DocumentView": {"type": "object", "additionalProperties": True},
        "Citation": {
            "type": "object",
            "properties": {
                **_props(
                    doc_id="string",
                    paragraph="integer",
                    anchor="string",
                    title="string",
                    section="string",
                ),
                "page": {"type": "integer", "nullable": True},
                **_props(fp="string", url="string", text="string", bibtex="string"),
                "csl": {"type": "object"},
            },
        },
        "Stats": {
            "type": "object",
            "properties": {
                **_props(documents="integer", paragraphs="integer"),
                "generation": {},
                "document_list": {"type": "array", "items": {"type": "object"}},
            },
        },
        "Health": {
            "type": "object",
            "required": ["status"],
            "properties": {
                **_props(status="string", documents="integer", paragraphs="integer"),
                "generation": {},
                "age_seconds": {"type": "number", "nullable": True},
            },
        },
    }


def openapi_document(server_url: str) -> dict:
    """The OpenAPI document served at /api/openapi.json, `server_url` its `servers` entry
    (webapp/hosts.py makes it the base URL or an allowed host, never a stranger's Host).

    tests/test_api_schema.py holds it to the API's behaviour."""
    document: dict = {
        "openapi": "3.0.3",
        "info": {
            "title": "izde API",
            "version": "1",
            "description": "Full-text search of Kazakh documents. Every page of the "
            "web front end has a JSON twin here.",
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": _paths(),
        "components": {"schemas": {**_other_schemas(), **_result_schemas()}},
    }
    for path in document["paths"].values():
        for operation in path.values():
            operation["responses"]["414"] = TOO_LONG
    return document
