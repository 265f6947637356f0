"""Error accounting: how often a match turned out to be a mistake.

A *match* is one time an indicator matched something: a provider's lookup, or an item of a
report. An *error* is a match shown to be wrong: a complaint upheld against the removal it
caused, or an authority's "not abuse" outcome on a referral it caused. Precision is the share of
matches not shown to be wrong:

    precision = 1 - min(errors, matches) / matches      (undefined when there were no matches)

It is an upper bound on the true precision: a wrong match that nobody complained about is not
counted as an error. Pure arithmetic, no database.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tally:
    matches: int = 0
    upheld_complaints: int = 0
    not_abuse: int = 0

    @property
    def errors(self) -> int:
        return self.upheld_complaints + self.not_abuse

    @property
    def precision(self) -> float | None:
        return precision(self.matches, self.errors)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.matches + other.matches,
            self.upheld_complaints + other.upheld_complaints,
            self.not_abuse + other.not_abuse,
        )


def precision(matches: int, errors: int) -> float | None:
    """1 - errors/matches, clamped to [0, 1]; None when nothing matched (no evidence either way).

    Errors can outnumber recorded matches (a complaint about a match made before match
    recording began), so they are capped at the matches."""
    if matches < 0 or errors < 0:
        raise ValueError("counts are never negative")
    if matches == 0:
        return None
    return 1 - min(errors, matches) / matches


def as_percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"
