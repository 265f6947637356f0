"""The review-first list: victims' hashes for providers that opted in (scope `victims:read`),
served by the indicators' change feed as `GET /api/v1/indicators/changes?list=victim_requests`
with the same contract (add/remove changes numbered by `seq`, resumable by cursor). They are
for review by a person, never for automatic removal: the hashes are unverified.

Registered with the indicators domain through the manifest hook "indicators.change_lists", so
indicators does not import this domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from eucentre.victims import repository
from eucentre.victims.models import VictimHash, VictimHashChange


def append(session: Session, victim_hash: VictimHash, op: str) -> VictimHashChange:
    change = VictimHashChange(
        seq=repository.next_seq(session),
        hash_id=victim_hash.id,
        op=op,
        signal=victim_hash.signal,
        value=victim_hash.value,
    )
    session.add(change)
    session.flush()
    return change


@dataclass(frozen=True)
class FeedRow:
    """One change as the feed serves it; `id` is the victim hash's (never a case's)."""

    op: str
    signal: str
    value: str
    id: int
    seq: int
    at: datetime


@dataclass(frozen=True)
class ChangeList:
    """A list the indicators' change feed serves besides the verified indicators: its name
    (`?list=`), the scope a provider needs, and its changes since a cursor (rows with op,
    signal, value, an id, seq and at)."""

    name: str
    scope: str
    description: str

    def changes(
        self, session: Session, *, signal: str | None, cursor: int, limit: int
    ) -> list[FeedRow]:
        rows = repository.changes_since(session, signal=signal, cursor=cursor, limit=limit)
        return [FeedRow(r.op, r.signal, r.value, r.hash_id, r.seq, r.at) for r in rows]


VICTIM_REQUESTS = ChangeList(
    name="victim_requests",
    scope="victims:read",
    description="Hashes victims asked to have removed: victim-submitted and unverified, for "
    "review by a person before any action, never for automatic removal.",
)
