"""One place turns failures into responses: JSON for the API, an HTML page for browsers.
No stack trace ever reaches a client."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from eucentre import errors
from eucentre.auth.access import SignInRequired
from eucentre.kit.logs import request_id
from eucentre.web.pages import error_page
from eucentre.web.templating import same_site_path

log = logging.getLogger(__name__)

# FastAPI answers 400 itself only when it cannot parse a body (e.g. an integer literal longer
# than Python reads, which is not a JSON syntax error).
HTTP_CODES = {
    400: "malformed_body",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


def wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "text/html" not in accept and (
        "json" in accept or bool(request.headers.get("authorization"))
    )


def render_error(request: Request, error: errors.AppError) -> Response:
    request.state.failed = True
    if isinstance(error, SignInRequired) and not wants_json(request):
        return RedirectResponse(
            f"/sign-in?next={quote(same_site_path(request.url.path))}", status_code=303
        )
    if wants_json(request):
        response: Response = JSONResponse(
            {"error": error.code, "detail": error.detail}, status_code=error.status
        )
    else:
        response = error_page(request, error, request_id.get())
    if isinstance(error, errors.TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    if error.status == 401 and wants_json(request):
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _field_path(location: tuple[object, ...]) -> str:
    return ".".join(str(part) for part in location)


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.AppError)
    async def app_error(request: Request, error: errors.AppError) -> Response:
        return render_error(request, error)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        problems = [
            {
                "field": _field_path(item.get("loc", ())),
                "message": item.get("msg", "invalid"),
                "type": item.get("type", "invalid"),
            }
            for item in error.errors()
        ]
        return render_error(request, errors.UnprocessableEntity(problems, code="validation_error"))

    @app.exception_handler(DataError)
    async def unstorable(request: Request, error: DataError) -> Response:
        # The database refused a value the validators let through (a NUL character in text,
        # a number out of range): the client's input, so a 422, never a 500.
        log.info("value refused by the database", extra={"error": type(error.orig).__name__})
        return render_error(
            request,
            errors.UnprocessableEntity(
                "a value in the request cannot be stored (control characters or out of range)",
                code="invalid_value",
            ),
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        failure = errors.AppError(
            str(error.detail), code=HTTP_CODES.get(error.status_code, "http_error")
        )
        failure.status = error.status_code
        return render_error(request, failure)


VALIDATION_ERROR_SCHEMA = {
    "title": "ValidationError",
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "example": "validation_error"},
        # A sentence, or one entry per invalid field.
        "detail": {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "message", "type"],
                        "properties": {
                            "field": {"type": "string", "example": "body.hashes.0.value"},
                            "message": {"type": "string"},
                            "type": {"type": "string"},
                        },
                    },
                },
            ]
        },
    },
}


def document_errors(app: FastAPI) -> None:
    """Make the OpenAPI document describe the 422 body the app really sends."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = generate()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["HTTPValidationError"] = VALIDATION_ERROR_SCHEMA
            components.pop("ValidationError", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
