"""Reading the public forms of the network: bounded before parsing, CSRF checked after the
limits (the access declaration reads no anonymous form), text fields and lists only."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Request

from eucentre import errors
from eucentre.auth import csrf
from eucentre.auth.access import CsrfFailed, csrf_valid

MAX_FORM_BYTES = 32 * 1024
FORM_TOKEN = "form_token"  # noqa: S105 - a field name
TRAP = "website_confirm"  # hidden; automated junk fills it in


def new_form_token() -> str:
    return secrets.token_urlsafe(32)


async def read_form(request: Request, *, max_fields: int = 200) -> dict[str, Any]:
    kind = request.headers.get("content-type", "")
    if not kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        raise errors.UnsupportedMediaType("send the form", code="not_a_form")
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        raise errors.BadRequest("the form must say how long it is", code="length_required")
    if int(declared) > MAX_FORM_BYTES:
        raise errors.PayloadTooLarge("what you wrote is too long", code="form_too_large")
    try:
        form = await request.form(max_files=0, max_fields=max_fields)
    except Exception as bad:  # noqa: BLE001 - any parse failure is the client's
        raise errors.BadRequest("the form could not be read", code="bad_form") from bad
    values: dict[str, Any] = {}
    for key in form:
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        values[key] = items if len(items) > 1 or key in LISTS else (items[0] if items else "")
    principal = getattr(request.state, "principal", None)
    if not (principal and principal.signed_in) and not csrf_valid(
        request, str(values.get(csrf.FORM_FIELD, ""))
    ):
        raise CsrfFailed("the form has expired or did not come from this site; reload and retry")
    if values.get(TRAP):
        raise errors.UnprocessableEntity("the form could not be accepted", code="junk")
    return values


LISTS = frozenset({"languages", "expertise", "target_groups"})
