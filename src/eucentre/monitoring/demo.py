"""Demo data: the German coordinator's account, closed rounds with published figures of six
Member States and a Western Balkans partner (so the dashboards are not empty), and open 2024
rounds in which Germany still owes most of its figures. Idempotent."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from eucentre.auth import repository as auth_repository
from eucentre.auth import service as auth_service
from eucentre.demo.accounts import DEMO_COORDINATORS, DEMO_PASSWORD, demo_totp_secret
from eucentre.kinds import COORDINATOR
from eucentre.kit.blobstore import BlobStore
from eucentre.monitoring import autofill, repository, service
from eucentre.monitoring.observations import RawObservation
from eucentre.monitoring.registry import registry
from eucentre.monitoring.xlsx import cells_of

ACTOR = "demo"
SIGNER = "demo:statistician"
AREAS = {
    "firearms": ("DE", "FR", "IT", "ES", "PL", "NL", "RS"),
    "drugs": ("DE", "FR", "IT", "ES", "PL", "NL"),
}
CLOSED = ("2021", "2022", "2023")
OPEN = "2024"


def _value(code: str, unit: str, area: str, period: str, cell: int) -> float:
    """A plausible, stable demo figure (not real data)."""
    digest = hashlib.sha256(f"{code}:{area}:{cell}".encode()).digest()
    base = 50 + digest[0] * 8 + digest[1]
    trend = 1 + (int(period) - 2021) * (digest[2] % 7 - 2) / 40
    if unit == "boolean":
        return float(int(period) - 2021 >= digest[3] % 4)
    if unit == "percent":
        return round((digest[0] % 150) / 10 * trend, 1)
    if unit == "rate_per_1000":
        return round((digest[1] % 80) / 10 * trend, 1)
    value = base * trend
    return round(value, 1) if unit == "kg" else float(int(value))


def _rows(framework_code: str, area: str, period: str) -> list[RawObservation]:
    framework = registry().frameworks[framework_code]
    codes = [code for code, ind in framework.indicators.items() if not ind.by_platform]
    rows = []
    for position, (code, dims) in enumerate(cells_of(framework, codes), start=1):
        indicator = framework.indicators[code]
        total = _value(code, indicator.unit.code, area, period, 0)
        if not dims:
            value = total
        elif indicator.unit.additive:
            # Parts share at most 90 % of the total, so they never add up to more than it.
            name = dims[0][0]
            count = len(indicator.allowed.get(name) or framework.dimensions[name].values)
            value = total * 0.9 / count
            value = round(value, 1) if not indicator.unit.integer else float(int(value))
        else:
            value = _value(code, indicator.unit.code, area, period, position)
        rows.append(
            RawObservation(
                row=position,
                indicator=code,
                ref_area=area,
                time_period=period,
                value=value,
                dimensions=dict(dims),
            )
        )
    return rows


def _coordinator(session: Session, *, secret: bytes) -> list[str]:
    created = []
    for email, organisation in DEMO_COORDINATORS:
        if auth_repository.user_by_email(session, email) is None:
            auth_service.create_user(
                session,
                actor=ACTOR,
                secret=secret,
                email=email,
                role=COORDINATOR,
                password=DEMO_PASSWORD,
                totp_secret=demo_totp_secret(email),
                organisation_name=organisation,
            )
            created.append(f"coordinator {email}")
    return created


def load(session: Session, *, secret: bytes, blobs: BlobStore, media_dir: Path) -> list[str]:
    created = _coordinator(session, secret=secret)
    if repository.round_for(session, "firearms", CLOSED[0]) is not None:
        return created
    for framework, areas in AREAS.items():
        for period in CLOSED:
            found = service.open_round(session, actor=ACTOR, framework=framework, period=period)
            for area in areas:
                for made in service.submit(
                    session,
                    sender=service.Sender(actor=ACTOR, country=area),
                    round_=found,
                    rows=_rows(framework, area, period),
                    channel="csv",
                    confirm=True,
                ):
                    service.decide(session, actor=SIGNER, submission_id=made.id, publish=True)
            service.close_round(session, actor=ACTOR, round_id=found.id)
        created.append(f"{len(CLOSED)} closed {framework} rounds with published figures")
    for framework in ("csa", "drugs", "firearms"):
        found = service.open_round(
            session, actor=ACTOR, framework=framework, period=OPEN, deadline=date(2025, 6, 30)
        )
        autofill.fill(session, round_=found)
        created.append(f"open round {service.round_label(found)}")
    # France has sent its 2024 firearms figures, waiting for sign-off; Germany owes its own.
    firearms = repository.round_for(session, "firearms", OPEN)
    assert firearms is not None
    service.submit(
        session,
        sender=service.Sender(actor=ACTOR, country="FR"),
        round_=firearms,
        rows=_rows("firearms", "FR", OPEN),
        channel="xlsx",
        confirm=True,
    )
    return created
