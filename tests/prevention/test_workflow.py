"""The editorial workflow: four eyes, every change on the timeline, drafts never public,
published content kept public while its next revision is drafted, unreviewed records flagged."""

from datetime import timedelta

import pytest

from eucentre import errors
from eucentre.db import transaction
from eucentre.kit.time import utcnow
from eucentre.prevention import repository, service
from eucentre.prevention.timeline import RECORD_TIMELINE
from tests.prevention.conftest import post
from tests.prevention.helpers import REVIEWER, WRITER, data, draft, find, published


def test_an_editor_cannot_publish_their_own_draft(session) -> None:
    record = draft(session, title="Four eyes")
    service.submit(session, actor=WRITER, record_id=record.id)
    with pytest.raises(errors.Forbidden) as refused:
        service.approve(session, actor=WRITER, record_id=record.id)
    assert refused.value.code == "four_eyes"
    assert record.published_revision_id is None
    approved = service.approve(session, actor=REVIEWER, record_id=record.id)
    assert approved.status == "published" and approved.published_revision_id is not None


def test_whoever_submitted_or_changed_a_revision_cannot_approve_it(session) -> None:
    record = draft(session, title="Several hands")
    service.edit(session, actor="user:7", record_id=record.id, data=data(title="Several hands v2"))
    service.submit(session, actor="user:8", record_id=record.id)
    for actor in (WRITER, "user:7", "user:8"):
        with pytest.raises(errors.Forbidden):
            service.approve(session, actor=actor, record_id=record.id)
    service.approve(session, actor="user:9", record_id=record.id)


def test_a_draft_cannot_be_approved_without_being_submitted(session) -> None:
    record = draft(session)
    with pytest.raises(errors.InvalidTransition):
        service.approve(session, actor=REVIEWER, record_id=record.id)


def test_editing_a_submitted_record_returns_it_to_draft(session) -> None:
    record = draft(session)
    service.submit(session, actor=WRITER, record_id=record.id)
    service.edit(session, actor=REVIEWER, record_id=record.id, data=data(title="Changed in review"))
    assert record.status == "draft"
    # The reviewer changed it: now neither of them may approve it alone.
    service.submit(session, actor=WRITER, record_id=record.id)
    with pytest.raises(errors.Forbidden):
        service.approve(session, actor=REVIEWER, record_id=record.id)


def test_every_change_is_on_the_timeline(session) -> None:
    record = published(session, title="A history")
    service.edit(session, actor=WRITER, record_id=record.id, data=data(title="A history, again"))
    service.submit(session, actor=WRITER, record_id=record.id)
    service.return_to_draft(session, actor=REVIEWER, record_id=record.id, note="sources?")
    service.withdraw(session, actor=REVIEWER, record_id=record.id, note="outdated")
    kinds = [(e.kind, e.actor) for e in RECORD_TIMELINE.history(session, record.id)]
    assert kinds == [
        ("created", WRITER),
        ("submitted", WRITER),
        ("approved", REVIEWER),
        ("edited", WRITER),
        ("submitted", WRITER),
        ("returned", REVIEWER),
        ("withdrawn", REVIEWER),
    ]


def test_a_published_record_stays_public_while_its_next_revision_is_drafted(session) -> None:
    record = published(session, title="Version one about grooming")
    service.edit(session, actor=WRITER, record_id=record.id, data=data(title="Version two secret"))
    assert [h.title for h in find(session, "grooming").hits] == ["Version one about grooming"]
    assert find(session, "secret").total == 0
    assert len(repository.revisions(session, record.id)) == 2


def test_drafts_and_withdrawn_records_are_never_found(session) -> None:
    draft(session, title="Unpublished helpline draft")
    submitted = draft(session, title="Submitted helpline")
    service.submit(session, actor=WRITER, record_id=submitted.id)
    gone = published(session, title="Withdrawn helpline")
    service.withdraw(session, actor=REVIEWER, record_id=gone.id)
    assert find(session, "helpline").total == 0
    assert find(session).total == 0
    assert repository.published(session, [submitted.id, gone.id]) == {}


def test_records_unreviewed_for_a_year_are_flagged(session, session_factory) -> None:
    from eucentre.prevention.tasks import flag_unreviewed

    old = published(session, title="Old")
    fresh = published(session, title="Fresh")
    old.last_reviewed_at = utcnow() - timedelta(days=400)
    session.flush()
    ids = repository.unreviewed(session, before=utcnow() - timedelta(days=365), limit=10)
    assert ids == [old.id]
    service.flag_unreviewed(session, record_ids=ids)
    assert old.flagged_at is not None and fresh.flagged_at is None
    assert RECORD_TIMELINE.history(session, old.id)[-1].kind == "flagged_unreviewed"
    service.confirm(session, actor=REVIEWER, record_id=old.id)
    assert old.flagged_at is None
    assert callable(flag_unreviewed)


def test_the_periodic_task_flags_through_its_own_transactions(settings, session_factory) -> None:
    from huey import MemoryHuey

    from eucentre.worker import TaskQueue

    with transaction(session_factory) as session:
        record = published(session, title="Forgotten")
        record.last_reviewed_at = utcnow() - timedelta(days=366)
        record_id = record.id
    queue = TaskQueue(settings, session_factory=session_factory, huey=MemoryHuey())
    assert queue.run("prevention_flag_unreviewed") == 1
    assert queue.run("prevention_flag_unreviewed") == 0
    with transaction(session_factory) as session:
        assert repository.get(session, record_id).flagged_at is not None


def test_four_eyes_through_the_pages(live, editors, session_factory) -> None:
    (first, _), (second, _) = editors
    fields = {
        "type": "programme",
        "title_en": "A page-made helpline",
        "summary_en": "Talk to us.",
        "url": "https://example.test/page-made",
        "countries": ["DE", "AT"],
    }
    created = post(first, "/staff/prevention/new", fields)
    assert created.status_code == 303
    record_path = created.headers["location"].split("?")[0]
    assert "The draft was created." in first.get(created.headers["location"]).text
    assert post(first, f"{record_path}/submit").status_code == 303
    # Approving asks first, then refuses the author.
    asked = post(first, f"{record_path}/approve")
    assert asked.status_code == 303 and asked.headers["location"].endswith("/confirm/approve")
    assert "Are you sure?" in first.get(asked.headers["location"]).text
    refused = post(first, f"{record_path}/approve", {"confirmed": "yes"})
    assert refused.status_code == 403
    public_id = record_path.rsplit("/", 1)[1]
    with live.client() as anonymous:
        assert anonymous.get(f"/prevention/records/{public_id}").status_code == 404
        assert anonymous.get(f"/api/v1/prevention/records/{public_id}").status_code == 404
    approved = post(second, f"{record_path}/approve", {"confirmed": "yes"})
    assert approved.status_code == 303
    assert "The record is published." in second.get(approved.headers["location"]).text
    with live.client() as anonymous:
        page = anonymous.get(f"/prevention/records/{public_id}")
        assert page.status_code == 200 and "A page-made helpline" in page.text


def test_a_bad_record_form_names_its_fields(live, editors) -> None:
    (first, _), _ = editors
    page = post(
        first,
        "/staff/prevention/new",
        {"type": "programme", "url": "javascript:alert(1)", "countries": ["XX"]},
    )
    assert page.status_code == 422
    assert "texts: List should have at least 1 item" in page.text
    assert "countries: unknown country: XX" in page.text
    assert "url: must be an http(s) address" in page.text
