from __future__ import annotations

from datetime import timedelta

from eucentre.audit import service as audit
from eucentre.platform.outbox import Delivery, OutboxHandler

KIND = "greetings.hello"
TIMES = 3


def say_hello(delivery: Delivery) -> None:
    audit.record(
        delivery.session,
        actor="system",
        action="greetings.sent",
        object_type="greeting",
        object_id=delivery.message.id,
        details={"to": delivery.payload["to"], "send": delivery.message.sends + 1},
    )


def still_needed(delivery: Delivery) -> bool:
    return delivery.message.sends < TIMES


HELLO = OutboxHandler(KIND, say_hello, resend_every=timedelta(seconds=0), still_needed=still_needed)
