"""What the hash-only API takes and gives. Hashes are checked beyond their shape in
victims/hashes.py, which names each wrong item with a precise code."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from eucentre.kit.inputs import LineText
from eucentre.victims.hashes import SubmittedHash

# 100 hashes of 64 hex characters with their field names take about 11 KiB; a bit more for a
# contact and the language. Nothing else is read.
MAX_BODY_BYTES = 24 * 1024
MAX_FORM_BYTES = 24 * 1024


class HashIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signal: str = Field(max_length=16, description="pdq, md5 or sha256.")
    value: str = Field(max_length=128, description="Lowercase or uppercase hex.")
    quality: int | None = Field(
        None, ge=0, le=100, description="PDQ's quality (0-100); 49 or less is refused."
    )

    def submitted(self) -> SubmittedHash:
        return SubmittedHash(self.signal, self.value, self.quality)


class CaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Bounded by the body limit (about 200 items); more than 100 is refused by name.
    hashes: list[HashIn] = Field(description="1 to 100 hashes of the person's images and videos.")
    language: Literal["en", "de", "fr"] = Field(
        "en", description="The language of the case's information."
    )
    contact: LineText | None = Field(
        None,
        max_length=320,
        description="Only if the person wants to be contacted: kept encrypted, shown only to "
        "the Centre's analysts.",
    )


class HashesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hashes: list[HashIn]


class CaseCreated(BaseModel):
    case_number: str
    pin: str | None = Field(
        description="Shown once. Null only on a replay (same Idempotency-Key) after 15 minutes."
    )
    status: str


class HashOut(BaseModel):
    signal: str
    value: str
    quality: int | None
    added_at: datetime
    withdrawn: bool


class InformationOut(BaseModel):
    kind: Literal["reported", "forwarded", "removed", "notice"]
    at: datetime
    text: str = Field(description="The entry in the case's language.")
    provider: str | None = None
    authority: str | None = None
    country: str | None = Field(None, description="ISO 3166 code of the authority's country.")
    europol: bool = False
    recipient: str | None = None


class CaseOut(BaseModel):
    case_number: str
    status: Literal["open", "withdrawn"]
    language: str
    created_at: datetime
    withdrawn_at: datetime | None
    hashes: list[HashOut]
    information: list[InformationOut] = Field(
        description="Art. 20: one entry per event, oldest first."
    )


class HashesAdded(BaseModel):
    case_number: str
    added: int = Field(description="How many were new (hashes the case holds are skipped).")
    hashes: int = Field(description="How many the case holds now.")


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signal: Literal["pdq", "md5", "sha256"]
    value: str = Field(max_length=128)
    verdict: Literal["removed", "not_matching", "not_abuse"]


class FeedbackOut(BaseModel):
    signal: str
    value: str
    verdict: str
    at: datetime
