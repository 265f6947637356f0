"""The platform's task queue: the kernel's TaskQueue with every installed domain's tasks and
outbox handlers registered on it (see platform/tasks.py)."""

from __future__ import annotations

from huey import Huey
from sqlalchemy.orm import Session, sessionmaker

from eucentre.config import Settings
from eucentre.domains import installed
from eucentre.platform import tasks
from eucentre.platform.manifest import Domains
from eucentre.platform.tasks import make_huey

__all__ = ["TaskQueue", "make_huey"]


class TaskQueue(tasks.TaskQueue):
    def __init__(
        self,
        settings: Settings,
        *,
        session_factory: sessionmaker[Session],
        huey: Huey | None = None,
        domains: Domains | None = None,
    ) -> None:
        domains = domains or installed()
        super().__init__(
            settings,
            session_factory=session_factory,
            tasks=domains.tasks,
            outbox_handlers=domains.outbox_handlers,
            huey=huey,
        )
