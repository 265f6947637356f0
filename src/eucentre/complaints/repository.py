"""Complaint queries. Providers see complaints about their own service; authorities see notices
about their own referrals; the public sees one complaint, by number and secret. The scope is in
the query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eucentre.complaints.timeline import COMPLAINT_TIMELINE
from eucentre.models import (
    Complaint,
    ComplaintAttempt,
    ComplaintEvent,
    ComplaintLink,
    ComplaintMessage,
    ComplaintReceipt,
    Indicator,
    IndicatorEvent,
    IndicatorSource,
    Organisation,
    OrganisationKind,
    Referral,
    ReferralReport,
    Report,
    ReportMatch,
)


def providers(session: Session) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.provider)
            .order_by(Organisation.name)
        )
    )


def provider(session: Session, provider_id: int) -> Organisation | None:
    return session.scalar(
        select(Organisation).where(
            Organisation.id == provider_id, Organisation.kind == OrganisationKind.provider
        )
    )


def get(session: Session, complaint_id: int) -> Complaint | None:
    return session.get(Complaint, complaint_id)


def by_number(session: Session, number: str) -> Complaint | None:
    return session.scalar(select(Complaint).where(Complaint.number == number))


def receipt_of_form(session: Session, form_token_digest: str) -> ComplaintReceipt | None:
    return session.scalar(
        select(ComplaintReceipt).where(ComplaintReceipt.form_token_digest == form_token_digest)
    )


def receipt(session: Session, receipt_token_digest: str) -> ComplaintReceipt | None:
    return session.scalar(
        select(ComplaintReceipt).where(
            ComplaintReceipt.receipt_token_digest == receipt_token_digest
        )
    )


def possible_duplicates(session: Session, complaint: Complaint) -> list[Complaint]:
    """Other complaints about the same decision of the same service."""
    return list(
        session.scalars(
            select(Complaint)
            .where(
                Complaint.provider_id == complaint.provider_id,
                Complaint.provider_reference == complaint.provider_reference,
                Complaint.id != complaint.id,
            )
            .order_by(Complaint.received_at, Complaint.id)
            .limit(50)
        )
    )


def of_provider(session: Session, *, provider_id: int, complaint_id: int) -> Complaint | None:
    return session.scalar(
        select(Complaint).where(Complaint.id == complaint_id, Complaint.provider_id == provider_id)
    )


def for_provider(session: Session, *, provider_id: int, limit: int, offset: int) -> list[Complaint]:
    return list(
        session.scalars(
            select(Complaint)
            .where(Complaint.provider_id == provider_id)
            .order_by(Complaint.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def by_external(session: Session, *, provider_id: int, reference: str) -> Complaint | None:
    return session.scalar(
        select(Complaint).where(
            Complaint.provider_id == provider_id, Complaint.external_reference == reference
        )
    )


def queue(session: Session, *, statuses: Sequence[str], limit: int) -> list[Complaint]:
    """Oldest first: the deadline runs from receipt."""
    return list(
        session.scalars(
            select(Complaint)
            .where(Complaint.status.in_(statuses))
            .order_by(Complaint.received_at, Complaint.id)
            .limit(limit)
        )
    )


def count_by_status(session: Session) -> dict[str, int]:
    return dict(
        session.execute(select(Complaint.status, func.count()).group_by(Complaint.status)).all()  # type: ignore[arg-type]
    )


def reports_with_reference(session: Session, *, provider_id: int, reference: str) -> list[Report]:
    return list(
        session.scalars(
            select(Report)
            .where(Report.provider_id == provider_id, Report.provider_reference == reference)
            .order_by(Report.id)
        )
    )


def linked_reports(session: Session, complaint_id: int) -> list[Report]:
    return list(
        session.scalars(
            select(Report)
            .join(ComplaintLink, ComplaintLink.report_id == Report.id)
            .where(ComplaintLink.complaint_id == complaint_id)
            .order_by(Report.id)
        )
    )


def linked_report_ids(session: Session, complaint_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ComplaintLink.report_id)
            .where(ComplaintLink.complaint_id == complaint_id)
            .order_by(ComplaintLink.report_id)
        )
    )


def linked_matches(session: Session, complaint_id: int) -> list[ReportMatch]:
    return list(
        session.scalars(
            select(ReportMatch)
            .join(ComplaintLink, ComplaintLink.report_id == ReportMatch.report_id)
            .where(ComplaintLink.complaint_id == complaint_id)
            .order_by(ReportMatch.report_id, ReportMatch.item_id, ReportMatch.id)
        )
    )


def indicators(session: Session, ids: Sequence[int]) -> list[Indicator]:
    if not ids:
        return []
    return list(
        session.scalars(select(Indicator).where(Indicator.id.in_(ids)).order_by(Indicator.id))
    )


def indicator_sources(session: Session, indicator_id: int) -> list[IndicatorSource]:
    return list(
        session.scalars(
            select(IndicatorSource)
            .where(IndicatorSource.indicator_id == indicator_id)
            .order_by(IndicatorSource.id)
        )
    )


def indicator_events(session: Session, indicator_id: int) -> list[IndicatorEvent]:
    return list(
        session.scalars(
            select(IndicatorEvent)
            .where(IndicatorEvent.indicator_id == indicator_id)
            .order_by(IndicatorEvent.at, IndicatorEvent.id)
        )
    )


def indicator_histories(
    session: Session, ids: Sequence[int]
) -> dict[int, list[tuple[datetime, str]]]:
    """Each indicator's (at, kind) events, oldest first, in one query."""
    histories: dict[int, list[tuple[datetime, str]]] = {indicator_id: [] for indicator_id in ids}
    if not ids:
        return histories
    rows = session.execute(
        select(IndicatorEvent.indicator_id, IndicatorEvent.at, IndicatorEvent.kind)
        .where(IndicatorEvent.indicator_id.in_(ids))
        .order_by(IndicatorEvent.indicator_id, IndicatorEvent.at, IndicatorEvent.id)
    )
    for indicator_id, at, kind in rows:
        histories[indicator_id].append((at, kind))
    return histories


