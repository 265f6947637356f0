"""The editors' pages: the catalogue's records by state (flagged ones too), a record with its
working and published revisions and its timeline, the record form, the workflow's actions
(approving and withdrawing ask first), and the import page."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.kit.ids import RecordId
from eucentre.models import Role
from eucentre.prevention import concepts, importer, record_form, repository, service, workflow
from eucentre.prevention.schemas import RecordData
from eucentre.prevention.timeline import RECORD_TIMELINE
from eucentre.prevention.vocabulary import (
    COUNTRIES,
    EVIDENCE_LABELS,
    LANGUAGES,
    LEVEL_LABELS,
    SETTING_LABELS,
    TARGET_LABELS,
    TYPE_LABELS,
)
from eucentre.web.i18n import N_
from eucentre.web.templating import render

router = APIRouter(prefix="/staff/prevention", include_in_schema=False)
EDITORS = {Role.editor}
READERS = {Role.editor, Role.auditor}
IMPORT_BODY_LIMIT = 1024 * 1024 * 1024  # the setting bounds the file; this only the stream
DONE = {
    "created": N_("The draft was created."),
    "edited": N_("Your changes were saved."),
    "submitted": N_("The record was submitted for review by a second editor."),
    "returned": N_("The record was returned to its editors as a draft."),
    "approved": N_("The record is published."),
    "withdrawn": N_("The record was withdrawn: the public no longer sees it."),
    "confirmed": N_("The record is marked as reviewed today."),
}
Action = Literal["submit", "return", "approve", "withdraw", "confirm"]
ASKS_FIRST = {"approve", "withdraw"}


def _choices() -> dict[str, object]:
    return {
        "types": TYPE_LABELS,
        "targets": TARGET_LABELS,
        "levels": LEVEL_LABELS,
        "settings_": SETTING_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
        "countries": COUNTRIES,
        "language_names": LANGUAGES,
        "form_languages": record_form.FORM_LANGUAGES,
        "concepts": concepts.SCHEME,
    }


@router.get("", response_class=HTMLResponse)
def records(
    request: Request,
    status: Literal["", "draft", "in_review", "published", "withdrawn"] = "",
    flagged: bool = False,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    rows = repository.staff_list(session, status=status or None, flagged=flagged)
    return render(
        request,
        "prevention_staff_list.html",
        {
            "rows": [(record, RecordData.model_validate(rev.data)) for record, rev in rows],
            "status": status,
            "flagged": flagged,
            "counts": repository.count_by_status(session),
            "statuses": [s.value for s in workflow.Status],
        },
    )


def _form_page(
    request: Request,
    *,
    values: dict[str, object],
    action: str,
    problems: list[dict[str, str]] | None = None,
    status_code: int = 200,
    record_id: int | None = None,
) -> HTMLResponse:
    return render(
        request,
        "prevention_staff_form.html",
        {
            "values": values,
            "action": action,
            "problems": problems or [],
            "record_id": record_id,
            **_choices(),
        },
        status_code=status_code,
    )


@router.get("/new", response_class=HTMLResponse)
def new_form(
    request: Request, _: Principal = Depends(allow(roles=EDITORS, page=True))
) -> HTMLResponse:
    blank = record_form.from_data(
        RecordData.model_validate(
            {"type": "programme", "texts": [{"language": "en", "title": "-"}]}
        )
    )
    blank["title_en"] = ""
    return _form_page(request, values=blank, action="/staff/prevention/new")


async def _submitted(request: Request) -> dict[str, object]:
    form = await request.form(max_files=0, max_fields=400)
    return record_form.to_values(form)


@router.post("/new", response_model=None)
async def create(
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(
        allow(roles=EDITORS, page=True, body_limit=record_form.MAX_FORM_BYTES)
    ),
) -> HTMLResponse | RedirectResponse:
    values = await _submitted(request)
    try:
        data = record_form.to_data(values)
        record = await run_in_threadpool(service.create, session, actor=principal.actor, data=data)
    except ValidationError as invalid:
        request.state.failed = True
        return _form_page(
            request,
            values=values,
            action="/staff/prevention/new",
            problems=record_form.problems(invalid),
            status_code=422,
        )
    except errors.AppError as refused:
        request.state.failed = True
        return _form_page(
            request,
            values=values,
            action="/staff/prevention/new",
            problems=[{"field": "", "message": str(refused.detail)}],
            status_code=refused.status,
        )
    return RedirectResponse(f"/staff/prevention/{record.id}?done=created", status_code=303)


def _record_or_404(session: Session, record_id: int):  # type: ignore[no-untyped-def]
    record = repository.get(session, record_id)
    if record is None:
        raise errors.NotFound(f"no record {record_id}", code="unknown_record")
    return record


@router.get("/import", response_class=HTMLResponse)
def import_form(
    request: Request, _: Principal = Depends(allow(roles=EDITORS, page=True))
) -> HTMLResponse:
    return render(
        request,
        "prevention_staff_import.html",
        {"limit": request.app.state.settings.prevention_import_max_bytes, "result": None},
    )


@router.post("/import", response_class=HTMLResponse)
async def import_upload(
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=EDITORS, page=True, body_limit=IMPORT_BODY_LIMIT)),
) -> HTMLResponse:
    limit = request.app.state.settings.prevention_import_max_bytes
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > limit + 64 * 1024:
        raise errors.PayloadTooLarge(
            f"the file is larger than {limit} bytes", code="import_too_large"
        )
    form = await request.form(max_files=1, max_fields=5)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise errors.UnprocessableEntity("choose a file to import", code="no_file")
    raw = await upload.read(limit + 1)
    chosen = str(form.get("format", "")) or None
    context: dict[str, object] = {"limit": limit, "filename": upload.filename}
    try:
        name = importer.format_of(upload.filename or "", chosen)
        rows = await run_in_threadpool(importer.parse, raw, format_name=name, max_bytes=limit)
        outcome = await run_in_threadpool(importer.store, session, rows, actor=principal.actor)
    except importer.ImportRefused as refused:
        request.state.failed = True
        return render(
            request,
            "prevention_staff_import.html",
            {**context, "result": None, "problems": refused.detail},
            status_code=422,
        )
    return render(request, "prevention_staff_import.html", {**context, "result": outcome})


@router.get("/{record_id}", response_class=HTMLResponse)
def detail(
    record_id: RecordId,
    request: Request,
    done: str = "",
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=READERS, page=True)),
) -> HTMLResponse:
    record = _record_or_404(session, record_id)
    current = service.working(session, record)
    published = repository.revision(session, record.published_revision_id)
    is_editor = principal.role == Role.editor
    status = workflow.Status(record.status)
    return render(
        request,
        "prevention_staff_detail.html",
        {
            "record": record,
            "current": current,
            "data": RecordData.model_validate(current.data),
            "published": published,
            "events": RECORD_TIMELINE.history(session, record.id),
            "done": DONE.get(done),
            "may": {
                action: is_editor
                and (
                    workflow.MACHINE.allows(status, action) or (action == "withdraw" and published)
                )
                for action in ("submit", "return", "approve", "withdraw", "confirm")
            },
            "may_edit": is_editor,
            "four_eyes_blocked": is_editor
            and status == workflow.Status.in_review
            and not workflow.may_approve(
                principal.actor, editors=current.editors, submitted_by=current.submitted_by
            ),
            **_choices(),
        },
    )


@router.get("/{record_id}/edit", response_class=HTMLResponse)
def edit_form(
    record_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=EDITORS, page=True)),
) -> HTMLResponse:
    record = _record_or_404(session, record_id)
    values = record_form.from_data(RecordData.model_validate(service.working(session, record).data))
    return _form_page(
        request, values=values, action=f"/staff/prevention/{record_id}/edit", record_id=record_id
    )


@router.post("/{record_id}/edit", response_model=None)
async def edit(
    record_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(
        allow(roles=EDITORS, page=True, body_limit=record_form.MAX_FORM_BYTES)
    ),
) -> HTMLResponse | RedirectResponse:
    values = await _submitted(request)
    action = f"/staff/prevention/{record_id}/edit"
    try:
        data = record_form.to_data(values)
        await run_in_threadpool(
            service.edit, session, actor=principal.actor, record_id=record_id, data=data
        )
    except ValidationError as invalid:
        request.state.failed = True
        return _form_page(
            request,
            values=values,
            action=action,
            problems=record_form.problems(invalid),
            status_code=422,
            record_id=record_id,
        )
    except (errors.Conflict, errors.UnprocessableEntity) as refused:
        request.state.failed = True
        return _form_page(
            request,
            values=values,
            action=action,
            problems=[{"field": "", "message": str(refused.detail)}],
            status_code=refused.status,
            record_id=record_id,
        )
    return RedirectResponse(f"/staff/prevention/{record_id}?done=edited", status_code=303)


@router.get("/{record_id}/confirm/{action}", response_class=HTMLResponse)
def confirm_page(
    record_id: RecordId,
    request: Request,
    action: Literal["approve", "withdraw"] = Path(),
    session: Session = Depends(get_session),
    _: Principal = Depends(allow(roles=EDITORS, page=True)),
) -> HTMLResponse:
    record = _record_or_404(session, record_id)
    data = RecordData.model_validate(service.working(session, record).data)
    return render(
        request,
        "prevention_staff_confirm.html",
        {"record": record, "data": data, "action": action},
    )


ACTIONS = {
    "submit": (service.submit, "submitted"),
    "return": (service.return_to_draft, "returned"),
    "approve": (service.approve, "approved"),
    "withdraw": (service.withdraw, "withdrawn"),
    "confirm": (service.confirm, "confirmed"),
}


@router.post("/{record_id}/{action}", response_model=None)
def act(
    record_id: RecordId,
    action: Action,
    note: str = Form("", max_length=2000),
    confirmed: str = Form(""),
    session: Session = Depends(get_session),
    principal: Principal = Depends(allow(roles=EDITORS, page=True)),
) -> RedirectResponse:
    if action in ASKS_FIRST and confirmed != "yes":
        return RedirectResponse(f"/staff/prevention/{record_id}/confirm/{action}", status_code=303)
    decide, done = ACTIONS[action]
    decide(session, actor=principal.actor, record_id=record_id, note=note.strip())
    return RedirectResponse(f"/staff/prevention/{record_id}?done={done}", status_code=303)
