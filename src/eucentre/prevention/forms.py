"""Reading the public forms of the network: bounded before parsing, CSRF checked after the
limits (the access declaration reads no anonymous form), text fields and lists only."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Request

from eucentre import errors
from eucentre.web.forms import read_bounded_form

MAX_FORM_BYTES = 32 * 1024
FORM_TOKEN = "form_token"  # noqa: S105 - a field name
TRAP = "website_confirm"  # hidden; automated junk fills it in


def new_form_token() -> str:
    return secrets.token_urlsafe(32)


async def read_form(request: Request, *, max_fields: int = 200) -> dict[str, Any]:
    # A signed-in member's token is checked by the access declaration.
    form = await read_bounded_form(
        request,
        max_bytes=MAX_FORM_BYTES,
        max_fields=max_fields,
        too_long="what you wrote is too long",
        check_signed_in=False,
    )
    values: dict[str, Any] = {}
    for key in form:
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        values[key] = items if len(items) > 1 or key in LISTS else (items[0] if items else "")
    if values.get(TRAP):
        raise errors.UnprocessableEntity("the form could not be accepted", code="junk")
    return values


LISTS = frozenset({"languages", "expertise", "target_groups"})
