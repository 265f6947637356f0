"""Jurisdiction routing: which Member States' authorities receive a report, besides Europol.

Art. 48 of the proposed Regulation has the Centre forward a report to Europol and to the competent
law-enforcement authority of every Member State likely to have jurisdiction, and to Europol alone
when that cannot be determined. Europol therefore receives every report.

Evidence, strongest first (docs/rules.md has the plain-language version):

1. ``upload_ip`` - the country of the IP address of a reported user's most recent upload event;
   where the abuse material was put online from.
2. ``declared_country`` - the country the reported user declared to the service.
3. ``other_ip`` - the country of the IP address of the user's most recent event of another kind
   (login, registration...); weaker, since people log in while travelling and through VPNs.
4. ``provider_seat`` - the Member State where the provider is established. Only used when no
   reported user gives any location: that Member State can at least obtain the user data.

Each reported user is located by their strongest available evidence (ties at the same tier and
time count equally). The report goes to every EU Member State a user is located in: two users in
two Member States is conflicting evidence, and both receive it. Locations outside the EU are left
to Europol. When nothing points to a Member State, Europol receives the report alone.

The result depends only on the set of facts, never on their order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

# The 27 Member States by ISO 3166-1 alpha-2 code (Greece is GR; the EU's own "EL" is an alias).
EU_MEMBER_STATES: frozenset[str] = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip
COUNTRY_ALIASES: dict[str, str] = {"EL": "GR", "UK": "GB"}

# Evidence weights: higher is stronger. A user is located by their highest-weight evidence only.
WEIGHT_UPLOAD_IP = 4
WEIGHT_DECLARED_COUNTRY = 3
WEIGHT_OTHER_IP = 2
WEIGHT_PROVIDER_SEAT = 1
# The event name that marks an upload (see reports.schemas.IpEventName).
UPLOAD_EVENT = "upload"


@dataclass(frozen=True, slots=True)
class LocatedEvent:
    """An IP event of a reported user, with the country the IP table gave its address."""

    event: str
    time: datetime
    country: str | None  # None when the table does not cover the address


@dataclass(frozen=True, slots=True)
class UserLocation:
    """What is known of where one reported user is."""

    declared_country: str | None = None
    ip_events: tuple[LocatedEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class Routing:
    member_states: tuple[str, ...]  # sorted, EU Member States only
    europol: bool = True
    reasons: tuple[str, ...] = ()


def normalise_country(code: str | None) -> str | None:
    if code is None:
        return None
    code = code.strip().upper()
    return COUNTRY_ALIASES.get(code, code) or None


def is_member_state(code: str | None) -> bool:
    return normalise_country(code) in EU_MEMBER_STATES


def locate_user(user: UserLocation) -> tuple[int, frozenset[str], str]:
    """A user's strongest evidence: (weight, countries, description); weight 0 when none."""
    located = [e for e in user.ip_events if normalise_country(e.country)]
    uploads = [e for e in located if e.event == UPLOAD_EVENT]
    if uploads:
        return WEIGHT_UPLOAD_IP, _latest(uploads), "most recent upload IP address"
    declared = normalise_country(user.declared_country)
    if declared:
        return WEIGHT_DECLARED_COUNTRY, frozenset({declared}), "declared country"
    if located:
        return WEIGHT_OTHER_IP, _latest(located), "most recent IP address (not an upload)"
    return 0, frozenset(), ""


def _latest(events: list[LocatedEvent]) -> frozenset[str]:
    # All countries seen at the latest time: simultaneous events in two countries both count,
    # which keeps the result independent of the order events arrive in.
    latest = max(e.time for e in events)
    return frozenset(normalise_country(e.country) or "" for e in events if e.time == latest)


def route(*, users: Iterable[UserLocation], provider_country: str | None) -> Routing:
    """Decide the recipients of a report."""
    states: set[str] = set()
    reasons: set[str] = set()
    outside: set[str] = set()
    any_location = False
    for user in users:
        weight, countries, what = locate_user(user)
        if not weight:
            continue
        any_location = True
        for country in countries:
            if country in EU_MEMBER_STATES:
                states.add(country)
                reasons.add(f"{country}: a reported user's {what} is there.")
            else:
                outside.add(country)
                reasons.add(f"{country}: a reported user's {what} is outside the EU.")

    if not any_location:
        seat = normalise_country(provider_country)
        if seat in EU_MEMBER_STATES:
            states.add(seat)
            reasons.add(
                f"{seat}: no reported user could be located; the provider is established there."
            )
        elif seat:
            reasons.add(f"{seat}: the provider is established outside the EU.")

    ordered = sorted(reasons)
    if len(states) > 1:
        ordered.append("The evidence points to several Member States; each receives the report.")
    if not states:
        if outside:
            ordered.append("Every location found is outside the EU: Europol alone receives it.")
        else:
            ordered.append("No location could be determined: Europol alone receives it.")
    else:
        ordered.append("Europol receives every report.")
    return Routing(member_states=tuple(sorted(states)), europol=True, reasons=tuple(ordered))


__all__ = [
    "COUNTRY_ALIASES",
    "EU_MEMBER_STATES",
    "UPLOAD_EVENT",
    "WEIGHT_DECLARED_COUNTRY",
    "WEIGHT_OTHER_IP",
    "WEIGHT_PROVIDER_SEAT",
    "WEIGHT_UPLOAD_IP",
    "LocatedEvent",
    "Routing",
    "UserLocation",
    "is_member_state",
    "locate_user",
    "normalise_country",
    "route",
]
