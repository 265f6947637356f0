"""Sending a notice, through the platform's outbox: made available to a provider organisation
(which reads it through the API) or e-mailed to an external host's abuse address. Re-sent every
EUCENTRE_NOTICE_RESEND_SECONDS while `still_needed` says so (URLs online and not held): the
re-sending is the outbox handler's schedule, not a loop of ours. Every send is recorded."""

from __future__ import annotations

from datetime import timedelta

from eucentre.kit.time import utcnow
from eucentre.notices import content, intake, mail, repository
from eucentre.notices.models import Host, Notice, NoticeSend
from eucentre.notices.timeline import NOTICE_TIMELINE
from eucentre.platform.outbox import Delivery, OutboxHandler


def _notice(delivery: Delivery) -> Notice | None:
    return delivery.session.get(Notice, delivery.payload["notice_id"])


def deliver(delivery: Delivery) -> None:
    session = delivery.session
    notice = _notice(delivery)
    if notice is None:
        return
    items = intake.to_send(repository.items(session, notice.id))
    if not items:
        return  # removed or held meanwhile: still_needed closes the message
    host = session.get(Host, notice.host_id)
    if host is None:
        return
    settings = delivery.context.settings
    number = notice.sends + 1
    if host.organisation_id is not None:
        channel, recipient = "api", f"organisation:{host.organisation_id}"
    else:
        channel, recipient = "email", host.abuse_email or ""
        message = mail.compose(
            sender=settings.notice_from,
            to=recipient,
            subject=f"EU Centre notice {notice.id}: {len(items)} URL(s) on your service",
            text=content.as_text(notice, items, contact=settings.notice_contact, send=number),
            data=content.as_data(notice, items, contact=settings.notice_contact),
        )
        # Raises on failure: the outbox records it and tries again with back-off.
        mail.send(mail.parse_smtp_url(settings.smtp_url), message)
    now = utcnow()
    session.add(
        NoticeSend(
            notice_id=notice.id,
            at=now,
            channel=channel,
            recipient=recipient[:320],
            urls=len(items),
            number=number,
        )
    )
    notice.sends = number
    notice.first_sent_at = notice.first_sent_at or now
    notice.last_sent_at = now
    NOTICE_TIMELINE.append(
        session,
        notice.id,
        actor=intake.SYSTEM,
        kind="sent",
        details={"send": number, "channel": channel, "urls": len(items)},
    )
    intake.refresh(session, notice)


def still_needed(delivery: Delivery) -> bool:
    notice = _notice(delivery)
    if notice is None:
        return False
    return bool(intake.to_send(repository.items(delivery.session, notice.id)))


def resend_every(delivery: Delivery) -> timedelta:
    return timedelta(seconds=delivery.context.settings.notice_resend_seconds)


SEND_HANDLER = OutboxHandler(
    intake.SEND_KIND, deliver, resend_every=resend_every, still_needed=still_needed
)
