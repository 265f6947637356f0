"""Reading a public form: bounded before it is parsed, its CSRF token checked after the limits.

The access declaration of a public route reads no anonymous body, so the form's own reader
refuses what no honest form sends (another content type, no declared length, a large body,
files, many fields) and then checks the token: a cross-site page must not submit it for its
visitors.
"""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData

from eucentre import errors
from eucentre.auth import csrf
from eucentre.auth.access import CsrfFailed, csrf_valid


async def read_bounded_form(
    request: Request,
    *,
    max_bytes: int,
    max_fields: int,
    too_long: str,
    check_signed_in: bool = True,
) -> FormData:
    """The parsed form. `too_long` is the message of the 413; `check_signed_in=False` leaves a
    signed-in caller's token to the access declaration, which checks it for them."""
    kind = request.headers.get("content-type", "")
    if not kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        raise errors.UnsupportedMediaType("send the form", code="not_a_form")
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        raise errors.BadRequest("the form must say how long it is", code="length_required")
    if int(declared) > max_bytes:
        raise errors.PayloadTooLarge(too_long, code="form_too_large")
    try:
        form = await request.form(max_files=0, max_fields=max_fields)
    except Exception as bad:  # noqa: BLE001 - any parse failure is the client's
        raise errors.BadRequest("the form could not be read", code="bad_form") from bad
    principal = getattr(request.state, "principal", None)
    signed_in = bool(principal and principal.signed_in)
    if (check_signed_in or not signed_in) and not csrf_valid(
        request, str(form.get(csrf.FORM_FIELD) or "")
    ):
        raise CsrfFailed("the form has expired or did not come from this site; reload and retry")
    return form


def text_fields(form: FormData) -> dict[str, str]:
    """The form's text fields (the last value of a repeated one, as a dict of the form gives)."""
    return {key: value for key, value in form.items() if isinstance(value, str)}
