"""End to end on loopback: a small website, a crawl that finds exactly the allowed media, one
notice for the provider host through the API, re-sends on a shortened schedule, the image
deleted and the removal verified with its time, the image back under a new URL and a linked
notice; an e-mail host gets its notice on a local SMTP server."""

from __future__ import annotations

import time
from datetime import timedelta
from email import message_from_bytes

import httpx
import pytest
from aiosmtpd.controller import Controller
from huey import MemoryHuey
from sqlalchemy import select

from eucentre.app import create_app
from eucentre.db import transaction
from eucentre.kit.time import as_utc
from eucentre.media.hashing import hash_bytes
from eucentre.models import OrganisationKind, OutboxMessage
from eucentre.notices import hosts, measures
from eucentre.notices.models import NoticeItem, NoticeSend
from eucentre.search.addresses import system_resolver
from eucentre.search.crawler import policy_from
from eucentre.search.models import FoundMedia, FrontierUrl
from eucentre.search.recheck import recheck_due
from eucentre.worker import TaskQueue
from tests.conftest import free_port, serve_in_thread
from tests.factories import make_key, make_organisation
from tests.indicators.helpers import verified
from tests.search.helpers import crawl, dot_test_names, loopback_settings
from tests.search.site import (
    Response,
    Site,
    endless,
    near_duplicate,
    pattern,  # noqa: F401 - the site's images are the demo patterns
    png,
    serving,
    trickle,
)

