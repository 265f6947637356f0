"""Bundles and their blinding keys, by version, fetched from the Centre and checked against
its published root history before use."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

import httpx

from eucentre.psi.bundle import Bundle, BundleError, parse
from eucentre.psi.group import is_point, mul_base

MAX_BUNDLE_BYTES = 1 << 34


class UnknownBundle(LookupError):
    pass


@dataclass(frozen=True)
class Keyed:
    bundle: Bundle
    alpha: bytes


class KeyRing(Protocol):
    def get(self, version: int) -> Keyed: ...


class StaticKeyRing:
    """Bundles given in advance (the benchmark, library callers)."""

    def __init__(self, *keyed: Keyed) -> None:
        self._by_version = {k.bundle.version: k for k in keyed}

    def get(self, version: int) -> Keyed:
        try:
            return self._by_version[version]
        except KeyError:
            raise UnknownBundle(f"bundle version {version} is not known") from None


class CentreKeyRing:
    """From the Centre's API with a `detection:read` key; each version fetched once."""

    def __init__(self, centre_url: str, api_key: str, *, timeout: float = 60) -> None:
        self._client = httpx.Client(
            base_url=centre_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=timeout,
        )
        self._cache: dict[int, Keyed] = {}
        self._lock = threading.Lock()

    def get(self, version: int) -> Keyed:
        with self._lock:
            if version not in self._cache:
                self._cache[version] = self._fetch(version)
            return self._cache[version]

    def _fetch(self, version: int) -> Keyed:
        history = self._client.get("/api/v1/detection/bundle/root")
        history.raise_for_status()
        published = {item["version"]: item["root"] for item in history.json()["history"]}
        if version not in published:
            raise UnknownBundle(f"bundle version {version} was never published")
        reply = self._client.get("/api/v1/detection/bundle", params={"version": version})
        reply.raise_for_status()
        if len(reply.content) > MAX_BUNDLE_BYTES:
            raise BundleError("bundle too large")
        bundle = parse(reply.content, expected_root=published[version])
        key = self._client.get("/api/v1/detection/bundle/key", params={"version": version})
        key.raise_for_status()
        alpha = bytes.fromhex(key.json()["alpha"])
        public = bundle.public_key
        if not is_point(public) or mul_base(alpha) != public:
            raise BundleError("the Centre's key does not match the bundle's public key")
        return Keyed(bundle=bundle, alpha=alpha)

    def close(self) -> None:
        self._client.close()
