"""What every channel (web form, XLSX, SDMX-CSV, JSON, the platform's own counts) turns its input
into before validation: raw rows, still as sent, and the checked observations. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The observation statuses accepted (SDMX code list CL_OBS_STATUS): normal, break in series,
# estimated, provisional.
OBS_STATUSES = ("A", "B", "E", "P")
DEFAULT_STATUS = "A"

Key = tuple[str, str, str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class RawObservation:
    """One row as sent. `row` is its place for the sender: the line of a CSV file (the header
    is line 1), the row of a sheet, or the position in a JSON list (from 1)."""

    row: int
    indicator: str
    ref_area: str
    time_period: str
    value: Any
    status: str | None = None
    dimensions: Mapping[str, str] = field(default_factory=dict)
    unit: str | None = None


@dataclass(frozen=True)
class Observation:
    """A checked observation: `dimensions` holds only the indicator's disaggregations that are
    not totals, sorted, so two observations of one cell have one key."""

    indicator: str
    ref_area: str
    time_period: str
    dimensions: tuple[tuple[str, str], ...]
    value: float
    status: str = DEFAULT_STATUS
    row: int = field(default=0, compare=False)

    @property
    def key(self) -> Key:
        return (self.indicator, self.ref_area, self.time_period, self.dimensions)

    @property
    def dimensions_key(self) -> str:
        return dimensions_key(self.dimensions)


def dimensions_key(dimensions: tuple[tuple[str, str], ...]) -> str:
    """ "DRUG=COCAINE;SEX=F", or "" for the total: stored, so one cell is one row."""
    return ";".join(f"{name}={value}" for name, value in dimensions)


def parse_dimensions_key(text: str) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    return tuple(tuple(part.split("=", 1)) for part in text.split(";"))  # type: ignore[misc]


def format_value(value: float, *, integer: bool) -> str:
    """As the exports write it: integers without a decimal point, others as short as exact."""
    if integer or value == int(value):
        return str(int(value))
    return repr(value)


@dataclass(frozen=True)
class Problem:
    """A rule one row broke (or, as a warning, a jump to confirm)."""

    row: int
    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "rule": self.rule, "message": self.message}
