"""Read a report written in NCMEC CyberTipline XML into the same ``ReportIn`` as a JSON report.

Providers that already report to NCMEC can send the Centre the XML they build for it. The element
names follow the CyberTipline Reporting API (https://report.cybertip.org/ispws/documentation);
only what the Centre needs is read, and personal data of the reporting employee is ignored.

| NCMEC element (under ``report/``)                              | ``ReportIn`` field             |
|----------------------------------------------------------------|--------------------------------|
| ``incidentSummary/incidentType``                               | ``incident_type`` (see below)  |
| ``incidentSummary/incidentDateTime``                           | ``incident_time``              |
| ``incidentSummary/escalateToHighPriority`` (present, not       | ``urgent``                     |
| empty, not ``false``)                                          |                                |
| ``internetDetails/webPageIncident/url``                        | ``urls``                       |
| ``reporter/...``                                               | ignored: the provider is the   |
|                                                                | authenticated API key          |
| ``personOrUserReported/screenName``, ``espIdentifier``,        | ``reported_users[].identifiers``|
| ``emailAddress``, ``personOrUserReportedPerson/email``         |                                |
| ``personOrUserReported/country``, ``.../address/country``,     | ``reported_users[].country``   |
| ``personOrUserReportedPerson/address/country``,                | (first found, in that order)   |
| ``estimatedLocation/countryCode``                              |                                |
| ``personOrUserReported/ipCaptureEvent/ipAddress``, ``dateTime``,| ``reported_users[].ip_events`` |
| ``eventName`` (Upload, Login, Registration, Purchase, other)   |                                |
| ``victim/victimPerson/age``, ``.../address/country``,          | ``victims``                    |
| ``victim/espIdentifier``, ``victim/screenName``                |                                |
| ``fileDetails/originalFileHash[@hashType=MD5|SHA256|PDQ]``     | ``hashes`` (other types, e.g.  |
|                                                                | SHA1 or PhotoDNA, are skipped) |
| ``fileDetails/fileName`` or ``originalFileName``,              | ``file_descriptions``          |
| ``fileDetails/additionalInfo``                                 |                                |
| ``additionalInfo``                                             | ``description``                |

Incident types: "Child Pornography (possession, manufacture, and distribution)" is material; it is
``known_material`` when some ``fileDetails`` carries an ``originalFileHash`` of a type the Centre
matches (the hint that the provider detected it by hash), otherwise ``new_material``. Calling
material "known" is safe: triage sends it to an analyst unless it really matches a verified
indicator. "Online Enticement of Children for Sexual Acts" is ``solicitation``. Any other NCMEC type
(e.g. child sex trafficking) is outside the Regulation's reporting scope and is refused.

NCMEC's format has no field for the provider's own case number: pass ``provider_reference``, or a
stable digest of the document is used (so a resent document is recognisably the same).
``content_removed`` and ``also_reported_to`` have no NCMEC element either; the API may set them.

Safety: the document is size-capped before parsing; a DOCTYPE, entity declaration or external
entity is refused outright (no XXE, no billion laughs); elements are read by fixed paths, never by
recursion. Every failure raises ``XmlReportError`` naming the element, e.g.
``report/personOrUserReported[1]/ipCaptureEvent[1]/ipAddress``. Repeatable elements always carry
their 1-based position.
"""

from __future__ import annotations

import hashlib
import ipaddress
import xml.etree.ElementTree as ET  # noqa: S405 - only TreeBuilder; parsing is expat, hardened
from collections.abc import Callable
from datetime import datetime
from typing import Any
from xml.parsers import expat

from pydantic import ValidationError

from eucentre.kit.time import utcnow
from eucentre.reports.schemas import HASH_HEX_LENGTH, ReportIn, validation_context
from eucentre.signals import registry

# XML is more verbose than JSON: twice the JSON limit.
MAX_XML_BYTES = 2 * 1024 * 1024

