"""URLs as a signal: normalised, matched exactly, blocked through their own list."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from eucentre.kit.signals import InvalidValue, SignalType

MAX_URL = 2048


def normalise_url(value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_URL:
        raise InvalidValue(f"a URL is a string of at most {MAX_URL} characters")
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidValue("a URL needs http(s) and a host")
    host = parts.hostname.lower()
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    # Fragments never reach the server, so they do not distinguish content.
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


URL = SignalType(
    name="url",
    label="URL",
    normalise=normalise_url,
    compare=lambda a, b: 0 if a == b else 1,
    default_list="url_blocking",
    threatexchange_type="URI",
)
