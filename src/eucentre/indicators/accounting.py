"""Error accounting: per indicator, list, provider and detection method, how many matches, how
many upheld complaints and authorities' "not abuse" outcomes, and the precision they imply
(`rules/precision.py` defines it). For analysts, and exported for the transparency statistics.

Where the counts come from:
- matches: `IndicatorMatch` rows of providers' lookups, plus `ReportMatch` rows (an item of a
  report matched the indicator). Assessment lookups are also written as `IndicatorMatch` rows
  with context "report"; those are left out so a report's match is counted once.
- upheld complaints: distinct upheld complaints linked (through a report) to the indicator.
- not abuse: distinct referrals an authority closed as "not_abuse" whose bundle holds a report
  that matched the indicator.
A list is the list named on the match; a provider is the organisation that looked up or
reported; a detection method is the signal (pdq, md5, sha256, url).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from eucentre.models import (
    Complaint,
    ComplaintLink,
    Indicator,
    IndicatorList,
    IndicatorListMembership,
    IndicatorMatch,
    Organisation,
    Referral,
    Report,
    ReportMatch,
)
from eucentre.rules.precision import Tally

DIMENSIONS = ("indicator", "list", "provider", "method")
# A dimension's rows are grouped by an id (indicator) or a name (list, provider, method), and
# each query gives (key, count) rows. Any: select()'s overloads turn a union of columns into
# object; `table` reads every key through str().
Key = InstrumentedAttribute[Any]
Counts = Select[Any, int]


@dataclass(frozen=True)
class Row:
    dimension: str
    key: str
    tally: Tally

    def as_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "key": self.key,
            "matches": self.tally.matches,
            "upheld_complaints": self.tally.upheld_complaints,
            "not_abuse": self.tally.not_abuse,
            "errors": self.tally.errors,
            "precision": None if self.tally.precision is None else round(self.tally.precision, 6),
        }


def _lookup_matches(dimension: str) -> Counts:
    query = select().select_from(IndicatorMatch).where(IndicatorMatch.context != "report")
    key: Key
    if dimension == "indicator":
        key = IndicatorMatch.indicator_id
    elif dimension == "method":
        key = Indicator.signal
        query = query.join(Indicator, Indicator.id == IndicatorMatch.indicator_id)
    elif dimension == "list":
        key = IndicatorList.name
        query = query.join(
            IndicatorListMembership,
            IndicatorListMembership.indicator_id == IndicatorMatch.indicator_id,
        ).join(IndicatorList, IndicatorList.id == IndicatorListMembership.list_id)
    else:
        key = Organisation.name
        query = query.join(Organisation, Organisation.id == IndicatorMatch.organisation_id)
    return query.add_columns(key, func.count(IndicatorMatch.id)).group_by(key)


def _report_key(dimension: str) -> Key:
    keys: dict[str, Key] = {
        "indicator": ReportMatch.indicator_id,
        "method": ReportMatch.signal,
        "list": ReportMatch.list_name,
        "provider": Organisation.name,
    }
    return keys[dimension]


def _report_matches(dimension: str) -> Counts:
    key = _report_key(dimension)
    query = select(key, func.count(ReportMatch.id)).select_from(ReportMatch)
    if dimension == "provider":
        query = query.join(Report, Report.id == ReportMatch.report_id).join(
            Organisation, Organisation.id == Report.provider_id
        )
    return query.group_by(key)


def _upheld(dimension: str) -> Counts:
    key = _report_key(dimension)
    query = (
        select(key, func.count(distinct(Complaint.id)))
        .select_from(Complaint)
        .join(ComplaintLink, ComplaintLink.complaint_id == Complaint.id)
        .join(ReportMatch, ReportMatch.report_id == ComplaintLink.report_id)
        .where(Complaint.status == "upheld")
    )
    if dimension == "provider":
        query = query.join(Organisation, Organisation.id == Complaint.provider_id)
    return query.group_by(key)


def _not_abuse(dimension: str) -> Counts:
    key = _report_key(dimension)
    query = (
        select(key, func.count(distinct(Referral.id)))
        .select_from(Referral)
        .join(Report, Report.bundle_id == Referral.bundle_id)
        .join(ReportMatch, ReportMatch.report_id == Report.id)
        .where(Referral.outcome == "not_abuse")
    )
    if dimension == "provider":
        query = query.join(Organisation, Organisation.id == Report.provider_id)
    return query.group_by(key)


def table(session: Session, dimension: str, *, indicator_id: int | None = None) -> list[Row]:
    """One dimension's rows, the most errors first, then the most matches; with
    `indicator_id`, only what concerns that indicator."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for position, query, matched in (
        (0, _lookup_matches(dimension), IndicatorMatch.indicator_id),
        (0, _report_matches(dimension), ReportMatch.indicator_id),
        (1, _upheld(dimension), ReportMatch.indicator_id),
        (2, _not_abuse(dimension), ReportMatch.indicator_id),
    ):
        if indicator_id is not None:
            query = query.where(matched == indicator_id)
        for key, count in session.execute(query):
            counts[str(key)][position] += count
    rows = [Row(dimension, key, Tally(*values)) for key, values in counts.items()]
    return sorted(rows, key=lambda r: (-r.tally.errors, -r.tally.matches, r.key))


def for_indicator(session: Session, indicator_id: int) -> Tally:
    found = table(session, "indicator", indicator_id=indicator_id)
    return found[0].tally if found else Tally()


def everything(session: Session) -> dict[str, list[Row]]:
    return {dimension: table(session, dimension) for dimension in DIMENSIONS}


def as_csv(tables: dict[str, list[Row]]) -> str:
    buffer = io.StringIO()
    columns = [
        "dimension",
        "key",
        "matches",
        "upheld_complaints",
        "not_abuse",
        "errors",
        "precision",
    ]
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for rows in tables.values():
        for row in rows:
            writer.writerow(row.as_dict())
    return buffer.getvalue()


def as_json(tables: dict[str, list[Row]]) -> dict[str, Any]:
    return {
        "definition": "precision = 1 - min(errors, matches) / matches; errors = upheld complaints "
        "+ authorities' 'not abuse' outcomes; null when there were no matches",
        "tables": {dimension: [r.as_dict() for r in rows] for dimension, rows in tables.items()},
    }


def totals(rows: Iterable[Row]) -> Tally:
    total = Tally()
    for row in rows:
        total = total + row.tally
    return total
