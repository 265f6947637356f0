"""What the web outputs share: the query parameters, read strictly, and the release they ask
for, reused for a few minutes so a busy public page does not recount the records each time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.kit.time import utcnow
from eucentre.transparency import service
from eucentre.transparency.figures import BREAKDOWNS, TOTAL, Figure, registry
from eucentre.transparency.periods import InvalidPeriod, Period
from eucentre.transparency.release import Release

MAX_VINTAGE = 1_000_000


def invalid(
    parameter: str, message: str, code: str, where: str = "query"
) -> errors.UnprocessableEntity:
    return errors.UnprocessableEntity(
        [{"field": f"{where}.{parameter}", "message": message, "type": code}], code=code
    )


def period_of(text: str | None, where: str = "query") -> Period:
    """The period asked for; the current year when none is."""
    if text is None or text == "":
        return Period(utcnow().year)
    try:
        return Period.parse(text)
    except InvalidPeriod as error:
        raise invalid("period", str(error), "invalid_period", where) from None


def breakdown_of(text: str | None) -> str | None:
    if text is None or text == "":
        return None
    if text != TOTAL and text not in BREAKDOWNS:
        known = ", ".join([TOTAL, *BREAKDOWNS])
        raise invalid("breakdown", f"unknown breakdown; one of: {known}", "invalid_breakdown")
    return text


def vintage_of(text: str | None) -> int | None:
    if text is None or text == "":
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_VINTAGE:
        raise invalid("vintage", "a vintage is a positive whole number", "invalid_vintage")
    return int(text)


class LiveReleases:
    """Live releases by (period, threshold), each kept for `seconds`; one computation at a time
    (a burst of requests for an expired release waits for one count, not one each)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[tuple[str, int], tuple[float, Release]] = {}

    def get(self, key: tuple[str, int], seconds: float, build: Callable[[], Release]) -> Release:
        with self._lock:
            found = self._kept.get(key)
            if found and time.monotonic() - found[0] < seconds:
                return found[1]
            made = build()
            if seconds > 0:
                self._kept[key] = (time.monotonic(), made)
            return made


def figures_of(request: Request) -> tuple[Figure, ...]:
    state: Any = request.app.state
    if getattr(state, "statistics_figures", None) is None:
        state.statistics_figures = registry(state.domains)
    return state.statistics_figures  # type: ignore[no-any-return]


def release_for(
    request: Request, session: Session, period: Period, vintage: int | None = None
) -> Release:
    settings = request.app.state.settings
    figures = figures_of(request)
    if vintage is not None:
        return service.release(
            session, period, figures=figures, min_cell=settings.statistics_min_cell, vintage=vintage
        )
    state: Any = request.app.state
    if getattr(state, "statistics_live", None) is None:
        state.statistics_live = LiveReleases()
    return state.statistics_live.get(  # type: ignore[no-any-return]
        (period.code, settings.statistics_min_cell),
        settings.statistics_cache_seconds,
        lambda: service.release(
            session, period, figures=figures, min_cell=settings.statistics_min_cell
        ),
    )
