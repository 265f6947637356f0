"""What the catalogue's API returns."""

from __future__ import annotations

from pydantic import BaseModel, Field


class FacetValue(BaseModel):
    value: str
    label: str
    count: int


class Text(BaseModel):
    language: str
    title: str
    summary: str


class RecordSummary(BaseModel):
    id: int
    type: str
    title: str
    language: str = Field(description="The language of the title and snippet shown.")
    snippet_html: str = Field(
        description="A window of the summary, HTML-escaped, with the words the query matched "
        "in <mark> elements; safe to insert into a page as HTML."
    )
    countries: list[str]
    languages: list[str]
    target_groups: list[str]
    evidence: str
    url: str
    doi: str
    page: str = Field(description="The record's public page.")


class SearchOut(BaseModel):
    total: int
    offset: int
    limit: int
    concepts: list[str] = Field(description="Concepts the query was understood to name.")
    facets: dict[str, list[FacetValue]] = Field(
        description="For each facet, the values the matching records have, with how many of "
        "them have each (a filter on a value returns exactly that many)."
    )
    records: list[RecordSummary]


class Related(BaseModel):
    id: int
    title: str
    type: str


class RecordOut(BaseModel):
    id: int
    type: str
    texts: list[Text]
    countries: list[str]
    languages: list[str]
    target_groups: list[str]
    levels: list[str]
    settings: list[str]
    evidence: str
    evidence_note: str
    evaluates: list[Related]
    evaluated_by: list[Related]
    doi: str
    url: str
    authors: list[str]
    year: int | None
    publisher: str
    contact: str
    concepts: list[str]
    last_reviewed: str | None
    demo: bool = Field(description="Demo content, to be verified before a real publication.")


class ConceptOut(BaseModel):
    id: str
    labels: dict[str, list[str]]


class ConceptList(BaseModel):
    concepts: list[ConceptOut]
