"""Provider API for reports: submit, add files, finish, read status and feedback, answer."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.db import after_commit, get_session
from eucentre.kit.ids import RecordId
from eucentre.kit.inputs import FreeText
from eucentre.reports import intake, parsing, review
from eucentre.reports.schemas import MAX_FILES, ReportIn, ReportStatusOut
from eucentre.reports.status_view import status_for_provider

router = APIRouter(
    prefix="/api/v1/reports", tags=["reports"], responses=errors.responses(*errors.ACCESS)
)
PROVIDERS = {PrincipalKind.provider}
MAX_IDEMPOTENCY_KEY = 200
# The documented intake limits (20 files of 50 MiB and the report), enforced on the stream by
# the edge before the body is read.
INTAKE = allow(organisations=PROVIDERS, scope="reports:write", body_limit=parsing.MAX_REQUEST_BYTES)

SUBMIT_SCHEMA = "#/paths/~1api~1v1~1reports/post/requestBody/content/application~1json/schema"
SUBMIT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "report": {
                            "type": "string",
                            "description": "The report as JSON (ReportIn).",
                        },
                        "report_xml": {
                            "type": "string",
                            "description": "Or the report as NCMEC-style XML.",
                        },
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "maxItems": MAX_FILES,
                        },
                    },
                }
            },
            "application/json": {
                # The nested models stay in this schema's own $defs (FastAPI registers components
                # only for declared body parameters), so the references point there.
                "schema": ReportIn.model_json_schema(ref_template=SUBMIT_SCHEMA + "/$defs/{model}")
            },
            "application/xml": {"schema": {"type": "string"}},
        },
    }
}


def _enqueue(request: Request, report_id: RecordId) -> None:
    queue = request.app.state.tasks
    after_commit(request, lambda: queue.assess_report(report_id))


@router.post(
    "",
    status_code=201,
    response_model=ReportStatusOut,
    openapi_extra=SUBMIT_BODY,
    responses={
        200: {"description": "A replay of an earlier request with the same Idempotency-Key"},
        **errors.responses(
            errors.BadRequest,
            errors.Conflict,
            errors.PayloadTooLarge,
            errors.UnsupportedMediaType,
            errors.UnprocessableEntity,
        ),
    },
)
async def submit(
    request: Request,
    response: Response,
    files_follow: bool = False,
    session: Session = Depends(get_session),
    principal: Principal = Depends(INTAKE),
) -> ReportStatusOut:
    """Submit a report (Art. 13 data) with files or hashes. With `files_follow=true` the files
    come in later calls, then `finish`. An `Idempotency-Key` header makes a replay return the
    same report."""
    key = request.headers.get("idempotency-key")
    if key is not None and not (0 < len(key) <= MAX_IDEMPOTENCY_KEY and key.isprintable()):
        raise errors.UnprocessableEntity(
            "Idempotency-Key must be 1-200 printable characters", code="invalid_idempotency_key"
        )
    parsed = await parsing.parse_report_request(request)
    settings = request.app.state.settings

    def store() -> tuple[ReportStatusOut, bool]:
        report, created = intake.submit(
            session,
            provider=principal,
            report_in=parsed.report,
            uploads=parsed.uploads,
            idempotency_key=key,
            fingerprint=parsed.fingerprint,
            files_follow=files_follow,
            source_format=parsed.source_format,
            blobs=request.app.state.blobs,
            secret=settings.secret,
        )
        if created and not files_follow:
            _enqueue(request, report.id)
        return status_for_provider(session, report), created

    # The database only ever from a worker thread: a loop blocked on a lock would stall the
    # request holding it (whose commit runs from the loop).
    out, created = await run_in_threadpool(store)
    if not created:
        response.status_code = 200
    return out


@router.post(
    "/{report_id}/files",
    response_model=ReportStatusOut,
    responses=errors.responses(
        errors.BadRequest,
        errors.NotFound,
        errors.InvalidTransition,
        errors.PayloadTooLarge,
        errors.UnprocessableEntity,
    ),
)
async def add_files(
    report_id: RecordId,
    request: Request,
    files: list[UploadFile] = File(
        ..., description="More files for a report sent with files_follow."
    ),
    session: Session = Depends(get_session),
    principal: Principal = Depends(INTAKE),
) -> ReportStatusOut:
    parsing.check_length(request, parsing.MAX_REQUEST_BYTES)
    uploads = await parsing.uploads_from(list(files))

    def store() -> ReportStatusOut:
        report = intake.add_files(
            session,
            provider=principal,
            report_id=report_id,
            uploads=uploads,
            blobs=request.app.state.blobs,
        )
        return status_for_provider(session, report)

    return await run_in_threadpool(store)


@router.post(
    "/{report_id}/finish",
    response_model=ReportStatusOut,
    responses=errors.responses(errors.NotFound, errors.InvalidTransition),
)
def finish(
    report_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(organisations=PROVIDERS, scope="reports:write")),
) -> ReportStatusOut:
    """All files are in: start the assessment."""
    report = intake.finish(session, provider=principal, report_id=report_id)
    _enqueue(request, report.id)
    return status_for_provider(session, report)


@router.get(
    "/{report_id}", response_model=ReportStatusOut, responses=errors.responses(errors.NotFound)
)
def read(
    report_id: RecordId,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(organisations=PROVIDERS, scope="reports:read")),
) -> ReportStatusOut:
    """The report's status and the Centre's feedback, for the provider that sent it only."""
    return status_for_provider(
        session, intake.provider_report(session, provider=principal, report_id=report_id)
    )


class InformationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: FreeText = Field(min_length=1, max_length=10_000)


@router.post(
    "/{report_id}/information",
    response_model=ReportStatusOut,
    responses=errors.responses(
        errors.NotFound, errors.InvalidTransition, errors.UnprocessableEntity
    ),
)
def answer(
    report_id: RecordId,
    body: InformationIn,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(organisations=PROVIDERS, scope="reports:write")),
) -> ReportStatusOut:
    """Answer the Centre's request for more information."""
    report = review.provider_answers(
        session,
        provider=principal,
        report_id=report_id,
        message=body.message,
        secret=request.app.state.settings.secret,
    )
    return status_for_provider(session, report)
