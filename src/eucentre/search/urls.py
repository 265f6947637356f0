"""URLs as the crawler keeps them (`kit.weburls`: http and https only, normalised, bounded),
and the registrable domain politeness is counted by (`tldextract` with the suffix list bundled in
the package, never fetched)."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_address
from urllib.parse import urlsplit

from eucentre.kit.weburls import DEFAULT_PORTS, MAX_URL_LENGTH, SCHEMES, BadUrl, digest, normalise

__all__ = [
    "DEFAULT_PORTS",
    "MAX_URL_LENGTH",
    "SCHEMES",
    "BadUrl",
    "digest",
    "host_of",
    "normalise",
    "origin_of",
    "registrable_domain",
]


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@lru_cache(maxsize=1)
def _extractor():  # type: ignore[no-untyped-def]
    import tldextract

    # The snapshot of the Public Suffix List inside the package: no fetch, no cache on disk.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """ "img.cdn.example.co.uk" -> "example.co.uk"; an IP address or a bare name is itself."""
    host = host.strip("[]").lower()
    try:
        ip_address(host)
        return host
    except ValueError:
        pass
    found = _extractor()(host)
    if found.domain and found.suffix:
        return f"{found.domain}.{found.suffix}"
    return host
