"""The measures the Centre publishes: time to removal per host and per hosting country (median,
90th percentile, share removed within 24 h and 72 h, share still online after 42 days), by
Kaplan–Meier (`lifelines`), so URLs still online count as what they are: not removed yet
(censored), not as missing; and the re-upload rate.

`removal_times(session, ...)` is the function other domains (the transparency statistics) call.
Times run from the notice's first send (what a host can act on) by default, or from detection.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from eucentre.kit.time import as_utc, utcnow
from eucentre.notices import hosts, repository

HOUR = 3600.0
Group = Literal["host", "country", "all"]


@dataclass(frozen=True)
class RemovalTimes:
    group: str
    urls: int
    removed: int
    still_online: int
    median_hours: float | None  # None: fewer than half removed yet
    p90_hours: float | None  # None: fewer than 90 % removed yet
    within_24h: float
    within_72h: float
    above_42d: float  # the share still online after 42 days (estimated)


def _estimate(group: str, durations: list[float], removed: list[bool]) -> RemovalTimes:
    from lifelines import KaplanMeierFitter

    fitter = KaplanMeierFitter()
    fitter.fit([max(d, 1e-6) for d in durations], event_observed=removed)

    def online_at(hours: float) -> float:
        return float(fitter.survival_function_at_times(hours * HOUR).iloc[0])

    def time_when(share_online: float) -> float | None:
        survival = fitter.survival_function_
        below = survival[survival.iloc[:, 0] <= share_online]
        if below.empty:
            return None
        return float(below.index[0]) / HOUR

    median = time_when(0.5)
    return RemovalTimes(
        group=group,
        urls=len(durations),
        removed=sum(removed),
        still_online=len(durations) - sum(removed),
        median_hours=None if median is None or math.isinf(median) else round(median, 2),
        p90_hours=(lambda p: None if p is None else round(p, 2))(time_when(0.1)),
        within_24h=round(1 - online_at(24), 4),
        within_72h=round(1 - online_at(72), 4),
        above_42d=round(online_at(42 * 24), 4),
    )


def removal_times(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    by: Group = "host",
    start: Literal["notice", "detection"] = "notice",
    now: datetime | None = None,
) -> list[RemovalTimes]:
    """Per host (or hosting country, or all together), for the URLs whose notice was first sent
    in [since, until), the estimated time to removal."""
    now = now or utcnow()
    groups: dict[str, tuple[list[float], list[bool]]] = defaultdict(lambda: ([], []))
    for item, notice, host in repository.removal_rows(session, since=since, until=until):
        began = notice.first_sent_at if start == "notice" else item.detected_at
        if began is None:
            continue
        ended = item.removed_at if item.status == repository.REMOVED else None
        duration = ((as_utc(ended) if ended else now) - as_utc(began)).total_seconds()
        key = {"host": hosts.label(host), "country": host.country or "unknown", "all": "all"}[by]
        durations, removed = groups[key]
        durations.append(max(duration, 0.0))
        removed.append(ended is not None)
    return [_estimate(key, *groups[key]) for key in sorted(groups)]


@dataclass(frozen=True)
class ReuploadRate:
    notices: int
    reuploads: int
    rate: float


def reupload_rate(
    session: Session, *, since: datetime | None = None, until: datetime | None = None
) -> ReuploadRate:
    """Of the notices first sent in the period, the share that are re-uploads of material
    noticed (and removed) before."""
    rows = repository.notices_in(session, since=since, until=until)
    again = sum(1 for notice in rows if notice.reupload_of is not None)
    return ReuploadRate(len(rows), again, round(again / len(rows), 4) if rows else 0.0)
