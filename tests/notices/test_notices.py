"""Notices: hosts (and bad input when adding one), one notice per host per day, unknown hosts,
sends through the outbox on the schedule, holds by an authority, escalation to the authority
of the host's country, what each provider and authority can see, removal and reappearance,
and the measures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from huey import MemoryHuey
from sqlalchemy import select

from eucentre import errors
from eucentre.db import transaction
from eucentre.kit.time import utcnow
from eucentre.models import OrganisationKind, OutboxMessage
from eucentre.notices import holds, hosts, intake, measures, repository, service
from eucentre.notices.models import Notice, NoticeItem, NoticeSend
from eucentre.notices.service import CheckResult
from eucentre.worker import TaskQueue
from tests.factories import make_key, make_organisation
from tests.notices.helpers import SECRET, browser, form, sighting


@pytest.fixture
def world(session_factory):
    """A provider (DE) with a host, an e-mail host (FR), and authorities for DE and FR."""
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, country="DE")
        other = make_organisation(session, kind=OrganisationKind.provider, country="DE")
        de = make_organisation(session, kind=OrganisationKind.authority, country="DE", name="BKA-N")
        fr = make_organisation(session, kind=OrganisationKind.authority, country="FR", name="PN-N")
        keys = {
            "provider": make_key(session, provider, scopes=["notices:read", "notices:write"]),
            "reader": make_key(session, provider, scopes=["notices:read"]),
            "other": make_key(session, other, scopes=["notices:read", "notices:write"]),
        }
        hosts.add(session, actor="test", domain="photos.example", organisation_name=provider.name)
        hosts.add(
            session,
            actor="test",
            domain="files.example",
            abuse_email="abuse@files.example",
            country="FR",
        )
        return {"provider": provider.id, "de": de.id, "fr": fr.id, "keys": keys}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"domain": "not a domain", "abuse_email": "a@b.example"}, "invalid_domain"),
        ({"domain": "300.1.2.3/8", "abuse_email": "a@b.example"}, "invalid_domain"),
        ({"domain": "x.example"}, "org_or_email"),
        (
            {"domain": "x.example", "abuse_email": "a@b.example", "organisation_name": "p"},
            "org_or_email",
        ),
        ({"domain": "x.example", "organisation_name": "nobody"}, "unknown_org"),
        ({"domain": "x.example", "abuse_email": "not-an-address"}, "invalid_email"),
        (
            {"domain": "x.example", "abuse_email": "a@b.example", "country": "Germany"},
            "invalid_country",
        ),
        ({"domain": "photos.example", "abuse_email": "a@b.example"}, "host_exists"),
    ],
)
def test_adding_a_host_refuses_bad_input_naming_it(world, session_factory, fields, code) -> None:
    with transaction(session_factory) as session, pytest.raises(errors.AppError) as refused:
        hosts.add(session, actor="test", **fields)
    assert refused.value.code == code


def test_hosts_match_names_subdomains_and_ranges(world, session_factory) -> None:
    with transaction(session_factory) as session:
        hosts.add(session, actor="test", domain="192.0.2.0/24", abuse_email="noc@range.example")
        hosts.add(session, actor="test", domain="192.0.2.128/25", abuse_email="noc@sub.example")
        assert (
            hosts.label(hosts.host_for(session, "cdn.img.photos.example", None)) == "photos.example"
        )
        assert hosts.host_for(session, "otherphotos.example", None) is None
        assert hosts.label(hosts.host_for(session, "x.unknown", "192.0.2.7")) == "192.0.2.0/24"
        assert hosts.label(hosts.host_for(session, "x.unknown", "192.0.2.200")) == "192.0.2.128/25"
        assert hosts.host_for(session, "x.unknown", "198.51.100.1") is None


def test_one_notice_per_host_per_day_and_unknown_hosts_wait(world, session_factory) -> None:
    with transaction(session_factory) as session:
        for n in range(3):
            intake.add_sighting(session, sighting(f"https://photos.example/{n}.jpg"))
        # The same URL again while online: nothing new.
        assert intake.add_sighting(session, sighting("https://photos.example/0.jpg")) is None
        waiting = intake.add_sighting(session, sighting("https://elsewhere.example/x.jpg"))
        assert waiting is not None and waiting.notice_id is None
        [notice] = repository.notices(session)
        assert len(repository.items(session, notice.id)) == 3
        messages = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice.send"))
        assert len(messages.all()) == 1
        assert [i.host_name for i in repository.unknown_host_items(session)] == [
            "elsewhere.example"
        ]
        hosts.add(
            session, actor="test", domain="elsewhere.example", abuse_email="a@elsewhere.example"
        )
        assert repository.unknown_host_items(session) == []
        assert len(repository.notices(session)) == 2


def test_the_provider_api_shows_only_its_own_notices(world, live, session_factory) -> None:
    queue = TaskQueue(live.settings, session_factory=session_factory, huey=MemoryHuey())
    with transaction(session_factory) as session:
        intake.add_sighting(session, sighting("https://photos.example/a.jpg"))
        notice_id = repository.notices(session)[0].id
    keys = world["keys"]
    with live.client(headers={"Authorization": f"Bearer {keys['provider']}"}) as api:
        # Not sent yet: not there.
        assert api.get("/api/v1/notices").json() == {"notices": []}
        assert api.get(f"/api/v1/notices/{notice_id}").status_code == 404
        queue.run("relay_outbox")
        [notice] = api.get("/api/v1/notices").json()["notices"]
        assert set(notice) >= {
            "id",
            "status",
            "urls",
            "first_sent_at",
            "last_sent_at",
            "sends",
            "reupload_of",
        }
        assert (notice["id"], notice["status"], notice["sends"]) == (notice_id, "sent", 1)
        acknowledged = api.post(f"/api/v1/notices/{notice_id}/acknowledge").json()
        assert acknowledged["status"] == "acknowledged" and acknowledged["acknowledged_at"]
    with live.client(headers={"Authorization": f"Bearer {keys['other']}"}) as other:
        assert other.get("/api/v1/notices").json() == {"notices": []}
        missing = other.get(f"/api/v1/notices/{notice_id}")
        assert missing.status_code == 404 and missing.json()["error"] == "unknown_notice"
        assert other.post(f"/api/v1/notices/{notice_id}/removed").status_code == 404
    with live.client(headers={"Authorization": f"Bearer {keys['reader']}"}) as reader:
        assert reader.get(f"/api/v1/notices/{notice_id}").status_code == 200
        assert reader.post(f"/api/v1/notices/{notice_id}/removed").status_code == 403
    with httpx.Client(base_url=live.url) as anonymous:
        assert anonymous.get("/api/v1/notices").status_code == 401


def test_a_held_notice_is_not_sent_and_says_why_until_the_hold_ends(
    world, live, session_factory
) -> None:
    queue = TaskQueue(live.settings, session_factory=session_factory, huey=MemoryHuey())
    officer = browser(live, session_factory, authority="BKA-N")
    analyst = browser(live, session_factory)
    with officer, analyst:
        until = (utcnow() + timedelta(days=30)).date().isoformat()
        placed = officer.post(
            "/authority/notices/holds",
            data=form(
                officer,
                scope="host",
                value="photos.example",
                until=until,
                reason="Operation Kestrel: do not alert the operator",
            ),
        )
        assert placed.status_code == 303 and "held=" in placed.headers["location"]
        too_long = officer.post(
            "/authority/notices/holds",
            data=form(
                officer,
                scope="url",
                value="https://photos.example/x.jpg",
                until=(utcnow() + timedelta(days=600)).date().isoformat(),
                reason="x",
            ),
        )
        assert too_long.status_code == 422 and "18 months" in too_long.text
        assert (
            officer.post(
                "/authority/notices/holds",
                data=form(
                    officer, scope="url", value="ftp://photos.example/x", until=until, reason="x"
                ),
            ).status_code
            == 422
        )
        with transaction(session_factory) as session:
            intake.add_sighting(session, sighting("https://img.photos.example/held.jpg"))
            intake.add_sighting(session, sighting("https://files.example/free.jpg"))
        # The held notice has nothing to send; the e-mail host's fails here (no SMTP server).
        assert queue.run("relay_outbox") == 0
        with transaction(session_factory) as session:
            held = session.scalar(select(Notice).where(Notice.status == "held"))
            assert held is not None and held.sends == 0
        page = analyst.get(f"/staff/notices/{held.id}")
        assert page.status_code == 200
        assert "Operation Kestrel: do not alert the operator" in page.text
        assert "Held until" in page.text and "BKA-N" in page.text
        listing = officer.get("/authority/notices")
        assert "photos.example" in listing.text and until in listing.text
        # The hold ends: the notice goes out.
        with transaction(session_factory) as session:
            hold = repository.holds(session)[0]
            hold.until = utcnow() - timedelta(minutes=1)
        assert queue.run("notices_release_holds") == 1
        queue.run("relay_outbox")
        with transaction(session_factory) as session:
            released = session.get(Notice, held.id)
            assert released.status == "sent" and released.sends == 1


def test_an_email_send_that_fails_is_retried_and_shown(world, live, session_factory) -> None:
    queue = TaskQueue(live.settings, session_factory=session_factory, huey=MemoryHuey())
    with transaction(session_factory) as session:
        intake.add_sighting(session, sighting("https://files.example/a.jpg"))
        notice_id = repository.notices(session)[0].id
    assert queue.run("relay_outbox") == 0  # EUCENTRE_SMTP_URL is not set
    with transaction(session_factory) as session:
        message = repository.open_message(session, session.get(Notice, notice_id))
        assert message.attempts == 1 and "EUCENTRE_SMTP_URL" in message.last_error
        assert session.scalars(select(NoticeSend)).all() == []
    with browser(live, session_factory) as analyst:
        assert "EUCENTRE_SMTP_URL is not set" in analyst.get(f"/staff/notices/{notice_id}").text


def test_a_notice_not_acted_on_is_escalated_to_the_hosts_country(
    world, live, session_factory
) -> None:
    queue = TaskQueue(live.settings, session_factory=session_factory, huey=MemoryHuey())
    with transaction(session_factory) as session:
        intake.add_sighting(session, sighting("https://photos.example/e.jpg"))
    queue.run("relay_outbox")
    assert queue.run("notices_escalate") == 0  # not yet
    with transaction(session_factory) as session:
        notice = repository.notices(session)[0]
        notice.first_sent_at = utcnow() - timedelta(days=7, minutes=1)
    assert queue.run("notices_escalate") == 1
    assert queue.run("notices_escalate") == 0
    with transaction(session_factory) as session:
        notice = repository.notices(session)[0]
        assert notice.escalated_to == world["de"]
    with browser(live, session_factory, authority="BKA-N") as bka:
        page = bka.get("/authority/notices")
        assert page.status_code == 200 and "https://photos.example/e.jpg" in page.text
        assert 'href="/authority/notices"' in page.text  # in the officers' navigation
        german = bka.get("/authority/notices?lang=de")
        assert "An Ihre Behörde weitergeleitete Meldungen" in german.text
    with browser(live, session_factory, authority="PN-N") as pn:
        page = pn.get("/authority/notices")
        assert page.status_code == 200 and "https://photos.example/e.jpg" not in page.text


def test_removal_reappearance_and_reupload(world, session_factory) -> None:
    with transaction(session_factory) as session:
        item = intake.add_sighting(session, sighting("https://photos.example/r.jpg", md5="1" * 32))
        notice = session.get(Notice, item.notice_id)
        notice.first_sent_at = utcnow() - timedelta(hours=5)
        service.record_check(session, item, CheckResult("http_status", "503"))
        assert item.status == "online" and item.last_check_result == "http_status: 503"
        service.record_check(session, item, CheckResult("gone_410"))
        assert (item.status, item.removal_reason, notice.status) == (
            "removed",
            "gone_410",
            "removed",
        )
        first_removed = item.removed_at
        assert item.next_check_at - first_removed == timedelta(days=1)
        service.record_check(session, item, CheckResult("gone_410"))
        assert item.next_check_at - first_removed == timedelta(days=7)
        service.record_check(session, item, CheckResult("present"))  # it is back
        assert item.reappeared_at is not None and item.next_check_at is None
        again = session.scalar(select(NoticeItem).where(NoticeItem.id != item.id))
        assert again.url == item.url and again.reupload_of == notice.id
        assert session.get(Notice, again.notice_id).reupload_of == notice.id
        # And at a new URL, the same file: linked to the earlier notice.
        service.record_check(session, again, CheckResult("gone_404"))
        moved = intake.add_sighting(
            session, sighting("https://photos.example/new.jpg", md5="1" * 32)
        )
        assert session.get(Notice, moved.notice_id).reupload_of == again.notice_id


def test_kaplan_meier_measures_count_urls_still_online(world, session_factory) -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    with transaction(session_factory) as session:
        sent = now - timedelta(days=60)
        for n, hours in enumerate([10, 30, 100, None]):
            item = intake.add_sighting(
                session, sighting(f"https://photos.example/m{n}.jpg", indicator_ids=(n + 10,))
            )
            notice = session.get(Notice, item.notice_id)
            notice.first_sent_at = sent
            if hours is not None:
                item.status, item.removed_at = "removed", sent + timedelta(hours=hours)
        [row] = measures.removal_times(session, by="host", now=now)
        assert (row.group, row.urls, row.removed, row.still_online) == ("photos.example", 4, 3, 1)
        assert row.within_24h == 0.25 and row.within_72h == 0.5
        assert row.median_hours == 30.0 and row.p90_hours is None
        assert row.above_42d == 0.25  # the one still online after 60 days counts
        [country] = measures.removal_times(session, by="country", now=now)
        assert country.group == "DE"
        assert measures.reupload_rate(session).reuploads == 0


def test_holds_refuse_bad_input(world, session_factory) -> None:
    with transaction(session_factory) as session:
        base = {"authority_id": world["de"], "actor": "test", "secret": SECRET, "reason": "r"}
        for scope, value, until, code in [
            ("file", "x", utcnow() + timedelta(days=1), "invalid_scope"),
            ("host", "not a host", utcnow() + timedelta(days=1), "invalid_domain"),
            ("url", "https://x.example/", utcnow() - timedelta(days=1), "invalid_date"),
        ]:
            with pytest.raises(errors.UnprocessableEntity) as refused:
                holds.place(session, scope=scope, value=value, until=until, **base)
            assert refused.value.code == code
        with pytest.raises(errors.UnprocessableEntity) as refused:
            holds.place(
                session,
                scope="url",
                value="https://x.example/",
                reason=" ",
                until=utcnow() + timedelta(days=1),
                authority_id=world["de"],
                actor="test",
                secret=SECRET,
            )
        assert refused.value.code == "reason_required"


def test_a_victims_case_learns_of_notices_and_removals_of_its_material(
    world, session_factory
) -> None:
    from eucentre.notices import information

    with transaction(session_factory) as session:
        first = intake.add_sighting(
            session, sighting("https://photos.example/v1.jpg", indicator_ids=(77,))
        )
        intake.add_sighting(
            session, sighting("https://files.example/v2.jpg", indicator_ids=(77, 78))
        )
        intake.add_sighting(
            session, sighting("https://files.example/other.jpg", indicator_ids=(5,))
        )
        service.record_check(session, first, CheckResult("gone_404"))
        found = information.for_indicators(session, [77])
        assert [(f.status, f.urls, f.urls_removed) for f in found] == [
            ("removed", 1, 1),
            ("pending", 1, 0),
        ]
        assert information.for_indicators(session, [999]) == []


def test_the_victims_information_hook_names_notices_and_removals(world, session_factory) -> None:
    from eucentre.domains import installed
    from eucentre.victims.information import INFORMATION, entries
    from eucentre.victims.models import VictimCase, VictimHash

    with transaction(session_factory) as session:
        case = VictimCase(
            number="V-TEST-1",
            pin_digest="x",
            status="open",
            language="en",
            channel="web",
            created_at=utcnow(),
            last_activity_at=utcnow(),
        )
        session.add(case)
        session.flush()
        session.add(VictimHash(case_id=case.id, signal="md5", value="c" * 32))
        item = intake.add_sighting(session, sighting("https://photos.example/vv.jpg", md5="c" * 32))
        intake.add_sighting(session, sighting("https://photos.example/no.jpg", md5="d" * 32))
        session.get(Notice, item.notice_id).first_sent_at = utcnow()
        service.record_check(session, item, CheckResult("gone_404"))
        assert installed().hooks(INFORMATION)
        found = [
            (e.kind, e.recipient or e.provider)
            for e in entries(session, case)
            if e.kind in ("notice", "removed")
        ]
        name = repository.organisation(session, world["provider"]).name
        assert found == [("notice", name), ("removed", name)]
