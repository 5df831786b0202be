"""The Host header decides nothing by itself (issue #13, item 8): a hostile Host is refused
and appears in no response; absolute links (citations, BibTeX, CSL, the OpenAPI `servers`
entry) use `--base-url`, else an allowed Host, else the bound address."""

from __future__ import annotations

import json
import re
import socket
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from served import Serve

from indexer.cli import main
from webapp import create_app
from webapp.hosts import HostPolicy, check_base_url, parse_host

DOC = "nur-otan-strategy-2009-2012"
EVIL = "evil.example"
# Every kind of answer that carries an absolute link, and the pages around them.
TARGETS = [
    "/",
    "/search?q=" + quote("партия"),
    f"/doc/{DOC}",
    f"/cite?doc={DOC}&n=3",
    f"/api/cite?doc={DOC}&n=3",
    "/api/openapi.json",
    "/api/search?q=" + quote("партия"),
    f"/p/{DOC}/3",
    "/healthz",
    "/nowhere",
]


def _everything(response) -> bytes:
    head = "".join(f"{k}: {v}\n" for k, v in response.headers.items()).encode()
    return head + response.get_data()


@pytest.fixture(scope="module")
def app_factory(shipped_index):
    def make(**config):
        return create_app({"INDEX_DIR": shipped_index, **config})

    return make


def _citation_urls(client, **kw) -> set[str]:
    """Every absolute URL in a citation (its link, BibTeX, CSL) and the OpenAPI servers."""
    cite = client.get(f"/api/cite?doc={DOC}&n=3", **kw).get_json()
    urls = {cite["url"], cite["csl"]["URL"]}
    urls |= set(re.findall(r"url = \{([^}]*)\}", cite["bibtex"]))
    urls |= set(re.findall(r"\\url\{([^}]*)\}", cite["bibtex"]))
    urls |= set(re.findall(r"https?://[^\s)]+", cite["text"]))
    spec = client.get("/api/openapi.json", **kw).get_json()
    urls |= {s["url"] for s in spec["servers"]}
    return urls


@pytest.mark.parametrize("host", [EVIL, f"{EVIL}:80", "EVIL.example", "localhost.evil.example"])
def test_a_hostile_host_is_refused_and_never_repeated(app_factory, host):
    client = app_factory().test_client()
    for target in TARGETS:
        r = client.get(target, headers={"Host": host})
        assert r.status_code == 400, (target, r.status_code)
        assert b"evil" not in _everything(r).lower(), target
        assert "Content-Security-Policy" in r.headers


def test_the_local_names_are_answered_and_used(app_factory):
    client = app_factory().test_client()  # Flask's test client says Host: localhost
    assert client.get("/healthz").status_code == 200
    assert {u.split("/p/")[0] for u in _citation_urls(client)} == {"http://localhost"}
    for host in ("127.0.0.1", "[::1]", "LOCALHOST", "localhost."):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
    # The local names on another port than the one served are not this server.
    assert client.get("/healthz", headers={"Host": "localhost:9999"}).status_code == 400


def test_allowed_hosts_are_answered_and_used_in_links(app_factory):
    app = app_factory(ALLOWED_HOSTS=["search.example.kz", "other.example.kz:8443"])
    client = app.test_client()
    for host, ok in [
        ("search.example.kz", True),
        ("search.example.kz:8080", True),
        ("other.example.kz:8443", True),
        ("other.example.kz", False),
        (EVIL, False),
    ]:
        r = client.get("/healthz", headers={"Host": host})
        assert (r.status_code == 200) is ok, host
    urls = _citation_urls(client, headers={"Host": "search.example.kz:8080"})
    assert {u.split("/p/")[0] for u in urls} == {"http://search.example.kz:8080"}


def test_the_base_url_is_what_every_absolute_link_uses(app_factory):
    app = app_factory(BASE_URL="https://izde.example.kz", BIND_HOST="127.0.0.1")
    client = app.test_client()
    # The base URL's own name is answered, and so are the local names (a proxy's Host).
    for host in ("izde.example.kz:443", "izde.example.kz", "localhost", "127.0.0.1"):
        urls = _citation_urls(client, headers={"Host": host})
        assert {u.split("/p/")[0] for u in urls} == {"https://izde.example.kz"}, host
    r = client.get(f"/api/cite?doc={DOC}&n=3", headers={"Host": EVIL})
    assert r.status_code == 400 and b"evil" not in _everything(r)
    page = client.get(f"/cite?doc={DOC}&n=3").get_data(as_text=True)
    assert f"https://izde.example.kz/p/{DOC}/3" in page


