"""One case-timeline mechanism: a case's history is an append-only list of typed events, each
with its actor and time. Every case type (a report, a complaint, a victim's request, a notice)
declares a `Timeline` over its own event table (a model with `models.base.TimelineEventColumns`
and a foreign key to the case) and the kinds of event it may hold, so a misspelt kind is an
error where it is written, not a gap in someone's history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from eucentre.platform import repository


class UnknownEventKind(ValueError):
    pass


@dataclass(frozen=True)
class Timeline:
    """The timeline of one case type: `model` is its event table, `case_column` the column that
    names the case, `kinds` the events it may hold."""

    model: type[Any]
    case_column: str
    kinds: frozenset[str]

    def append(
        self,
        session: Session,
        case_id: int,
        *,
        actor: str,
        kind: str,
        message: str = "",
        details: dict[str, Any] | None = None,
        **columns: Any,
    ) -> Any:
        """Add an event (in the caller's transaction); `columns` are the case type's own
        (a report's `for_provider`)."""
        if kind not in self.kinds:
            raise UnknownEventKind(f"{self.model.__tablename__} has no event kind {kind!r}")
        event = self.model(
            **{self.case_column: case_id},
            actor=actor,
            kind=kind,
            message=message,
            details=details or {},
            **columns,
        )
        session.add(event)
        return event

    def history(self, session: Session, case_id: int, *, where: Iterable[Any] = ()) -> list[Any]:
        """The case's events, oldest first."""
        return repository.timeline_events(session, self.model, self.case_column, case_id, where)
