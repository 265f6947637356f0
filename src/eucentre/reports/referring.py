"""Referring a report: it goes to the competent authorities, each through its referral of the
report's bundle (one referral per bundle and authority). A referral carries only the reports
forwarded to its authority (`ReferralReport`), never the rest of the bundle: reports of other
Member States, or ones not (yet) referred. The referral is created here, in the decision's
transaction; building and publishing its package (a new version when a report joins a
referral already delivered) is the referrals domain's outbox handler (`referral.publish`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.models import Organisation, Referral, ReferralReport, Report
from eucentre.platform import outbox
from eucentre.reports import repository as reports
from eucentre.reports.intake import set_status, timeline
from eucentre.rules.report_status import Event

PUBLISH = "referral.publish"


def targets(session: Session, member_states: Sequence[str]) -> list[Organisation]:
    """The authorities of the Member States, plus Europol, which receives every referral."""
    found = reports.authorities_for(session, tuple(member_states))
    europol = reports.europol(session)
    return found + ([europol] if europol is not None else [])


def refer(
    session: Session,
    *,
    report: Report,
    member_states: Sequence[str] = (),
    authority_ids: Sequence[int] | None = None,
    actor: str,
) -> list[Referral]:
    """Forward the report to the authorities (one referral per bundle and authority, so a viral
    item is one referral however many reports join it), and only to them: the report is added
    to each chosen authority's referral and to no other."""
    assert report.bundle_id is not None
    if authority_ids is not None:
        chosen = [org for org in reports.authorities(session) if org.id in set(authority_ids)]
    else:
        chosen = targets(session, member_states)
    if not chosen:
        raise errors.UnprocessableEntity("no authority to refer to", code="no_authority")
    made = []
    for authority in chosen:
        referral = reports.referral_for_bundle(
            session, bundle_id=report.bundle_id, authority_id=authority.id
        )
        if referral is None:
            referral = Referral(
                bundle_id=report.bundle_id, authority_id=authority.id, urgent=report.urgent
            )
            session.add(referral)
            session.flush()
        referral.urgent = referral.urgent or report.urgent
        if reports.forwarded(session, referral_id=referral.id, report_id=report.id) is None:
            session.add(ReferralReport(referral_id=referral.id, report_id=report.id))
        outbox.put(session, PUBLISH, {"referral_id": referral.id})
        made.append(referral)
    set_status(session, report, Event.refer, actor=actor)
    timeline(
        session,
        report,
        actor=actor,
        kind="referred",
        for_provider=True,
        message="The report was forwarded to the competent law-enforcement authorities.",
        details={"authorities": [org.id for org in chosen]},
    )
    audit.record(
        session,
        actor=actor,
        action="report.referred",
        object_type="report",
        object_id=report.id,
        details={"authorities": [org.id for org in chosen], "bundle": report.bundle_id},
    )
    return made
