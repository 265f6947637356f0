"""The crawler's staff pages (scheduling with limits, the recorded robots.txt override, the
confirmation queue of matches to unverified hashes through a plug-in matcher), and the
commands `eucentre search crawl --jsonl`, `eucentre search recheck` and `eucentre hosts add`."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from typer.testing import CliRunner

from eucentre.cli import app
from eucentre.config import get_settings
from eucentre.db import transaction
from eucentre.media.hashing import hash_bytes
from eucentre.models import OrganisationKind, Role
from eucentre.notices import repository as notices
from eucentre.notices.models import Host, NoticeItem
from eucentre.search.matchers import Found
from eucentre.search.media import HashedMedia
from eucentre.search.models import Crawl, MediaMatch
from tests.conftest import TEST_SECRET
from tests.factories import make_organisation
from tests.indicators.helpers import verified
from tests.notices.helpers import browser, form
from tests.search.helpers import crawl, loopback_settings
from tests.search.site import Site, png, serving


@dataclass
class VictimHashes:
    """A test-only plug-in matcher: unverified hashes (as a victim's request would hold)."""

    md5s: set[str]
    name: str = "test-victims"

    def match(self, session, media: list[HashedMedia]) -> list[list[Found]]:  # type: ignore[no-untyped-def]
        return [
            [Found(reference="request-1", distance=0, verified=False)] if m.md5 in self.md5s else []
            for m in media
        ]


def test_unverified_matches_wait_for_an_analyst_who_confirms(
    settings, live, session_factory
) -> None:
    settings = loopback_settings(settings)
    site = Site()
    with serving(site):
        site.page("/", '<img src="/mine.png"><img src="/other.png">')
        mine = png(11)
        site.media("/mine.png", mine)
        site.media("/other.png", png(12))
        with transaction(session_factory) as session:
            provider = make_organisation(session, kind=OrganisationKind.provider)
            from eucentre.notices import hosts

            hosts.add(session, actor="test", domain="v.test", organisation_name=provider.name)
        matcher = VictimHashes({hash_bytes(mine)["md5"]})
        summary, lines = crawl(
            settings, session_factory, [site.url("v.test", "/")], matchers=[matcher]
        )
    assert summary.matched == 1
    [matched] = [line for line in lines if line["matches"]]
    assert matched["matches"][0]["verified"] is False
    with transaction(session_factory) as session:
        [match] = session.scalars(select(MediaMatch)).all()
        assert match.status == "pending"
        assert notices.notices(session) == []  # nothing is sent before an analyst confirms
    with browser(live, session_factory, role=Role.analyst) as analyst:
        queue = analyst.get("/staff/search/queue")
        assert queue.status_code == 200 and site.url("v.test", "/mine.png") in queue.text
        preview = analyst.get(f"/staff/search/media/{match.media_id}")
        assert preview.status_code == 200 and preview.headers["content-type"] == "image/jpeg"
        asked = analyst.post(
            f"/staff/search/matches/{match.id}/decide", data=form(analyst, decision="confirm")
        )
        assert asked.status_code == 200 and "Are you sure?" in asked.text
        with transaction(session_factory) as session:
            assert session.get(MediaMatch, match.id).status == "pending"
        done = analyst.post(
            f"/staff/search/matches/{match.id}/decide",
            data=form(analyst, decision="confirm", confirmed="yes"),
        )
        assert done.status_code == 303 and done.headers["location"].endswith("decided=confirmed")
        assert "a notice follows" in analyst.get(done.headers["location"]).text
        again = analyst.post(
            f"/staff/search/matches/{match.id}/decide",
            data=form(analyst, decision="reject", confirmed="yes"),
        )
        assert again.status_code == 409
    with transaction(session_factory) as session:
        [notice] = notices.notices(session)
        [item] = notices.items(session, notice.id)
        assert item.url == site.url("v.test", "/mine.png")


def test_staff_schedule_crawls_with_limits_and_a_recorded_override(live, session_factory) -> None:
    with transaction(session_factory) as session:
        authority = make_organisation(session, kind=OrganisationKind.authority, country="DE")
    analyst = browser(live, session_factory, role=Role.analyst)
    senior = browser(live, session_factory, role=Role.senior_analyst)
    auditor = browser(live, session_factory, role=Role.auditor)
    with analyst, senior, auditor:
        page = analyst.get("/staff/search")
        assert page.status_code == 200 and "Schedule a crawl" in page.text
        assert "robots_override" not in page.text  # only senior analysts may override
        made = analyst.post(
            "/staff/search/crawls",
            data=form(
                analyst,
                seeds="https://example.org/\n\nhttps://example.org/b",
                max_pages="20",
                max_depth="2",
                on_behalf_of=str(authority.id),
                reason="Coordinating Authority request",
            ),
        )
        assert made.status_code == 303
        assert "is scheduled" in analyst.get(made.headers["location"]).text
        refused = analyst.post(
            "/staff/search/crawls",
            data=form(
                analyst,
                seeds="https://example.org/\nfile:///etc/passwd",
                max_pages="20",
                max_depth="2",
            ),
        )
        assert refused.status_code == 422 and "line 2" in refused.text
        no_override = analyst.post(
            "/staff/search/crawls",
            data=form(
                analyst,
                seeds="https://example.org/",
                max_pages="5",
                max_depth="1",
                robots_override="true",
                override_reason="x",
            ),
        )
        assert no_override.status_code == 403
        unexplained = senior.post(
            "/staff/search/crawls",
            data=form(
                senior,
                seeds="https://example.org/",
                max_pages="5",
                max_depth="1",
                robots_override="true",
            ),
        )
        assert unexplained.status_code == 422
        assert (
            senior.post(
                "/staff/search/crawls",
                data=form(
                    senior,
                    seeds="https://example.org/",
                    max_pages="5",
                    max_depth="1",
                    robots_override="true",
                    override_reason="court order 12/2026",
                ),
            ).status_code
            == 303
        )
        assert auditor.get("/staff/search").status_code == 200
        assert (
            auditor.post(
                "/staff/search/crawls",
                data=form(auditor, seeds="https://example.org/", max_pages="5", max_depth="1"),
            ).status_code
            == 403
        )
        with transaction(session_factory) as session:
            crawls = session.scalars(select(Crawl).order_by(Crawl.id)).all()
            assert [(c.seeds, c.max_pages, c.max_depth, c.on_behalf_of) for c in crawls][0] == (
                ["https://example.org/", "https://example.org/b"],
                20,
                2,
                authority.id,
            )
            assert (crawls[1].robots_override, crawls[1].override_reason) == (
                True,
                "court order 12/2026",
            )
        detail = analyst.get(f"/staff/search/crawls/{crawls[1].id}")
        assert "court order 12/2026" in detail.text
        assert analyst.get("/staff/search/crawls/999").status_code == 404


def cli(database, monkeypatch, tmp_path, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EUCENTRE_DATABASE_URL", database.url)
    monkeypatch.setenv("EUCENTRE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EUCENTRE_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("EUCENTRE_CRAWL_ALLOW_PRIVATE", "true")
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        get_settings.cache_clear()


def test_the_crawl_and_hosts_commands(database, session_factory, monkeypatch, tmp_path) -> None:
    site = Site()
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, country="IE")
        indicator = verified(session, hash_bytes(png(21))["pdq"])
    added = cli(
        database,
        monkeypatch,
        tmp_path,
        "hosts",
        "add",
        "--domain",
        "127.0.0.1",
        "--org",
        provider.name,
    )
    assert added.exit_code == 0, added.output
    assert "127.0.0.1/32" in added.output
    both = cli(
        database,
        monkeypatch,
        tmp_path,
        "hosts",
        "add",
        "--domain",
        "x.example",
        "--org",
        provider.name,
        "--abuse-email",
        "a@x.example",
    )
    assert both.exit_code == 2
    bad = cli(
        database,
        monkeypatch,
        tmp_path,
        "hosts",
        "add",
        "--domain",
        "x.example",
        "--abuse-email",
        "a@x.example",
        "--country",
        "XYZ",
    )
    assert bad.exit_code == 2 and "country" in bad.output
    with serving(site):
        site.page("/", '<img src="/k.png"><img src="/o.png"><a href="/next">n</a>')
        site.page("/next", "<p>end</p>")
        site.media("/k.png", png(21))
        site.media("/o.png", png(22))
        ran = cli(
            database,
            monkeypatch,
            tmp_path,
            "search",
            "crawl",
            site.url("127.0.0.1", "/"),
            "--max-pages",
            "5",
            "--max-depth",
            "1",
            "--jsonl",
        )
        assert ran.exit_code == 0, ran.output
        records = [json.loads(line) for line in ran.stdout.splitlines() if line.startswith("{")]
        assert sorted(r["url"] for r in records) == [
            site.url("127.0.0.1", "/k.png"),
            site.url("127.0.0.1", "/o.png"),
        ]
        for record in records:
            assert list(record) == ["url", "page", "md5", "pdq", "quality", "matches"]
            assert record["page"] == site.url("127.0.0.1", "/")
        [hit] = [r for r in records if r["matches"]]
        assert hit["matches"][0]["indicator_id"] == indicator.id
        assert "2 page(s), 2 media item(s), 1 matched" in ran.output
        assert "1 notice send(s)" in ran.output
        del site.files["/k.png"]
        with transaction(session_factory) as session:
            for item in session.scalars(select(NoticeItem)):
                item.next_check_at = item.created_at
        checked = cli(database, monkeypatch, tmp_path, "search", "recheck")
        assert checked.exit_code == 0, checked.output
        assert "1 URL(s) checked (gone_404: 1)" in checked.output
    refused = cli(database, monkeypatch, tmp_path, "search", "crawl", "ftp://example.org/")
    assert refused.exit_code == 2 and "not an http(s) URL" in refused.output
    with transaction(session_factory) as session:
        assert session.scalars(select(Host)).all()[0].network == "127.0.0.1/32"
