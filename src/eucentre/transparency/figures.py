"""What a figure is, and the registry of every figure the Centre publishes.

A figure is computed from the records by a SQL function (``compute``), never entered by hand.
It has a stable code (used in the JSON, the CSV, the SDMX files and the report), a definition, a
unit, the breakdowns it publishes, and whether small cells of it are suppressed. A figure whose
records are kept by a domain not built yet is *registered without a function*: the page, the data
and the report then say "not yet collected" instead of showing a zero.

Figures come from this package's ``figures_*`` modules and from any installed domain that has a
``statistics`` module with ``FIGURES = (Figure(...), ...)``: a domain adds its figures there
(the notices domain its time to removal, the victims' domain the victims assisted), and a real
figure replaces the placeholder of the same code.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eucentre.platform.manifest import N_, Domains
from eucentre.transparency.periods import Period

TOTAL = "total"
# The breakdowns a figure may publish, in the order they are shown, with their headings.
BREAKDOWNS: dict[str, str] = {
    "month": N_("Month"),
    "member_state": N_("Member State"),
    "provider": N_("Provider"),
    "incident_type": N_("Type of report"),
    "outcome": N_("Outcome"),
}
# Every publication refers to the Union as a whole unless a breakdown says otherwise.
REFERENCE_AREA = "EU"


@dataclass(frozen=True)
class Computed:
    """What a figure's function returns: the total and, per breakdown, category -> value."""

    total: float
    cells: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class Query:
    """What a figure's function gets: the session, the period, and a memo so that figures
    sharing one SQL query (reports by outcome, manifestly unfounded...) run it once."""

    session: Any
    period: Period
    memo: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


@dataclass(frozen=True)
class Figure:
    code: str
    title: str
    definition: str
    unit: str
    breakdowns: tuple[str, ...] = ()
    compute: Callable[[Query], Computed] | None = None
    # The domain whose records it counts (shown while it is not yet collected).
    source: str = ""
    # Counts of people's cases are suppressed below the threshold; counts of hashes are not.
    sensitive: bool = True
    # The same quantity as a cell of another figure: (figure, breakdown, category).
    same_as: tuple[str, str, str] | None = None
    # Categories always listed (with zeros) in this order; others follow as found.
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def collected(self) -> bool:
        return self.compute is not None


def _modules() -> tuple[str, ...]:
    return (
        "eucentre.transparency.figures_reports",
        "eucentre.transparency.figures_complaints",
        "eucentre.transparency.figures_indicators",
        "eucentre.transparency.figures_pending",
    )


def registry(domains: Domains | None = None) -> tuple[Figure, ...]:
    """Every figure, in publication order; a collected figure replaces a placeholder."""
    declared: list[Figure] = []
    for module in _modules():
        declared += importlib.import_module(module).FIGURES
    for manifest in domains.manifests if domains else ():
        name = f"{manifest.package}.statistics"
        if manifest.package and importlib.util.find_spec(name) is not None:
            declared += importlib.import_module(name).FIGURES
    chosen: dict[str, Figure] = {}
    for figure in declared:
        unknown = set(figure.breakdowns) - set(BREAKDOWNS)
        if unknown:
            raise ValueError(f"figure {figure.code}: unknown breakdowns {sorted(unknown)}")
        present = chosen.get(figure.code)
        if present is None or (figure.collected and not present.collected):
            chosen[figure.code] = figure
        elif figure.collected and present.collected:
            raise ValueError(f"figure {figure.code} is registered twice")
    return tuple(chosen.values())
