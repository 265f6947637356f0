"""The outbox: side effects decided in a transaction (publish a package, make a message
available, send a notice) are rows written in that transaction and delivered after commit by
the relay, each in its own transaction, retried with back-off until they succeed.

Domains register one handler per message kind in their manifest. A handler may ask for its
message to be sent again on a schedule (a notice re-sent every 24 hours until it is answered):
after each successful send the relay asks `still_needed`, and while it says yes the message
stays open and is due again `resend_every` later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from eucentre.db import transaction
from eucentre.kit.time import as_utc, utcnow
from eucentre.models import OutboxMessage
from eucentre.platform import repository

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class Delivery:
    """One attempt at one message, inside the attempt's transaction."""

    session: Session
    message: OutboxMessage
    context: Any  # the task context: settings, blobs, shared resources

    @property
    def payload(self) -> dict[str, Any]:
        return self.message.payload


@dataclass(frozen=True)
class OutboxHandler:
    kind: str
    deliver: Callable[[Delivery], None]
    # A fixed interval, or a function of the delivery that reads it from the settings
    # (`lambda d: timedelta(seconds=d.context.settings.notice_resend_seconds)`).
    resend_every: timedelta | Callable[[Delivery], timedelta] | None = None
    # Whether a re-sent message is still wanted (the notice not yet answered); asked after each
    # send and before each re-send. Required with resend_every.
    still_needed: Callable[[Delivery], bool] | None = None

    def __post_init__(self) -> None:
        if (self.resend_every is None) != (self.still_needed is None):
            raise ValueError(f"{self.kind}: resend_every and still_needed go together")


def put(session: Session, kind: str, payload: dict[str, Any]) -> OutboxMessage:
    """Write a message in the caller's transaction; the relay delivers it after commit."""
    message = OutboxMessage(kind=kind, payload=payload)
    session.add(message)
    return message


def relay(
    factory: sessionmaker[Session],
    *,
    handlers: Mapping[str, OutboxHandler],
    context: Any,
    limit: int = 50,
) -> int:
    """Deliver due messages, each in its own transaction; a failure is recorded on the message,
    which waits (2^attempts seconds, at most an hour) and is tried again. Returns how many
    messages were sent."""
    with transaction(factory) as session:
        ids = repository.due_outbox(session, now=utcnow(), limit=limit)
    sent = 0
    for message_id in ids:
        try:
            with transaction(factory) as session:
                message = session.get(OutboxMessage, message_id, with_for_update=True)
                if message is None or message.delivered_at is not None:
                    continue
                if as_utc(message.next_attempt_at) > utcnow():  # another relay got there first
                    continue
                handler = handlers.get(message.kind)
                if handler is None:
                    raise LookupError(f"no outbox handler for kind {message.kind!r}")
                sent += _attempt(Delivery(session, message, context), handler)
        except Exception as failure:  # noqa: BLE001 - recorded on the message and retried
            log.warning(
                "outbox delivery failed",
                extra={"message_id": message_id, "error": type(failure).__name__},
            )
            with transaction(factory) as session:
                message = session.get(OutboxMessage, message_id)
                if message is not None:
                    message.attempts += 1
                    message.last_error = f"{type(failure).__name__}: {failure}"[:2000]
                    message.next_attempt_at = utcnow() + min(
                        MAX_BACKOFF, timedelta(seconds=2**message.attempts)
                    )
    return sent


def _attempt(delivery: Delivery, handler: OutboxHandler) -> int:
    message = delivery.message
    resending = handler.still_needed is not None and message.last_sent_at is not None
    if resending and not handler.still_needed(delivery):  # type: ignore[misc]
        message.delivered_at = utcnow()
        return 0
    handler.deliver(delivery)
    now = utcnow()
    message.last_sent_at = now
    message.sends += 1
    message.attempts = 0
    message.last_error = ""
    if handler.resend_every is not None and handler.still_needed(delivery):  # type: ignore[misc]
        every = handler.resend_every
        message.next_attempt_at = now + (every(delivery) if callable(every) else every)
    else:
        message.delivered_at = now
    return 1
