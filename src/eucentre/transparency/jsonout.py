"""A release as JSON (the API's body), with the figures' metadata."""

from __future__ import annotations

from typing import Any

from eucentre.transparency.figures import REFERENCE_AREA, TOTAL
from eucentre.transparency.release import Cell, Release


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 4)


def cell(one: Cell) -> dict[str, Any]:
    return {"category": one.category, "value": _number(one.value), "suppressed": one.suppressed}


def release_json(release: Release, *, breakdown: str | None = None) -> dict[str, Any]:
    figures = []
    for figure in release.figures:
        meta = figure.figure
        chosen = (
            [b for b in meta.breakdowns if breakdown in (None, b)] if breakdown != TOTAL else []
        )
        entry: dict[str, Any] = {
            "code": meta.code,
            "title": meta.title,
            "definition": meta.definition,
            "unit": meta.unit,
            "reference_area": REFERENCE_AREA,
            "collected": figure.collected,
        }
        if figure.collected:
            total = figure.total or Cell("", None)
            entry["total"] = {"value": _number(total.value), "suppressed": total.suppressed}
            entry["breakdowns"] = {b: [cell(c) for c in figure.cells(b)] for b in chosen}
        else:
            entry["total"] = None
            entry["breakdowns"] = {}
            entry["note"] = f"not yet collected (kept by the {meta.source} domain)"
        if breakdown is None or breakdown == TOTAL or chosen:
            figures.append(entry)
    return {
        "period": release.period.code,
        "status": release.status,
        "vintage": release.vintage,
        "as_of": release.as_of.isoformat(),
        "min_cell": release.min_cell,
        "vintages": [
            {"number": v.number, "status": v.status, "published_at": v.published_at.isoformat()}
            for v in release.vintages
        ],
        "figures": figures,
    }
