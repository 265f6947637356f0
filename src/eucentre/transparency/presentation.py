"""A release made readable in one language: headline figures, the charts (with their tables)
and the definitions. The page and the annual report both show exactly this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from markupsafe import Markup

from eucentre.kit import charts
from eucentre.platform.manifest import N_
from eucentre.transparency.figures import BREAKDOWNS
from eucentre.transparency.release import Cell, FigureRelease, Release

Gettext = Callable[[str], str]

CATEGORY_LABELS = {
    "known_material": N_("Known material"),
    "new_material": N_("New material"),
    "solicitation": N_("Solicitation"),
    "forwarded": N_("Forwarded to authorities"),
    "manifestly_unfounded": N_("Manifestly unfounded"),
    "not_abuse": N_("Not abuse"),
    "in_assessment": N_("Still in assessment"),
    "open": N_("Open"),
    "pending_uphold": N_("Awaiting a second analyst"),
    "upheld": N_("Upheld"),
    "rejected": N_("Rejected"),
}
CHART_TITLES = {
    ("reports_forwarded_member_state", "member_state"): N_("Reports forwarded, by Member State"),
    ("reports_received", "provider"): N_("Reports received, by provider"),
    ("reports_received", "outcome"): N_("Reports received, by outcome"),
    ("complaints_received", "outcome"): N_("Complaints, by outcome"),
    ("reports_received", "incident_type"): N_("Reports received, by type"),
}
# The words of a vintage's status, as the page shows them.
STATUS_WORDS = (N_("provisional"), N_("final"))
# Lines of the chart by month: these figures' month breakdowns.
MONTHLY = (
    "reports_received",
    "reports_manifestly_unfounded",
    "reports_not_abuse",
    "complaints_received",
)


@dataclass(frozen=True)
class Headline:
    code: str
    title: str
    value: str  # formatted, or the word for suppressed / not yet collected
    unit: str
    state: str  # "value", "suppressed" or "not_collected"


@dataclass(frozen=True)
class Definition:
    code: str
    title: str
    definition: str
    unit: str
    breakdowns: str
    collected: bool


@dataclass(frozen=True)
class Presented:
    headlines: list[Headline]
    charts: list[Markup]
    definitions: list[Definition]
    status: str


class Presenter:
    def __init__(self, release: Release, *, gettext: Gettext, language: str) -> None:
        self.release, self._, self.language = release, gettext, language
        self.locale = Locale.parse(language)

    def number(self, value: float) -> str:
        return format_decimal(value, format="#,##0.#", locale=self.language)

    def month(self, code: str) -> str:
        year, month = code.split("-")
        return format_date(date(int(year), int(month), 1), "MMM yyyy", locale=self.language)

    def category(self, breakdown: str, code: str) -> str:
        if breakdown == "month":
            return self.month(code)
        if breakdown == "member_state":
            return self.locale.territories.get(code, code)
        if code in CATEGORY_LABELS:
            return self._(CATEGORY_LABELS[code])
        return code

    def status(self) -> str:
        _ = self._
        when = format_datetime(self.release.as_of, "medium", locale=self.language)
        if self.release.vintage is None:
            return _("Provisional figures, computed from the records on %(when)s.") % {"when": when}
        if self.release.status == "final":
            words = _("Final figures, vintage %(number)s, published on %(when)s.")
        else:
            words = _("Provisional figures, vintage %(number)s, published on %(when)s.")
        return words % {"number": self.release.vintage, "when": when}

    def texts(self) -> charts.Texts:
        _ = self._
        return charts.Texts(
            suppressed=_("suppressed"),
            table=_("Data table"),
            legend=_("Legend"),
            total=_("Total"),
            summary_series=_("{series}: total {total}; highest {category} ({value})."),
            summary_empty=_("{series}: no values shown."),
            summary_suppressed=_("{count} cells are suppressed (fewer than the threshold)."),
        )

    def present(self) -> Presented:
        return Presented(
            headlines=self.headlines(),
            charts=[c for c in self.charts() if c is not None],
            definitions=self.definitions(),
            status=self.status(),
        )

    def headlines(self) -> list[Headline]:
        _ = self._
        out = []
        for figure in self.release.figures:
            meta = figure.figure
            if not figure.collected:
                value, state = _("not yet collected"), "not_collected"
            elif figure.total is None or figure.total.suppressed:
                value, state = _("suppressed"), "suppressed"
            else:
                value, state = self.number(figure.total.value or 0), "value"
            out.append(Headline(meta.code, _(meta.title), value, _(meta.unit), state))
        return out

    def definitions(self) -> list[Definition]:
        _ = self._
        return [
            Definition(
                f.figure.code,
                _(f.figure.title),
                _(f.figure.definition),
                _(f.figure.unit),
                ", ".join(_(BREAKDOWNS[b]) for b in f.figure.breakdowns),
                f.collected,
            )
            for f in self.release.figures
        ]

    def charts(self) -> list[Markup | None]:
        return [
            self.by_month(),
            self.by_breakdown("reports_forwarded_member_state", "member_state", horizontal=True),
            self.by_breakdown("reports_received", "provider", horizontal=True),
            self.by_breakdown("reports_received", "outcome", horizontal=True),
            self.by_breakdown("complaints_received", "outcome", horizontal=True),
            self.by_breakdown("reports_received", "incident_type"),
        ]

    def _collected(self, code: str) -> FigureRelease | None:
        figure = self.release.figure(code)
        return figure if figure is not None and figure.collected else None

    def by_month(self) -> Markup | None:
        _ = self._
        figures = [f for code in MONTHLY if (f := self._collected(code)) is not None]
        if not figures:
            return None
        months = self.release.period.months()
        series = []
        for figure in figures:
            values = {c.category: c.value for c in figure.cells("month")}
            series.append(charts.Series(_(figure.figure.title), [values.get(m, 0) for m in months]))
        title = _("Reports and complaints by month")
        return charts.line_chart(
            chart_id="chart-month",
            title=title,
            caption=title,
            x_labels=[self.month(m) for m in months],
            series=series,
            unit=_("number"),
            x_heading=_("Month"),
            texts=self.texts(),
            number=self.number,
        )

    def by_breakdown(self, code: str, breakdown: str, *, horizontal: bool = False) -> Markup | None:
        _ = self._
        figure = self._collected(code)
        if figure is None:
            return None
        cells: tuple[Cell, ...] = figure.cells(breakdown)
        title = _(CHART_TITLES[(code, breakdown)])
        if not cells:
            return Markup(
                '<figure class="chart"><figcaption>{}</figcaption><p>{}</p></figure>'
            ).format(title, _("Nothing to show for this period."))
        return charts.bar_chart(
            chart_id=f"chart-{code}-{breakdown}".replace("_", "-"),
            title=title,
            caption=title,
            categories=[self.category(breakdown, c.category) for c in cells],
            series=[charts.Series(_(figure.figure.title), [c.value for c in cells])],
            unit=_(figure.figure.unit),
            category_heading=_(BREAKDOWNS[breakdown]),
            horizontal=horizontal,
            texts=self.texts(),
            number=self.number,
        )
