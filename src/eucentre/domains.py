"""The domains installed in the platform, in order: their routers are included, their commands
listed and their links shown in this order. Adding a domain is one folder with a `MANIFEST` in
its `__init__.py`, plus one line here."""

from __future__ import annotations

from functools import lru_cache

from eucentre.platform.manifest import Domains, load

DOMAINS = (
    "eucentre.operations",
    "eucentre.web",
    "eucentre.demo",
    "eucentre.auth",
    "eucentre.audit",
    "eucentre.reports",
    "eucentre.indicators",
    "eucentre.referrals",
    "eucentre.complaints",
    "eucentre.victims",
    "eucentre.admin",
    "eucentre.retention",
    "eucentre.media",
    "eucentre.matching",
    "eucentre.notices",
    "eucentre.search",
    "eucentre.transparency",
    "eucentre.detection",
    "eucentre.monitoring",
    "eucentre.prevention",
)


@lru_cache(maxsize=1)
def installed() -> Domains:
    """The manifests of DOMAINS, read once per process (they are constants)."""
    return load(DOMAINS)
