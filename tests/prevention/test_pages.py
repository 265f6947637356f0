"""The public pages: search without JavaScript in English, German and French, a record with
its schema.org JSON-LD, the Atom feed and the exports; drafts on none of them."""

import json
from xml.etree import ElementTree as ET

from eucentre.db import transaction
from eucentre.prevention import service
from tests.prevention.helpers import WRITER, draft, published


def _catalogue(session_factory):
    with transaction(session_factory) as session:
        programme = published(
            session,
            title="Anonymous helpline </script><script>alert(1)</script>",
            summary="A confidential helpline for people who fear they may offend.",
            texts=None,
            countries=["DE"],
            target_groups=["fear_offending"],
            doi="10.5555/page.1",
        )
        study = published(
            session,
            type="research",
            title="An evaluation of the helpline",
            evaluates=[programme.id],
            year=2024,
            authors=["Example, Ann"],
        )
        hidden = draft(session, title="Draft helpline nobody may see")
        submitted = draft(session, title="Submitted helpline waiting")
        service.submit(session, actor=WRITER, record_id=submitted.id)
        return programme.id, study.id, hidden.id, submitted.id


def test_search_pages_in_every_language_without_javascript(live, session_factory) -> None:
    programme, study, hidden, submitted = _catalogue(session_factory)
    with live.client() as client:
        for language, words in (
            ("en", ["Prevention catalogue", "Narrow the results", "Records found: 2"]),
            ("de", ["Präventionskatalog", "Ergebnisse eingrenzen", "Gefundene Einträge: 2"]),
            ("fr", ["Catalogue de prévention", "Affiner les résultats", "Fiches trouvées : 2"]),
        ):
            page = client.get(
                "/prevention", params={"q": "Hilfetelefon"}, headers={"Accept-Language": language}
            )
            assert page.status_code == 200 and f'<html lang="{language}">' in page.text
            text = page.text.replace("&#39;", "'")
            for word in words:
                assert word in text, (language, word)
            assert (
                "<script" not in page.text.split("<main", 1)[1]
            )  # no script needed, none injected
            assert "Draft helpline" not in page.text and "Submitted helpline" not in page.text
        filtered = client.get("/prevention", params={"q": "helpline", "type": "research"})
        assert "Records found: 1" in filtered.text and 'value="research" checked' in filtered.text
        assert client.get("/prevention", params={"type": "bogus"}).status_code == 422


def test_a_record_page_links_both_ways_and_carries_json_ld(live, session_factory) -> None:
    programme, study, hidden, submitted = _catalogue(session_factory)
    with live.client() as client:
        page = client.get(f"/prevention/records/{programme}")
        assert page.status_code == 200
        assert f'href="/prevention/records/{study}">An evaluation of the helpline' in page.text
        script = page.text.split('<script type="application/ld+json">')[1].split("</script>")[0]
        assert "<" not in script  # the title's </script> cannot end the element
        document = json.loads(script)
        assert (
            document["@type"] == "Project" and document["identifier"]["value"] == "10.5555/page.1"
        )
        assert document["name"].startswith("Anonymous helpline </script>")
        assert document["subjectOf"] == [
            f"http://testserver/prevention/records/{study}".replace("http://testserver", live.url)
        ]
        research = json.loads(
            client.get(f"/prevention/records/{study}")
            .text.split('application/ld+json">')[1]
            .split("</script>")[0]
        )
        assert research["@type"] == "ScholarlyArticle" and research["datePublished"] == "2024"
        for unpublished in (hidden, submitted):
            assert client.get(f"/prevention/records/{unpublished}").status_code == 404


def test_the_feed_and_the_exports_hold_only_published_records(live, session_factory) -> None:
    programme, study, hidden, submitted = _catalogue(session_factory)
    with live.client() as client:
        feed = client.get("/prevention/feed.atom")
        assert feed.headers["content-type"].startswith("application/atom+xml")
        entries = ET.fromstring(feed.content).findall("{http://www.w3.org/2005/Atom}entry")
        assert {
            e.find("{http://www.w3.org/2005/Atom}id").text.rsplit("/", 1)[1] for e in entries
        } == {str(programme), str(study)}
        lines = client.get("/prevention/export.jsonl").text.splitlines()
        assert [json.loads(line)["id"] for line in lines] == [programme, study]
        csv_text = client.get("/prevention/export.csv").text
        assert len(csv_text.strip().splitlines()) == 3
        for text in (feed.text, csv_text, "\n".join(lines)):
            assert "Draft helpline" not in text and "Submitted helpline" not in text
