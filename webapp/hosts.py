"""Which `Host` values the app answers, and the address its absolute links use.

A client chooses the `Host` header, so it is never trusted as is: citations, BibTeX, CSL
and the OpenAPI `servers` entry are absolute links, and a page that printed any Host back
would let a stranger put their address into them (and would let DNS rebinding reach the
server under a foreign name). The app answers:

- the base URL (`BASE_URL`, from `izde serve --base-url` or `$IZDE_BASE_URL`): every
  absolute link then uses it, whatever the request said;
- the names in `ALLOWED_HOSTS` (`name` on any port, `name:port`, or `*` for any);
- the address the server is bound to (`BIND_HOST`) and the loopback names (localhost,
  127.0.0.1, [::1]), on the port the request came in on.

Anything else is a 400 whose page does not repeat the Host. A request without Host
(HTTP/1.0) gets the base URL's address, else the bound one.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, request

from webapp.i18n import fast_gettext as _
from webapp.security import BadRequest

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARD_BINDS = ("", "0.0.0.0", "::")
DEFAULT_PORTS = {"http": 80, "https": 443}
BAD_HOST_KEY = "izde.bad_host"  # set in the WSGI environ by HostGuard, read by the app
_NAME = re.compile(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]")


def parse_host(value: str) -> tuple[str, int | None] | None:
    """`Host` value -> (lower-case name without brackets or final dot, port or None when
    none is given); None if it is not a host name or address with an optional port."""
    value = value.strip().lower()
    name, port = value, ""
    if value.startswith("["):
        close = value.find("]")
        name, rest = value[: close + 1], value[close + 1 :]
        if close < 0 or (rest and not rest.startswith(":")):
            return None
        port = rest[1:]
    elif value.count(":") == 1:
        name, port = value.split(":")
    if not _NAME.fullmatch(name) or (port and not (port.isdigit() and 0 < int(port) < 65536)):
        return None
    return name.strip("[]").rstrip("."), int(port) if port else None


def split_host(value: str, scheme: str = "http") -> tuple[str, int] | None:
    """Like parse_host, with the scheme's default port when none is given."""
    parsed = parse_host(value)
    if parsed is None:
        return None
    name, port = parsed
    return name, port if port is not None else DEFAULT_PORTS.get(scheme, 80)


def join_host(name: str, port: int, scheme: str = "http") -> str:
    shown = f"[{name}]" if ":" in name else name
    return shown if DEFAULT_PORTS.get(scheme) == port else f"{shown}:{port}"


def check_base_url(value: str) -> str:
    """`scheme://host[:port]` with nothing after it (izde's links start at the root), or
    ValueError saying what is wrong."""
    parts = urlsplit(value.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.netloc:
        raise ValueError("give the address as http://NAME[:PORT] or https://NAME[:PORT]")
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError("only the scheme, the host name and the port: izde is served at /")
    if split_host(parts.netloc, parts.scheme) is None:
        raise ValueError(f"{parts.netloc!r} is not a host name with an optional port")
    return f"{parts.scheme}://{parts.netloc.lower()}"


@dataclass(frozen=True)
class HostPolicy:
    """What the app answers (see the module docstring); built once per app."""

    base_scheme: str | None  # from BASE_URL, when there is one
    base: tuple[str, int] | None
    local_names: frozenset[str]  # answered on the port the request came in on
    allowed: frozenset[tuple[str, int | None]]  # ALLOWED_HOSTS; port None: any port
    any_host: bool  # ALLOWED_HOSTS has "*"
    bound_name: str  # the address links use when there is neither base nor Host

    @classmethod
    def from_config(
        cls, base_url: str | None, allowed_hosts: Iterable[str] | None, bind_host: str | None
    ) -> HostPolicy:
        base_scheme = base = None
        if base_url:
            parts = urlsplit(check_base_url(base_url))
            base_scheme, base = parts.scheme, split_host(parts.netloc, parts.scheme)
        allowed: set[tuple[str, int | None]] = set()
        any_host = False
        for entry in allowed_hosts or ():
            entry = entry.strip()
            if entry == "*":
                any_host = True
            elif entry:
                parsed = parse_host(entry)
                if parsed is None:
                    raise ValueError(f"{entry!r} is not a host name with an optional port")
                allowed.add(parsed)
        bind = (bind_host or "localhost").strip("[]").lower()
        local = set(LOOPBACK_NAMES)
        if bind in WILDCARD_BINDS:  # every interface: the machine's own names too
            local |= {socket.gethostname().lower(), socket.getfqdn().lower()}
            bound_name = socket.getfqdn().lower()
        else:
            local.add(bind)
            bound_name = bind
        return cls(base_scheme, base, frozenset(local), frozenset(allowed), any_host, bound_name)

    def allows(self, host: str, scheme: str, server_port: int) -> bool:
        parsed = parse_host(host)
        if parsed is None:
            return False
        name, given = parsed
        port = given if given is not None else DEFAULT_PORTS.get(scheme, 80)
        return (
            self.any_host
            # (behind a proxy that ends TLS, the base URL's name comes without its port)
            or (self.base is not None and name == self.base[0] and given in (None, self.base[1]))
            or (name in self.local_names and port == server_port)
            or (name, port) in self.allowed
            or (name, None) in self.allowed
        )

    def default_host(self, scheme: str, server_port: int) -> str:
        """The Host a request without one (or with a refused one) is treated as having."""
        if self.base is not None and self.base_scheme is not None:
            return join_host(*self.base, self.base_scheme)
        return join_host(self.bound_name, server_port, scheme)


class HostGuard:
    """WSGI middleware: before Flask reads anything, a refused or missing Host is replaced
    by the default one (so no part of the app can print it), a refused one is marked for a
    400, and with a base URL the scheme and Host become the base URL's."""

    def __init__(self, app, policy: HostPolicy) -> None:
        self.app = app
        self.policy = policy

    def __call__(self, environ: dict, start_response):
        scheme = environ.get("wsgi.url_scheme", "http")
        try:
            server_port = int(environ.get("SERVER_PORT") or DEFAULT_PORTS.get(scheme, 80))
        except ValueError:
            server_port = DEFAULT_PORTS.get(scheme, 80)
        host = environ.get("HTTP_HOST")
        if host is not None and not self.policy.allows(host, scheme, server_port):
            environ[BAD_HOST_KEY] = True
            host = None
        if self.policy.base is not None and self.policy.base_scheme is not None:
            environ["wsgi.url_scheme"] = scheme = self.policy.base_scheme
            host = None
        if host is None:
            environ["HTTP_HOST"] = self.policy.default_host(scheme, server_port)
        return self.app(environ, start_response)


def refuse_bad_host() -> None:
    if request.environ.get(BAD_HOST_KEY):
        raise BadRequest(_("This server does not answer to that host name."))


def init_hosts(app: Flask) -> None:
    """Wrap the app in HostGuard with the policy of its config; call before other hooks,
    so the refusal comes first."""
    policy = HostPolicy.from_config(
        app.config.get("BASE_URL"), app.config.get("ALLOWED_HOSTS"), app.config.get("BIND_HOST")
    )
    app.extensions["izde_hosts"] = policy
    app.wsgi_app = HostGuard(app.wsgi_app, policy)  # type: ignore[method-assign]
    app.before_request(refuse_bad_host)