CSAM_TYPE = "Child Pornography (possession, manufacture, and distribution)"
ENTICEMENT_TYPE = "Online Enticement of Children for Sexual Acts"
# NCMEC ipCaptureEvent/eventName values, mapped to reports.schemas.IpEventName.
EVENT_NAMES = {"upload": "upload", "login": "login", "registration": "registration",
               "purchase": "purchase"}  # fmt: skip
# hashType attribute values accepted (a signal's name or label: "sha256", "SHA-256"), mapped to
# the signals providers may declare.
HASH_TYPES = {
    spelling: s.name for s in registry.in_reports() for spelling in (s.name, s.label.lower())
}
_FALSE = {"", "false", "0", "no"}


class XmlReportError(ValueError):
    """A report XML the Centre cannot accept; ``element_path`` names the offending element."""

    def __init__(self, element_path: str, message: str) -> None:
        self.element_path = element_path
        self.message = message
        super().__init__(f"{element_path}: {message}")


class _Forbidden(Exception):
    def __init__(self, what: str) -> None:
        self.what = what


def _refuse(what: str) -> Callable[..., Any]:
    def handler(*_args: Any) -> Any:
        raise _Forbidden(what)

    return handler


def parse_xml_safely(data: bytes | str, *, max_bytes: int = MAX_XML_BYTES) -> ET.Element:
    """Parse a document with no DTD and no entities, at most ``max_bytes`` long.

    Drives expat directly (as defusedxml does) so the DTD and entity handlers can refuse; the C
    ElementTree parser does not expose them. Namespaced names become ``{uri}local``.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise XmlReportError("report", f"the document is larger than {max_bytes} bytes")
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = lambda tag, attrs: builder.start(_qualify(tag), attrs)
    parser.EndElementHandler = lambda tag: builder.end(_qualify(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _refuse("a DOCTYPE declaration")
    parser.EntityDeclHandler = _refuse("an entity declaration")
    parser.UnparsedEntityDeclHandler = _refuse("an unparsed entity declaration")
    parser.ExternalEntityRefHandler = _refuse("an external entity reference")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(raw, True)
        return builder.close()
    except _Forbidden as exc:
        raise XmlReportError("report", f"{exc.what} is not allowed") from None
    except (expat.ExpatError, AssertionError) as exc:
        # AssertionError: TreeBuilder.close() on a document with no element at all.
        line, column = getattr(exc, "lineno", 1), getattr(exc, "offset", 0)
        raise XmlReportError(
            "report", f"not well-formed XML (line {line}, column {column})"
        ) from None


def _qualify(tag: str) -> str:
    return "{" + tag if "}" in tag else tag


def parse_ncmec_xml(
    data: bytes | str,
    *,
    provider_reference: str | None = None,
    now: datetime | None = None,
) -> ReportIn:
    """Read an NCMEC-style report into ``ReportIn``; raises ``XmlReportError``."""
    root = parse_xml_safely(data)
    if root.tag != "report":
        raise XmlReportError(root.tag, "the root element must be <report>")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    reader = _Reader()
    body = reader.report(root)
    body["provider_reference"] = (
        provider_reference or "ncmec-xml:" + hashlib.sha256(raw).hexdigest()[:32]
    )
    try:
        return ReportIn.model_validate(body, context=validation_context(now or utcnow()))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise XmlReportError(reader.path_for(first["loc"]), first["msg"]) from None


class _Reader:
    """Walks the known paths, building the ReportIn body and remembering each value's element."""

    def __init__(self) -> None:
        self.paths: dict[tuple[Any, ...], str] = {}

    def path_for(self, loc: tuple[Any, ...]) -> str:
        # The most specific remembered location the pydantic error falls under.
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.paths:
                return self.paths[loc[:end]]
        return "report"

    def report(self, root: ET.Element) -> dict[str, Any]:
        summary = _one(root, "incidentSummary", "report")
        at = "report/incidentSummary"
        body: dict[str, Any] = {}
        hashes, descriptions = self.files(root)
        body["incident_type"] = self.incident_type(summary, at, bool(hashes))
        body["incident_time"] = _datetime(
            _text(_one(summary, "incidentDateTime", at)), f"{at}/incidentDateTime"
        )
        self.paths[("incident_time",)] = f"{at}/incidentDateTime"
        body["urgent"] = self.urgent(summary)
        body["urls"] = self.urls(root)
        body["reported_users"] = [
            self.user(user, f"report/personOrUserReported[{i}]", i - 1)
            for i, user in enumerate(root.findall("personOrUserReported"), start=1)
        ]
        body["victims"] = [
            self.victim(victim, f"report/victim[{i}]", i - 1)
            for i, victim in enumerate(root.findall("victim"), start=1)
        ]
        body["hashes"] = hashes
        body["file_descriptions"] = descriptions
        info = root.find("additionalInfo")
        body["description"] = _text(info)
        self.paths[("description",)] = "report/additionalInfo"
        return body

    def incident_type(self, summary: ET.Element, at: str, has_hashes: bool) -> str:
        value = " ".join(_text(_one(summary, "incidentType", at)).split())
        if value == CSAM_TYPE:
            return "known_material" if has_hashes else "new_material"
        if value == ENTICEMENT_TYPE:
            return "solicitation"
        raise XmlReportError(
            f"{at}/incidentType",
            f"unsupported incident type {value!r}; expected {CSAM_TYPE!r} or {ENTICEMENT_TYPE!r}",
        )

    def urgent(self, summary: ET.Element) -> bool:
        flag = summary.find("escalateToHighPriority")
        # NCMEC carries the reason for escalation as text; any non-false content means urgent.
        return flag is not None and _text(flag).lower() not in _FALSE

    def urls(self, root: ET.Element) -> list[str]:
        urls: list[str] = []
        details = root.find("internetDetails")
        if details is None:
            return urls
        for i, page in enumerate(details.findall("webPageIncident"), start=1):
            for j, url in enumerate(page.findall("url"), start=1):
                self.paths[("urls", len(urls))] = (
                    f"report/internetDetails/webPageIncident[{i}]/url[{j}]"
                )
                urls.append(_text(url))
        return urls

    def user(self, user: ET.Element, at: str, index: int) -> dict[str, Any]:
        self.paths[("reported_users", index)] = at
        identifiers: list[str] = []
        for name in (
            "screenName",
            "espIdentifier",
            "emailAddress",
            "personOrUserReportedPerson/email",
        ):
            for j, element in enumerate(user.findall(name), start=1):
                value = _text(element)
                if value and value not in identifiers:
                    self.paths[("reported_users", index, "identifiers", len(identifiers))] = (
                        f"{at}/{name}[{j}]"
                    )
                    identifiers.append(value)
        out: dict[str, Any] = {"identifiers": identifiers}
        for name in (
            "country",
            "address/country",
            "personOrUserReportedPerson/address/country",
            "estimatedLocation/countryCode",
        ):
            found = user.find(name)
            if found is not None and _text(found):
                out["country"] = _country(_text(found), f"{at}/{name}")
                self.paths[("reported_users", index, "country")] = f"{at}/{name}"
                break
        out["ip_events"] = [
            self.ip_event(
                event, f"{at}/ipCaptureEvent[{j}]", ("reported_users", index, "ip_events", j - 1)
            )
            for j, event in enumerate(user.findall("ipCaptureEvent"), start=1)
        ]
        return out

    def ip_event(self, event: ET.Element, at: str, loc: tuple[Any, ...]) -> dict[str, Any]:
        ip_at = f"{at}/ipAddress"
        ip_text = _text(_one(event, "ipAddress", at))
        try:
            ip = str(ipaddress.ip_address(ip_text))
        except ValueError:
            raise XmlReportError(ip_at, f"{ip_text!r} is not an IPv4 or IPv6 address") from None
        time_at = f"{at}/dateTime"
        moment = _datetime(_text(_one(event, "dateTime", at)), time_at)
        name = event.find("eventName")
        kind = EVENT_NAMES.get(_text(name).lower(), "other") if name is not None else "other"
        self.paths[loc] = at
        self.paths[(*loc, "ip")] = ip_at
        self.paths[(*loc, "time")] = time_at
        return {"ip": ip, "time": moment, "event": kind}

    def victim(self, victim: ET.Element, at: str, index: int) -> dict[str, Any]:
        self.paths[("victims", index)] = at
        out: dict[str, Any] = {}
        age = victim.find("victimPerson/age")
        if age is not None and _text(age):
            try:
                out["age_estimate"] = int(_text(age))
            except ValueError:
                raise XmlReportError(f"{at}/victimPerson/age", "must be a whole number") from None
            self.paths[("victims", index, "age_estimate")] = f"{at}/victimPerson/age"
        country = victim.find("victimPerson/address/country")
        if country is not None and _text(country):
            out["country"] = _country(_text(country), f"{at}/victimPerson/address/country")
        identifiers = [
            _text(e) for name in ("espIdentifier", "screenName") for e in victim.findall(name)
        ]
        out["identifiers"] = [i for i in identifiers if i]
        return out

    def files(self, root: ET.Element) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
        """The hashes the Centre can match, and a description of each file."""
        hashes: list[dict[str, str]] = []
        descriptions: list[dict[str, Any]] = []
        for i, details in enumerate(root.findall("fileDetails"), start=1):
            at = f"report/fileDetails[{i}]"
            described: dict[str, Any] = {}
            name = details.find("fileName")
            if name is None:
                name = details.find("originalFileName")
            if name is not None and _text(name):
                described["file_name"] = _text(name)
            info = details.find("additionalInfo")
            if info is not None and _text(info):
                described["description"] = _text(info)
            for j, element in enumerate(details.findall("originalFileHash"), start=1):
                signal = HASH_TYPES.get(element.get("hashType", "").strip().lower())
                if signal is None:
                    continue  # a hash type the Centre does not match (SHA1, PhotoDNA...)
                hash_at = f"{at}/originalFileHash[{j}]"
                value = _text(element).lower()
                if len(value) != HASH_HEX_LENGTH[signal] or not _is_hex(value):
                    raise XmlReportError(
                        hash_at,
                        f"a {signal} hash is {HASH_HEX_LENGTH[signal]} hexadecimal characters",
                    )
                self.paths[("hashes", len(hashes))] = hash_at
                hashes.append({"signal": signal, "value": value})
                # The file's first hash identifies it in its description.
                described.setdefault("hash", {"signal": signal, "value": value})
            if described:
                self.paths[("file_descriptions", len(descriptions))] = at
                descriptions.append(described)
        return hashes, descriptions


def _one(parent: ET.Element, name: str, at: str) -> ET.Element:
    found = parent.findall(name)
    if not found:
        raise XmlReportError(f"{at}/{name}", "is required")
    if len(found) > 1:
        raise XmlReportError(f"{at}/{name}[2]", "may appear only once")
    return found[0]


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


def _datetime(text: str, at: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise XmlReportError(at, f"{text!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise XmlReportError(at, "must include a time zone (e.g. 'Z' or '+01:00')")
    return moment


def _country(text: str, at: str) -> str:
    code = text.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise XmlReportError(at, f"{text!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def _is_hex(value: str) -> bool:
    return all(c in "0123456789abcdef" for c in value)


__all__ = [
    "CSAM_TYPE",
    "ENTICEMENT_TYPE",
    "MAX_XML_BYTES",
    "XmlReportError",
    "parse_ncmec_xml",
    "parse_xml_safely",
]
