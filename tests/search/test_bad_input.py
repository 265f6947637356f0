"""Bad input: malformed HTML, endless link mazes, redirect loops and chains, decompression
bombs, non-HTTP schemes, private addresses (after redirects too), DNS answers that change, a
site that asks to wait (429 with Retry-After): each bounded, recorded, and nothing crashes."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from eucentre import errors
from eucentre.db import transaction
from eucentre.search import service
from eucentre.search.addresses import AddressRefused, checked_address
from eucentre.search.fetch import Fetcher, FetchPolicy, retry_after_seconds
from eucentre.search.models import FrontierUrl
from tests.search.helpers import crawl, dot_test_names, loopback_settings
from tests.search.site import Response, Site, gzip_bomb, png, serving

POLICY = FetchPolicy(user_agent="test", timeout=2.0, max_bytes=2 * 1024 * 1024, allow_private=True)


def outcomes(session_factory) -> dict[str, str]:
    with transaction(session_factory) as session:
        return {
            row.url.rsplit(":", 1)[-1].split("/", 1)[-1]: row.outcome
            for row in session.scalars(select(FrontierUrl))
        }


def test_malformed_html_and_too_many_links_are_bounded(settings, session_factory) -> None:
    settings = loopback_settings(settings)
    site = Site()
    with serving(site):
        links = "".join(f'<a href="/p{n}">x</a>' for n in range(2000))
        site.page("/", "<html><<body><a href='/ok'>ok<img src=/i.png><table><tr><td>" + links)
        site.files["/ok"] = Response(body=b"\x00\xff\xfe<html>\x00</b></b></i><a href=/ok2>")
        site.page("/ok2", "<a href='javascript:alert(1)'>j</a><a href='http://[::1'>bad</a>")
        site.media("/i.png", png(1))
        summary, lines = crawl(
            settings, session_factory, [site.url("x.test", "/")], max_pages=5, max_depth=2
        )
    assert (summary.status, summary.stop_reason, summary.pages) == ("finished", "max_pages", 5)
    assert [line["url"] for line in lines] == [site.url("x.test", "/i.png")]
    assert site.fetched("/ok") == 1 and site.fetched("/p2") == 1 and site.fetched("/p3") == 0
    with transaction(session_factory) as session:
        queued = session.scalars(select(FrontierUrl)).all()
    # 500 links kept of the 2000 (plus the image and the seed), nothing more.
    assert len(queued) <= 503


def test_an_endless_maze_stops_at_the_page_limit_and_the_depth(settings, session_factory) -> None:
    settings = loopback_settings(settings)
    site = Site()

    def maze(path: str) -> Response | None:
        if not path.startswith("/maze/"):
            return None
        here = path.rsplit("/", 1)[-1]
        return Response(
            body="".join(f'<a href="/maze/{here}{n}">{n}</a>' for n in range(5)).encode()
        )

    site.dynamic = maze
    with serving(site):
        summary, _ = crawl(
            settings, session_factory, [site.url("m.test", "/maze/0")], max_pages=12, max_depth=50
        )
        assert (summary.status, summary.pages, summary.stop_reason) == ("finished", 12, "max_pages")
        deep, _ = crawl(
            settings, session_factory, [site.url("n.test", "/maze/0")], max_pages=1000, max_depth=2
        )
        assert (deep.pages, deep.stop_reason) == (1 + 5 + 25, "done")


def test_redirect_loops_and_chains_are_refused(settings, session_factory) -> None:
    settings = loopback_settings(settings)
    site = Site()
    with serving(site):
        site.page("/", '<a href="/loop1">l</a><a href="/chain/0">c</a><a href="/nowhere">n</a>')
        site.files["/loop1"] = Response(302, headers={"Location": "/loop2"})
        site.files["/loop2"] = Response(301, headers={"Location": "/loop1"})
        for n in range(10):
            site.files[f"/chain/{n}"] = Response(307, headers={"Location": f"/chain/{n + 1}"})
        site.files["/nowhere"] = Response(302, headers={"Location": "gopher://x.test/"})
        summary, _ = crawl(settings, session_factory, [site.url("r.test", "/")])
    found = outcomes(session_factory)
    assert found["loop1"] == "redirect_loop"
    assert found["chain/0"] == "too_many_redirects"
    assert found["nowhere"] == "redirect_scheme_not_allowed"
    assert site.fetched("/chain/6") == 0  # five redirects followed, no more
    assert summary.status == "finished"


def test_a_decompression_bomb_is_refused_before_it_is_read_whole(settings, session_factory) -> None:
    settings = loopback_settings(settings)
    site = Site()
    with serving(site):
        bomb = gzip_bomb(64)
        site.page("/", '<img src="/bomb.png"><a href="/bomb.html">b</a>')
        for path in ("/bomb.png", "/bomb.html"):
            site.files[path] = Response(
                body=bomb, content_type="image/png", headers={"Content-Encoding": "gzip"}
            )
        summary, lines = crawl(settings, session_factory, [site.url("b.test", "/")])
    found = outcomes(session_factory)
    assert found["bomb.png"] == found["bomb.html"] == "decompression_bomb"
    assert lines == [] and summary.status == "finished"


def test_non_http_seeds_are_refused_naming_the_line(session) -> None:
    for seed in ("ftp://example.com/", "file:///etc/passwd", "javascript:alert(1)", "http://"):
        with pytest.raises(errors.UnprocessableEntity) as refused:
            service.schedule(
                session,
                actor="test",
                seeds=["https://example.com/", seed],
                max_pages=5,
                max_depth=1,
            )
        assert refused.value.code == "invalid_seed"
        assert "line 2" in str(refused.value.detail)


def test_private_addresses_are_refused_unless_allowed(settings, session_factory) -> None:
    site = Site()
    with serving(site):
        site.page("/", '<img src="/i.png">')
        site.media("/i.png", png(1))
        summary, lines = crawl(settings, session_factory, [site.url("127.0.0.1", "/")])
        assert (summary.refused, lines) == (1, [])
        assert outcomes(session_factory)[""] == "private_address"
        assert site.hits == []
    for host in (
        "127.0.0.1",
        "10.1.2.3",
        "169.254.169.254",
        "::1",
        "fd00::1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ):
        with pytest.raises(AddressRefused):
            checked_address(host, 80, allow_private=False)
    # A name with one private address among public ones is refused too.
    with pytest.raises(AddressRefused, match="private_address"):
        checked_address(
            "mixed.test",
            80,
            allow_private=False,
            resolver=lambda h, p: ["93.184.216.34", "192.168.1.1"],
        )
    with pytest.raises(AddressRefused, match="dns_failure"):
        checked_address("none.test", 80, allow_private=False, resolver=lambda h, p: [])


def test_a_redirect_to_a_private_address_is_refused_and_the_checked_address_is_used() -> None:
    site = Site()
    with serving(site):
        site.files["/out"] = Response(302, headers={"Location": f"http://127.0.0.2:{site.port}/"})
        site.page("/in", "hello")
        answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
        policy = FetchPolicy(user_agent="test", timeout=2.0, allow_networks=("127.0.0.1/32",))
        # "rebind.test" is in no DNS: the fetch connects to the address that was checked.
        with Fetcher(policy, resolver=lambda host, port: next(answers)) as fetcher:
            first = fetcher.get(site.url("rebind.test", "/in"))
            assert (first.outcome, first.body, first.address) == ("ok", b"hello", "127.0.0.1")
            assert site.hits[-1] == (f"rebind.test:{site.port}", "/in")
            # The next answer is private: refused, and nothing is sent.
            assert fetcher.get(site.url("rebind.test", "/in")).outcome == "private_address"
        with Fetcher(policy, resolver=dot_test_names) as fetcher:
            hits = len(site.hits)
            followed = fetcher.get(site.url("a.test", "/out"))
            assert followed.outcome == "private_address"
            assert len(site.hits) == hits + 1  # the redirect target was never contacted


def test_a_site_that_asks_to_wait_is_waited_for(settings, session_factory) -> None:
    settings = loopback_settings(settings)
    site = Site()
    with serving(site):
        site.page("/", '<img src="/busy.png">')
        busy = Response(429, b"slow down", "text/plain", headers={"Retry-After": "1"})
        served = {"n": 0}

        def once_busy(path: str) -> Response | None:
            if path != "/busy.png":
                return None
            served["n"] += 1
            return busy if served["n"] == 1 else Response(body=png(2), content_type="image/png")

        site.dynamic = once_busy
        started = time.monotonic()
        summary, lines = crawl(settings, session_factory, [site.url("w.test", "/")])
        assert time.monotonic() - started >= 1.0
    assert served["n"] == 2 and len(lines) == 1 and summary.status == "finished"
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("999999") == 3600.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None


def test_one_request_at_a_time_per_registrable_domain(settings, session_factory) -> None:
    settings = loopback_settings(settings)
    site = Site(delay=0.02)
    with serving(site):
        site.page(
            "/",
            "".join(f'<img src="/i{n}.png">' for n in range(6))
            + f'<a href="{site.url("www.two.test", "/")}">two</a>',
        )
        for n in range(6):
            site.media(f"/i{n}.png", png(n + 1, size=64))
        crawl(
            settings,
            session_factory,
            [
                site.url("one.example.co.uk", "/"),
                site.url("img.one.example.co.uk", "/"),
                site.url("two.test", "/"),
            ],
        )
    # Both names are under example.co.uk (co.uk is a public suffix): one request at a time.
    per_host = site.most_inflight
    assert per_host == {"co.uk": 1, "two.test": 1}
    hosts = {host.split(":")[0] for host, _ in site.hits}
    assert hosts == {"one.example.co.uk", "img.one.example.co.uk", "two.test"}
    # (www.two.test is another registrable domain than the seeds': its pages are not followed.)


def test_fetch_caps_and_timeouts() -> None:
    site = Site()
    with serving(site):
        site.files["/big"] = Response(body=b"x" * 3_000_000, content_type="text/plain")
        site.files["/liar"] = Response(body=b"x" * 10, headers={"Content-Length": "99999999999"})
        with Fetcher(POLICY, resolver=dot_test_names) as fetcher:
            assert fetcher.get(site.url("c.test", "/big")).outcome == "too_large"
            assert fetcher.get(site.url("c.test", "/liar")).outcome == "too_large"
            assert fetcher.get("ftp://c.test/x").outcome == "scheme_not_allowed"
            assert fetcher.get(site.url("c.test", "/missing")).status == 404
