from __future__ import annotations

from eucentre.db import transaction
from eucentre.platform import outbox
from eucentre.platform.tasks import Periodic, Task, TaskContext
from tests.platform.greetings.outbox import KIND


def greet(context: TaskContext, to: str) -> None:
    with transaction(context.session_factory) as session:
        outbox.put(session, KIND, {"to": to})
    context.enqueue("relay_outbox")


def greet_everyone(context: TaskContext) -> None:
    greet(context, "everyone")


TASKS = (Task("greet", greet), Periodic("greet_everyone", greet_everyone, hour="9", minute="0"))
