"""What a catalogue record holds, validated the same way whoever sends it (an editor's form, an
import file): bounded text without control characters, codes from the vocabularies."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from eucentre.kit.inputs import refused_character
from eucentre.prevention import concepts
from eucentre.prevention.vocabulary import (
    COUNTRIES,
    LANGUAGES,
    Evidence,
    Level,
    RecordType,
    Setting,
    TargetGroup,
)

DOI = re.compile(r"10\.\d{4,9}/\S{1,300}")
MAX_LIST = 40


def _clean_line(value: str) -> str:
    bad = refused_character(value, allowed=frozenset())
    if bad is not None:
        raise ValueError(f"must not contain the character U+{ord(bad):04X}")
    return value.strip()


def _clean_text(value: str) -> str:
    bad = refused_character(value)
    if bad is not None:
        raise ValueError(f"must not contain the character U+{ord(bad):04X}")
    return value.strip()


Line = Annotated[str, Field(max_length=500), AfterValidator(_clean_line)]
LongText = Annotated[str, Field(max_length=8000), AfterValidator(_clean_text)]


def _url(value: str) -> str:
    value = _clean_line(value)
    if value and not re.fullmatch(r"https?://[^\s<>\"]{3,1990}", value):
        raise ValueError("must be an http(s) address")
    return value


Url = Annotated[str, Field(max_length=2000), AfterValidator(_url)]


def normalise_doi(value: str) -> str:
    """ "https://doi.org/10.1/ABC" and "doi:10.1/abc" are one DOI: 10.1/abc."""
    value = value.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    return value.lower()


class Text(BaseModel):
    """A title and summary in one language."""

    model_config = ConfigDict(extra="forbid")

    language: str
    title: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_clean_line)]
    summary: LongText = ""

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError("not a language code of the catalogue")
        return value


def _codes(values: list[str], known: object, what: str) -> list[str]:
    unknown = [value for value in values if value not in known]  # type: ignore[operator]
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown[:5])}")
    return sorted(dict.fromkeys(values))


class RecordData(BaseModel):
    """A record's content (one revision)."""

    model_config = ConfigDict(extra="forbid")

    type: RecordType
    texts: list[Text] = Field(min_length=1, max_length=30)
    countries: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    languages: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    target_groups: list[TargetGroup] = Field(default_factory=list, max_length=MAX_LIST)
    levels: list[Level] = Field(default_factory=list, max_length=3)
    settings: list[Setting] = Field(default_factory=list, max_length=MAX_LIST)
    evidence: Evidence = Evidence.not_rated
    evidence_note: LongText = ""
    # Research records: the programmes they evaluate (record ids). Programmes: the studies
    # behind their evidence rating (record ids of research).
    evaluates: list[int] = Field(default_factory=list, max_length=MAX_LIST)
    doi: Annotated[str, Field(max_length=320)] = ""
    url: Url = ""
    authors: list[Line] = Field(default_factory=list, max_length=100)
    year: int | None = Field(default=None, ge=1900, le=2199)
    publisher: Line = ""
    contact: Line = ""
    concepts: list[str] = Field(default_factory=list, max_length=MAX_LIST)

    @field_validator("countries")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        return _codes([v.upper() for v in values], COUNTRIES, "country")

    @field_validator("languages")
    @classmethod
    def _languages(cls, values: list[str]) -> list[str]:
        return _codes([v.lower() for v in values], LANGUAGES, "language")

    @field_validator("concepts")
    @classmethod
    def _concepts(cls, values: list[str]) -> list[str]:
        return _codes(values, concepts.BY_ID, "concept")

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str) -> str:
        value = normalise_doi(_clean_line(value))
        if value and not DOI.fullmatch(value):
            raise ValueError("not a DOI (10.NNNN/...)")
        return value

    @field_validator("evaluates")
    @classmethod
    def _ids(cls, values: list[int]) -> list[int]:
        if any(not 1 <= v <= 2**31 - 1 for v in values):
            raise ValueError("not a record id")
        return sorted(set(values))

    @model_validator(mode="after")
    def _one_text_per_language(self) -> RecordData:
        languages = [text.language for text in self.texts]
        if len(set(languages)) != len(languages):
            raise ValueError("one title and summary per language")
        return self

    def identity(self) -> str | None:
        """What makes the record the same record in another import: its DOI, else its URL."""
        if self.doi:
            return f"doi:{self.doi}"
        if self.url:
            return f"url:{self.url.rstrip('/').lower()}"
        return None

    def text_in(self, language: str) -> Text:
        """The text in a language, else English, else the first."""
        for wanted in (language, "en"):
            for text in self.texts:
                if text.language == wanted:
                    return text
        return self.texts[0]
