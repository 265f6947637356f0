"""schema.org JSON-LD for a record's page, and the Atom feed of newly published records, so
that search engines and other hubs can harvest the catalogue."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from markupsafe import Markup

from eucentre.kit.time import as_utc, utcnow
from eucentre.prevention.present import View
from eucentre.prevention.schemas import RecordData
from eucentre.prevention.vocabulary import RecordType

SCHEMA_TYPES = {
    RecordType.research: "ScholarlyArticle",
    RecordType.programme: "Project",
    RecordType.training: "Course",
    RecordType.campaign: "CreativeWork",
    RecordType.helpline: "Service",
}
ATOM = "http://www.w3.org/2005/Atom"


def json_ld(shown: View, *, base_url: str) -> dict[str, Any]:
    data = shown.data
    page = f"{base_url}/prevention/records/{shown.record.id}"
    out: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES[data.type],
        "@id": page,
        "name": shown.title,
        "description": shown.summary,
        "inLanguage": [text.language for text in data.texts],
        "mainEntityOfPage": page,
    }
    if data.url:
        out["url"] = data.url
    if data.doi:
        out["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": data.doi}
        out["sameAs"] = f"https://doi.org/{data.doi}"
    if data.countries:
        out["areaServed" if data.type != RecordType.research else "spatialCoverage"] = [
            {"@type": "Country", "identifier": country} for country in data.countries
        ]
    if data.target_groups:
        out["audience"] = [
            {"@type": "Audience", "audienceType": group.value} for group in data.target_groups
        ]
    if data.authors:
        out["author"] = [{"@type": "Person", "name": name} for name in data.authors]
    if data.year:
        out["datePublished"] = str(data.year)
    if data.publisher:
        out["publisher"] = {"@type": "Organization", "name": data.publisher}
    if shown.record.last_reviewed_at:
        out["dateModified"] = as_utc(shown.record.last_reviewed_at).date().isoformat()
    if shown.evaluates:
        out["about"] = [f"{base_url}/prevention/records/{r.id}" for r in shown.evaluates]
    if shown.evaluated_by:
        out["subjectOf"] = [f"{base_url}/prevention/records/{r.id}" for r in shown.evaluated_by]
    return out


def script_tag(document: dict[str, Any]) -> Markup:
    """The JSON-LD in a <script> element: <, > and & escaped as JSON, so no text in it can end
    the element."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    body = Markup(text)  # noqa: S704 - <, > and & are escaped just above
    return Markup('<script type="application/ld+json">') + body + Markup("</script>")


def atom(
    entries: list[tuple[int, RecordData, datetime]], *, base_url: str, title: str, language: str
) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{base_url}/prevention/feed.atom"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    updated = max((at for _, _, at in entries), default=utcnow())
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = as_utc(updated).isoformat()
    ET.SubElement(
        feed, f"{{{ATOM}}}link", {"rel": "self", "href": f"{base_url}/prevention/feed.atom"}
    )
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "EU Centre"
    for record_id, data, at in entries:
        shown = data.text_in(language)
        page = f"{base_url}/prevention/records/{record_id}"
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = page
        ET.SubElement(entry, f"{{{ATOM}}}title").text = shown.title
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = as_utc(at).isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": page})
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = shown.summary
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": data.type.value})
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
