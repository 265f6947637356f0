"""Errors that carry their HTTP meaning; one handler in app.py renders them."""

from __future__ import annotations

from typing import Any


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
