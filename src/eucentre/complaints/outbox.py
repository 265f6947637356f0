"""The complaint kinds of outbox message. An upheld complaint's messages to a provider
(reinstate) and to authorities (the report was erroneous) are written in the decision's
transaction; the relay (`referrals.service.relay_outbox`) makes them available to the recipient,
who reads them through the API and acknowledges them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eucentre.kit.time import utcnow
from eucentre.models import ComplaintMessage, OutboxMessage

REINSTATE = "complaint.reinstate"
AUTHORITY_NOTE = "complaint.authority_note"
KINDS = frozenset({REINSTATE, AUTHORITY_NOTE})
MESSAGE_KIND = {REINSTATE: "reinstate", AUTHORITY_NOTE: "authority_note"}


def handles(kind: str) -> bool:
    return kind in KINDS


def deliver(session: Session, message: OutboxMessage) -> None:
    """Idempotent: delivering twice keeps the first availability time."""
    note = session.get(ComplaintMessage, message.payload["message_id"])
    if note is not None and note.available_at is None:
        note.available_at = utcnow()
