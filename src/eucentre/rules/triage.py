"""Triage: what happens to a report once its files and hashes have been matched.

Three outcomes (docs/rules.md explains each in plain language):

* ``unfounded`` - manifestly unfounded: nothing to assess, or reported as known material whose only
  matches are to disputed indicators. The provider gets the reasons as feedback.
* ``refer`` - known material with enough to act on: at least one close match to a verified
  indicator, and some location data or user identifiers a Member State can follow up.
* ``review`` - everything else, above all new material and solicitation, which only a person can
  assess.

An urgent report (imminent risk to a child) is first in every queue, is never declared unfounded
without a person looking at it, and stays flagged all the way to the authority.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["unfounded", "refer", "review"]
IncidentType = Literal["known_material", "new_material", "solicitation"]

# Indicator statuses triage distinguishes; any other status (e.g. pending) counts as neither.
VERIFIED = "verified"
DISPUTED = "disputed"

# How many matches to verified indicators make a report "known material" we can refer unseen.
# One is enough: a verified indicator has already been confirmed by the Centre's analysts.
MIN_VERIFIED_MATCHES = 1
# Largest Hamming distance (of 256 PDQ bits) at which a verified match counts for referral: the
# field-standard PDQ threshold. Exact hashes (MD5, SHA-256) match at distance 0.
MAX_REFERRAL_DISTANCE = 31

# Queue priorities: lower is earlier. Urgent is always first, whatever else is true.
PRIORITY_URGENT = 0
# A child may be in contact with an offender now.
PRIORITY_SOLICITATION = 1
# New material may show ongoing abuse of a child nobody has identified yet.
PRIORITY_NEW_MATERIAL = 2
# Known material still online on the service can still spread.
PRIORITY_KNOWN_ONLINE = 3
PRIORITY_KNOWN_REMOVED = 4
# Unfounded reports only need their feedback sent.
PRIORITY_UNFOUNDED = 5


@dataclass(frozen=True, slots=True)
class MatchFact:
    """One match of a report's file or hash against an indicator list."""

    indicator_status: str
    list_name: str
    distance: int = 0


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """What triage needs to know about a report; the service derives it from the stored report."""

    incident_type: IncidentType
    urgent: bool = False
    file_count: int = 0
    hash_count: int = 0
    url_count: int = 0
    has_description: bool = False
    matches: tuple[MatchFact, ...] = ()
    has_location_data: bool = False  # any IP event or declared country
    has_user_identifiers: bool = False
    content_removed: bool = False
    # Files the assessment did not get to hash (the report's processing budget ran out).
    unassessed_file_count: int = 0


@dataclass(frozen=True, slots=True)
class TriageDecision:
    outcome: Outcome
    priority: int
    urgent: bool  # flagged through to the authority
    reasons: tuple[str, ...]


def has_content(facts: ReportFacts) -> bool:
    """Whether there is anything at all an analyst could assess."""
    return bool(facts.file_count or facts.hash_count or facts.url_count or facts.has_description)


def referable_matches(matches: tuple[MatchFact, ...]) -> tuple[MatchFact, ...]:
    """Matches strong enough to refer known material without a person seeing it."""
    return tuple(
        m for m in matches if m.indicator_status == VERIFIED and m.distance <= MAX_REFERRAL_DISTANCE
    )


def triage(*, facts: ReportFacts) -> TriageDecision:
    """Decide the outcome, queue priority and reasons for one report."""
    reasons: list[str] = []
    verified = referable_matches(facts.matches)
    disputed_only = bool(facts.matches) and all(
        m.indicator_status == DISPUTED for m in facts.matches
    )

    if not has_content(facts):
        outcome: Outcome = "unfounded"
        reasons.append("The report contains no files, hashes, URLs or description to assess.")
    elif disputed_only and facts.incident_type == "known_material":
        outcome = "unfounded"
        lists = ", ".join(sorted({m.list_name for m in facts.matches}))
        reasons.append(
            "The only matches are to indicators whose classification is disputed "
            f"({lists}); they are not a basis for referral."
        )
    elif facts.incident_type == "known_material":
        outcome, more = _known_material(facts, verified)
        reasons.extend(more)
    else:
        outcome = "review"
        kind = "solicitation" if facts.incident_type == "solicitation" else "new material"
        reasons.append(f"Reported as {kind}, which an analyst must assess.")
        if verified:
            reasons.append(f"{len(verified)} file(s) match verified indicators.")

    if facts.unassessed_file_count:
        reasons.append(
            f"{facts.unassessed_file_count} file(s) could not be assessed automatically (the "
            "report's processing budget ran out): an analyst must look at them."
        )
        if outcome == "unfounded":
            outcome = "review"

    if facts.urgent and outcome == "unfounded":
        # A person confirms before an urgent report is turned away: a wrong "unfounded" could
        # leave a child at risk, a wasted review costs minutes.
        outcome = "review"
        reasons.append("Flagged urgent, so an analyst confirms before it is declared unfounded.")

    if facts.urgent:
        reasons.insert(0, "Flagged urgent by the provider: imminent risk to a child.")
        priority = PRIORITY_URGENT
    else:
        priority = _priority(facts, outcome)
    return TriageDecision(
        outcome=outcome, priority=priority, urgent=facts.urgent, reasons=tuple(reasons)
    )


def _known_material(
    facts: ReportFacts, verified: tuple[MatchFact, ...]
) -> tuple[Outcome, list[str]]:
    if len(verified) < MIN_VERIFIED_MATCHES:
        return "review", [
            "Reported as known material, but nothing matches a verified indicator closely "
            "enough; an analyst assesses it as possibly new material."
        ]
    lists = ", ".join(sorted({m.list_name for m in verified}))
    matched = f"{len(verified)} match(es) to verified indicators ({lists})."
    if not (facts.has_location_data or facts.has_user_identifiers):
        return "review", [
            matched,
            "No location data or user identifiers to act on; an analyst decides whether to ask "
            "the provider for more information.",
        ]
    reasons = [matched, "Location data or user identifiers allow a Member State to act."]
    if not facts.content_removed:
        reasons.append("The provider has not removed the material.")
    return "refer", reasons


def _priority(facts: ReportFacts, outcome: Outcome) -> int:
    if outcome == "unfounded":
        return PRIORITY_UNFOUNDED
    if facts.incident_type == "solicitation":
        return PRIORITY_SOLICITATION
    if facts.incident_type == "new_material":
        return PRIORITY_NEW_MATERIAL
    return PRIORITY_KNOWN_REMOVED if facts.content_removed else PRIORITY_KNOWN_ONLINE


__all__ = [
    "DISPUTED",
    "MAX_REFERRAL_DISTANCE",
    "MIN_VERIFIED_MATCHES",
    "PRIORITY_URGENT",
    "VERIFIED",
    "MatchFact",
    "ReportFacts",
    "TriageDecision",
    "has_content",
    "referable_matches",
    "triage",
]
