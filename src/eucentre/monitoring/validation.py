"""The rules a Member State's figures must follow before they are stored (docs/monitoring.md,
"Validation", says the same in words). Pure: plain data in, observations and problems out.

A submission is all or nothing: any problem refuses the whole of it. Warnings (a jump over the
indicator's ratio from last period) refuse it too until the sender confirms them.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eucentre.monitoring.observations import (
    DEFAULT_STATUS,
    OBS_STATUSES,
    Key,
    Observation,
    Problem,
    RawObservation,
)
from eucentre.monitoring.registry import NOT_APPLICABLE, TOTAL, Framework, Indicator, Registry

NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,9})?")
LARGEST = 1e15
# Where a problem list is cut: enough to fix a file, bounded however bad it is.
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Context:
    """Who sends, for which round. `country` is the coordinator's Member State (None: the
    Centre itself, which fills in its own counts)."""

    registry: Registry
    framework: Framework
    period: str
    country: str | None
    # Last period's published values, by key (indicator, ref_area, period, dimensions).
    previous: Mapping[Key, float]


@dataclass(frozen=True)
class Outcome:
    observations: list[Observation]
    problems: list[Problem]
    warnings: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _value(raw: object, indicator: Indicator) -> tuple[float | None, str | None, str]:
    """The value, or why it is not one: (value, rule, message)."""
    if isinstance(raw, bool) or raw is None:
        return None, "not_a_number", "the value is missing or not a number"
    if isinstance(raw, int | float):
        number = float(raw)
    elif isinstance(raw, str) and NUMBER.fullmatch(raw.strip()):
        number = float(raw.strip())
    else:
        return None, "not_a_number", f"{str(raw)[:40]!r} is not a number (write 1234 or 12.5)"
    if not math.isfinite(number) or abs(number) >= LARGEST:
        return None, "not_a_number", "the value is too large"
    unit = indicator.unit
    if unit.minimum is not None and number < unit.minimum:
        rule = "negative_count" if unit.code == "number" else "below_minimum"
        return None, rule, f"{indicator.code} cannot be negative ({_show(number)})"
    if unit.integer and number != int(number):
        return None, "not_an_integer", f"{indicator.code} counts whole units ({unit.code})"
    if unit.maximum is not None and number > unit.maximum:
        return None, "above_maximum", f"a {unit.code} value is at most {_show(unit.maximum)}"
    return number, None, ""


def _show(number: float) -> str:
    return str(int(number)) if number == int(number) else f"{number:g}"


def _dimensions(
    raw: RawObservation, indicator: Indicator, framework: Framework
) -> tuple[tuple[tuple[str, str], ...] | None, Problem | None]:
    found = []
    for name, value in raw.dimensions.items():
        value = (value or "").strip()
        if name not in indicator.disaggregations:
            if value not in ("", NOT_APPLICABLE, TOTAL):
                return None, Problem(
                    raw.row,
                    name,
                    "dimension_not_applicable",
                    f"{indicator.code} is not broken down by {name}: leave it empty",
                )
            continue
        if value in ("", TOTAL):
            continue
        allowed = indicator.allowed.get(name) or tuple(framework.dimensions[name].values)
        if value not in allowed:
            return None, Problem(
                raw.row,
                name,
                "unknown_dimension_value",
                f"{name} {value[:40]!r} is not one of {', '.join(allowed)}",
            )
        found.append((name, value))
    return tuple(sorted(found)), None


def check_row(raw: RawObservation, context: Context) -> Observation | Problem:
    """One row on its own: the indicator, the country, the period, the value."""
    indicator = context.registry.indicator(context.framework.code, raw.indicator.strip())
    if indicator is None:
        return Problem(
            raw.row,
            "INDICATOR",
            "unknown_indicator",
            f"{raw.indicator[:60]!r} is not an indicator of {context.framework.code}",
        )
    ref_area = raw.ref_area.strip().upper()
    if context.country is not None and indicator.by_platform:
        return Problem(
            raw.row,
            "INDICATOR",
            "filled_by_platform",
            f"{indicator.code} is filled in by the Centre from its records",
        )
    if context.country is not None and ref_area != context.country:
        return Problem(
            raw.row,
            "REF_AREA",
            "wrong_country",
            f"you report for {context.country} only, not {ref_area[:8]!r}",
        )
    if ref_area not in context.framework.ref_areas:
        return Problem(raw.row, "REF_AREA", "unknown_ref_area", f"{ref_area[:8]!r} is not known")
    if raw.time_period.strip() != context.period:
        return Problem(
            raw.row,
            "TIME_PERIOD",
            "wrong_period",
            f"this round is for {context.period}, not {raw.time_period.strip()[:12]!r}",
        )
    if raw.unit not in (None, "") and raw.unit.strip() != indicator.unit.code:
        return Problem(
            raw.row,
            "UNIT_MEASURE",
            "unit_mismatch",
            f"{indicator.code} is reported in {indicator.unit.code}, not {raw.unit[:20]!r}",
        )
    value, rule, message = _value(raw.value, indicator)
    if value is None:
        return Problem(raw.row, "OBS_VALUE", rule or "not_a_number", message)
    status = (raw.status or "").strip().upper() or DEFAULT_STATUS
    if status not in OBS_STATUSES:
        return Problem(
            raw.row,
            "OBS_STATUS",
            "invalid_status",
            f"OBS_STATUS must be one of {', '.join(OBS_STATUSES)}",
        )
    dimensions, problem = _dimensions(raw, indicator, context.framework)
    if problem is not None or dimensions is None:
        return problem or Problem(raw.row, "", "invalid", "invalid")
    return Observation(
        indicator=indicator.code,
        ref_area=ref_area,
        time_period=context.period,
        dimensions=dimensions,
        value=value,
        status=status,
        row=raw.row,
    )


def _parts_exceeding(observations: Sequence[Observation], context: Context) -> list[Problem]:
    """For an additive unit, the parts of any cell (one more dimension broken down) add up to at
    most the cell itself, when both are given."""
    cells = {obs.key: obs for obs in observations}
    sums: dict[tuple[Key, str], list[Observation]] = defaultdict(list)
    for obs in observations:
        indicator = context.registry.indicator(context.framework.code, obs.indicator)
        if indicator is None or not indicator.unit.additive:
            continue
        for position, (name, _) in enumerate(obs.dimensions):
            parent = obs.dimensions[:position] + obs.dimensions[position + 1 :]
            sums[((obs.indicator, obs.ref_area, obs.time_period, parent), name)].append(obs)
    problems = []
    for (parent_key, name), parts in sums.items():
        whole = cells.get(parent_key)
        total = sum(part.value for part in parts)
        if whole is not None and total > whole.value + 1e-9:
            first = min(parts, key=lambda part: part.row)
            problems.append(
                Problem(
                    first.row,
                    name,
                    "parts_exceed_total",
                    f"{parent_key[0]} by {name} adds up to {_show(total)}, more than the "
                    f"total {_show(whole.value)} (row {whole.row})",
                )
            )
    return sorted(problems, key=lambda problem: problem.row)


def _jumps(observations: Sequence[Observation], context: Context) -> list[Problem]:
    warnings = []
    for obs in observations:
        indicator = context.registry.indicator(context.framework.code, obs.indicator)
        if indicator is None or indicator.jump_ratio is None:
            continue
        before = context.previous.get((obs.indicator, obs.ref_area, _previous(obs), obs.dimensions))
        if not before or not obs.value:
            continue
        ratio = max(obs.value / before, before / obs.value)
        if ratio > indicator.jump_ratio:
            warnings.append(
                Problem(
                    obs.row,
                    "OBS_VALUE",
                    "jump",
                    f"{obs.indicator}: {_show(obs.value)} is {ratio:.1f} times last period's "
                    f"{_show(before)} (more than {indicator.jump_ratio:g}); confirm it is right",
                )
            )
    return warnings


def _previous(obs: Observation) -> str:
    return previous_period(obs.time_period)


def previous_period(period: str) -> str:
    return str(int(period) - 1) if period.isdigit() else ""


def validate(rows: Sequence[RawObservation], context: Context) -> Outcome:
    """Every row checked; duplicates, parts over totals and jumps across rows."""
    observations: list[Observation] = []
    problems: list[Problem] = []
    seen: dict[Key, int] = {}
    for raw in rows:
        checked = check_row(raw, context)
        if isinstance(checked, Problem):
            problems.append(checked)
        elif checked.key in seen:
            problems.append(
                Problem(
                    raw.row,
                    "INDICATOR",
                    "duplicate_observation",
                    f"the same observation as row {seen[checked.key]}",
                )
            )
        else:
            seen[checked.key] = raw.row
            observations.append(checked)
        if len(problems) >= MAX_PROBLEMS:
            break
    if not rows:
        problems.append(Problem(0, "", "no_observations", "the submission holds no observation"))
    if not problems:
        problems = _parts_exceeding(observations, context)
    warnings = _jumps(observations, context) if not problems else []
    return Outcome(observations, problems[:MAX_PROBLEMS], warnings[:MAX_PROBLEMS])
