"""A server-rendered API reference built from the OpenAPI document and the routes' access
declarations (FastAPI's own explorer loads scripts from a CDN, which we never do)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from eucentre.auth.access import Access, access_of, allow, api_routes
from eucentre.auth.principals import Principal
from eucentre.web.templating import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    who: str


def describe(access: Access | None) -> str:
    if access is None:
        return "undeclared"
    if access.public:
        return "anyone"
    parts = [
        f"{kind.value} key" + (f" with scope {access.scope}" if access.scope else "")
        for kind in sorted(access.organisations)
    ]
    if access.roles:
        parts.append(
            "staff: " + ", ".join(sorted(role.value.replace("_", " ") for role in access.roles))
        )
    return "; ".join(parts)


@router.get("/api-docs", response_class=HTMLResponse)
def api_docs(request: Request, _: Principal = Depends(allow(public=True))) -> HTMLResponse:
    schema = request.app.openapi()
    operations = []
    for route in api_routes(request.app):
        if not route.include_in_schema:
            continue
        # Starlette's routes may have no methods; an APIRoute always has some.
        for method in sorted(route.methods or ()):
            spec = schema["paths"].get(route.path, {}).get(method.lower(), {})
            operations.append(
                Operation(
                    method, route.path, spec.get("summary", route.name), describe(access_of(route))
                )
            )
    return render(request, "api_docs.html", {"operations": operations})
