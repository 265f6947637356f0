"""A provider's answer to a request for more information is sealed at rest; analysts read it on
the report's page as before, and answers stored before migration 0010 are sealed by the task."""

from datetime import timedelta

from sqlalchemy import select

from eucentre.auth import service as auth_service
from eucentre.db import transaction
from eucentre.models import OrganisationKind, ReportEvent, Role
from eucentre.reports import review
from tests.conftest import TEST_SECRET
from tests.factories import make_key, make_organisation, make_staff
from tests.reports.helpers import report_body, submit

ANSWER = "The account belongs to Jan Example, registered 2019."


def test_an_answer_is_sealed_and_shown_to_analysts(live, session_factory) -> None:
    with transaction(session_factory) as session:
        make_organisation(session, kind=OrganisationKind.authority, country="NL", europol=True)
        key = make_key(session, make_organisation(session, kind=OrganisationKind.provider))
        analyst = make_staff(session, secret=TEST_SECRET.encode(), role=Role.analyst)
        token = auth_service.open_session(session, user=analyst.user, lifetime=timedelta(hours=1))
    with live.client() as client:
        report = submit(client, key, body=report_body(incident_type="new_material")).json()
        read = client.get(
            f"/api/v1/reports/{report['id']}", headers={"Authorization": f"Bearer {key}"}
        )
        assert read.json()["status"] == "awaiting_review", read.text
        with transaction(session_factory) as session:
            review.request_information(
                session, actor="user:1", report_id=int(report["id"]), question="Whose account?"
            )
        answered = client.post(
            f"/api/v1/reports/{report['id']}/information",
            json={"message": ANSWER},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert answered.status_code == 200, answered.text
    with transaction(session_factory) as session:
        event = session.scalars(
            select(ReportEvent).where(ReportEvent.kind == "information_received")
        ).one()
        assert event.message == "" and b"Jan Example" not in event.message_sealed
        # As migration 0010 leaves an answer stored before it.
        event.message, event.message_sealed = ANSWER, None
    with live.client(cookies={"eucentre_session": token}) as staff:
        assert ANSWER in staff.get(f"/staff/reports/{report['id']}").text
        assert live.app.state.tasks.run("seal_report_answers") == 1
        with transaction(session_factory) as session:
            event = session.scalars(
                select(ReportEvent).where(ReportEvent.kind == "information_received")
            ).one()
            assert event.message == "" and event.message_sealed is not None
        assert ANSWER in staff.get(f"/staff/reports/{report['id']}").text
