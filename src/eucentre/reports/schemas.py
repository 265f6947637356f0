"""What a provider sends and what it gets back.

A report carries the data elements of Article 13 of the proposed Regulation laying down rules to
prevent and combat child sexual abuse (COM(2022) 209):

| Art. 13(1) | element                                             | field                         |
|------------|-----------------------------------------------------|-------------------------------|
| (a)        | identification of the provider                      | the authenticated API key     |
| (b)        | date and time stamp of the report                   | set on receipt (received_at)  |
| (c)        | content data (images, videos, text)                 | uploaded files, `hashes`,     |
|            |                                                     | `description`, `urls`         |
| (d)        | other available data related to the abuse           | `file_descriptions`, `urls`   |
| (e)        | known material, new material or solicitation        | `incident_type`               |
| (f)        | geographic location, such as IP addresses           | `reported_users[].ip_events`, |
|            |                                                     | `reported_users[].country`    |
| (g)        | identity of any user involved                       | `reported_users[].identifiers`|
| (h)        | reported also to a third-country authority/entity   | `also_reported_to`            |
| (i)        | whether the material was removed or disabled        | `content_removed`             |
| (j)        | imminent threat to a child / urgent action needed   | `urgent`                      |
| -          | the provider's own case number                      | `provider_reference`          |
| -          | what is known of the children depicted or contacted | `victims`                     |

Every model forbids unknown fields, so a typo is a 422 naming the field rather than silently lost
evidence. Times must be timezone-aware (a naive time is ambiguous by up to 14 hours, which matters
for matching IP events to subscriber records), within the years ``kit.inputs`` allows, and not in
the future beyond a small clock skew. Text carries no control characters (free text may break
lines) and no bidirectional overrides, which would make a reviewer read something else than what
is stored.
Pass ``context={"now": datetime}`` to ``model_validate`` to pin "now" in tests.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from eucentre.kit.inputs import BoundedDatetime, FreeText, LineText, refused_character
from eucentre.kit.time import utcnow
from eucentre.signals import registry

# Limits. They bound the work one report can cause; the API checks the byte limits before parsing.
MAX_REPORT_JSON_BYTES = 1024 * 1024  # 1 MiB of JSON metadata per report
MAX_FILES = 20  # uploaded files per report
MAX_FILE_BYTES = 50 * 1024 * 1024  # 50 MiB per uploaded file
MAX_URLS = 1000
MAX_URL_CHARS = 2048  # the de-facto limit of browsers and most servers
MAX_DESCRIPTION_CHARS = 10_000
MAX_PROVIDER_REFERENCE_CHARS = 200
MAX_REPORTED_USERS = 100
MAX_IDENTIFIERS_PER_USER = 50
MAX_IDENTIFIER_CHARS = 320  # the longest possible e-mail address
MAX_IP_EVENTS_PER_USER = 500
MAX_VICTIMS = 100
MAX_HASHES = 1000
MAX_FILE_DESCRIPTIONS = 1000
MAX_ALSO_REPORTED_TO = 20
MAX_SHORT_TEXT_CHARS = 200
MAX_FILE_DESCRIPTION_CHARS = 2000
MAX_AGE_ESTIMATE = 120
# Provider and Centre clocks disagree a little; more than this in the future is an error.
CLOCK_SKEW = timedelta(minutes=5)

IncidentType = Literal["known_material", "new_material", "solicitation"]
IpEventName = Literal["upload", "login", "registration", "purchase", "other"]
# The signal types providers declare in reports and read back (pdq, md5, sha256), as
# registered when the API is built.
if TYPE_CHECKING:  # the names are known only once the registry is built
    SignalName = str
else:
    SignalName = Literal[tuple(s.name for s in registry.in_reports())]

HASH_HEX_LENGTH: dict[str, int] = {
    s.name: s.hex_length for s in registry.in_reports() if s.hex_length is not None
}
_HEX = re.compile(r"[0-9a-f]+")
_COUNTRY = re.compile(r"[A-Z]{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Strict(BaseModel):
    """Base for every input model: unknown fields are errors, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _country(value: str) -> str:
    code = value.upper()
    if not _COUNTRY.fullmatch(code):
        raise ValueError("must be an ISO 3166-1 alpha-2 country code such as 'DE'")
    return code


def _not_future(moment: datetime, info: ValidationInfo) -> datetime:
    now = (info.context or {}).get("now") or utcnow()
    if moment > now + CLOCK_SKEW:
        raise ValueError("must not be in the future")
    return moment.astimezone(UTC)


def _http_url(value: str) -> str:
    if len(value) > MAX_URL_CHARS:
        raise ValueError(f"must be at most {MAX_URL_CHARS} characters")
    if _CONTROL.search(value) or " " in value or refused_character(value) is not None:
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http or https URL with a host")
    return value


CountryCode = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_country)]
Timestamp = Annotated[BoundedDatetime, AfterValidator(_not_future)]
HttpUrl = Annotated[str, Field(min_length=1), AfterValidator(_http_url)]
Identifier = Annotated[LineText, Field(min_length=1, max_length=MAX_IDENTIFIER_CHARS)]
ShortText = Annotated[LineText, Field(min_length=1, max_length=MAX_SHORT_TEXT_CHARS)]


