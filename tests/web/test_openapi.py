"""The OpenAPI document, read from a real server: every `$ref` resolves, and every status a
route answers with is listed (integrations generate clients and error handling from it)."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.routing import APIRoute

from eucentre.auth.access import access_of, api_routes
from eucentre.db import transaction
from eucentre.models import OrganisationKind
from tests.factories import make_key, make_organisation

METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture
def document(live) -> dict:
    with live.client() as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def resolve(document: dict, ref: str):
    assert ref.startswith("#/"), f"{ref} is not local"
    node = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve ({part})"
        node = node[part]
    return node


def refs(node, at: str = "#"):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield at, value
            else:
                yield from refs(value, f"{at}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from refs(value, f"{at}/{i}")


def test_every_ref_in_the_document_resolves(document) -> None:
    found = list(refs(document))
    assert found, "the document has no $ref at all"
    broken = []
    for at, ref in found:
        try:
            resolve(document, ref)
        except AssertionError as failure:
            broken.append(f"{at}: {failure}")
    assert broken == []


def documented_routes(live) -> list[tuple[APIRoute, str]]:
    return [
        (route, method)
        for route in api_routes(live.app)
        if route.include_in_schema
        for method in sorted(route.methods - {"HEAD"})
    ]


def statuses(document: dict, route: APIRoute, method: str) -> set[str]:
    return set(document["paths"][route.path][method.lower()]["responses"])


def takes_input(route: APIRoute) -> bool:
    extra = route.openapi_extra or {}
    return bool(
        route.body_field or route.dependant.path_params or route.dependant.query_params
    ) or ("requestBody" in extra)


def test_access_and_validation_errors_are_listed_for_every_route(live, document) -> None:
    missing = []
    for route, method in documented_routes(live):
        listed = statuses(document, route, method)
        access = access_of(route)
        wanted = set()
        if access is not None and not access.public:
            wanted |= {"401", "403"}
        if takes_input(route):
            wanted.add("422")
        if wanted - listed:
            missing.append(
                f"{method} {route.path}: {sorted(wanted - listed)} not in {sorted(listed)}"
            )
    assert missing == []


@pytest.fixture
def keys(session_factory) -> dict[str, str]:
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider)
        authority = make_organisation(session, kind=OrganisationKind.authority)
        return {"provider": make_key(session, provider), "authority": make_key(session, authority)}


def probes(route: APIRoute, keys: dict[str, str]) -> list[tuple[dict, str, dict]]:
    """(headers, concrete path, request arguments): anonymous, each kind of key, and with the
    right kind an unknown id and an empty or wrong body."""
    unknown = re.sub(r"\{[^}]+\}", "2147483000", route.path)
    out: list[tuple[dict, str, dict]] = [({}, unknown, {})]
    for key in keys.values():
        bearer = {"Authorization": f"Bearer {key}"}
        out += [
            (bearer, unknown, {}),
            (bearer, unknown, {"json": {}}),
            (bearer, unknown, {"json": {"unexpected": "\x00"}}),
            (bearer, unknown, {"content": b"<report/>", "headers": {"Content-Type": "text/plain"}}),
        ]
    return out


def test_every_status_a_route_answers_is_listed(live, document, keys) -> None:
    """Each route called as anonymous, as each kind of key, with an unknown id and with empty,
    wrong and unsupported bodies: every status seen is in the route's `responses`."""
    undocumented = []
    with httpx.Client(base_url=live.url, timeout=30) as client:
        for route, method in documented_routes(live):
            listed = statuses(document, route, method)
            for headers, path, arguments in probes(route, keys):
                sent = {**headers, **arguments.pop("headers", {})}
                response = client.request(method, path, headers=sent, **arguments)
                if str(response.status_code) not in listed:
                    undocumented.append(
                        f"{method} {route.path} -> {response.status_code} "
                        f"{response.text[:120]} (listed: {sorted(listed)})"
                    )
    assert undocumented == []


def test_error_statuses_refer_to_the_error_schemas(document) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            for status, response in operation["responses"].items():
                if not status.startswith(("4", "5")) or status == "503":
                    continue
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                assert schema is not None, f"{method} {path} {status} has no JSON schema"
                target = resolve(document, schema["$ref"])
                assert {"error", "detail"} <= set(target["properties"]), (method, path, status)
