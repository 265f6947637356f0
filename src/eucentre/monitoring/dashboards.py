"""The public dashboards: per framework and indicator, the published figures over time per
Member State and the progress against the target, as server-rendered SVG charts (the shared
chart kit) with their data tables. Only published figures, latest vintage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from babel.numbers import format_decimal
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.access import allow
from eucentre.auth.principals import Principal
from eucentre.db import get_session
from eucentre.kit import charts
from eucentre.monitoring import progress, published
from eucentre.monitoring.observations import Observation
from eucentre.monitoring.registry import Framework, Indicator, registry
from eucentre.web.i18n import N_, gettext_for, negotiate
from eucentre.web.templating import render

router = APIRouter(prefix="/monitoring", include_in_schema=False)
PUBLIC = allow(public=True)
# At most this many lines in one chart: beyond, nobody tells them apart (the table has all).
MAX_LINES = 6
UNITS = {
    "number": N_("number"),
    "kg": N_("kilograms"),
    "hours": N_("hours"),
    "percent": N_("per cent"),
    "rate_per_1000": N_("per 1 000 inhabitants aged 15 to 64"),
    "boolean": N_("1 = yes, 0 = no"),
}
DIRECTIONS = {
    "up": N_("Higher is better"),
    "down": N_("Lower is better"),
    "none": N_("No direction set"),
}


def _framework(code: str) -> Framework:
    found = registry().framework(code)
    if found is None:
        raise errors.NotFound(f"no framework {code[:40]!r}", code="unknown_framework")
    return found


def _totals(framework: Framework, indicator: Indicator, session: Session) -> list[Observation]:
    rows = published.read(
        session,
        registry=registry(),
        reader=published.Reader(),
        framework=registry().stored_framework(framework.code),
        indicator=indicator.code,
    )
    return [row.observation for row in rows if not row.observation.dimensions]


def _number(language: str) -> Callable[[float], str]:
    return lambda value: format_decimal(value, locale=language, format="#,##0.###")


def _texts(_: Callable[[str], str]) -> charts.Texts:
    return charts.Texts(
        suppressed=_("suppressed"),
        table=_("Data table"),
        legend=_("Legend"),
        total=_("Total"),
        summary_series=_("{series}: highest in {category} ({value})."),
        summary_empty=_("{series}: no values shown."),
        summary_suppressed=_("{count} cells are suppressed."),
    )


@router.get("", response_class=HTMLResponse)
def index(request: Request, _: Principal = Depends(PUBLIC)) -> HTMLResponse:
    return render(
        request, "monitoring_index.html", {"frameworks": list(registry().frameworks.values())}
    )


@router.get("/{framework}", response_class=HTMLResponse)
def framework_page(
    framework: str,
    request: Request,
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> HTMLResponse:
    found = _framework(framework)
    base = registry().frameworks[registry().stored_framework(found.code)]
    codes = list(found.aliases) if found.maps_onto else list(found.indicators)
    rows = []
    for code in codes:
        indicator = registry().indicator(found.code, code)
        assert indicator is not None
        totals = _totals(found, indicator, session)
        latest = max((o.time_period for o in totals), default=None)
        rows.append(
            {
                "code": code,
                "title": found.alias_titles[code] if found.maps_onto else indicator.title,
                "indicator": indicator,
                "latest": latest,
                "areas": len({o.ref_area for o in totals if o.time_period == latest}),
            }
        )
    return render(
        request,
        "monitoring_framework.html",
        {"framework": found, "base": base, "rows": rows, "units": UNITS},
    )


@dataclass(frozen=True)
class Picture:
    over_time: Markup | None
    latest: Markup | None
    periods: list[str]
    areas: list[str]
    shown: list[str]


def _pictures(
    indicator: Indicator,
    title: str,
    totals: list[Observation],
    chosen: list[str],
    request: Request,
) -> Picture:
    _ = gettext_for(request)
    language = negotiate(request)
    periods = sorted({o.time_period for o in totals})
    areas = sorted({o.ref_area for o in totals})
    shown = [a for a in chosen if a in areas][:MAX_LINES] or areas[:MAX_LINES]
    values = {(o.ref_area, o.time_period): o.value for o in totals}
    unit = _(UNITS[indicator.unit.code])
    texts, number = _texts(_), _number(language)
    if not periods:
        return Picture(None, None, [], [], [])
    target = (
        charts.Target(indicator.target, _("Target %(year)s") % {"year": indicator.target_year})
        if indicator.target is not None
        else None
    )
    over_time = charts.line_chart(
        chart_id=f"time-{indicator.code.lower()}",
        title=title,
        caption=_("%(title)s over time, by Member State") % {"title": title},
        x_labels=periods,
        series=[charts.Series(a, [values.get((a, p)) for p in periods]) for a in shown],
        unit=unit,
        x_heading=_("Year"),
        target=target,
        texts=texts,
        number=number,
    )
    last = periods[-1]
    reported = [a for a in areas if (a, last) in values]
    latest = charts.bar_chart(
        chart_id=f"latest-{indicator.code.lower()}",
        title=title,
        caption=_("%(title)s in %(year)s, every Member State that reported")
        % {"title": title, "year": last},
        categories=reported,
        series=[charts.Series(last, [values[(a, last)] for a in reported])],
        unit=unit,
        category_heading=_("Member State"),
        horizontal=True,
        texts=texts,
        number=number,
    )
    return Picture(over_time, latest, periods, areas, shown)


@router.get("/{framework}/{code}", response_class=HTMLResponse)
def indicator_page(
    framework: str,
    code: str,
    request: Request,
    area: list[str] = Query([], max_length=MAX_LINES),
    session: Session = Depends(get_session),
    _: Principal = Depends(PUBLIC),
) -> HTMLResponse:
    found = _framework(framework)
    indicator = registry().indicator(found.code, code)
    if indicator is None:
        raise errors.NotFound(f"no indicator {code[:40]!r}", code="unknown_indicator")
    language = negotiate(request)
    title_text = found.alias_titles[code] if found.maps_onto else indicator.title
    title = title_text.in_(language)
    totals = _totals(found, indicator, session)
    picture = _pictures(indicator, title, totals, [a.upper()[:2] for a in area], request)
    return render(
        request,
        "monitoring_dashboard.html",
        {
            "framework": found,
            "indicator": indicator,
            "code": code,
            "title": title,
            "picture": picture,
            "progress": progress.against_target(indicator, totals),
            "units": UNITS,
            "directions": DIRECTIONS,
            "number": _number(language),
            "also": _also(found, indicator),
        },
    )


def _also(found: Framework, indicator: Indicator) -> list[tuple[Framework, str]]:
    """The other frameworks this very figure serves (the roadmap's, or the action plan's)."""
    if found.maps_onto:
        return [(registry().frameworks[found.maps_onto], indicator.code)]
    return [(registry().frameworks[fw], alias) for fw, alias in indicator.also]
