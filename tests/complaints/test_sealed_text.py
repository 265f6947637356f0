"""The complainant's words are sealed at rest; analysts read them as before, and complaints
stored before migration 0010 are read as they are and sealed by the hourly task."""

from sqlalchemy import text

from eucentre.complaints import service
from eucentre.db import transaction
from eucentre.models import Complaint
from tests.complaints.test_flow import bearer, complaint_body, setup  # noqa: F401 - the fixture
from tests.conftest import TEST_SECRET

DESCRIPTION = "A drawing of a cat by Jane Example."
REASON = "Jane Example drew it herself; it is her own cat."


def stored(session_factory, complaint_id: int) -> Complaint:
    with transaction(session_factory) as session:
        return session.get(Complaint, complaint_id)


def test_a_complaints_text_is_sealed_and_analysts_read_it(
    live,
    setup,  # noqa: F811
    session_factory,
) -> None:
    with live.client() as client:
        created = client.post(
            "/api/v1/complaints",
            json=complaint_body(content_description=DESCRIPTION, reason=REASON),
            headers=bearer(setup["provider"]),
        )
    assert created.status_code == 201, created.text
    complaint = stored(session_factory, created.json()["id"])
    assert (complaint.content_description, complaint.reason) == ("", "")
    with session_factory() as session:
        raw = session.execute(
            text("SELECT content_description_sealed, reason_sealed FROM complaints")
        ).one()
    assert all(b"Jane" not in bytes(value) for value in raw)
    page = setup["a"].get(f"/staff/complaints/{complaint.id}")
    assert page.status_code == 200
    assert DESCRIPTION in page.text and "Jane Example drew it herself" in page.text


def test_complaints_from_before_0010_are_read_then_sealed(
    live,
    setup,  # noqa: F811
    session_factory,
) -> None:
    with live.client() as client:
        created = client.post(
            "/api/v1/complaints", json=complaint_body(), headers=bearer(setup["provider"])
        ).json()
    # As migration 0010 leaves a complaint received before it: plain text, nothing sealed.
    with transaction(session_factory) as session:
        old = session.get(Complaint, created["id"])
        old.content_description, old.reason = DESCRIPTION, REASON
        old.content_description_sealed = old.reason_sealed = None
    before = setup["a"].get(f"/staff/complaints/{created['id']}")
    assert DESCRIPTION in before.text

    tasks = live.app.state.tasks
    assert tasks.run("seal_complaint_texts") == 1
    assert tasks.run("seal_complaint_texts") == 0
    sealed = stored(session_factory, created["id"])
    assert (sealed.content_description, sealed.reason) == ("", "")
    assert service.text_of(sealed, secret=TEST_SECRET.encode()) == service.ComplaintText(
        DESCRIPTION, REASON
    )
    after = setup["a"].get(f"/staff/complaints/{created['id']}")
    assert DESCRIPTION in after.text and "Jane Example drew it herself" in after.text