def test_any_host_only_when_asked_for(app_factory):
    client = app_factory(ALLOWED_HOSTS=["*"]).test_client()
    assert client.get("/healthz", headers={"Host": "anything.example"}).status_code == 200


@pytest.mark.parametrize(
    "value, parsed",
    [
        ("Example.KZ", ("example.kz", None)),
        ("example.kz.:8080", ("example.kz", 8080)),
        ("[::1]:8000", ("::1", 8000)),
        ("[::1]", ("::1", None)),
        ("127.0.0.1:80", ("127.0.0.1", 80)),
        ("a b", None),
        ("evil.example:0", None),
        ("evil.example:99999", None),
        ("evil.example:8000:1", None),
        ("user@evil.example", None),
        ("[::1", None),
        ("", None),
        ("<script>", None),
    ],
)
def test_host_values_are_read_strictly(value, parsed):
    assert parse_host(value) == parsed


def test_a_wildcard_bind_answers_the_machine_own_names():
    policy = HostPolicy.from_config(None, None, "0.0.0.0")
    assert policy.allows(f"{socket.gethostname()}:8000", "http", 8000)
    assert policy.allows("localhost:8000", "http", 8000)
    assert not policy.allows(f"{EVIL}:8000", "http", 8000)


@pytest.mark.parametrize(
    "value", ["ftp://x.kz", "izde.example.kz", "https://x.kz/izde", "https://x.kz/?a=1", "http://"]
)
def test_a_base_url_must_be_scheme_host_and_port(value):
    with pytest.raises(ValueError):
        check_base_url(value)
    result = CliRunner().invoke(main, ["serve", "--base-url", value])
    assert result.exit_code == 2 and "--base-url" in result.output


def test_allowed_hosts_are_checked_on_the_command_line():
    result = CliRunner().invoke(main, ["serve", "--allowed-hosts", "ok.kz,bad host"])
    assert result.exit_code == 2 and "bad host" in result.output


# -- the live server: HTTP/1.0 without Host, and Host headers over a real socket -------------


def _raw(port: int, request: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


@pytest.fixture(scope="module")
def live(shipped_index, tmp_path_factory):
    server = Serve(
        shipped_index,
        tmp_path_factory.mktemp("hosts") / "serve.log",
        env={"IZDE_WARM_SECONDS": "0"},
        args=("--workers", "1"),
    )
    yield server
    server.stop()


def test_live_http10_without_host_gets_the_bound_address(live):
    status, data = _raw(live.port, f"GET /api/cite?doc={DOC}&n=3 HTTP/1.0\r\n\r\n".encode())
    assert status == 200
    body = json.loads(data.split(b"\r\n\r\n", 1)[1])
    assert body["url"].startswith(f"http://127.0.0.1:{live.port}/p/{DOC}/3"), body["url"]


def test_live_hostile_host_is_refused_everywhere(live):
    for target in TARGETS:
        request = f"GET {target} HTTP/1.1\r\nHost: {EVIL}\r\nConnection: close\r\n\r\n"
        status, data = _raw(live.port, request.encode())
        assert status == 400, (target, data[:300])
        assert b"evil" not in data.lower(), target


def test_live_base_url_from_the_environment(shipped_index, tmp_path):
    server = Serve(
        shipped_index,
        tmp_path / "serve.log",
        env={"IZDE_WARM_SECONDS": "0", "IZDE_BASE_URL": "https://izde.example.kz"},
        args=("--workers", "1"),
    )
    try:
        status, data = _raw(server.port, b"GET /api/openapi.json HTTP/1.0\r\n\r\n")
        assert status == 200
        servers = json.loads(data.split(b"\r\n\r\n", 1)[1])["servers"]
        assert servers == [{"url": "https://izde.example.kz"}]
        request = f"GET /api/cite?doc={DOC}&n=3 HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        status, data = _raw(server.port, (request + "Connection: close\r\n\r\n").encode())
        assert status == 200 and b'"url":"https://izde.example.kz/p/' in data
    finally:
        server.stop()
