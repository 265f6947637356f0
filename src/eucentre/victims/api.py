"""The hash-only API: for the page's own script, for support organisations and for apps that
hash on the person's device; and providers' verdicts on the review-first list.

No account: the case number and PIN are the key to a case, the PIN in the `X-Case-PIN` header
(never in a URL). A wrong PIN and an unknown number get the same 404 `unknown_case`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.db import after_commit, get_session
from eucentre.kit.time import as_utc
from eucentre.victims import feedback, hashes, information, opening, repository, service
from eucentre.victims.models import VictimCase
from eucentre.victims.schemas import (
    MAX_BODY_BYTES,
    CaseCreated,
    CaseIn,
    CaseOut,
    FeedbackIn,
    FeedbackOut,
    HashesAdded,
    HashesIn,
    HashOut,
    InformationOut,
)

router = APIRouter(prefix="/api/v1/victims", tags=["victims"])
PUBLIC = allow(public=True, body_limit=MAX_BODY_BYTES)
NUMBER = Path(max_length=60, description="The case number, as V-ABCDE-FGHJK-MNPQR.")
PIN = Header(max_length=60, alias="X-Case-PIN", description="The case's PIN.")
CASE_ERRORS = errors.responses(errors.NotFound, errors.UnprocessableEntity, errors.TooManyRequests)
NO_STORE = {"Cache-Control": "no-store"}


def case_out(session: Session, case: VictimCase) -> CaseOut:
    language = case.language
    return CaseOut(
        case_number=case.number,
        status=case.status,  # type: ignore[arg-type]
        language=language,
        created_at=as_utc(case.created_at),
        withdrawn_at=as_utc(case.withdrawn_at) if case.withdrawn_at else None,
        hashes=[
            HashOut(
                signal=h.signal,
                value=h.value,
                quality=h.quality,
                added_at=as_utc(h.added_at),
                withdrawn=h.withdrawn_at is not None,
            )
            for h in repository.hashes(session, case.id)
        ],
        information=[
            InformationOut(
                kind=entry.kind,  # type: ignore[arg-type]
                at=entry.at,
                text=entry.text(language),
                provider=entry.provider,
                authority=entry.authority,
                country=entry.country,
                europol=entry.europol,
                recipient=entry.recipient,
            )
            for entry in information.entries(session, case)
        ],
    )


def _match_soon(request: Request) -> None:
    # New hashes are compared with the verified indicators by a task, started after commit.
    after_commit(request, lambda: request.app.state.tasks.enqueue("victims_match_indicators"))


@router.post(
    "/cases",
    status_code=201,
    response_model=CaseCreated,
    responses={
        200: {"description": "A replay with the same Idempotency-Key: the same case"},
        **errors.responses(errors.Conflict, errors.UnprocessableEntity, errors.TooManyRequests),
    },
)
async def create_case(
    body: CaseIn,
    request: Request,
    response: Response,
    idempotency_key: str | None = Header(None, max_length=200, alias="Idempotency-Key"),
    _: Principal = Depends(PUBLIC),
) -> CaseCreated:
    """Open a case with the hashes of the person's files (PDQ with its quality for images,
    MD5 and SHA-256 for every file), computed on their own device. Answers with the case
    number and the PIN, shown once. Send an `Idempotency-Key` to retry safely."""
    checked = hashes.checked([h.submitted() for h in body.hashes])
    hashes.check_count(len(checked))
    opened = await opening.create(
        request,
        hashes=checked,
        language=body.language,
        contact=body.contact,
        channel="api",
        idempotency_key=idempotency_key,
    )
    response.headers.update(NO_STORE)
    if opened.replayed:
        response.status_code = 200
    else:
        _match_soon(request)
    return CaseCreated(case_number=opened.case.number, pin=opened.pin, status=opened.case.status)


@router.get("/cases/{case_number}", response_model=CaseOut, responses=CASE_ERRORS)
async def read_case(
    request: Request,
    response: Response,
    case_number: str = NUMBER,
    pin: str = PIN,
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> CaseOut:
    """The case's status, its hashes and what happened (Art. 20 information)."""
    case = await opening.authenticate(request, number=case_number, pin=pin)

    def read() -> CaseOut:
        service.seen(session, case)
        return case_out(session, case)

    response.headers.update(NO_STORE)
    return await run_in_threadpool(read)


@router.post(
    "/cases/{case_number}/hashes",
    response_model=HashesAdded,
    responses=errors.responses(
        errors.NotFound, errors.Conflict, errors.UnprocessableEntity, errors.TooManyRequests
    ),
)
async def add_hashes(
    body: HashesIn,
    request: Request,
    case_number: str = NUMBER,
    pin: str = PIN,
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> HashesAdded:
    """Add hashes to an open case (at most 100 in all)."""
    checked = hashes.checked([h.submitted() for h in body.hashes])
    case = await opening.authenticate(request, number=case_number, pin=pin)

    def add() -> HashesAdded:
        added = service.add_hashes(session, case=case, new=checked)
        return HashesAdded(
            case_number=case.number, added=added, hashes=len(repository.hashes(session, case.id))
        )

    result = await run_in_threadpool(add)
    if result.added:
        _match_soon(request)
    return result


@router.post("/cases/{case_number}/withdraw", response_model=CaseOut, responses=CASE_ERRORS)
async def withdraw(
    request: Request,
    case_number: str = NUMBER,
    pin: str = PIN,
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> CaseOut:
    """Withdraw the case: its hashes leave matching and the review-first list at once. Twice
    changes nothing."""
    case = await opening.authenticate(request, number=case_number, pin=pin)

    def run() -> CaseOut:
        service.withdraw(session, case=case)
        return case_out(session, case)

    return await run_in_threadpool(run)


@router.post(
    "/feedback",
    response_model=FeedbackOut,
    status_code=201,
    responses={
        200: {"description": "Your earlier verdict on this hash, replaced"},
        **errors.responses(errors.NotFound, *errors.ACCESS),
    },
)
def give_feedback(
    body: FeedbackIn,
    response: Response,
    session: Session = Depends(get_session),
    principal: Principal = Depends(
        allow(organisations={PrincipalKind.provider}, scope="victims:read")
    ),
) -> FeedbackOut:
    """Your verdict on material matching a hash of the review-first list (`?list=
    victim_requests` of the change feed), after a person at your service reviewed it."""
    assert principal.organisation_id is not None
    value = body.value.strip().lower()
    row, created = feedback.give(
        session,
        organisation_id=principal.organisation_id,
        actor=principal.actor,
        signal=body.signal,
        value=value,
        verdict=body.verdict,
    )
    if not created:
        response.status_code = 200
    return FeedbackOut(signal=row.signal, value=row.value, verdict=row.verdict, at=as_utc(row.at))
