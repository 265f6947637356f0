"""Authorities' holds: notices on a URL or a host held back (at most 18 months) so as not to
disturb an investigation. Held URLs are left out of every send; a notice with only held URLs is
not sent at all and says why on the staff pages. A hold that ends lets the notice go out."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.kit.crypto import derive_key, open_sealed, seal, sha256_hex
from eucentre.kit.time import as_utc, utcnow
from eucentre.kit.weburls import BadUrl, normalise
from eucentre.notices import hosts, intake, repository
from eucentre.notices.models import Notice, NoticeHold, NoticeItem
from eucentre.notices.timeline import NOTICE_TIMELINE

LONGEST = timedelta(days=548)  # 18 months
SCOPES = ("url", "host")
MAX_REASON = 2000


def _key(secret: bytes) -> bytes:
    return derive_key(secret, "notices.holds")


def host_digest(name: str) -> str:
    return sha256_hex("host:" + name.lower().strip("."))


def digests_of(item: NoticeItem) -> list[str]:
    return [item.url_digest] + [host_digest(name) for name in hosts.candidates(item.host_name)]


def reason_of(hold: NoticeHold, *, secret: bytes) -> str:
    return open_sealed(
        _key(secret), hold.reason_sealed, context=f"hold:{hold.id}".encode()
    ).decode()


def apply_to_new(session: Session, item: NoticeItem, *, now: datetime) -> None:
    found = repository.active_holds(session, now=now, digests=digests_of(item))
    if found:
        item.hold_id = found[0].id


def place(
    session: Session,
    *,
    authority_id: int,
    actor: str,
    scope: str,
    value: str,
    until: datetime,
    reason: str,
    secret: bytes,
) -> NoticeHold:
    now = utcnow()
    if scope not in SCOPES:
        raise errors.UnprocessableEntity("scope: url or host", code="invalid_scope")
    if scope == "url":
        try:
            value = normalise(value)
        except BadUrl as bad:
            raise errors.UnprocessableEntity(
                f"value: not an http(s) URL ({bad})", code="invalid_url"
            ) from bad
        digest = sha256_hex(value)
    else:
        value = value.strip().lower().rstrip(".")
        if not hosts.DOMAIN.match(value):
            raise errors.UnprocessableEntity(
                "value: a host name such as example.com", code="invalid_domain"
            )
        digest = host_digest(value)
    until = as_utc(until)
    if until <= now:
        raise errors.UnprocessableEntity("until: a date in the future", code="invalid_date")
    if until > now + LONGEST:
        raise errors.UnprocessableEntity(
            "until: at most 18 months from today", code="hold_too_long"
        )
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise errors.UnprocessableEntity(
            f"reason: 1 to {MAX_REASON} characters", code="reason_required"
        )
    hold = NoticeHold(
        authority_id=authority_id,
        scope=scope,
        value=value,
        value_digest=digest,
        until=until,
        reason_sealed=b"",
        actor=actor,
    )
    session.add(hold)
    session.flush()
    hold.reason_sealed = seal(_key(secret), reason.encode(), context=f"hold:{hold.id}".encode())
    if scope == "url":
        matching = repository.online_items_matching(
            session, url_digest=digest, host_ids=[], host_name=None
        )
    else:
        matching = _items_on_host(session, value)
    touched: set[int] = set()
    for item in matching:
        if item.hold_id is None:
            item.hold_id = hold.id
            if item.notice_id is not None:
                touched.add(item.notice_id)
    for notice_id in sorted(touched):
        notice = session.get(Notice, notice_id)
        if notice is not None:
            NOTICE_TIMELINE.append(
                session, notice.id, actor=actor, kind="held", details={"hold": hold.id}
            )
            intake.refresh(session, notice)
    audit.record(
        session,
        actor=actor,
        action="notice_hold.placed",
        object_type="notice_hold",
        object_id=hold.id,
        details={"scope": scope, "until": until.date().isoformat()},
    )
    return hold


def _items_on_host(session: Session, name: str) -> list[NoticeItem]:
    from sqlalchemy import or_, select

    query = select(NoticeItem).where(
        NoticeItem.status == repository.ONLINE,
        or_(NoticeItem.host_name == name, NoticeItem.host_name.endswith("." + name)),
    )
    return list(session.scalars(query.limit(10_000)))


def release_expired(session: Session, *, now: datetime | None = None) -> int:
    """End the holds whose time is up; their notices go out."""
    now = now or utcnow()
    released = 0
    for hold in repository.expired_holds(session, now=now):
        hold.released_at = now
        released += 1
        touched = set()
        for item in repository.items_under(session, hold):
            item.hold_id = None
            if item.notice_id is not None:
                touched.add(item.notice_id)
        for notice_id in sorted(touched):
            notice = session.get(Notice, notice_id)
            if notice is not None:
                NOTICE_TIMELINE.append(
                    session,
                    notice.id,
                    actor=intake.SYSTEM,
                    kind="released",
                    details={"hold": hold.id},
                )
                intake.refresh(session, notice)
    return released
