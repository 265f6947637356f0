"""Analyst pages over real HTTP: queue, four-eyes through the forms, media blurred by default."""

import io
import re
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from eucentre.auth import csrf
from eucentre.auth import service as auth_service
from eucentre.db import transaction
from eucentre.indicators import service
from eucentre.indicators.service import NewCandidate
from eucentre.models import AuditEntry, IndicatorStatus, Role
from tests.conftest import TEST_SECRET
from tests.factories import csrf_token_of, make_staff
from tests.indicators.helpers import random_pdq

SECRET = TEST_SECRET.encode()
NONCE = "pages-nonce"


def staff_client(live, session_factory, role: Role):
    with transaction(session_factory) as session:
        account = make_staff(session, secret=SECRET, role=role)
        token = auth_service.open_session(session, user=account.user, lifetime=timedelta(hours=1))
    client = live.client(cookies={"eucentre_session": token, csrf.COOKIE: NONCE})
    return client, account


def post_form(client, path: str, **fields: str):
    return client.post(path, data={"csrf_token": csrf_token_of(client, SECRET), **fields})


def test_two_analysts_verify_through_the_pages(live, session_factory) -> None:
    with transaction(session_factory) as session:
        indicator, _ = service.create(
            session,
            actor="test",
            source_kind="import",
            source_name="partner",
            candidate=NewCandidate("pdq", random_pdq(1), quality=90),
        )
    first, _ = staff_client(live, session_factory, Role.analyst)
    second, _ = staff_client(live, session_factory, Role.analyst)
    with first, second:
        queue = first.get("/staff/indicators")
        assert queue.status_code == 200 and f'/staff/indicators/{indicator.id}"' in queue.text
        page = first.get(f"/staff/indicators/{indicator.id}")
        assert "partner" in page.text and "candidate" in page.text
        assert post_form(first, f"/staff/indicators/{indicator.id}/confirm").status_code == 303
        again = post_form(first, f"/staff/indicators/{indicator.id}/confirm")
        assert again.status_code == 409 and "a different analyst must" in again.text
        assert post_form(second, f"/staff/indicators/{indicator.id}/confirm").status_code == 303
        page = second.get(f"/staff/indicators/{indicator.id}")
        assert re.search(r"status-verified", page.text)
        assert "confirmed by two different analysts" in page.text


def test_an_analyst_cannot_reinstate_but_a_senior_can(live, session_factory) -> None:
    from tests.indicators.helpers import verified

    with transaction(session_factory) as session:
        indicator = verified(session, random_pdq(2))
        service.decide(
            session,
            actor="user:5",
            indicator_id=indicator.id,
            action=service.Action.dispute,
            reason="complaint",
        )
    analyst, _ = staff_client(live, session_factory, Role.analyst)
    senior, _ = staff_client(live, session_factory, Role.senior_analyst)
    with analyst, senior:
        assert (
            post_form(
                analyst, f"/staff/indicators/{indicator.id}/reinstate", reason="x"
            ).status_code
            == 403
        )
        missing_reason = post_form(senior, f"/staff/indicators/{indicator.id}/reinstate")
        assert missing_reason.status_code == 409
        assert (
            post_form(
                senior, f"/staff/indicators/{indicator.id}/reinstate", reason="re-assessed"
            ).status_code
            == 303
        )
    with transaction(session_factory) as session:
        assert service.repository.get(session, indicator.id).status == IndicatorStatus.verified


def test_media_is_blurred_by_default_and_each_reveal_is_audited(live, session_factory) -> None:
    import numpy as np

    pattern = np.zeros((256, 256, 3), dtype=np.uint8)
    pattern[::16] = 255  # stripes: blurring must flatten them
    buffer = io.BytesIO()
    Image.fromarray(pattern).save(buffer, format="PNG")
    blob_id = live.app.state.blobs.put(buffer.getvalue())
    with transaction(session_factory) as session:
        indicator, _ = service.create(
            session,
            actor="test",
            source_kind="analyst",
            source_name="t",
            candidate=NewCandidate("pdq", random_pdq(3), quality=90, blob_id=blob_id),
        )
    client, account = staff_client(live, session_factory, Role.analyst)
    with client:
        blurred = client.get(f"/staff/indicators/{indicator.id}/media")
        revealed = client.get(f"/staff/indicators/{indicator.id}/media", params={"reveal": "true"})
    assert (
        blurred.headers["content-type"] == "image/jpeg"
        and blurred.headers["cache-control"] == "no-store"
    )
    soft = np.asarray(Image.open(io.BytesIO(blurred.content)))
    sharp = np.asarray(Image.open(io.BytesIO(revealed.content)).convert("L"))
    assert soft.ndim == 2  # greyscale
    assert soft.std() < sharp.std() / 2  # the stripes are gone
    with transaction(session_factory) as session:
        reveals = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "indicator.media_revealed")
        ).all()
    assert [(r.actor, r.object_id) for r in reveals] == [
        (f"user:{account.user.id}", str(indicator.id))
    ]


def test_providers_and_anonymous_callers_cannot_confirm(live, session_factory) -> None:
    from tests.factories import make_key, make_organisation

    with transaction(session_factory) as session:
        indicator, _ = service.create(
            session,
            actor="test",
            source_kind="import",
            source_name="p",
            candidate=NewCandidate("md5", "cd" * 16),
        )
        key = make_key(session, make_organisation(session))
    with live.client() as anonymous:
        assert anonymous.post(f"/staff/indicators/{indicator.id}/confirm").status_code in (303, 401)
    with live.client(headers={"Authorization": f"Bearer {key}"}) as provider:
        assert provider.post(f"/staff/indicators/{indicator.id}/confirm").status_code == 403
    with transaction(session_factory) as session:
        assert service.repository.get(session, indicator.id).status == IndicatorStatus.candidate