class HashIn(Strict):
    """A hash the provider computed instead of (or besides) sending the file."""

    signal: SignalName
    value: str = Field(min_length=1, max_length=64)

    @field_validator("value")
    @classmethod
    def _check_value(cls, value: str, info: ValidationInfo) -> str:
        signal = info.data.get("signal")
        if signal is None:  # the signal itself was invalid; that error is reported
            return value
        value = value.lower()
        expected = HASH_HEX_LENGTH[signal]
        if len(value) != expected or not _HEX.fullmatch(value):
            raise ValueError(f"a {signal} hash is {expected} hexadecimal characters")
        return value


class IpEventIn(Strict):
    """An IP address the user was seen at, with when and doing what (Art. 13(1)(f))."""

    ip: str = Field(min_length=2, max_length=45)
    time: Timestamp
    event: IpEventName = "other"

    @field_validator("ip")
    @classmethod
    def _check_ip(cls, value: str) -> str:
        try:
            # Normalised (compressed IPv6, no leading zeros) so equal addresses compare equal.
            return str(ipaddress.ip_address(value))
        except ValueError:
            raise ValueError("is not a valid IPv4 or IPv6 address") from None


class ReportedUserIn(Strict):
    """A user of the service involved in the abuse (Art. 13(1)(g))."""

    identifiers: list[Identifier] = Field(default_factory=list, max_length=MAX_IDENTIFIERS_PER_USER)
    country: CountryCode | None = None
    ip_events: list[IpEventIn] = Field(default_factory=list, max_length=MAX_IP_EVENTS_PER_USER)

    @model_validator(mode="after")
    def _something_to_go_on(self) -> ReportedUserIn:
        # A user with neither identifier, IP event nor country cannot be acted on by anyone.
        if not self.identifiers and not self.ip_events and self.country is None:
            raise ValueError("a reported user needs identifiers, ip_events or a country")
        return self


class VictimIn(Strict):
    """What the provider knows of a child depicted or contacted; all optional."""

    age_estimate: int | None = Field(default=None, ge=0, le=MAX_AGE_ESTIMATE)
    country: CountryCode | None = None
    identifiers: list[Identifier] = Field(default_factory=list, max_length=MAX_IDENTIFIERS_PER_USER)


class FileDescriptionIn(Strict):
    """Context for a file the provider did not send (or could not): name, what it shows, hash."""

    file_name: LineText | None = Field(default=None, min_length=1, max_length=255)
    description: FreeText | None = Field(
        default=None, min_length=1, max_length=MAX_FILE_DESCRIPTION_CHARS
    )
    hash: HashIn | None = None


class ReportIn(Strict):
    """A provider's report (the JSON part; files travel beside it, at most MAX_FILES)."""

    provider_reference: LineText = Field(min_length=1, max_length=MAX_PROVIDER_REFERENCE_CHARS)
    incident_type: IncidentType
    incident_time: Timestamp
    urgent: bool = False
    content_removed: bool = False
    description: FreeText = Field(default="", max_length=MAX_DESCRIPTION_CHARS)
    urls: list[HttpUrl] = Field(default_factory=list, max_length=MAX_URLS)
    reported_users: list[ReportedUserIn] = Field(
        default_factory=list, max_length=MAX_REPORTED_USERS
    )
    victims: list[VictimIn] = Field(default_factory=list, max_length=MAX_VICTIMS)
    also_reported_to: list[ShortText] = Field(default_factory=list, max_length=MAX_ALSO_REPORTED_TO)
    hashes: list[HashIn] = Field(default_factory=list, max_length=MAX_HASHES)
    file_descriptions: list[FileDescriptionIn] = Field(
        default_factory=list, max_length=MAX_FILE_DESCRIPTIONS
    )

    @field_validator("hashes")
    @classmethod
    def _unique_hashes(cls, hashes: list[HashIn]) -> list[HashIn]:
        # Duplicates would count twice in triage; drop them, keeping the provider's order.
        seen: set[tuple[str, str]] = set()
        unique = []
        for item in hashes:
            key = (item.signal, item.value)
            if key not in seen:
                seen.add(key)
                unique.append(item)
        return unique


# --- responses -------------------------------------------------------------------------------

FeedbackKind = Literal[
    "received", "unfounded", "more_information_requested", "referred", "erroneous", "closed"
]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)


class FeedbackOut(Out):
    """One message to the provider, e.g. why a report was manifestly unfounded."""

    at: datetime
    kind: FeedbackKind
    message: str


class HashOut(Out):
    signal: SignalName
    value: str


class FilesOut(Out):
    """What the Centre holds of the report's files: a count and hashes, never content."""

    count: int = Field(ge=0)
    hashes: list[HashOut] = Field(default_factory=list)


class ReportStatusOut(Out):
    """What a provider may read about its own report."""

    id: str  # opaque to the provider
    status: str
    provider_reference: str
    received_at: datetime
    feedback: list[FeedbackOut] = Field(default_factory=list)
    files: FilesOut = Field(default_factory=lambda: FilesOut(count=0))


def validation_context(now: datetime) -> dict[str, Any]:
    """The context that pins "now" for the not-in-the-future checks."""
    return {"now": now}


__all__ = [
    "CLOCK_SKEW",
    "HASH_HEX_LENGTH",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_HASHES",
    "MAX_REPORT_JSON_BYTES",
    "MAX_URLS",
    "FeedbackOut",
    "FileDescriptionIn",
    "FilesOut",
    "HashIn",
    "HashOut",
    "IncidentType",
    "IpEventIn",
    "ReportIn",
    "ReportStatusOut",
    "ReportedUserIn",
    "VictimIn",
    "validation_context",
]
