"""After the demo data, the staff pages of search and notices and the officers' page are not
empty; loading again creates nothing."""

from __future__ import annotations

import re

from eucentre.blobs import blob_store
from eucentre.db import transaction
from eucentre.demo import data
from eucentre.demo.accounts import DEMO_OFFICERS
from eucentre.models import Role
from tests.notices.helpers import SECRET, browser


def test_demo_data_fills_the_pages(live, session_factory, tmp_path) -> None:
    blobs = blob_store(live.settings)
    with transaction(session_factory) as session:
        created = data.load(session, secret=SECRET, blobs=blobs, media_dir=tmp_path / "media")
    assert "host photos.demo.example" in created
    assert any(line.startswith("demo crawl") for line in created)
    with transaction(session_factory) as session:
        again = data.load(session, secret=SECRET, blobs=blobs, media_dir=tmp_path / "media")
    assert again == []
    with browser(live, session_factory, role=Role.analyst) as analyst:
        notices = analyst.get("/staff/notices")
        assert notices.status_code == 200 and "photos.demo.example" in notices.text
        assert "escalated" in notices.text
        notice_id = re.findall(r'href="/staff/notices/(\d+)"', notices.text)[0]
        detail = analyst.get(f"/staff/notices/{notice_id}")
        assert detail.status_code == 200 and "abuse@files.demo.example" in detail.text
        hosts = analyst.get("/staff/hosts")
        assert "abuse@files.demo.example" in hosts.text and "Demo Photo Service" in hosts.text
        measures = analyst.get("/staff/notices/measures")
        assert measures.status_code == 200 and "photos.demo.example" in measures.text
        search = analyst.get("/staff/search")
        assert "https://photos.demo.example/" in search.text
        crawl_id = search.text.split('href="/staff/search/crawls/')[1].split('"')[0]
        crawl = analyst.get(f"/staff/search/crawls/{crawl_id}")
        assert crawl.status_code == 200 and "img-0412.jpg" in crawl.text
    german_officer = [
        name for email, name in DEMO_OFFICERS if "(demo)" in name and "Bundes" in name
    ]
    if german_officer:
        with browser(live, session_factory, authority=german_officer[0]) as officer:
            page = officer.get("/authority/notices")
            assert page.status_code == 200 and "cdn.files.demo.example" in page.text
