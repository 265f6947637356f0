"""The monitoring API: coordinators submit figures (SDMX-CSV, JSON, XLSX) and read their own;
anyone reads the registry, the rounds and the published figures (SDMX-CSV, JSON, CSV)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from eucentre import errors
from eucentre.auth.access import ALL_STAFF, allow
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.db import get_session
from eucentre.kit.ids import RecordId
from eucentre.monitoring import exports, ingest, repository, sdmx, service, xlsx
from eucentre.monitoring.callers import country_of, reader_of, sender_of
from eucentre.monitoring.registry import registry
from eucentre.monitoring.schemas import (
    DataOut,
    RegistryOut,
    RoundOut,
    RoundsOut,
    SubmissionDetail,
    SubmissionIn,
    SubmissionsOut,
)
from eucentre.monitoring.views import framework_out, round_out, submission_detail, submission_out

router = APIRouter(
    prefix="/api/v1/monitoring", tags=["monitoring"], responses=errors.responses(*errors.ACCESS)
)
COORDINATORS = {PrincipalKind.coordinator}
# A submission of the most observations a file may hold, in SDMX-CSV, JSON or XLSX.
MAX_SUBMISSION_BYTES = 4 * 1024 * 1024
MAX_WORKBOOK_BYTES = 4 * 1024 * 1024
WRITE = allow(organisations=COORDINATORS, scope="monitoring:write", body_limit=MAX_SUBMISSION_BYTES)
WRITE_XLSX = allow(
    organisations=COORDINATORS, scope="monitoring:write", body_limit=MAX_WORKBOOK_BYTES
)
READ_OWN = allow(roles=ALL_STAFF, organisations=COORDINATORS, scope="monitoring:read")

SUBMIT_SCHEMA = (
    "#/paths/~1api~1v1~1monitoring~1submissions/post/requestBody/content/application~1json/schema"
)
SUBMIT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {
                "schema": {"type": "string", "description": "SDMX-CSV 2.0 (docs/monitoring.md)"}
            },
            "application/json": {
                "schema": SubmissionIn.model_json_schema(
                    ref_template=SUBMIT_SCHEMA + "/$defs/{model}"
                )
            },
        },
    }
}
SUBMIT_ERRORS = (
    errors.BadRequest,
    errors.Conflict,
    errors.PayloadTooLarge,
    errors.UnsupportedMediaType,
    errors.UnprocessableEntity,
)


def _max_rows(request: Request) -> int:
    return int(request.app.state.settings.monitoring_max_rows)


@router.post(
    "/submissions",
    status_code=201,
    response_model=SubmissionsOut,
    openapi_extra=SUBMIT_BODY,
    responses=errors.responses(*SUBMIT_ERRORS),
)
async def submit(
    request: Request,
    confirm: bool = False,
    session: Session = Depends(get_session),
    principal: Principal = Depends(WRITE),
) -> SubmissionsOut:
    """Your Member State's figures for an open round, as SDMX-CSV 2.0 (`text/csv`) or JSON.
    All or nothing: any problem refuses the whole submission, naming each row and rule. Values
    that jump from last period are refused until sent again with `confirm=true`."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("text/csv", "application/json"):
        raise errors.UnsupportedMediaType(
            "send text/csv (SDMX-CSV 2.0) or application/json", code="unsupported_media_type"
        )
    data = await request.body()
    reader = ingest.from_csv if kind == "text/csv" else ingest.from_json

    def store() -> SubmissionsOut:
        made = reader(
            session,
            sender=sender_of(session, principal),
            data=data,
            confirm=confirm,
            max_rows=_max_rows(request),
        )
        return SubmissionsOut(submissions=[submission_out(session, s) for s in made])

    return await run_in_threadpool(store)


@router.get("/submissions", response_model=SubmissionsOut)
def list_submissions(
    round_id: RecordId | None = None,
    status: Literal["pending", "published", "rejected"] | None = None,
    session: Session = Depends(get_session),
    principal: Principal = Depends(READ_OWN),
) -> SubmissionsOut:
    """Submissions, newest first: a coordinator's own; every one for the Centre."""
    rows = repository.submissions(
        session,
        round_id=round_id,
        status=status,
        organisation_id=None if principal.is_staff else principal.organisation_id,
    )
    return SubmissionsOut(submissions=[submission_out(session, s) for s in rows])


