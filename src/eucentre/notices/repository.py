"""The notices' queries. What a provider or an authority reads is scoped here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from eucentre.models import Organisation, OrganisationKind, OutboxMessage
from eucentre.notices.models import Host, Notice, NoticeHold, NoticeItem, NoticeSend

ONLINE, REMOVED = "online", "removed"


def hosts(session: Session, *, limit: int = 500) -> list[Host]:
    return list(session.scalars(select(Host).order_by(Host.domain, Host.network).limit(limit)))


def host_by_domain(session: Session, domain: str) -> Host | None:
    return session.scalar(select(Host).where(Host.domain == domain))


def host_by_network(session: Session, network: str) -> Host | None:
    return session.scalar(select(Host).where(Host.network == network))


def hosts_with_domains(session: Session, names: Sequence[str]) -> list[Host]:
    return list(session.scalars(select(Host).where(Host.domain.in_(names))))


def hosts_with_networks(session: Session) -> list[Host]:
    return list(session.scalars(select(Host).where(Host.network.is_not(None)).limit(10_000)))


def notice_by_key(session: Session, key: str) -> Notice | None:
    return session.scalar(select(Notice).where(Notice.bundle_key == key))


def items(session: Session, notice_id: int) -> list[NoticeItem]:
    query = select(NoticeItem).where(NoticeItem.notice_id == notice_id).order_by(NoticeItem.id)
    return list(session.scalars(query))


def items_of(session: Session, notice_ids: Iterable[int]) -> dict[int, list[NoticeItem]]:
    ids = list(set(notice_ids))
    found: dict[int, list[NoticeItem]] = {i: [] for i in ids}
    if ids:
        query = select(NoticeItem).where(NoticeItem.notice_id.in_(ids)).order_by(NoticeItem.id)
        for item in session.scalars(query):
            found[item.notice_id or 0].append(item)
    return found


def online_item_at(session: Session, url_digest: str) -> NoticeItem | None:
    return session.scalar(
        select(NoticeItem)
        .where(NoticeItem.url_digest == url_digest, NoticeItem.status == ONLINE)
        .limit(1)
    )


def earlier_removed(
    session: Session, *, indicator_ids: Sequence[int], md5: str | None
) -> NoticeItem | None:
    """The latest removed item of the same material (an indicator in common, or the same file)."""
    query = select(NoticeItem).where(
        NoticeItem.status == REMOVED, NoticeItem.notice_id.is_not(None)
    )
    rows = session.scalars(query.order_by(NoticeItem.removed_at.desc()).limit(2000))
    wanted = set(indicator_ids)
    for item in rows:
        if (md5 and item.md5 == md5) or wanted & set(item.indicator_ids or ()):
            return item
    return None


def unknown_host_items(session: Session, *, limit: int = 500) -> list[NoticeItem]:
    query = (
        select(NoticeItem)
        .where(NoticeItem.notice_id.is_(None), NoticeItem.status == ONLINE)
        .order_by(NoticeItem.host_name, NoticeItem.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def items_due(session: Session, *, now: datetime, limit: int) -> list[NoticeItem]:
    """Online items due for a removal check, and removed ones due for a reappearance check."""
    query = (
        select(NoticeItem)
        .where(
            NoticeItem.notice_id.is_not(None),
            NoticeItem.next_check_at.is_not(None),
            NoticeItem.next_check_at <= now,
            NoticeItem.status.in_((ONLINE, REMOVED)),
        )
        .order_by(NoticeItem.next_check_at, NoticeItem.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def open_message(session: Session, notice: Notice) -> OutboxMessage | None:
    if notice.outbox_message_id is None:
        return None
    message = session.get(OutboxMessage, notice.outbox_message_id)
    return message if message is not None and message.delivered_at is None else None


def sends(session: Session, notice_id: int) -> list[NoticeSend]:
    query = select(NoticeSend).where(NoticeSend.notice_id == notice_id).order_by(NoticeSend.id)
    return list(session.scalars(query))


def notices(
    session: Session, *, statuses: Sequence[str] | None = None, limit: int = 200, offset: int = 0
) -> list[Notice]:
    query = select(Notice)
    if statuses:
        query = query.where(Notice.status.in_(statuses))
    return list(session.scalars(query.order_by(Notice.id.desc()).limit(limit).offset(offset)))


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Notice.status, func.count()).group_by(Notice.status))
    return {status: count for status, count in rows}


def for_provider(
    session: Session, *, organisation_id: int, limit: int, offset: int
) -> list[Notice]:
    """The notices sent to this provider organisation: its hosts' notices, once sent."""
    query = (
        select(Notice)
        .join(Host, Host.id == Notice.host_id)
        .where(Host.organisation_id == organisation_id, Notice.first_sent_at.is_not(None))
        .order_by(Notice.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def provider_notice(session: Session, *, organisation_id: int, notice_id: int) -> Notice | None:
    query = (
        select(Notice)
        .join(Host, Host.id == Notice.host_id)
        .where(
            Notice.id == notice_id,
            Host.organisation_id == organisation_id,
            Notice.first_sent_at.is_not(None),
        )
    )
    return session.scalar(query)


def escalated_to(session: Session, *, authority_id: int, limit: int = 200) -> list[Notice]:
    query = (
        select(Notice)
        .where(Notice.escalated_to == authority_id)
        .order_by(Notice.escalated_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def to_escalate(session: Session, *, sent_before: datetime, limit: int = 500) -> list[Notice]:
    query = (
        select(Notice)
        .where(
            Notice.first_sent_at.is_not(None),
            Notice.first_sent_at <= sent_before,
            Notice.removed_at.is_(None),
            Notice.removal_claimed_at.is_(None),
            Notice.escalated_at.is_(None),
            Notice.status != "held",
        )
        .order_by(Notice.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def authority_of_country(session: Session, country: str) -> Organisation | None:
    query = (
        select(Organisation)
        .where(
            Organisation.kind == OrganisationKind.authority,
            Organisation.country == country,
            Organisation.is_europol.is_(False),
        )
        .order_by(Organisation.id)
        .limit(1)
    )
    return session.scalar(query)


def organisation(session: Session, organisation_id: int | None) -> Organisation | None:
    return session.get(Organisation, organisation_id) if organisation_id else None


def organisation_by_name(session: Session, name: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.name == name))


def active_holds(session: Session, *, now: datetime, digests: Sequence[str]) -> list[NoticeHold]:
    query = select(NoticeHold).where(
        NoticeHold.released_at.is_(None),
        NoticeHold.until > now,
        NoticeHold.value_digest.in_(list(digests)),
    )
    return list(session.scalars(query.order_by(NoticeHold.id)))


def holds(
    session: Session, *, authority_id: int | None = None, limit: int = 500
) -> list[NoticeHold]:
    query = select(NoticeHold)
    if authority_id is not None:
        query = query.where(NoticeHold.authority_id == authority_id)
    return list(session.scalars(query.order_by(NoticeHold.id.desc()).limit(limit)))


def holds_by_ids(session: Session, ids: Iterable[int]) -> dict[int, NoticeHold]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {h.id: h for h in session.scalars(select(NoticeHold).where(NoticeHold.id.in_(wanted)))}


def expired_holds(session: Session, *, now: datetime) -> list[NoticeHold]:
    query = select(NoticeHold).where(NoticeHold.released_at.is_(None), NoticeHold.until <= now)
    return list(session.scalars(query.limit(1000)))


def items_under(session: Session, hold: NoticeHold) -> list[NoticeItem]:
    return list(session.scalars(select(NoticeItem).where(NoticeItem.hold_id == hold.id)))


def online_items_matching(
    session: Session, *, url_digest: str | None, host_ids: Sequence[int], host_name: str | None
) -> list[NoticeItem]:
    conditions = []
    if url_digest:
        conditions.append(NoticeItem.url_digest == url_digest)
    if host_ids:
        conditions.append(
            NoticeItem.notice_id.in_(select(Notice.id).where(Notice.host_id.in_(list(host_ids))))
        )
    if host_name:
        conditions.append(NoticeItem.host_name == host_name)
    if not conditions:
        return []
    query = select(NoticeItem).where(NoticeItem.status == ONLINE, or_(*conditions))
    return list(session.scalars(query.limit(10_000)))


def removal_rows(
    session: Session, *, since: datetime | None, until: datetime | None
) -> list[tuple[NoticeItem, Notice, Host]]:
    """Every noticed item (its notice sent) in the period, with its notice and host."""
    query = (
        select(NoticeItem, Notice, Host)
        .join(Notice, Notice.id == NoticeItem.notice_id)
        .join(Host, Host.id == Notice.host_id)
        .where(Notice.first_sent_at.is_not(None))
    )
    if since is not None:
        query = query.where(Notice.first_sent_at >= since)
    if until is not None:
        query = query.where(Notice.first_sent_at < until)
    return [(i, n, h) for i, n, h in session.execute(query.order_by(NoticeItem.id))]


def notices_in(session: Session, *, since: datetime | None, until: datetime | None) -> list[Notice]:
    query = select(Notice).where(Notice.first_sent_at.is_not(None))
    if since is not None:
        query = query.where(Notice.first_sent_at >= since)
    if until is not None:
        query = query.where(Notice.first_sent_at < until)
    return list(session.scalars(query))


def items_with_indicators(session: Session, indicator_ids: Sequence[int]) -> list[NoticeItem]:
    wanted = set(indicator_ids)
    query = select(NoticeItem).where(NoticeItem.notice_id.is_not(None)).order_by(NoticeItem.id)
    return [i for i in session.scalars(query.limit(100_000)) if wanted & set(i.indicator_ids or ())]


def items_with_hashes(session: Session, *, md5s: set[str], pdqs: set[str]) -> list[NoticeItem]:
    conditions = []
    if md5s:
        conditions.append(NoticeItem.md5.in_(sorted(md5s)))
    if pdqs:
        conditions.append(NoticeItem.pdq.in_(sorted(pdqs)))
    if not conditions:
        return []
    query = select(NoticeItem).where(NoticeItem.notice_id.is_not(None), or_(*conditions))
    return list(session.scalars(query.order_by(NoticeItem.id).limit(10_000)))
