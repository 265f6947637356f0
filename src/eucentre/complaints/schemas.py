"""What complainants and providers send, and what they get back."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from eucentre.web.i18n import N_

MAX_FORM_BYTES = 16 * 1024


def _no_junk(value: str) -> str:
    """Plain text only: no control characters (other than line breaks and tabs), and some words."""
    value = unicodedata.normalize("NFC", value).strip()
    if any(
        unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t" for ch in value
    ):
        raise ValueError(N_("contains characters that are not text"))
    if value and not re.search(r"\w", value):
        raise ValueError(N_("contains no words"))
    return value


def _one_line(value: str) -> str:
    value = _no_junk(value)
    if "\n" in value or "\r" in value:
        raise ValueError(N_("must be a single line"))
    return value


Text = Annotated[str, AfterValidator(_no_junk)]
Line = Annotated[str, AfterValidator(_one_line)]


class PublicComplaintIn(BaseModel):
    """The public form, as parsed from its fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    provider_id: int = Field(ge=1, le=2**53)
    provider_reference: Line = Field(min_length=1, max_length=200)
    decision_date: date
    content_description: Text = Field(min_length=3, max_length=2000)
    reason: Text = Field(min_length=10, max_length=4000)
    contact: Line | None = Field(None, max_length=320)


class ProviderComplaintIn(BaseModel):
    """A complaint the provider received from its user and forwards to the Centre."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    provider_reference: Line = Field(
        min_length=1, max_length=200, description="Your decision reference (statement of reasons)."
    )
    complaint_reference: Line | None = Field(
        None, max_length=200, description="Your own id for the complaint; a replay returns it."
    )
    decision_date: date
    content_description: Text = Field(min_length=3, max_length=2000)
    reason: Text = Field(min_length=10, max_length=4000)


class MessageOut(BaseModel):
    id: int
    kind: str
    message: str
    available_at: datetime | None
    acknowledged_at: datetime | None


class ComplaintOut(BaseModel):
    id: int
    number: str
    channel: str
    status: str
    provider_reference: str
    complaint_reference: str | None
    received_at: datetime
    deadline_at: datetime
    decided_at: datetime | None
    decision_reason: str
    linked_reports: list[int]
    # What the Centre asks of you: reinstate the content when a complaint was upheld.
    messages: list[MessageOut]


class ComplaintList(BaseModel):
    complaints: list[ComplaintOut]


class NoticeOut(BaseModel):
    """An upheld complaint about a report your authority received through a referral."""

    id: int
    referral_id: int | None
    message: str
    available_at: datetime | None
    acknowledged_at: datetime | None


class NoticeList(BaseModel):
    notices: list[NoticeOut]
