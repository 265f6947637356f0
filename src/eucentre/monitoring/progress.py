"""Progress against an indicator's target, per Member State. Pure.

For each Member State with published totals: its value in the baseline year (if reported), its
latest value, and whether the target is met, in the indicator's direction (up: at least the
target; down: at most it). With a baseline, the share of the way from the baseline to the target
covered so far (0 to 100 %; beyond the target counts as 100 %, away from it as 0 %).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eucentre.monitoring.observations import Observation
from eucentre.monitoring.registry import Indicator


@dataclass(frozen=True)
class Progress:
    ref_area: str
    baseline: float | None
    latest_period: str
    latest: float
    met: bool
    share: float | None  # 0..1 of the way from the baseline to the target


def _met(indicator: Indicator, value: float) -> bool:
    assert indicator.target is not None
    if indicator.direction == "down":
        return value <= indicator.target
    return value >= indicator.target


def against_target(indicator: Indicator, totals: Sequence[Observation]) -> list[Progress]:
    if indicator.target is None:
        return []
    by_area: dict[str, dict[str, float]] = {}
    for obs in totals:
        if not obs.dimensions:
            by_area.setdefault(obs.ref_area, {})[obs.time_period] = obs.value
    rows = []
    for area, values in sorted(by_area.items()):
        latest_period = max(values)
        latest = values[latest_period]
        baseline = values.get(str(indicator.baseline_year)) if indicator.baseline_year else None
        share = None
        if baseline is not None and baseline != indicator.target:
            share = (latest - baseline) / (indicator.target - baseline)
            share = min(max(share, 0.0), 1.0)
        rows.append(Progress(area, baseline, latest_period, latest, _met(indicator, latest), share))
    return rows
