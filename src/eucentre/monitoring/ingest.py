"""The channels figures arrive by (SDMX-CSV, JSON, XLSX, the web form), each turned into raw
rows and handed to the one submission service, so that every channel obeys the same rules."""

from __future__ import annotations

import json

from pydantic import ValidationError
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.kit.inputs import JsonRefused, load_json
from eucentre.monitoring import sdmx, service, xlsx
from eucentre.monitoring.models import MonitoringRound, MonitoringSubmission
from eucentre.monitoring.observations import RawObservation
from eucentre.monitoring.registry import registry
from eucentre.monitoring.schemas import SubmissionIn


def from_csv(
    session: Session, *, sender: service.Sender, data: bytes, confirm: bool, max_rows: int
) -> list[MonitoringSubmission]:
    parsed = sdmx.read(data, registry(), max_rows=max_rows)
    if parsed.problems and not parsed.rows:
        raise service.InvalidObservations({"problems": [p.as_dict() for p in parsed.problems]})
    first = parsed.rows[0] if parsed.rows else None
    round_ = service.find_open_round(
        session,
        reference=None,
        framework=parsed.framework.code,
        period=first.time_period.strip() if first else None,
    )
    return service.submit(
        session,
        sender=sender,
        round_=round_,
        rows=parsed.rows,
        channel="csv",
        confirm=confirm,
        framework=parsed.framework.code,
        known_problems=parsed.problems,
    )


def _json_body(data: bytes, max_rows: int) -> SubmissionIn:
    try:
        raw = load_json(data)
    except JsonRefused as refused:
        raise errors.UnprocessableEntity(
            [{"field": refused.field, "message": refused.message, "type": refused.code}],
            code=refused.code,
        ) from refused
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as bad:
        raise errors.BadRequest(
            f"the body is not valid JSON: {bad}", code="malformed_json"
        ) from bad
    try:
        body = SubmissionIn.model_validate(raw)
    except ValidationError as bad:
        raise errors.UnprocessableEntity(
            [
                {
                    "field": ".".join(map(str, item["loc"])),
                    "message": item["msg"],
                    "type": item["type"],
                }
                for item in bad.errors()[:50]
            ],
            code="validation_error",
        ) from bad
    if len(body.observations) > max_rows:
        raise errors.PayloadTooLarge(
            f"more than {max_rows} observations in one submission", code="too_many_observations"
        )
    return body


def from_json(
    session: Session, *, sender: service.Sender, data: bytes, confirm: bool, max_rows: int
) -> list[MonitoringSubmission]:
    body = _json_body(data, max_rows)
    round_ = service.find_open_round(session, reference=body.round, framework="", period=None)
    rows = [
        RawObservation(
            row=position,
            indicator=item.indicator,
            ref_area=item.ref_area,
            time_period=item.time_period,
            # A JSON number only: "12" in quotes is refused, as a typed API should.
            value=item.value if isinstance(item.value, int | float) else None,
            status=item.status,
            dimensions=item.dimensions or {},
        )
        for position, item in enumerate(body.observations, start=1)
    ]
    return service.submit(
        session, sender=sender, round_=round_, rows=rows, channel="json", confirm=confirm
    )


def from_xlsx(
    session: Session,
    *,
    sender: service.Sender,
    round_: MonitoringRound,
    data: bytes,
    confirm: bool,
    max_rows: int,
) -> list[MonitoringSubmission]:
    sheet = xlsx.read(data, max_rows=max_rows)
    label = service.round_label(round_)
    if sheet.round_label not in (None, "", label):
        raise xlsx.MalformedWorkbook(
            {"row": 0, "message": f"this is the template of {sheet.round_label}, not {label}"}
        )
    if round_.status != "open":
        raise service.NoOpenRound(f"the round {label} is closed")
    return service.submit(
        session, sender=sender, round_=round_, rows=sheet.rows, channel="xlsx", confirm=confirm
    )