@router.get(
    "/submissions/{submission_id}",
    response_model=SubmissionDetail,
    responses=errors.responses(errors.NotFound),
)
def read_submission(
    submission_id: RecordId,
    session: Session = Depends(get_session),
    principal: Principal = Depends(READ_OWN),
) -> SubmissionDetail:
    """One submission with its values (a coordinator reads only its own)."""
    found = repository.submission(session, submission_id)
    if found is None or (
        not principal.is_staff and found.organisation_id != principal.organisation_id
    ):
        raise errors.NotFound(f"no submission {submission_id}", code="unknown_submission")
    return submission_detail(session, found)


@router.get("/rounds", response_model=RoundsOut)
def list_rounds(
    framework: str | None = Query(None, max_length=20),
    status: Literal["open", "closed"] | None = None,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(public=True)),
) -> RoundsOut:
    return RoundsOut(
        rounds=[
            round_out(r) for r in repository.rounds(session, framework=framework, status=status)
        ]
    )


@router.get(
    "/rounds/{round_id}", response_model=RoundOut, responses=errors.responses(errors.NotFound)
)
def read_round(
    round_id: RecordId,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(public=True)),
) -> RoundOut:
    return round_out(service.get_round(session, round_id))


@router.get(
    "/rounds/{round_id}/template.xlsx",
    response_class=Response,
    responses={
        200: {"content": {xlsx.MEDIA_TYPE: {}}, "description": "The workbook to fill in"},
        **errors.responses(errors.NotFound, errors.UnprocessableEntity),
    },
)
def template(
    round_id: RecordId,
    ref_area: str | None = Query(None, min_length=2, max_length=2),
    session: Session = Depends(get_session),
    principal: Principal = Depends(READ_OWN),
) -> Response:
    """The round's XLSX template for your Member State (the Centre names one, `ref_area`), with
    last period's published values beside each cell."""
    found = service.get_round(session, round_id)
    area = country_of(session, principal) or (ref_area or "").upper()
    return exports.template_response(session, found, area)


@router.post(
    "/rounds/{round_id}/xlsx",
    status_code=201,
    response_model=SubmissionsOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {xlsx.MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
    responses=errors.responses(*SUBMIT_ERRORS, errors.NotFound),
)
async def upload_workbook(
    round_id: RecordId,
    request: Request,
    confirm: bool = False,
    session: Session = Depends(get_session),
    principal: Principal = Depends(WRITE_XLSX),
) -> SubmissionsOut:
    """The round's template, filled in. The same rules as every submission."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != xlsx.MEDIA_TYPE:
        raise errors.UnsupportedMediaType(f"send {xlsx.MEDIA_TYPE}", code="unsupported_media_type")
    data = await request.body()

    def store() -> SubmissionsOut:
        made = ingest.from_xlsx(
            session,
            sender=sender_of(session, principal),
            round_=service.get_round(session, round_id),
            data=data,
            confirm=confirm,
            max_rows=_max_rows(request),
        )
        return SubmissionsOut(submissions=[submission_out(session, s) for s in made])

    return await run_in_threadpool(store)


@router.get("/indicators", response_model=RegistryOut)
def indicators(
    framework: str | None = Query(None, max_length=20),
    language: Literal["en", "de", "fr"] = "en",
    _: Principal = Depends(allow(public=True)),
) -> RegistryOut:
    """The indicator registry: every framework, its version and indicators."""
    found = [
        framework_out(f, language)
        for f in registry().frameworks.values()
        if framework is None or f.code == framework
    ]
    return RegistryOut(frameworks=found)


@router.get(
    "/data",
    response_model=DataOut,
    responses={
        200: {
            "content": {sdmx.MEDIA_TYPE: {}, "application/json": {}},
            "description": "The figures in the chosen format",
        },
        **errors.responses(errors.Forbidden, errors.NotFound),
    },
)
def data(
    framework: str = Query(..., max_length=20),
    indicator: str | None = Query(None, max_length=60),
    ref_area: str | None = Query(None, min_length=2, max_length=2),
    format: Literal["sdmx-csv", "json", "csv"] = "sdmx-csv",
    vintage: int | None = Query(None, ge=1, le=1_000_000),
    status: Literal["published", "pending"] = "published",
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(public=True)),
) -> Response:
    """Published figures (the latest vintage of each, or the latest up to `vintage`); with
    `status=pending`, those awaiting sign-off: the Centre's staff see all, a coordinator its
    own, nobody else any."""
    return exports.data_response(
        session,
        reader=reader_of(principal),
        framework=framework,
        indicator=indicator,
        ref_area=ref_area.upper() if ref_area else None,
        format=format,
        vintage=vintage,
        pending=status == "pending",
    )
