"""One bounded fetch: http/https only, the address checked and connected to (see addresses.py),
redirects followed by hand (each hop checked again, loops and long chains refused), a deadline
for the whole fetch (a slow body too), a cap on the decoded size and on the compression ratio
(decompression bombs), `Retry-After` read on 429 and 503. Never raises for what a site does:
the outcome says what happened."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from eucentre.kit.time import utcnow
from eucentre.search import urls
from eucentre.search.addresses import AddressRefused, Resolver, checked_address, system_resolver

log = logging.getLogger(__name__)
REDIRECTS = (301, 302, 303, 307, 308)
# Past this much decoded data, more than this many decoded bytes per byte received is a bomb.
BOMB_FLOOR = 1024 * 1024
MAX_RATIO = 100
MAX_RETRY_AFTER = 3600.0
CLIENTS = 32


@dataclass(frozen=True)
class FetchPolicy:
    user_agent: str
    max_bytes: int = 20 * 1024 * 1024
    timeout: float = 20.0
    max_redirects: int = 5
    allow_private: bool = False
    # Networks reachable even when private ones are not (a lab's range; tests).
    allow_networks: tuple[str, ...] = ()


@dataclass
class Fetched:
    url: str
    outcome: str  # "ok", or why there is no body (http_status, too_large, timeout, ...)
    status: int | None = None
    content_type: str = ""
    body: bytes = b""
    address: str | None = None
    redirects: list[str] = field(default_factory=list)
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date), at most an hour."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - utcnow()).total_seconds()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class Fetcher:
    """Fetches for one crawl (or one re-check run); keeps connections per host name."""

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        resolver: Resolver = system_resolver,
        allowed: Callable[[str], bool] | None = None,
    ) -> None:
        self.policy = policy
        self.resolver = resolver
        # Asked for every redirect target (robots.txt).
        self.allowed = allowed
        self._clients: OrderedDict[str, httpx.Client] = OrderedDict()
        self._lock = threading.Lock()

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _client(self, host: str) -> httpx.Client:
        with self._lock:
            return self._client_locked(host)

    def _client_locked(self, host: str) -> httpx.Client:
        # One pool per host name, so a TLS connection checked for one name never serves another
        # name on the same address.
        client = self._clients.get(host)
        if client is None:
            client = httpx.Client(
                follow_redirects=False,
                trust_env=False,
                timeout=httpx.Timeout(self.policy.timeout, connect=min(5.0, self.policy.timeout)),
                headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"},
            )
            self._clients[host] = client
            while len(self._clients) > CLIENTS:
                _, old = self._clients.popitem(last=False)
                old.close()
        else:
            self._clients.move_to_end(host)
        return client

    def get(self, url: str) -> Fetched:
        deadline = time.monotonic() + self.policy.timeout
        seen = {url}
        current = url
        redirects: list[str] = []
        while True:
            result = self._one(current, deadline)
            result.redirects = redirects
            if result.outcome != "redirect":
                return result
            location = result.content_type  # _one puts the Location there for redirects
            try:
                target = urls.normalise(location, base=current)
            except urls.BadUrl as bad:
                return Fetched(current, f"redirect_{bad}", result.status, redirects=redirects)
            if target in seen:
                return Fetched(current, "redirect_loop", result.status, redirects=redirects)
            if len(redirects) >= self.policy.max_redirects:
                return Fetched(current, "too_many_redirects", result.status, redirects=redirects)
            if self.allowed is not None and not self.allowed(target):
                return Fetched(target, "robots_disallowed", result.status, redirects=redirects)
            seen.add(target)
            redirects.append(target)
            current = target

    def _one(self, url: str, deadline: float) -> Fetched:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or urls.DEFAULT_PORTS.get(parts.scheme, 0)
        if parts.scheme not in urls.SCHEMES or not host:
            return Fetched(url, "scheme_not_allowed")
        try:
            address = checked_address(
                host,
                port,
                allow_private=self.policy.allow_private,
                allow_networks=self.policy.allow_networks,
                resolver=self.resolver,
            )
        except AddressRefused as refused:
            return Fetched(url, refused.code)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Fetched(url, "timeout", address=address)
        target = httpx.URL(url).copy_with(host=address)
        headers = {"Host": parts.netloc.rsplit("@", 1)[-1]}
        extensions = {
            "sni_hostname": host,
            "timeout": {
                "connect": min(5.0, remaining),
                "read": remaining,
                "write": remaining,
                "pool": remaining,
            },
        }
        try:
            client = self._client(host)
            request = client.build_request("GET", target, headers=headers, extensions=extensions)
            response = client.send(request, stream=True)
        except httpx.TimeoutException:
            return Fetched(url, "timeout", address=address)
        except (httpx.HTTPError, OSError, ValueError) as failed:
            log.info("fetch failed", extra={"error": type(failed).__name__})
            return Fetched(url, "network_error", address=address)
        try:
            return self._read(url, address, response, deadline)
        finally:
            response.close()

    def _read(self, url: str, address: str, response: httpx.Response, deadline: float) -> Fetched:
        status = response.status_code
        content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if status in REDIRECTS:
            location = response.headers.get("location")
            if not location:
                return Fetched(url, "redirect_without_location", status, address=address)
            return Fetched(url, "redirect", status, content_type=location, address=address)
        if status in (429, 503):
            wait = retry_after_seconds(response.headers.get("retry-after"))
            return Fetched(url, "retry_later", status, address=address, retry_after=wait)
        if not 200 <= status < 300:
            return Fetched(url, "http_status", status, content_type, address=address)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.policy.max_bytes:
            return Fetched(url, "too_large", status, content_type, address=address)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                received = max(response.num_bytes_downloaded, 1)
                if size > BOMB_FLOOR and size > MAX_RATIO * received:
                    return Fetched(url, "decompression_bomb", status, content_type, address=address)
                if size > self.policy.max_bytes:
                    return Fetched(url, "too_large", status, content_type, address=address)
                if time.monotonic() > deadline:
                    return Fetched(url, "timeout", status, content_type, address=address)
                chunks.append(chunk)
        except httpx.TimeoutException:
            return Fetched(url, "timeout", status, content_type, address=address)
        except httpx.DecodingError:
            return Fetched(url, "bad_encoding", status, content_type, address=address)
        except (httpx.HTTPError, OSError):
            return Fetched(url, "network_error", status, content_type, address=address)
        return Fetched(url, "ok", status, content_type, b"".join(chunks), address=address)
