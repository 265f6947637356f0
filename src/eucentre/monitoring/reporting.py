"""The coordinators' pages: what their Member State still owes in the open rounds, one screen
per indicator (last period's value shown), and the round's XLSX template to download and send
back. Centre staff see any Member State's page (`?ref_area=`); only coordinators send."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from eucentre import errors
from eucentre.auth.access import ALL_STAFF, allow
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.db import get_session
from eucentre.kit.ids import RecordId
from eucentre.monitoring import exports, ingest, repository, service, status, xlsx
from eucentre.monitoring.callers import country_of, sender_of
from eucentre.monitoring.observations import Problem, RawObservation, format_value
from eucentre.monitoring.published import current
from eucentre.monitoring.registry import Framework, Indicator, registry
from eucentre.web.i18n import N_, gettext_for
from eucentre.web.templating import render

router = APIRouter(prefix="/monitoring", include_in_schema=False)
COORDINATORS = {PrincipalKind.coordinator}
SEE = allow(roles=ALL_STAFF, organisations=COORDINATORS, scope="monitoring:read", page=True)
SEND = allow(organisations=COORDINATORS, scope="monitoring:write", page=True)
# The template, filled in, plus the form's few fields.
UPLOAD = allow(
    organisations=COORDINATORS,
    scope="monitoring:write",
    page=True,
    body_limit=4 * 1024 * 1024 + 64 * 1024,
)
# The rules in words for the people filling in the forms (the API gives the rule's code).
RULES = {
    "not_a_number": N_("Write a number, such as 1234 or 12.5."),
    "negative_count": N_("A count cannot be negative."),
    "below_minimum": N_("This value cannot be negative."),
    "not_an_integer": N_("Write a whole number."),
    "above_maximum": N_("This value is too large for its unit."),
    "parts_exceed_total": N_("The parts add up to more than the total."),
    "jump": N_("This value is far from last period's: check it, then confirm it."),
    "wrong_country": N_("You report for your own Member State only."),
    "unknown_indicator": N_("This is not an indicator of the round."),
    "duplicate_observation": N_("This value is in the file twice."),
    "invalid_status": N_("The status must be A, B, E or P."),
    "no_observations": N_("Nothing was filled in."),
}
STATUSES = {
    "A": N_("Normal value"),
    "E": N_("Estimated value"),
    "P": N_("Provisional value"),
    "B": N_("Break in the series"),
}


def explain(problems: list[dict[str, Any]], _: Callable[[str], str]) -> list[dict[str, Any]]:
    """Each problem in the reader's language, keeping its row and the sender's detail."""
    return [
        {**p, "text": _(RULES[p["rule"]]) if p.get("rule") in RULES else p.get("message", "")}
        for p in problems
    ]


def _listed(error: errors.AppError, key: str) -> list[dict[str, Any]]:
    """The problems (or warnings) a refusal lists, as rows."""
    found = error.detail.get(key) if isinstance(error.detail, dict) else None
    return list(found) if isinstance(found, list) else []


def _area(session: Session, principal: Principal, ref_area: str | None) -> str | None:
    return country_of(session, principal) or (ref_area or "").upper() or None


@router.get("/owed", response_class=HTMLResponse)
def owed(
    request: Request,
    ref_area: str | None = None,
    done: str | None = None,
    session: Session = Depends(get_session),
    principal: Principal = Depends(SEE),
) -> HTMLResponse:
    """What the Member State still owes in every open round."""
    area = _area(session, principal, ref_area)
    rounds = [r for r in repository.rounds(session, status="open") if status.owed_indicators(r)]
    return render(
        request,
        "monitoring_owed.html",
        {
            "area": area,
            "rounds": [
                {
                    "round": r,
                    "label": service.round_label(r),
                    "framework": registry().frameworks[r.framework],
                    "status": status.area_status(session, r, area) if area else None,
                }
                for r in rounds
            ],
            "areas": sorted({org.country for org in repository.coordinators(session)}),
            "may_send": principal.kind is PrincipalKind.coordinator,
            "done": done,
            "problems": [],
        },
    )


def _open_round_of(session: Session, round_id: int):
    found = service.get_round(session, round_id)
    if found.status != "open":
        raise service.NoOpenRound(f"the round {service.round_label(found)} is closed")
    return found


def _indicator(framework: Framework, code: str) -> Indicator:
    found = framework.indicators.get(code)
    if found is None or found.by_platform:
        raise errors.NotFound(
            f"no indicator {code[:40]!r} to report here", code="unknown_indicator"
        )
    return found


def _cells(session: Session, round_, framework: Framework, code: str, area: str):
    before = service.previous_values(session, framework=round_.framework, period=round_.period)
    now = {
        obs.key: obs
        for obs in current(
            repository.stored(
                session,
                framework=round_.framework,
                statuses=("pending", "published"),
                indicators=[code],
                ref_area=area,
                period=round_.period,
            )
        )
    }
    indicator = framework.indicators[code]
    last_period = str(int(round_.period) - 1)
    cells = []
    for position, (_, dims) in enumerate(xlsx.cells_of(framework, [code])):
        last = before.get((code, area, last_period, dims))
        sent = now.get((code, area, round_.period, dims))
        name, value = dims[0] if dims else ("", "")
        cells.append(
            {
                "field": f"cell-{position}",
                "row": position + 1,
                "dims": dims,
                "title": framework.dimensions[name].values[value] if dims else None,
                "last": format_value(last, integer=indicator.unit.integer)
                if last is not None
                else "",
                "sent": format_value(sent.value, integer=indicator.unit.integer) if sent else "",
                "status": sent.status if sent else "A",
            }
        )
    return cells


def _screen(
    request: Request,
    session: Session,
    *,
    round_,
    code: str,
    area: str,
    values: dict[str, str] | None = None,
    problems: list[dict[str, Any]] | None = None,
    warnings: list[dict[str, Any]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    framework = registry().frameworks[round_.framework]
    indicator = _indicator(framework, code)
    codes = [ind.code for ind in status.owed_indicators(round_)]
    position = codes.index(code)
    _ = gettext_for(request)
    return render(
        request,
        "monitoring_indicator.html",
        {
            "round": round_,
            "label": service.round_label(round_),
            "framework": framework,
            "indicator": indicator,
            "area": area,
            "cells": _cells(session, round_, framework, code, area),
            "values": values or {},
            "problems": explain(problems or [], _),
            "warnings": explain(warnings or [], _),
            "statuses": STATUSES,
            "previous_code": codes[position - 1] if position else None,
            "next_code": codes[position + 1] if position + 1 < len(codes) else None,
            "position": position + 1,
            "count": len(codes),
        },
        status_code=status_code,
    )


@router.get("/rounds/{round_id}/indicators/{code}", response_class=HTMLResponse)
def indicator_screen(
    round_id: RecordId,
    code: str,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(SEND),
) -> HTMLResponse:
    area = sender_of(session, principal).country or ""
    return _screen(request, session, round_=_open_round_of(session, round_id), code=code, area=area)


@router.post("/rounds/{round_id}/indicators/{code}", response_model=None)
async def send_indicator(
    round_id: RecordId,
    code: str,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(SEND),
) -> HTMLResponse | RedirectResponse:
    form = await request.form(max_files=0, max_fields=200)
    values = {k: v.strip() for k, v in form.items() if isinstance(v, str)}

    def handle() -> HTMLResponse | RedirectResponse:
        sender = sender_of(session, principal)
        round_ = _open_round_of(session, round_id)
        framework = registry().frameworks[round_.framework]
        _indicator(framework, code)
        chosen = values.get("status", "A")
        rows = [
            RawObservation(
                row=cell["row"],
                indicator=code,
                ref_area=sender.country or "",
                time_period=round_.period,
                value=values[cell["field"]],
                status=chosen,
                dimensions=dict(cell["dims"]),
            )
            for cell in _cells(session, round_, framework, code, sender.country or "")
            if values.get(cell["field"])
        ]
        try:
            service.submit(
                session,
                sender=sender,
                round_=round_,
                rows=rows,
                channel="web",
                confirm=values.get("confirm") == "yes",
            )
        except service.InvalidObservations as refused:
            return _screen(
                request, session, round_=round_, code=code, area=sender.country or "",
                values=values, problems=_listed(refused, "problems"), status_code=422,
            )  # fmt: skip
        except service.ConfirmationRequired as asked:
            return _screen(
                request, session, round_=round_, code=code, area=sender.country or "",
                values=values, warnings=_listed(asked, "warnings"), status_code=422,
            )  # fmt: skip
        return RedirectResponse(f"/monitoring/owed?done=sent#round-{round_id}", status_code=303)

    return await run_in_threadpool(handle)


@router.get("/rounds/{round_id}/template.xlsx", response_model=None)
def template(
    round_id: RecordId,
    ref_area: str | None = None,
    session: Session = Depends(get_session),
    principal: Principal = Depends(SEE),
) -> Response:
    found = service.get_round(session, round_id)
    return exports.template_response(session, found, _area(session, principal, ref_area) or "")


@router.post("/rounds/{round_id}/upload", response_model=None)
async def upload(
    round_id: RecordId,
    request: Request,
    session: Session = Depends(get_session),
    principal: Principal = Depends(UPLOAD),
) -> HTMLResponse | RedirectResponse:
    form = await request.form(max_files=1, max_fields=10)
    workbook = form.get("workbook")
    data = await workbook.read() if workbook is not None and not isinstance(workbook, str) else b""
    confirm = form.get("confirm") == "yes"

    def handle() -> HTMLResponse | RedirectResponse:
        sender = sender_of(session, principal)
        try:
            if not data:
                raise errors.BadRequest(
                    {"row": 0, "message": "choose the filled-in template"}, code="no_file"
                )
            ingest.from_xlsx(
                session,
                sender=sender,
                round_=service.get_round(session, round_id),
                data=data,
                confirm=confirm,
                max_rows=int(request.app.state.settings.monitoring_max_rows),
            )
        except (service.InvalidObservations, service.ConfirmationRequired, errors.BadRequest) as no:
            found = no.detail if isinstance(no.detail, dict) else {"message": str(no.detail)}
            problems = _listed(no, "problems") or _listed(no, "warnings")
            if not problems:
                row, message = int(found.get("row", 0)), str(found.get("message"))
                problems = [Problem(row, "", no.code, message).as_dict()]
            return _upload_refused(request, round_id, problems, no.code)
        return RedirectResponse(f"/monitoring/owed?done=sent#round-{round_id}", status_code=303)

    return await run_in_threadpool(handle)


def _upload_refused(
    request: Request, round_id: int, problems: list[dict[str, Any]], code: str
) -> HTMLResponse:
    """What was wrong in the workbook (nothing was stored), and the form to send it again."""
    _ = gettext_for(request)
    context = {"problems": explain(problems, _), "refusal": code, "round_id": round_id}
    return render(request, "monitoring_upload_refused.html", context, status_code=422)
