"""The search's query parameters, shared by the API and the public pages: bounded, and every
filter value checked against its vocabulary (an unknown value is a 422 naming the parameter)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Query

from eucentre import errors
from eucentre.prevention.query import MAX_QUERY
from eucentre.prevention.search import MAX_FILTER_VALUES, MAX_OFFSET, MAX_PAGE
from eucentre.prevention.vocabulary import FACETS


@dataclass(frozen=True)
class SearchParams:
    q: str
    filters: dict[str, list[str]]
    offset: int
    limit: int


def search_params(
    q: str = Query("", max_length=MAX_QUERY, description="Words in any language."),
    type: list[str] = Query(
        [],
        max_length=MAX_FILTER_VALUES,
        description="research, programme, training, campaign, helpline",
    ),  # noqa: A002, E501
    country: list[str] = Query([], max_length=MAX_FILTER_VALUES, description="ISO 3166-1 alpha-2"),
    language: list[str] = Query(
        [],
        max_length=MAX_FILTER_VALUES,
        description="ISO 639-1: a language the record's service is offered in",
    ),  # noqa: E501
    target: list[str] = Query([], max_length=MAX_FILTER_VALUES, description="A target group"),
    evidence: list[str] = Query(
        [],
        max_length=MAX_FILTER_VALUES,
        description="effective, promising, prudent, pioneering, not_rated",
    ),  # noqa: E501
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    limit: int = Query(10, ge=1, le=MAX_PAGE),
) -> SearchParams:
    chosen = {
        "type": type,
        "country": [value.upper() for value in country],
        "language": [value.lower() for value in language],
        "target": target,
        "evidence": evidence,
    }
    for name, values in chosen.items():
        known = FACETS[name][0]
        unknown = [value for value in values if value not in known]
        if unknown:
            raise errors.UnprocessableEntity(
                [
                    {
                        "field": f"query.{name}",
                        "message": f"unknown value {unknown[0][:40]!r}",
                        "type": "unknown_filter",
                    }
                ],
                code="unknown_filter",
            )
    return SearchParams(
        q=q, filters={k: v for k, v in chosen.items() if v}, offset=offset, limit=limit
    )
