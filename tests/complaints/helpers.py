"""Building complaints' surroundings for tests: a provider's report of benign synthetic data
whose item matched an indicator, optionally referred to an authority."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from eucentre.complaints.schemas import PublicComplaintIn
from eucentre.models import (
    Bundle,
    Indicator,
    Organisation,
    Referral,
    ReferralReport,
    Report,
    ReportItem,
    ReportItemHash,
    ReportMatch,
)

_counter = itertools.count(1)


def removal(
    session: Session, *, provider: Organisation, reference: str, indicator: Indicator
) -> Report:
    """A report the provider sent about content it removed, whose one item matched `indicator`."""
    bundle = Bundle(exact_key=f"test-{next(_counter)}")
    session.add(bundle)
    session.flush()
    report = Report(
        provider_id=provider.id,
        provider_reference=reference,
        request_fingerprint="0" * 64,
        status="referred",
        incident_type="known_material",
        content_removed=True,
        incident_time=datetime.now(UTC) - timedelta(days=3),
        bundle_id=bundle.id,
        payload_sealed=b"sealed",
    )
    session.add(report)
    session.flush()
    item = ReportItem(
        report_id=report.id,
        kind="hash",
        hashed=True,
        hashes=[ReportItemHash.of(indicator.signal, indicator.value)],
    )
    session.add(item)
    session.flush()
    session.add(
        ReportMatch(
            report_id=report.id,
            item_id=item.id,
            indicator_id=indicator.id,
            list_name=indicator.lists[0].name if indicator.lists else "",
            indicator_status=indicator.status,
            signal=indicator.signal,
        )
    )
    session.flush()
    return report


def refer(session: Session, report: Report, authority: Organisation, outcome: str | None = None):
    referral = Referral(
        bundle_id=report.bundle_id, authority_id=authority.id, status="available", outcome=outcome
    )
    session.add(referral)
    session.flush()
    # The report is what was forwarded: a referral carries only its forwarded reports.
    session.add(ReferralReport(referral_id=referral.id, report_id=report.id, package_version=1))
    session.flush()
    return referral


def public_form(provider_id: int, reference: str = "sor-1", **overrides) -> PublicComplaintIn:
    fields = {
        "provider_id": provider_id,
        "provider_reference": reference,
        "decision_date": date.today() - timedelta(days=2),
        "content_description": "A photo of my garden with a red bench.",
        "reason": "It is a picture of my garden, there is nobody in it.",
        "contact": "me@example.test",
    }
    fields.update(overrides)
    return PublicComplaintIn.model_validate(fields)
