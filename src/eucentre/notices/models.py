"""Hosts, notices to them, the URLs each notice names, every send, and authorities' holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.kit.time import utcnow
from eucentre.models.base import Base, CreatedAt, TimelineEventColumns


class Host(CreatedAt, Base):
    """A hosting service: a domain (covering its subdomains) or an IP range, mapped either to a
    provider organisation of the Centre (notified through the API) or to an abuse address
    (notified by e-mail)."""

    __tablename__ = "notice_hosts"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    network: Mapped[str | None] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    abuse_email: Mapped[str | None] = mapped_column(String(320))
    country: Mapped[str | None] = mapped_column(String(2))
    added_by: Mapped[str] = mapped_column(String(80))


class Notice(CreatedAt, Base):
    """One notice per host per day, bundling the URLs found that day (Art. 49)."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("notice_hosts.id"), index=True)
    # "<host id>:<day>" (or ":re<notice>" for a re-upload): one notice per host per day.
    bundle_key: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    reupload_of: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    first_detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_sent_at: Mapped[datetime | None]
    last_sent_at: Mapped[datetime | None]
    sends: Mapped[int] = mapped_column(default=0)
    acknowledged_at: Mapped[datetime | None]
    removal_claimed_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    escalated_to: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The open outbox message that sends (and re-sends) it.
    outbox_message_id: Mapped[int | None]


class NoticeItem(CreatedAt, Base):
    """A URL where matching media was found. Without a notice while its host is unknown."""

    __tablename__ = "notice_items"
    __table_args__ = (Index("ix_notice_items_status_next_check_at", "status", "next_check_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    host_name: Mapped[str] = mapped_column(String(253), index=True)
    address: Mapped[str | None] = mapped_column(String(45))
    url: Mapped[str] = mapped_column(Text)
    url_digest: Mapped[str] = mapped_column(String(64), index=True)
    page_url: Mapped[str] = mapped_column(Text, default="")
    indicator_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    lists: Mapped[list[str]] = mapped_column(JSON, default=list)
    md5: Mapped[str | None] = mapped_column(String(32))
    pdq: Mapped[str | None] = mapped_column(String(64))
    # The earlier notice of the same material, when this URL is a re-upload.
    reupload_of: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    # Where it was found ("search:media:<id>"), for the record of the match.
    source: Mapped[str] = mapped_column(String(60), default="")
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="online")
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("notice_holds.id"))
    removed_at: Mapped[datetime | None]
    removal_reason: Mapped[str] = mapped_column(String(24), default="")
    next_check_at: Mapped[datetime | None]
    checks: Mapped[int] = mapped_column(default=0)
    last_checked_at: Mapped[datetime | None]
    last_check_result: Mapped[str] = mapped_column(String(40), default="")
    # After removal: re-checks for reappearance at 1, 7 and 30 days (the stage reached).
    reappearance_stage: Mapped[int] = mapped_column(default=0)
    reappeared_at: Mapped[datetime | None]


class NoticeSend(Base):
    """Every send of every notice."""

    __tablename__ = "notice_sends"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    channel: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(String(320))
    urls: Mapped[int] = mapped_column(default=0)
    number: Mapped[int] = mapped_column(default=1)


class NoticeHold(CreatedAt, Base):
    """An authority's request to hold notices on a URL or a host back (an investigation)."""

    __tablename__ = "notice_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    scope: Mapped[str] = mapped_column(String(8))  # "url" or "host"
    value: Mapped[str] = mapped_column(Text)
    value_digest: Mapped[str] = mapped_column(String(64), index=True)
    until: Mapped[datetime]
    reason_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    actor: Mapped[str] = mapped_column(String(80))
    released_at: Mapped[datetime | None]


class NoticeEvent(TimelineEventColumns, Base):
    """The notice's append-only timeline."""

    __tablename__ = "notice_events"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
