"""The detection domain's queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eucentre.detection.eligibility import SIGNALS
from eucentre.detection.models import DetectionBundle
from eucentre.models import Indicator, IndicatorSource, IndicatorStatus

BATCH = 5000


@dataclass(frozen=True)
class Candidate:
    id: int
    signal: str
    value: str
    source_blob_id: str | None
    sources: tuple[tuple[str, str], ...]


def verified_candidates(session: Session) -> Iterator[Candidate]:
    """Verified MD5, SHA-256 and PDQ indicators with their sources, in id order, in batches."""
    after = 0
    while True:
        rows = session.execute(
            select(Indicator.id, Indicator.signal, Indicator.value, Indicator.source_blob_id)
            .where(
                Indicator.status == IndicatorStatus.verified,
                Indicator.signal.in_(SIGNALS),
                Indicator.id > after,
            )
            .order_by(Indicator.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        ids = [row.id for row in rows]
        sources: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for source in session.execute(
            select(IndicatorSource.indicator_id, IndicatorSource.kind, IndicatorSource.name).where(
                IndicatorSource.indicator_id.in_(ids)
            )
        ):
            sources[source.indicator_id].append((source.kind, source.name))
        for row in rows:
            yield Candidate(
                row.id, row.signal, row.value, row.source_blob_id, tuple(sources[row.id])
            )
        after = ids[-1]


def latest(session: Session) -> DetectionBundle | None:
    return session.scalars(
        select(DetectionBundle).order_by(DetectionBundle.version.desc()).limit(1)
    ).first()


def by_version(session: Session, version: int) -> DetectionBundle | None:
    return session.scalars(
        select(DetectionBundle).where(DetectionBundle.version == version)
    ).first()


def history(session: Session) -> list[DetectionBundle]:
    return list(session.scalars(select(DetectionBundle).order_by(DetectionBundle.version)))


def next_version(session: Session) -> int:
    return int(session.scalar(select(func.max(DetectionBundle.version))) or 0) + 1
