"""Scopes: a narrower read scope for complaints, and the write scope that includes it, so keys
issued before the read scope existed keep working."""

from eucentre.auth.scopes import allowed_scopes, grants
from eucentre.db import transaction
from eucentre.models import OrganisationKind
from tests.complaints.test_flow import bearer, complaint_body
from tests.factories import make_key, make_organisation


def test_a_write_scope_grants_its_read_scope_and_nothing_else() -> None:
    assert grants(["complaints:write"], "complaints:read")
    assert grants(["complaints:read"], "complaints:read")
    assert not grants(["complaints:read"], "complaints:write")
    assert not grants(["reports:write"], "complaints:read")
    assert not grants([], "complaints:read")
    assert {"complaints:read", "complaints:write"} <= allowed_scopes(OrganisationKind.provider)


def test_a_read_only_key_reads_complaints_and_cannot_forward_them(live, session_factory) -> None:
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, country="IE")
        writer = make_key(session, provider, scopes=["complaints:write"])
        reader = make_key(session, provider, scopes=["complaints:read"])
    with live.client() as client:
        created = client.post("/api/v1/complaints", json=complaint_body(), headers=bearer(writer))
        assert created.status_code == 201, created.text
        complaint_id = created.json()["id"]
        refused = client.post(
            "/api/v1/complaints",
            json=complaint_body(complaint_reference="another"),
            headers=bearer(reader),
        )
        assert refused.status_code == 403
        for key in (reader, writer):
            listed = client.get("/api/v1/complaints", headers=bearer(key))
            assert [c["id"] for c in listed.json()["complaints"]] == [complaint_id]
            one = client.get(f"/api/v1/complaints/{complaint_id}", headers=bearer(key))
            assert one.status_code == 200
        acknowledge = client.post(
            f"/api/v1/complaints/{complaint_id}/acknowledge", headers=bearer(reader)
        )
        assert acknowledge.status_code == 403
