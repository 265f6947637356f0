"""Web URLs in one canonical form: http and https only, lower-case scheme and host, no default
port, no fragment, no credentials, bounded in length. The crawler keeps URLs so, and notices
and holds name them so (their digests must agree)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from eucentre.kit.crypto import sha256_hex

SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}


class BadUrl(ValueError):
    """Not a URL the crawler fetches; the message says why (a code, for the logs)."""


def normalise(url: str, base: str | None = None) -> str:
    """The canonical form of `url` (resolved against `base`), or BadUrl."""
    text = url.strip()
    if base is not None:
        try:
            text = urljoin(base, text)
        except ValueError as bad:
            raise BadUrl("unparsable") from bad
    if len(text) > MAX_URL_LENGTH:
        raise BadUrl("too_long")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as bad:
        raise BadUrl("unparsable") from bad
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise BadUrl("scheme_not_allowed")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BadUrl("no_host")
    if parts.username or parts.password:
        raise BadUrl("credentials_in_url")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as bad:
        raise BadUrl("bad_host") from bad
    shown = f"[{host}]" if ":" in host else host
    netloc = shown if port in (None, DEFAULT_PORTS[scheme]) else f"{shown}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def digest(url: str) -> str:
    return sha256_hex(url)
