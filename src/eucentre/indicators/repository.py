"""Every query of the indicator domain."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from eucentre.kit.crypto import sha256_hex
from eucentre.models import (
    BenignHash,
    ChangeFeedHead,
    Indicator,
    IndicatorChange,
    IndicatorEvent,
    IndicatorList,
    IndicatorMatch,
    IndicatorSource,
    IndicatorStatus,
)
from eucentre.models.indicator import ChangeOp

FEED_HEAD_ID = 1


def get(session: Session, indicator_id: int) -> Indicator | None:
    return session.get(Indicator, indicator_id)


def value_digest(value: str) -> str:
    return sha256_hex(value)


def by_value(session: Session, signal: str, value: str) -> Indicator | None:
    return session.scalar(
        select(Indicator).where(
            Indicator.signal == signal, Indicator.value_digest == value_digest(value)
        )
    )


def existing_values(session: Session, signal: str, values: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), 500):
        chunk = [value_digest(value) for value in values[start : start + 500]]
        found.update(
            session.scalars(
                select(Indicator.value).where(
                    Indicator.signal == signal, Indicator.value_digest.in_(chunk)
                )
            )
        )
    return found


def queue(
    session: Session,
    *,
    status: IndicatorStatus,
    limit: int,
    offset: int = 0,
    needs_review: bool | None = None,
) -> list[Indicator]:
    query = select(Indicator).where(Indicator.status == status)
    if needs_review is not None:
        query = query.where(Indicator.needs_review == needs_review)
    return list(
        session.scalars(
            query.order_by(Indicator.created_at, Indicator.id).limit(limit).offset(offset)
        )
    )


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Indicator.status, func.count()).group_by(Indicator.status))
    return {status: count for status, count in rows}


def events(session: Session, indicator_id: int) -> list[IndicatorEvent]:
    return list(
        session.scalars(
            select(IndicatorEvent)
            .where(IndicatorEvent.indicator_id == indicator_id)
            .order_by(IndicatorEvent.id)
        )
    )


def sources(session: Session, indicator_id: int) -> list[IndicatorSource]:
    return list(
        session.scalars(
            select(IndicatorSource)
            .where(IndicatorSource.indicator_id == indicator_id)
            .order_by(IndicatorSource.id)
        )
    )


def confirmers(session: Session, indicator_id: int) -> frozenset[str]:
    return frozenset(
        session.scalars(
            select(IndicatorEvent.actor).where(
                IndicatorEvent.indicator_id == indicator_id, IndicatorEvent.kind == "confirmed"
            )
        )
    )


def lists_named(session: Session, names: Iterable[str]) -> list[IndicatorList]:
    return list(session.scalars(select(IndicatorList).where(IndicatorList.name.in_(list(names)))))


def all_lists(session: Session) -> list[IndicatorList]:
    return list(session.scalars(select(IndicatorList).order_by(IndicatorList.name)))


def append_change(session: Session, indicator: Indicator, op: ChangeOp) -> IndicatorChange:
    """Number the change under the feed head's row lock, held until commit: changes become
    visible in the order of their numbers, so a cursor never passes one that commits late.
    Callers audit first: the audit head is always locked before this one."""
    session.execute(
        update(ChangeFeedHead)
        .where(ChangeFeedHead.id == FEED_HEAD_ID)
        .values(seq=ChangeFeedHead.seq + 1)
    )
    seq = session.scalar(select(ChangeFeedHead.seq).where(ChangeFeedHead.id == FEED_HEAD_ID))
    change = IndicatorChange(
        seq=seq, indicator_id=indicator.id, op=op, signal=indicator.signal, value=indicator.value
    )
    session.add(change)
    session.flush()
    return change


def changes_since(
    session: Session, *, signal: str | None, cursor: int, limit: int
) -> list[IndicatorChange]:
    query = select(IndicatorChange).where(IndicatorChange.seq > cursor)
    if signal:
        query = query.where(IndicatorChange.signal == signal)
    return list(session.scalars(query.order_by(IndicatorChange.seq).limit(limit)))


def feed_head(session: Session) -> int:
    return session.scalar(select(ChangeFeedHead.seq).where(ChangeFeedHead.id == FEED_HEAD_ID)) or 0


def statuses(session: Session, ids: Iterable[int]) -> dict[int, IndicatorStatus]:
    wanted = list(set(ids))
    result: dict[int, IndicatorStatus] = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(Indicator.id, Indicator.status).where(
                Indicator.id.in_(wanted[start : start + 500])
            )
        )
        result.update({row.id: IndicatorStatus(row.status) for row in rows})
    return result


def verified_by_values(session: Session, signal: str, values: list[str]) -> list[Indicator]:
    found: list[Indicator] = []
    for start in range(0, len(values), 500):
        found.extend(
            session.scalars(
                select(Indicator).where(
                    Indicator.signal == signal,
                    Indicator.value_digest.in_(
                        [value_digest(value) for value in values[start : start + 500]]
                    ),
                    Indicator.status == IndicatorStatus.verified,
                )
            )
        )
    return found


def indicators_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Indicator]:
    wanted = list(set(ids))
    found: dict[int, Indicator] = {}
    for start in range(0, len(wanted), 500):
        for indicator in session.scalars(
            select(Indicator).where(Indicator.id.in_(wanted[start : start + 500]))
        ):
            found[indicator.id] = indicator
    return found


def iter_verified(session: Session, signal: str, *, batch: int = 5000) -> Iterator[Indicator]:
    after = 0
    while True:
        rows = list(
            session.scalars(
                select(Indicator)
                .where(
                    Indicator.signal == signal,
                    Indicator.status == IndicatorStatus.verified,
                    Indicator.id > after,
                )
                .order_by(Indicator.id)
                .limit(batch)
            )
        )
        if not rows:
            return
        yield from rows
        after = rows[-1].id


def benign(session: Session, signal: str) -> list[BenignHash]:
    return list(session.scalars(select(BenignHash).where(BenignHash.signal == signal)))


def benign_exists(session: Session, signal: str, value: str) -> bool:
    return (
        session.scalar(
            select(BenignHash.id).where(BenignHash.signal == signal, BenignHash.value == value)
        )
        is not None
    )


def distinct_items_matched(session: Session, *, since: datetime) -> dict[int, int]:
    rows = session.execute(
        select(IndicatorMatch.indicator_id, func.count(func.distinct(IndicatorMatch.item_key)))
        .join(Indicator, Indicator.id == IndicatorMatch.indicator_id)
        .where(IndicatorMatch.at >= since, Indicator.status == IndicatorStatus.verified)
        .group_by(IndicatorMatch.indicator_id)
    )
    return {indicator_id: count for indicator_id, count in rows}


def matches_of(session: Session, indicator_id: int, *, limit: int = 50) -> list[IndicatorMatch]:
    return list(
        session.scalars(
            select(IndicatorMatch)
            .where(IndicatorMatch.indicator_id == indicator_id)
            .order_by(IndicatorMatch.id.desc())
            .limit(limit)
        )
    )


def match_count(session: Session, indicator_id: int) -> int:
    return (
        session.scalar(select(func.count()).where(IndicatorMatch.indicator_id == indicator_id)) or 0
    )
