"""Reference periods: a calendar year ("2025") or month ("2025-03"), in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
# The Centre's records start long after this; later than next year is a typo, not a period.
FIRST_YEAR = 2000


class InvalidPeriod(ValueError):
    """The text is not a period (the message says why)."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int | None = None

    @classmethod
    def parse(cls, text: str, *, today: datetime | None = None) -> Period:
        found = PATTERN.match(text.strip()) if len(text) <= 7 else None
        if not found:
            raise InvalidPeriod("a period is a year (YYYY) or a month (YYYY-MM)")
        year = int(found.group(1))
        month = int(found.group(2)) if found.group(2) else None
        last = (today or datetime.now(UTC)).year + 1
        if not FIRST_YEAR <= year <= last:
            raise InvalidPeriod(f"the year must be between {FIRST_YEAR} and {last}")
        if month is not None and not 1 <= month <= 12:
            raise InvalidPeriod("the month must be between 01 and 12")
        return cls(year, month)

    @property
    def code(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"

    @property
    def is_year(self) -> bool:
        return self.month is None

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month or 1, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        if self.month is None or self.month == 12:
            return datetime(self.year + 1, 1, 1, tzinfo=UTC)
        return datetime(self.year, self.month + 1, 1, tzinfo=UTC)

    def months(self) -> list[str]:
        """The months it spans, as YYYY-MM codes."""
        if self.month is not None:
            return [self.code]
        return [f"{self.year}-{m:02d}" for m in range(1, 13)]

    def has_ended(self, now: datetime) -> bool:
        return now >= self.end

    def sdmx_code(self) -> str:
        """SDMX TIME_PERIOD: 2025 (annual, "2025-A1" is also valid) or 2025-03."""
        return self.code
