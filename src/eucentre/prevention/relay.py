"""Contact through the platform: anyone may write to a listed member, who reads the message
in their account; no address of the member is shown to anyone (the sender gives their own so
the member can answer, if the member wishes). Rate-limited per sender address and per member.
The message is sealed at rest; the outbox makes it available to the member after commit.

There is no e-mail setting on the platform yet: the relay records the message for the member
to read in their account. With one, the handler would also send a notice (without the text)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.kit.time import as_utc, utcnow
from eucentre.platform import outbox
from eucentre.platform.outbox import Delivery, OutboxHandler
from eucentre.prevention import network_repository as repository
from eucentre.prevention.models import NetworkEntry, NetworkMessage
from eucentre.prevention.network import Limits, open_json, pseudonym, rate_limited, seal_json
from eucentre.prevention.network_fields import EMAIL

KIND = "prevention.relay"
MAX_MESSAGE = 4000
DAY = timedelta(days=1)


def _context(entry: NetworkEntry) -> str:
    return f"network-message:{entry.number}"


def send(
    session: Session,
    *,
    entry_id: int,
    sender_name: str,
    sender_email: str,
    message: str,
    client_address: str,
    secret: bytes,
    limits: Limits,
) -> NetworkMessage:
    entry = repository.listed_one(session, entry_id)
    if entry is None:
        raise errors.NotFound("no such member in the directory", code="unknown_member")
    sender_name, sender_email, message = sender_name.strip(), sender_email.strip(), message.strip()
    problems = []
    if not sender_name or len(sender_name) > 200:
        problems.append("sender_name")
    if not EMAIL.fullmatch(sender_email):
        problems.append("sender_email")
    if not 10 <= len(message) <= MAX_MESSAGE:
        problems.append("message")
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in sender_name + sender_email + message):
        problems.append("message")
    if problems:
        raise errors.UnprocessableEntity(sorted(set(problems)), code="invalid_message")
    rate_limited(
        session,
        pseudonym(secret, "contact", client_address),
        limit=limits.contacts_per_hour,
        window=timedelta(hours=1),
    )
    rate_limited(
        session,
        pseudonym(secret, "contacted", str(entry.id)),
        limit=limits.contacts_per_member_per_day,
        window=DAY,
    )
    relayed = NetworkMessage(
        entry_id=entry.id,
        content_sealed=seal_json(
            secret,
            _context(entry),
            {"name": sender_name, "email": sender_email, "message": message},
        ),
    )
    session.add(relayed)
    session.flush()
    outbox.put(session, KIND, {"message_id": relayed.id})
    return relayed


def deliver(delivery: Delivery) -> None:
    relayed = delivery.session.get(NetworkMessage, delivery.payload["message_id"])
    if relayed is not None and relayed.delivered_at is None:
        relayed.delivered_at = utcnow()


RELAY_HANDLER = OutboxHandler(KIND, deliver)


def inbox(
    session: Session, entry: NetworkEntry, *, secret: bytes, mark_read: bool = True
) -> list[dict[str, Any]]:
    out = []
    for relayed in repository.messages(session, entry.id):
        content = open_json(secret, _context(entry), relayed.content_sealed)
        out.append(
            {
                "id": relayed.id,
                "received_at": as_utc(relayed.created_at).isoformat(),
                "read": relayed.read_at is not None,
                **content,
            }
        )
        if mark_read and relayed.read_at is None:
            relayed.read_at = utcnow()
    session.flush()
    return out
