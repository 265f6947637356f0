"""Victims' hashes against what the Centre sees: every incoming report (the hook the report
assessment calls), and whatever proactive search finds (`match_media`).

PDQ matches within 31 bits of any hash of the item (the original, its seven rotations and
mirror images, and the picture as displayed where the reference reads the file otherwise); MD5
and SHA-256 match exactly. Only hashes of open cases match: a withdrawn case's hashes left
matching when it was withdrawn.

Every active PDQ hash is compared in one vectorised pass per item (numpy XOR and popcount over
256-bit words); at a few hundred thousand open hashes that is still milliseconds. Beyond, the
matching engine's index (eucentre.matching) is the next step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from eucentre.indicators.guard import hamming_distances, hamming_words
from eucentre.kit.time import utcnow
from eucentre.models import Report, ReportItem
from eucentre.reports.findings import Finding
from eucentre.rules import victims as rules
from eucentre.victims import repository
from eucentre.victims.models import VictimCase, VictimHash, VictimMatch
from eucentre.victims.timeline import VICTIM_TIMELINE

SYSTEM = "system"


@dataclass(frozen=True)
class MediaMatch:
    """A victim's hash that matches the media: which case and hash, by which of the media's
    hashes ("original", a variant such as "rot90", "displayed"; "md5", "sha256") and how far."""

    case_id: int
    hash_id: int
    signal: str
    distance: int
    variant: str


class ActiveHashes:
    """The open cases' hashes, loaded once for many look-ups (a report's items)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._pdq = repository.active_hashes(session, "pdq")
        self._words = hamming_words([h.value for h in self._pdq])

    def match(
        self,
        *,
        md5: str | None = None,
        sha256: str | None = None,
        pdq_values: Mapping[str, str] | Iterable[str] = (),
    ) -> list[MediaMatch]:
        found: dict[int, MediaMatch] = {}
        for signal, value in (("md5", md5), ("sha256", sha256)):
            if value:
                for row in repository.active_with_values(self._session, signal, [value.lower()]):
                    found[row.id] = MediaMatch(row.case_id, row.id, signal, 0, signal)
        for label, value in _labelled(pdq_values).items():
            if not self._pdq or not _is_hex256(value):
                continue
            distances = hamming_distances(value.lower(), self._words)
            for position in np.flatnonzero(distances <= rules.MAX_PDQ_DISTANCE):
                row = self._pdq[int(position)]
                distance = int(distances[position])
                if row.id not in found or found[row.id].distance > distance:
                    found[row.id] = MediaMatch(row.case_id, row.id, "pdq", distance, label)
        return sorted(found.values(), key=lambda m: (m.case_id, m.hash_id))


def match_media(
    session: Session,
    md5: str | None,
    sha256: str | None,
    pdq_values: Mapping[str, str] | Iterable[str],
) -> list[MediaMatch]:
    """The victims' hashes that match one piece of media (for proactive search): its MD5,
    SHA-256 and PDQ hashes (a mapping label -> hash, or the hashes alone, the first being the
    original). Records nothing."""
    return ActiveHashes(session).match(md5=md5, sha256=sha256, pdq_values=pdq_values)


def _labelled(values: Mapping[str, str] | Iterable[str]) -> dict[str, str]:
    if isinstance(values, Mapping):
        return dict(values)
    listed = list(values)
    return {("original" if i == 0 else f"pdq:{i}"): v for i, v in enumerate(listed)}


def _is_hex256(value: str) -> bool:
    return len(value) == 64 and all(ch in "0123456789abcdefABCDEF" for ch in value)


def item_hashes(item: ReportItem) -> tuple[str | None, str | None, dict[str, str]]:
    """An item's MD5, SHA-256 and PDQ hashes (the original, its variants and, where the
    reference reads the file otherwise, the picture as displayed)."""
    pdq: dict[str, str] = {}
    stored = item.hash_of("pdq")
    if stored is not None:
        pdq["original"] = stored.value
        details = stored.details or {}
        pdq.update(details.get("variants") or {})
        if details.get("displayed"):
            pdq["displayed"] = details["displayed"]
    return item.value_of("md5"), item.value_of("sha256"), pdq


def on_report_assessed(
    session: Session, report: Report, items: Sequence[ReportItem]
) -> list[Finding]:
    """The reports' assessment hook: link the report to every open case one of its items
    matches, tell the case's timeline, and place the report earlier in the analysts' queue."""
    active = ActiveHashes(session)
    matched_items = 0
    cases: set[int] = set()
    for item in items:
        md5, sha256, pdq = item_hashes(item)
        found = active.match(md5=md5, sha256=sha256, pdq_values=pdq)
        if found:
            matched_items += 1
        for match in found:
            cases.add(match.case_id)
            record(session, match, report_id=report.id, item_id=item.id)
    if not matched_items:
        return []
    return [
        Finding(
            f"{matched_items} item(s) match {len(cases)} victim's removal request(s) "
            "(victim-submitted, unverified): see Victims.",
            priority=rules.priority_with_victim_match(report.priority),
        )
    ]


def record(
    session: Session,
    match: MediaMatch,
    *,
    report_id: int | None = None,
    item_id: int | None = None,
    indicator_id: int | None = None,
) -> VictimMatch | None:
    """Keep a match once, tell the case's timeline, and count it as the case's activity."""
    if repository.match_exists(
        session, hash_id=match.hash_id, item_id=item_id, indicator_id=indicator_id
    ):
        return None
    now = utcnow()
    row = VictimMatch(
        case_id=match.case_id,
        hash_id=match.hash_id,
        report_id=report_id,
        item_id=item_id,
        indicator_id=indicator_id,
        signal=match.signal,
        distance=match.distance,
        variant=match.variant[:16],
        matched_at=now,
    )
    session.add(row)
    VICTIM_TIMELINE.append(
        session,
        match.case_id,
        actor=SYSTEM,
        kind="report_matched" if report_id is not None else "indicator_matched",
        details={
            "hash": match.hash_id,
            "report": report_id,
            "indicator": indicator_id,
            "distance": match.distance,
            "variant": match.variant,
        },
    )
    case = session.get(VictimCase, match.case_id)
    if case is not None:
        case.last_activity_at = now
    session.flush()
    return row


def exact_and_pdq(victim_hash: VictimHash) -> tuple[str | None, str | None, list[str]]:
    """A victim's hash as media hashes, for matching it against indicators."""
    if victim_hash.signal == "pdq":
        return None, None, [victim_hash.value]
    if victim_hash.signal == "md5":
        return victim_hash.value, None, []
    return None, victim_hash.value, []