def referrals_of_reports(session: Session, report_ids: Sequence[int]) -> list[Referral]:
    if not report_ids:
        return []
    # Only the authorities the reports were forwarded to: others with a referral of the same
    # bundle never received these reports.
    forwarded = select(ReferralReport.referral_id).where(ReferralReport.report_id.in_(report_ids))
    return list(
        session.scalars(select(Referral).where(Referral.id.in_(forwarded)).order_by(Referral.id))
    )


def events(session: Session, complaint_id: int) -> list[ComplaintEvent]:
    return COMPLAINT_TIMELINE.history(session, complaint_id)


def messages(
    session: Session, complaint_id: int, *, organisation_id: int | None = None
) -> list[ComplaintMessage]:
    query = select(ComplaintMessage).where(ComplaintMessage.complaint_id == complaint_id)
    if organisation_id is not None:
        query = query.where(
            ComplaintMessage.organisation_id == organisation_id,
            ComplaintMessage.available_at.is_not(None),
        )
    return list(session.scalars(query.order_by(ComplaintMessage.id)))


def notices_for_authority(
    session: Session, *, authority_id: int, limit: int, offset: int
) -> list[ComplaintMessage]:
    return list(
        session.scalars(
            select(ComplaintMessage)
            .where(
                ComplaintMessage.organisation_id == authority_id,
                ComplaintMessage.kind == "authority_note",
                ComplaintMessage.available_at.is_not(None),
            )
            .order_by(ComplaintMessage.id)
            .limit(limit)
            .offset(offset)
        )
    )


def notice_of_authority(
    session: Session, *, authority_id: int, notice_id: int
) -> ComplaintMessage | None:
    return session.scalar(
        select(ComplaintMessage).where(
            ComplaintMessage.id == notice_id,
            ComplaintMessage.organisation_id == authority_id,
            ComplaintMessage.kind == "authority_note",
            ComplaintMessage.available_at.is_not(None),
        )
    )


def attempts_since(session: Session, subject: str, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                ComplaintAttempt.subject == subject, ComplaintAttempt.at >= since
            )
        )
        or 0
    )


def with_plain_text(session: Session, *, limit: int) -> list[Complaint]:
    """Complaints whose text is not yet sealed (received before it was sealed on write)."""
    return list(
        session.scalars(
            select(Complaint)
            .where(
                Complaint.content_description_sealed.is_(None) | Complaint.reason_sealed.is_(None)
            )
            .order_by(Complaint.id)
            .limit(limit)
        )
    )
