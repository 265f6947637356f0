"""Errors that carry their HTTP meaning; one handler in app.py renders them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class AppError(Exception):
    """A failure the client can understand: a stable machine-readable code and a status."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, detail: Any = None, *, code: str | None = None) -> None:
        self.detail = detail if detail is not None else self.code.replace("_", " ")
        if code is not None:
            self.code = code
        super().__init__(str(self.detail))


class BadRequest(AppError):
    status, code = 400, "bad_request"


class Unauthenticated(AppError):
    status, code = 401, "unauthenticated"


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class Gone(AppError):
    """The thing existed and was deliberately deleted (e.g. at the end of its retention)."""

    status, code = 410, "gone"


class RequestTimeout(AppError):
    status, code = 408, "request_timeout"


class PayloadTooLarge(AppError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(AppError):
    status, code = 415, "unsupported_media_type"


class UnprocessableEntity(AppError):
    status, code = 422, "unprocessable_entity"


class TooManyRequests(AppError):
    status, code = 429, "rate_limited"

    def __init__(self, detail: Any = None, *, retry_after: int = 60, code: str | None = None):
        super().__init__(detail, code=code)
        self.retry_after = retry_after


# --- what the OpenAPI document says of them ---------------------------------------------------


class Error(BaseModel):
    """Every error body. 422s are described by the richer HTTPValidationError that the app
    installs (web/errors.document_errors), which lists the invalid fields."""

    error: str = Field(description="A stable, machine-readable code.")
    detail: Any = Field(description="A sentence, or one entry per problem.")


VALIDATION_SCHEMA = "#/components/schemas/HTTPValidationError"
# Every route with a non-public access declaration can refuse with these.
ACCESS = (Unauthenticated, Forbidden)


def responses(*kinds: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route that raises these errors: one entry per status, naming the
    classes, so the document lists every status a route can answer with."""
    found: dict[int, list[type[AppError]]] = {}
    for kind in kinds:
        found.setdefault(kind.status, []).append(kind)
    out: dict[int | str, dict[str, Any]] = {}
    for status, classes in sorted(found.items()):
        names = ", ".join(sorted({c.__name__ for c in classes}))
        entry: dict[str, Any] = {"description": f"{names} (`error` is e.g. {classes[0].code!r})"}
        if status == 422:
            entry["content"] = {"application/json": {"schema": {"$ref": VALIDATION_SCHEMA}}}
        else:
            entry["model"] = Error
        if status == 429:
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        out[status] = entry
    return out
