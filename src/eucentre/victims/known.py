"""Victims' hashes against the verified indicators (known material), both ways: each new hash
against every verified indicator (through the providers' lookup index for PDQ, by value for
MD5 and SHA-256), and each indicator entering distribution against every open case's hashes
(following the indicators' change feed from a cursor). A match tells analysts the material is
already known; it is not an Art. 20 event (no provider reported it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eucentre.indicators.lookup import LookupIndex, Query
from eucentre.kit.time import utcnow
from eucentre.rules import victims as rules
from eucentre.victims import repository
from eucentre.victims.matching import ActiveHashes, MediaMatch, record

BATCH = 500


def check_new_hashes(session: Session, *, index: LookupIndex, limit: int = BATCH) -> int:
    """Compare hashes not yet checked with every verified indicator; how many were checked.
    The caller has prepared the index (`index.prepare`) outside this transaction."""
    pending = repository.unchecked_hashes(session, limit=limit)
    pdq = [h for h in pending if h.signal == "pdq"]
    if pdq:
        found = index.search(
            session, "pdq", [Query("pdq", h.value) for h in pdq], rules.MAX_PDQ_DISTANCE
        )
        for victim_hash, hits in zip(pdq, found, strict=True):
            for hit in hits:
                match = MediaMatch(
                    victim_hash.case_id, victim_hash.id, "pdq", hit.distance, hit.variant
                )
                record(session, match, indicator_id=hit.indicator_id)
    for victim_hash in pending:
        if victim_hash.signal != "pdq":
            for indicator in repository.verified_indicators(
                session, victim_hash.signal, [victim_hash.value]
            ):
                match = MediaMatch(
                    victim_hash.case_id, victim_hash.id, victim_hash.signal, 0, "original"
                )
                record(session, match, indicator_id=indicator.id)
        victim_hash.indicators_checked_at = utcnow()
    session.flush()
    return len(pending)


def follow_new_indicators(session: Session, *, limit: int = BATCH) -> int:
    """Compare the indicators that entered distribution since the cursor with every open
    case's hashes, and move the cursor; how many changes were read."""
    cursor = repository.counter(session, repository.INDICATOR_CURSOR)
    changes = repository.indicator_additions(session, cursor=cursor, limit=limit)
    if not changes:
        return 0
    active = ActiveHashes(session)
    for change in changes:
        if change.signal == "pdq":
            found = active.match(pdq_values={"original": change.value})
        elif change.signal in ("md5", "sha256"):
            found = active.match(**{change.signal: change.value})
        else:
            continue
        for match in found:
            record(session, match, indicator_id=change.indicator_id)
    repository.set_counter(session, repository.INDICATOR_CURSOR, changes[-1].seq)
    return len(changes)
