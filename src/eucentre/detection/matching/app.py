"""The matching service's HTTP API (its own small FastAPI app, run by `eucentre detection
serve`; not part of the Centre's app). Callers are the provider's own servers, with the bearer
token the service was started with; the token is checked before any body byte is read.

    POST /v1/accounts/{account}/enrol     {"mac_key": base64, "threshold": 30}
    POST /v1/accounts/{account}/vouchers  JSON Lines, as `eucentre-client voucher` writes them
    GET  /v1/accounts/{account}           vouchers received, revealed or not, report id
    GET  /healthz

Errors are JSON `{"error": code, "detail": ...}`; a refused batch stores nothing.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from typing import Any

from fastapi import FastAPI, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from eucentre import errors
from eucentre.detection.matching.matcher import Matcher, parse_lines
from eucentre.detection.matching.reporting import Reporter

MAX_BODY_BYTES = 1 << 20
ACCOUNT = Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@-]+$")
log = logging.getLogger("eucentre.detection.matching")


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise errors.PayloadTooLarge(f"at most {limit} bytes", code="body_too_large")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise errors.PayloadTooLarge(f"at most {limit} bytes", code="body_too_large")
    return bytes(data)


def create_service_app(matcher: Matcher, reporter: Reporter | None, *, token: str) -> FastAPI:
    app = FastAPI(title="eucentre matching service", docs_url=None, redoc_url=None)

    @app.exception_handler(errors.AppError)
    async def refused(request: Request, error: errors.AppError) -> JSONResponse:
        return JSONResponse({"error": error.code, "detail": error.detail}, status_code=error.status)

    @app.middleware("http")
    async def authenticate(request: Request, call_next: Any) -> Any:
        if request.url.path != "/healthz":
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return JSONResponse(
                    {"error": "unauthenticated", "detail": "a valid bearer token is needed"},
                    status_code=401,
                )
        return await call_next(request)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/accounts/{account}/enrol", status_code=201)
    async def enrol(request: Request, account: str = ACCOUNT) -> dict[str, Any]:
        raw = await _body(request, 4096)
        try:
            data = json.loads(raw)
            mac_key = base64.b64decode(data["mac_key"], validate=True)
            threshold = int(data["threshold"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise errors.UnprocessableEntity(
                'send {"mac_key": base64 of 32 bytes, "threshold": n}', code="invalid_enrolment"
            ) from None
        await run_in_threadpool(matcher.enrol, account, mac_key, threshold)
        return {"account": account, "threshold": threshold}

    @app.post("/v1/accounts/{account}/vouchers")
    async def vouchers(request: Request, account: str = ACCOUNT) -> dict[str, Any]:
        raw = await _body(request, MAX_BODY_BYTES)
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            raise errors.UnprocessableEntity(
                "JSON Lines in UTF-8", code="voucher_malformed"
            ) from None
        items = parse_lines(text)
        receipt = await run_in_threadpool(matcher.receive, account, items)
        if receipt.revealed and reporter is not None:
            try:
                await run_in_threadpool(reporter.report, matcher, account)
            except Exception as exc:  # noqa: BLE001 - reported again with the next batch
                log.warning("report to the Centre failed", extra={"error": type(exc).__name__})
        return {"accepted": receipt.accepted}

    @app.get("/v1/accounts/{account}")
    async def status(account: str = ACCOUNT) -> dict[str, Any]:
        row = await run_in_threadpool(matcher.store.read_account, account)
        if row is None:
            raise errors.NotFound("no such account", code="unknown_account")
        with matcher.store.transaction() as db:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM vouchers WHERE account = ?", (account,)
            ).fetchone()
        return {
            "account": account,
            "vouchers": count,
            "revealed": row.revealed_at is not None,
            "report_id": row.report_id,
        }

    return app
