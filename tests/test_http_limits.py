"""What the app itself refuses, through Flask's test client on the shipped index: methods
(405 with Allow), bodies over 64 KB (413 before they are read), parameters given empty, and
the API description saying so (issue #13, Low items)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from webapp import create_app
from webapp.security import MAX_PARAGRAPH, MAX_QUERY

DOC = "nur-otan-strategy-2009-2012"


@pytest.fixture(scope="module")
def client(shipped_index):
    return create_app({"INDEX_DIR": shipped_index}).test_client()


@pytest.mark.parametrize(
    "path", ["/api/search?q=x", "/search?q=x", f"/api/doc/{DOC}", "/healthz", "/", "/stats"]
)
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_a_405_says_which_methods_are_answered(client, path, method):
    r = client.open(path, method=method)
    assert r.status_code == 405
    allowed = {m.strip() for m in r.headers["Allow"].split(",")}
    assert "GET" in allowed and method not in allowed
    assert "Content-Security-Policy" in r.headers


def test_a_body_over_64_kb_is_refused_by_its_length(client):
    r = client.post(
        "/api/search?q=x",
        data=b"x" * (64 * 1024 + 1),
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 413
    assert r.get_json()["status"] == 413 and "64" in r.get_json()["message"]
    # A small one reaches routing: these addresses answer GET only.
    assert client.post("/api/search?q=x", data=b"q=x").status_code == 405


@pytest.mark.parametrize(
    "query",
    [
        "q=x&doc=",
        "q=x&order=",
        "q=x&limit=",
        "q=x&offset=",
        "q=x&limit=+5",
        "q=x&limit=%205",
        "q=x&offset=%D9%A1",  # Arabic-Indic one
        "q=x&limit=1_0",
        "q=",
        "q=%20%20",
    ],
)
@pytest.mark.parametrize("route", ["/api/search", "/search"])
def test_parameters_given_empty_or_malformed_are_400(client, route, query):
    r = client.get(f"{route}?{query}")
    if route == "/search" and query.startswith("q=") and query.split("&")[0] in ("q=", "q=%20%20"):
        assert r.status_code == 200  # the empty search page, with examples
    else:
        assert r.status_code == 400, query


def test_cite_needs_a_paragraph_number(client):
    assert client.get(f"/api/cite?doc={DOC}&n=").status_code == 400
    assert client.get(f"/api/cite?doc={DOC}&n={MAX_PARAGRAPH + 1}").status_code == 400
    assert client.get(f"/api/cite?doc={DOC}&n=3").status_code == 200


def test_the_description_states_the_limits(client):
    spec = client.get("/api/openapi.json").get_json()
    search = {p["name"]: p["schema"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert search["q"]["minLength"] == 1 and search["q"]["maxLength"] == MAX_QUERY
    term = spec["paths"]["/api/term"]["get"]["parameters"][0]["schema"]
    assert term["minLength"] == 1
    cite = {p["name"]: p["schema"] for p in spec["paths"]["/api/cite"]["get"]["parameters"]}
    assert cite["n"]["maximum"] == MAX_PARAGRAPH
    assert "400" in spec["paths"]["/api/doc/{doc_id}"]["get"]["responses"]
    # ... and the 400 it documents is what a query that cannot be read gets.
    r = client.get(f"/api/doc/{DOC}?q=" + quote("(((("))
    assert r.status_code == 400 and r.get_json()["message"]
    for path in spec["paths"].values():
        for operation in path.values():
            assert "414" in operation["responses"]


def test_busy_is_a_503_with_retry_after(shipped_index, monkeypatch):
    """When no turn comes within the search's budget (indexer.search.budget.Busy)."""
    from indexer.search.budget import Busy
    from webapp import data

    def busy(*_args, **_kwargs):
        raise Busy("no turn", retry_after=3)

    monkeypatch.setattr(data, "run_search", busy)
    client = create_app({"INDEX_DIR": shipped_index}).test_client()
    for path in ("/api/search?q=x", "/search?q=x&lang=ru"):
        r = client.get(path)
        assert r.status_code == 503 and r.headers["Retry-After"] == "3", path
        assert "3" in r.get_data(as_text=True)
