"""Hosting services: which host a URL is on (its name or a parent name, else the address in a
mapped range), and adding one (which bundles the URLs that were waiting for it)."""

from __future__ import annotations

import re
from ipaddress import ip_address, ip_network

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.kit.time import utcnow
from eucentre.models import OrganisationKind
from eucentre.notices import repository
from eucentre.notices.models import Host

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[a-z0-9.-]{1,252}\.[a-z]{2,63}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")


def candidates(host_name: str) -> list[str]:
    """ "a.b.example.com" -> ["a.b.example.com", "b.example.com", "example.com", "com"]."""
    parts = host_name.lower().strip(".").split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def host_for(session: Session, host_name: str, address: str | None) -> Host | None:
    names = candidates(host_name)
    if names:
        by_name = {h.domain: h for h in repository.hosts_with_domains(session, names)}
        for name in names:
            if name in by_name:
                return by_name[name]
    for text in (address, host_name):
        try:
            ip = ip_address((text or "").strip("[]"))
        except ValueError:
            continue
        best: tuple[int, Host] | None = None
        for host in repository.hosts_with_networks(session):
            network = ip_network(host.network or "", strict=False)
            inside = ip.version == network.version and ip in network
            if inside and (best is None or network.prefixlen > best[0]):
                best = (network.prefixlen, host)
        if best is not None:
            return best[1]
    return None


def add(
    session: Session,
    *,
    actor: str,
    domain: str,
    organisation_name: str | None = None,
    abuse_email: str | None = None,
    country: str | None = None,
) -> Host:
    """Map a domain (or an IP range in CIDR notation) to a provider organisation or an abuse
    address. Bad input is refused naming the field; the URLs waiting for this host are bundled
    into notices in the same transaction."""
    from eucentre.notices import intake

    value = domain.strip().lower().rstrip(".")
    network: str | None = None
    if "/" in value or _is_ip(value):
        try:
            network = str(ip_network(value, strict=False))
        except ValueError as bad:
            raise errors.UnprocessableEntity(f"domain: {bad}", code="invalid_domain") from bad
    elif not DOMAIN.match(value):
        raise errors.UnprocessableEntity(
            "domain: give a host name such as example.com, or an IP range such as 192.0.2.0/24",
            code="invalid_domain",
        )
    if (organisation_name is None) == (abuse_email is None):
        raise errors.UnprocessableEntity(
            "give either an organisation or an abuse e-mail address", code="org_or_email"
        )
    organisation_id = None
    if organisation_name is not None:
        organisation = repository.organisation_by_name(session, organisation_name.strip())
        if organisation is None or organisation.kind != OrganisationKind.provider:
            raise errors.UnprocessableEntity(
                f"org: no provider organisation named {organisation_name!r}", code="unknown_org"
            )
        organisation_id = organisation.id
        country = country or organisation.country
    email = None
    if abuse_email is not None:
        email = abuse_email.strip().lower()
        if not EMAIL.match(email):
            raise errors.UnprocessableEntity(
                "abuse-email: not an e-mail address", code="invalid_email"
            )
    if country is not None:
        country = country.strip().upper()
        if not COUNTRY.match(country):
            raise errors.UnprocessableEntity(
                "country: two letters (ISO 3166-1), such as DE", code="invalid_country"
            )
    existing = (
        repository.host_by_network(session, network)
        if network
        else repository.host_by_domain(session, value)
    )
    if existing is not None:
        raise errors.Conflict(f"domain: {network or value} is already mapped", code="host_exists")
    host = Host(
        domain=None if network else value,
        network=network,
        organisation_id=organisation_id,
        abuse_email=email,
        country=country,
        added_by=actor,
    )
    session.add(host)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="host.added",
        object_type="host",
        object_id=host.id,
        details={"organisation_id": organisation_id, "email": bool(email), "country": country},
    )
    intake.bundle_waiting(session, now=utcnow())
    return host


def label(host: Host | None) -> str:
    if host is None:
        return "unknown"
    return host.domain or host.network or f"host {host.id}"


def _is_ip(value: str) -> bool:
    try:
        ip_address(value)
    except ValueError:
        return False
    return True
