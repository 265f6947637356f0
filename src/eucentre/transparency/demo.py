"""Demo records for the statistics: a year of past reports from three demo providers, with
their outcomes on the timeline, bundles of repeats, forwardings to the demo authorities and
complaints, so the transparency page shows real computed figures after `make run`. Nothing here
is a figure: the page counts these records like any others. Idempotent (marked by reference).
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eucentre.auth import repository as org_repository
from eucentre.auth import service as auth_service
from eucentre.kit.blobstore import BlobStore
from eucentre.kit.crypto import seal
from eucentre.kit.time import utcnow
from eucentre.models import (
    Bundle,
    Complaint,
    Organisation,
    OrganisationKind,
    Referral,
    ReferralReport,
    Report,
    ReportEvent,
)
from eucentre.reports.intake import PAYLOAD_CONTEXT, _payload_key

MARK = "demo-stats-"
PROVIDERS = (
    ("Demo Photo Service", "IE", 1.0),
    ("Demo Chat Service", "NL", 0.6),
    ("Demo Video Host", "DE", 0.25),
)
AUTHORITY_NAMES = ("Bundeskriminalamt (demo)", "Police nationale (demo)")
DAYS = 400
SEED = 2026


def load(session: Session, *, secret: bytes, blobs: BlobStore, media_dir: Path) -> list[str]:
    present = session.scalar(
        select(func.count()).select_from(Report).where(Report.provider_reference.like(f"{MARK}%"))
    )
    if present:
        return []
    providers = [_provider(session, name, country) for name, country, _ in PROVIDERS]
    authorities = [
        a for a in (org_repository.organisation_by_name(session, n) for n in AUTHORITY_NAMES) if a
    ]
    rng = random.Random(SEED)
    sealed = seal(
        _payload_key(secret), json.dumps({"demo": True}).encode(), context=PAYLOAD_CONTEXT
    )
    now = utcnow()
    made = 0
    bundles: list[Bundle] = []
    for day in range(DAYS, 0, -1):
        for _ in range(rng.randint(1, 4)):
            weights = [w for *_, w in PROVIDERS]
            index = rng.choices(range(len(providers)), weights=weights)[0]
            at = now - timedelta(days=day, minutes=rng.randint(0, 1200))
            made += _report(session, rng, providers[index], at, sealed, bundles, authorities)
    complaints = _complaints(session, rng, providers[0], now)
    session.flush()
    return [f"{made} past demo reports and {complaints} complaints for the statistics"]


def _provider(session: Session, name: str, country: str) -> Organisation:
    found = org_repository.organisation_by_name(session, name)
    if found is not None:
        return found
    return auth_service.create_organisation(
        session,
        actor="demo",
        name=name,
        kind=OrganisationKind.provider,
        country=country,
        is_europol=False,
    )


def _report(
    session: Session,
    rng: random.Random,
    provider: Organisation,
    at: datetime,
    sealed: bytes,
    bundles: list[Bundle],
    authorities: list[Organisation],
) -> int:
    kind = rng.choices(["known_material", "new_material", "solicitation"], [70, 22, 8])[0]
    repeat = bool(bundles) and kind == "known_material" and rng.random() < 0.3
    if repeat:
        bundle = rng.choice(bundles[-20:])
        bundle.report_count += 1
    else:
        bundle = Bundle(exact_key=f"{MARK}{len(bundles)}", first_report_at=at)
        session.add(bundle)
        session.flush()
        bundles.append(bundle)
    roll = rng.random()
    outcome = (
        "unfounded_system"
        if roll < 0.08
        else "unfounded_analyst"
        if roll < 0.14
        else "referred"
        if kind == "known_material" or roll < 0.7
        else "assessing"
    )
    status = {
        "unfounded_system": "closed",
        "unfounded_analyst": "closed",
        "referred": "acknowledged",
        "assessing": "awaiting_review",
    }[outcome]
    report = Report(
        provider_id=provider.id,
        provider_reference=f"{MARK}{at:%Y%m%d%H%M%S}-{rng.getrandbits(32):08x}",
        request_fingerprint="0" * 64,
        status=status,
        incident_type=kind,
        content_removed=True,
        incident_time=at - timedelta(hours=2),
        received_at=at,
        status_changed_at=at,
        bundle_id=bundle.id,
        payload_sealed=sealed,
    )
    session.add(report)
    session.flush()
    events = [ReportEvent(report_id=report.id, at=at, actor="system", kind="received")]
    if outcome == "unfounded_system":
        events.append(ReportEvent(report_id=report.id, at=at, actor="system", kind="unfounded"))
    elif outcome == "unfounded_analyst":
        events.append(ReportEvent(report_id=report.id, at=at, actor="user:demo", kind="unfounded"))
    elif outcome == "referred" and authorities:
        events.append(ReportEvent(report_id=report.id, at=at, actor="system", kind="referred"))
        authority = rng.choice(authorities)
        referral = session.scalar(
            select(Referral).where(
                Referral.bundle_id == bundle.id, Referral.authority_id == authority.id
            )
        )
        if referral is None:
            referral = Referral(
                bundle_id=bundle.id,
                authority_id=authority.id,
                status="acknowledged",
                created_at=at,
            )
            session.add(referral)
            session.flush()
        session.add(
            ReferralReport(
                referral_id=referral.id, report_id=report.id, forwarded_at=at, package_version=1
            )
        )
    session.add_all(events)
    return 1


def _complaints(session: Session, rng: random.Random, provider: Organisation, now: datetime) -> int:
    made = 0
    for n in range(120):
        at = now - timedelta(days=rng.randint(1, DAYS - 1))
        status = rng.choices(["rejected", "upheld", "open"], [60, 25, 15])[0]
        session.add(
            Complaint(
                number=f"DS{n:04d}{rng.getrandbits(20):05X}"[:20],
                channel="provider",
                submitted_by="demo",
                provider_id=provider.id,
                provider_reference=f"{MARK}complaint-{n}",
                external_reference=f"{MARK}complaint-{n}",
                decision_date=at - timedelta(days=2),
                content_description="",
                reason="",
                status=status,
                received_at=at,
                deadline_at=at + timedelta(days=14),
                decided_at=None if status == "open" else at + timedelta(days=5),
                decided_by=None if status == "open" else "user:demo",
            )
        )
        made += 1
    return made
