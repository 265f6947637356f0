"""The complaint kinds of outbox message. An upheld complaint's messages to a provider
(reinstate) and to authorities (the report was erroneous) are written in the decision's
transaction; the outbox relay (`platform.outbox`) hands them to `deliver`, which makes them
available to the recipient, who reads them through the API and acknowledges them."""

from __future__ import annotations

from eucentre.kit.time import utcnow
from eucentre.models import ComplaintMessage
from eucentre.platform.outbox import Delivery, OutboxHandler

REINSTATE = "complaint.reinstate"
AUTHORITY_NOTE = "complaint.authority_note"
MESSAGE_KIND = {REINSTATE: "reinstate", AUTHORITY_NOTE: "authority_note"}


def deliver(delivery: Delivery) -> None:
    """Idempotent: delivering twice keeps the first availability time."""
    note = delivery.session.get(ComplaintMessage, delivery.payload["message_id"])
    if note is not None and note.available_at is None:
        note.available_at = utcnow()


REINSTATE_HANDLER = OutboxHandler(REINSTATE, deliver)
AUTHORITY_NOTE_HANDLER = OutboxHandler(AUTHORITY_NOTE, deliver)