KNOWN = 7  # the seed of the picture behind the verified indicator


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def build_site(site: Site) -> None:
    p, m = "provider.test", "mail.test"
    site.files["/robots.txt"] = Response(
        body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    site.page(
        "/",
        f"""<html><body><h1>Home</h1>
      <a href="/a.html">a</a> <a href="/b.html">b</a> <a href="/private/secret.html">p</a>
      <a href="/redirect">r</a> <a href="/slow.html">s</a> <a href="mailto:x@example.com">m</a>
      <a href="ftp://{p}/file">ftp</a> <img src="/huge.png">
      <img src="{site.url(m, "/img/copy.jpg")}"></body></html>""",
    )
    site.page(
        "/a.html",
        '<html><body><img src="/img/known.jpg"><img src="/img/1.png">'
        '<a href="/b.html">b</a></body></html>',
    )
    site.page("/b.html", '<p>unclosed <div><img src="img/2.png"><a href="/">home</a>')
    site.page("/private/secret.html", '<img src="/private/hidden.png">')
    site.media("/private/hidden.png", png(3))
    site.files["/redirect"] = Response(302, headers={"Location": "/c.html"})
    site.page("/c.html", '<img src="/img/4.png">')
    site.files["/slow.html"] = Response(stream=trickle(5))
    site.media("/img/slow.png", png(5))
    site.files["/huge.png"] = Response(stream=endless(), content_type="image/png")
    site.media("/img/known.jpg", near_duplicate(KNOWN), "image/jpeg")
    site.media("/img/copy.jpg", near_duplicate(KNOWN), "image/jpeg")
    site.media("/img/1.png", png(1))
    site.media("/img/2.png", png(2))
    site.media("/img/4.png", png(4))


def relay(queue: TaskQueue) -> int:
    return queue.run("relay_outbox")


def test_crawl_notice_resend_removal_and_reupload(settings, database, session_factory, smtp):
    inbox, smtp_port = smtp
    settings = loopback_settings(settings, smtp_url=f"smtp://127.0.0.1:{smtp_port}")
    app = create_app(settings, engine=database.engine)
    server, thread, api_url = serve_in_thread(app)
    queue = TaskQueue(settings, session_factory=session_factory, huey=MemoryHuey())
    site = Site()
    try:
        with serving(site):
            build_site(site)
            with transaction(session_factory) as session:
                provider = make_organisation(session, kind=OrganisationKind.provider, country="DE")
                key = make_key(session, provider, scopes=["notices:read", "notices:write"])
                indicator = verified(session, hash_bytes(png(KNOWN))["pdq"])
                hosts.add(
                    session, actor="test", domain="provider.test", organisation_name=provider.name
                )
                hosts.add(
                    session,
                    actor="test",
                    domain="mail.test",
                    abuse_email="abuse@mail.test",
                    country="FR",
                )
            home = site.url("provider.test", "/")
            summary, lines = crawl(settings, session_factory, [home], max_depth=3)

            # Exactly the allowed media: not behind robots.txt, not the huge file, not what the
            # slow page would have linked; the redirect was followed.
            found = sorted(line["url"] for line in lines)
            assert found == sorted(
                [
                    site.url("mail.test", "/img/copy.jpg"),
                    site.url("provider.test", "/img/1.png"),
                    site.url("provider.test", "/img/2.png"),
                    site.url("provider.test", "/img/4.png"),
                    site.url("provider.test", "/img/known.jpg"),
                ]
            )
            assert site.fetched("/private/secret.html") == 0
            assert site.fetched("/private/hidden.png") == 0
            matched = {line["url"]: line["matches"] for line in lines if line["matches"]}
            assert set(matched) == {
                site.url("provider.test", "/img/known.jpg"),
                site.url("mail.test", "/img/copy.jpg"),
            }
            [match] = matched[site.url("provider.test", "/img/known.jpg")]
            assert match["indicator_id"] == indicator.id and match["verified"] is True
            assert set(lines[0]) == {"url", "page", "md5", "pdq", "quality", "matches"}
            assert (summary.status, summary.pages, summary.media, summary.matched) == (
                "finished",
                5,
                5,
                2,
            )
            with transaction(session_factory) as session:
                outcomes = {
                    row.url.split(str(site.port), 1)[-1]: row.outcome
                    for row in session.scalars(select(FrontierUrl))
                }
                assert outcomes["/slow.html"] == "timeout"
                assert outcomes["/huge.png"] == "too_large"
                assert outcomes["/private/secret.html"] == "robots_disallowed"
                # Only matching media are kept, encrypted.
                kept = session.scalars(select(FoundMedia)).all()
                assert len(kept) == 2 and all(m.blob_id for m in kept)

            # The provider host gets one notice, through the API, once sent.
            assert relay(queue) == 2
            with httpx.Client(base_url=api_url, headers={"Authorization": f"Bearer {key}"}) as api:
                [notice] = api.get("/api/v1/notices").json()["notices"]
                assert notice["urls"] == [site.url("provider.test", "/img/known.jpg")]
                assert (notice["status"], notice["sends"], notice["reupload_of"]) == (
                    "sent",
                    1,
                    None,
                )
                assert notice["first_sent_at"] == notice["last_sent_at"]
                assert notice["lists"] == ["known_material"]
                first_id = notice["id"]
                # The e-mail host got its own on the SMTP server: its URL, never the hash.
                [raw] = inbox.messages
                mail = message_from_bytes(raw)
                assert mail["To"] == "abuse@mail.test"
                text = raw.decode()
                assert site.url("mail.test", "/img/copy.jpg") in text
                assert indicator.value not in text
                assert "Article 49" in text

                # Re-sent on the shortened schedule (1 s), every send recorded.
                with transaction(session_factory) as session:
                    waiting = session.scalars(
                        select(OutboxMessage).where(OutboxMessage.kind == "notice.send")
                    ).all()
                    assert len(waiting) == 2
                    for message in waiting:
                        assert message.delivered_at is None and message.sends == 1
                        due = as_utc(message.next_attempt_at) - as_utc(message.last_sent_at)
                        assert due == timedelta(seconds=1)
                time.sleep(1.2)
                assert relay(queue) == 2
                again = api.get(f"/api/v1/notices/{first_id}").json()
                assert again["sends"] == 2 and again["last_sent_at"] > again["first_sent_at"]

                # Deleted from the site; the provider says so; the re-check verifies it.
                del site.files["/img/known.jpg"]
                claimed = api.post(f"/api/v1/notices/{first_id}/removed").json()
                assert claimed["status"] == "removal_claimed"
                run = recheck_due(
                    session_factory, policy=policy_from(settings), resolver=dot_test_names
                )
                assert run.outcomes.get("gone_404") == 1
                removed = api.get(f"/api/v1/notices/{first_id}").json()
                assert removed["status"] == "removed" and removed["removed_at"]
                time.sleep(1.2)
                relay(queue)  # no more re-sends for the removed notice
                assert api.get(f"/api/v1/notices/{first_id}").json()["sends"] == 2
                with transaction(session_factory) as session:
                    sends = session.scalars(
                        select(NoticeSend).where(NoticeSend.notice_id == first_id)
                    ).all()
                    assert [s.number for s in sends] == [1, 2]
                    [times] = [
                        r
                        for r in measures.removal_times(session, by="host")
                        if r.group == "provider.test"
                    ]
                    assert (times.urls, times.removed, times.still_online) == (1, 1, 0)
                    assert times.within_24h == 1.0 and times.median_hours is not None
                    item = session.scalar(
                        select(NoticeItem).where(NoticeItem.notice_id == first_id)
                    )
                    assert item.removal_reason == "gone_404"

                # The image is back under a new URL: a new notice, linked to the first.
                site.media("/img/moved.jpg", near_duplicate(KNOWN), "image/jpeg")
                site.page("/a.html", '<img src="/img/moved.jpg"><img src="/img/1.png">')
                crawl(
                    settings, session_factory, [site.url("provider.test", "/a.html")], max_depth=0
                )
                relay(queue)
                listed = api.get("/api/v1/notices").json()["notices"]
                assert [n["id"] for n in listed][1:] == [first_id]
                newest = listed[0]
                assert newest["reupload_of"] == first_id
                assert newest["urls"] == [site.url("provider.test", "/img/moved.jpg")]
                with transaction(session_factory) as session:
                    rate = measures.reupload_rate(session)
                    assert (rate.notices, rate.reuploads) == (3, 1)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        _ = system_resolver
