"""Charts anyone can read: server-rendered SVG beside its data table, no JavaScript.

Two pure functions turn data into one complete, escaped ``<figure>`` (a ``markupsafe.Markup``):

``bar_chart(chart_id=, title=, caption=, categories=, series=, unit=, category_heading=,
horizontal=False, stacked=False, summary=None, texts=Texts(), number=format_number)``
    Bars per category, one bar per series side by side (grouped) or on top of each other
    (``stacked=True``); ``horizontal=True`` for long category names (Member States, providers).

``line_chart(chart_id=, title=, caption=, x_labels=, series=, unit=, x_heading=, target=None,
summary=None, texts=Texts(), number=format_number)``
    One line per series over ``x_labels`` (e.g. months), with an optional horizontal target line
    (``target=Target(value, label)``).

Data is ``Series(label, values)``: one value per category (or x label), an int or float, or
``None`` for a **suppressed** cell, which is drawn as a dashed placeholder labelled
``texts.suppressed`` and shown as that word in the table, never as a number or a zero.
Values are expected to be non-negative (negatives are drawn at zero; the table shows them).

Each figure holds: a ``<figcaption>`` (the caption), an SVG with ``role="img"``, ``<title>`` and
``<desc>`` (the summary), the data table (``<th scope>``, numbers in ``td.num``, right-aligned by
the site's stylesheet) and the text summary as a paragraph. Series are told apart by colour AND by
pattern (bars) or by dash and marker shape (lines), with a legend, and are labelled directly
(values at bar ends, names at line ends). Every colour has at least 4.5:1 contrast on white.

All strings the chart writes itself (``suppressed``, ``Data table``, the summary templates) come
from ``texts`` so callers pass translations; ``number`` formats numbers (pass a locale-aware one).
``chart_id`` must be unique in the page (it prefixes the SVG ids). Nothing here knows a domain.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

Value = int | float | None

# Dark enough for text and bars on white (>= 4.5:1) and for white text and separators on them.
PALETTE = ("#0b4f8a", "#a34400", "#1e6b35", "#6a3d9a", "#a3165a", "#4d4d4d")
INK = "#1b1b1b"
GRID = "#767676"  # 4.5:1 on white
SUPPRESSED = "#595959"
DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 4", "1 5")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "bar")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Value]


@dataclass(frozen=True)
class Target:
    value: float
    label: str


@dataclass(frozen=True)
class Texts:
    """Every word the charts write themselves; pass translated ones."""

    suppressed: str = "suppressed"
    table: str = "Data table"
    legend: str = "Legend"
    total: str = "Total"
    # Summary templates: {series} {total} {category} {value} {count}
    summary_series: str = "{series}: total {total}; highest {category} ({value})."
    summary_empty: str = "{series}: no values shown."
    summary_suppressed: str = "{count} cells are suppressed."


def format_number(value: float) -> str:
    """Plain default: integers with thin-space thousands, other numbers with one decimal."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.1f}".replace(",", "\u202f")


def bar_chart(
    *,
    chart_id: str,
    title: str,
    caption: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str,
    category_heading: str,
    horizontal: bool = False,
    stacked: bool = False,
    summary: str | None = None,
    texts: Texts = Texts(),  # noqa: B008 -- frozen, safe as a default
    number: Callable[[float], str] = format_number,
) -> Markup:
    _check(categories, series)
    summary = summary if summary is not None else _summary(categories, series, texts, number)
    svg = _Bars(chart_id, categories, series, unit, horizontal, stacked, texts, number).svg(
        title, summary
    )
    table = _table(chart_id, title, category_heading, categories, series, texts, number, None)
    return _figure(chart_id, caption, svg, table, summary)


def line_chart(
    *,
    chart_id: str,
    title: str,
    caption: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    unit: str,
    x_heading: str,
    target: Target | None = None,
    summary: str | None = None,
    texts: Texts = Texts(),  # noqa: B008
    number: Callable[[float], str] = format_number,
) -> Markup:
    _check(x_labels, series)
    summary = summary if summary is not None else _summary(x_labels, series, texts, number)
    svg = _Lines(chart_id, x_labels, series, unit, target, texts, number).svg(title, summary)
    table = _table(chart_id, title, x_heading, x_labels, series, texts, number, target)
    return _figure(chart_id, caption, svg, table, summary)


# ---------------------------------------------------------------- shared pieces


def _check(categories: Sequence[str], series: Sequence[Series]) -> None:
    if not series:
        raise ValueError("a chart needs at least one series")
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(
                f"series {one.label!r} has {len(one.values)} values, expected {len(categories)}"
            )


def _shown(value: Value) -> float:
    return max(float(value), 0.0) if value is not None else 0.0


def _nice_ticks(top: float, count: int = 5) -> list[float]:
    """0 .. a round maximum >= top, in 1/2/5 x 10^k steps."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if step < 1 and top >= 1:
        step = 1.0
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _summary(
    categories: Sequence[str],
    series: Sequence[Series],
    texts: Texts,
    number: Callable[[float], str],
) -> str:
    parts = []
    suppressed = 0
    for one in series:
        known = [(c, v) for c, v in zip(categories, one.values, strict=True) if v is not None]
        suppressed += len(one.values) - len(known)
        if not known:
            parts.append(texts.summary_empty.format(series=one.label))
            continue
        category, value = max(known, key=lambda pair: pair[1])
        total = sum(v for _, v in known)
        parts.append(
            texts.summary_series.format(
                series=one.label, total=number(total), category=category, value=number(value)
            )
        )
    if suppressed:
        parts.append(texts.summary_suppressed.format(count=suppressed))
    return " ".join(parts)


def _figure(chart_id: str, caption: str, svg: str, table: str, summary: str) -> Markup:
    cid = escape(chart_id)
    # Every piece was escaped as it was built; this is the one place they become markup.
    return Markup(  # noqa: S704
        f'<figure class="chart" id="{cid}" aria-labelledby="{cid}-caption">'
        f'<figcaption id="{cid}-caption">{escape(caption)}</figcaption>'
        f'<div class="chart-body"><div class="chart-graphic">{svg}</div>'
        f'<div class="chart-data">{table}</div></div>'
        f'<p class="chart-summary">{escape(summary)}</p></figure>'
    )


def _table(
    chart_id: str,
    title: str,
    heading: str,
    categories: Sequence[str],
    series: Sequence[Series],
    texts: Texts,
    number: Callable[[float], str],
    target: Target | None,
) -> str:
    head = "".join(f'<th scope="col" class="num">{escape(s.label)}</th>' for s in series)
    if target is not None:
        head += f'<th scope="col" class="num">{escape(target.label)}</th>'
    rows = []
    for index, category in enumerate(categories):
        cells = "".join(_cell(s.values[index], texts, number) for s in series)
        if target is not None:
            cells += f'<td class="num">{escape(number(target.value))}</td>'
        rows.append(f'<tr><th scope="row">{escape(category)}</th>{cells}</tr>')
    return (
        f'<table class="chart-table" id="{escape(chart_id)}-table">'
        f"<caption>{escape(texts.table)}: {escape(title)}</caption>"
        f'<thead><tr><th scope="col">{escape(heading)}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _cell(value: Value, texts: Texts, number: Callable[[float], str]) -> str:
    if value is None:
        return f'<td class="num suppressed">{escape(texts.suppressed)}</td>'
    return f'<td class="num">{escape(number(value))}</td>'


def _svg_open(chart_id: str, width: float, height: float, title: str, summary: str) -> str:
    cid = escape(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" class="chart-svg" '
        f'font-family="system-ui, sans-serif" font-size="12" fill="{INK}">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(summary)}</desc>'
    )


def _patterns(chart_id: str, count: int) -> str:
    """One fill per series: its colour plus white lines at its own angle (series 0: plain)."""
    defs = []
    for index in range(count):
        colour = PALETTE[index % len(PALETTE)]
        style = index % 5
        marks = {
            0: "",
            1: '<path d="M0 8 L8 0" stroke="#fff" stroke-width="1.5"/>',
            2: '<circle cx="4" cy="4" r="1.4" fill="#fff"/>',
            3: '<path d="M0 4 H8" stroke="#fff" stroke-width="1.5"/>',
            4: '<path d="M0 0 L8 8 M0 8 L8 0" stroke="#fff" stroke-width="1.2"/>',
        }[style]
        defs.append(
            f'<pattern id="{escape(chart_id)}-p{index}" width="8" height="8" '
            f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{colour}"/>'
            f"{marks}</pattern>"
        )
    return f"<defs>{''.join(defs)}</defs>"


def _fill(chart_id: str, index: int) -> str:
    return f"url(#{escape(chart_id)}-p{index})"


def _legend_bars(chart_id: str, series: Sequence[Series], x: float, y: float) -> str:
    out = []
    for index, one in enumerate(series):
        top = y + index * 18
        out.append(
            f'<rect x="{x:g}" y="{top:g}" width="14" height="14" fill="{_fill(chart_id, index)}" '
            f'stroke="{INK}" stroke-width="1"/>'
            f'<text x="{x + 20:g}" y="{top + 11:g}">{escape(_clip(one.label, 40))}</text>'
        )
    return "".join(out)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# ---------------------------------------------------------------- bars


class _Bars:
    BAND = 22  # px per bar across its thickness

    def __init__(
        self,
        chart_id: str,
        categories: Sequence[str],
        series: Sequence[Series],
        unit: str,
        horizontal: bool,
        stacked: bool,
        texts: Texts,
        number: Callable[[float], str],
    ) -> None:
        self.id, self.categories, self.series = chart_id, categories, series
        self.unit, self.horizontal, self.stacked = unit, horizontal, stacked
        self.texts, self.number = texts, number
        per_category = 1 if stacked else len(series)
        self.thickness = self.BAND * per_category + 12
        if stacked:
            tops = [sum(_shown(s.values[i]) for s in series) for i in range(len(categories))]
        else:
            tops = [_shown(v) for s in series for v in s.values]
        self.ticks = _nice_ticks(max(tops, default=0.0))

    def svg(self, title: str, summary: str) -> str:
        legend_height = 18 * len(self.series) + 8 if len(self.series) > 1 else 0
        if self.horizontal:
            label_width = min(220, 12 + 7 * max((len(c) for c in self.categories), default=4))
            left, length = label_width, 440
            width = left + length + 90
            top = 28
            height = top + self.thickness * len(self.categories) + 30 + legend_height
        else:
            left, top = 64, 28
            length = 280
            width = max(480, left + self.thickness * len(self.categories) + 20)
            height = top + length + 70 + legend_height
        scale = length / self.ticks[-1]
        parts = [
            _svg_open(self.id, width, height, title, summary),
            _patterns(self.id, len(self.series)),
        ]
        parts.append(self._axis(left, top, length, scale))
        for index, category in enumerate(self.categories):
            start = (top if self.horizontal else left) + index * self.thickness + 6
            parts.append(self._category(index, category, start, left, top, length, scale))
        if legend_height:
            legend_y = height - legend_height + 4
            parts.append(_legend_bars(self.id, self.series, 8, legend_y))
        parts.append("</svg>")
        return "".join(parts)

    def _axis(self, left: float, top: float, length: float, scale: float) -> str:
        out = [f'<text x="{left:g}" y="16" font-weight="600">{escape(self.unit)}</text>']
        for tick in self.ticks:
            label = escape(self.number(tick))
            if self.horizontal:
                x = left + tick * scale
                bottom = top + self.thickness * len(self.categories)
                out.append(
                    f'<line x1="{x:g}" y1="{top:g}" x2="{x:g}" y2="{bottom:g}" stroke="{GRID}" '
                    f'stroke-width="{1 if tick == 0 else 0.5}"/>'
                    f'<text x="{x:g}" y="{bottom + 16:g}" text-anchor="middle">{label}</text>'
                )
            else:
                y = top + length - tick * scale
                right = left + self.thickness * len(self.categories)
                out.append(
                    f'<line x1="{left:g}" y1="{y:g}" x2="{right:g}" y2="{y:g}" stroke="{GRID}" '
                    f'stroke-width="{1 if tick == 0 else 0.5}"/>'
                    f'<text x="{left - 6:g}" y="{y + 4:g}" text-anchor="end">{label}</text>'
                )
        return "".join(out)

    def _category(
        self,
        index: int,
        category: str,
        start: float,
        left: float,
        top: float,
        length: float,
        scale: float,
    ) -> str:
        out = []
        name = escape(_clip(category, 30))
        band = self.thickness - 12
        if self.horizontal:
            out.append(
                f'<text x="{left - 8:g}" y="{start + band / 2 + 4:g}" '
                f'text-anchor="end">{name}</text>'
            )
        else:
            x = start + band / 2
            y = top + length + 16
            rotate = len(self.categories) > 6
            anchor = "end" if rotate else "middle"
            transform = f' transform="rotate(-40 {x:g} {y:g})"' if rotate else ""
            out.append(f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}"{transform}>{name}</text>')
        offset = 0.0
        any_suppressed = False
        for number_of, one in enumerate(self.series):
            value = one.values[index]
            across = start if self.stacked else start + number_of * self.BAND
            if value is None:
                any_suppressed = True
                if not self.stacked:
                    out.append(self._suppressed(across, offset, left, top, length))
                continue
            size = _shown(value) * scale
            out.append(self._bar(number_of, across, offset, size, left, top, length))
            if not self.stacked:
                out.append(self._value_label(value, across, size, left, top, length))
            else:
                offset += size
        if self.stacked:
            if any_suppressed:
                out.append(self._suppressed(start, offset, left, top, length))
            else:
                total = sum(_shown(s.values[index]) for s in self.series)
                out.append(self._value_label(total, start, offset, left, top, length))
        return "".join(out)

    def _bar(
        self,
        series_index: int,
        across: float,
        offset: float,
        size: float,
        left: float,
        top: float,
        length: float,
    ) -> str:
        thick = float(self.BAND - 4)
        if self.horizontal:
            x, y, w, h = left + offset, across, size, thick
        else:
            x, y, w, h = across, top + length - offset - size, thick, size
        return (
            f'<rect x="{x:g}" y="{y:g}" width="{w:.2f}" height="{h:.2f}" '
            f'fill="{_fill(self.id, series_index)}" stroke="#fff" stroke-width="1"/>'
        )

    def _value_label(
        self, value: float, across: float, size: float, left: float, top: float, length: float
    ) -> str:
        text = escape(self.number(value))
        thick = self.BAND - 4
        if self.horizontal:
            return f'<text x="{left + size + 4:g}" y="{across + thick / 2 + 4:g}">{text}</text>'
        return (
            f'<text x="{across + thick / 2:g}" y="{top + length - size - 4:g}" '
            f'text-anchor="middle" font-size="10">{text}</text>'
        )

    def _suppressed(
        self, across: float, offset: float, left: float, top: float, length: float
    ) -> str:
        """A dashed empty box where the bar would start, and the word beside it."""
        thick = self.BAND - 4
        word = escape(self.texts.suppressed)
        common = f'fill="none" stroke="{SUPPRESSED}" stroke-width="1" stroke-dasharray="3 2"'
        if self.horizontal:
            x = left + offset
            return (
                f'<rect x="{x + 1:g}" y="{across:g}" width="12" height="{thick:g}" {common}/>'
                f'<text x="{x + 18:g}" y="{across + thick / 2 + 4:g}" fill="{SUPPRESSED}" '
                f'font-style="italic">{word}</text>'
            )
        y = top + length - offset
        cx = across + thick / 2
        return (
            f'<rect x="{across:g}" y="{y - 12:g}" width="{thick:g}" height="12" {common}/>'
            f'<text x="{cx:g}" y="{y - 16:g}" fill="{SUPPRESSED}" font-size="10" '
            f'font-style="italic" text-anchor="start" transform="rotate(-90 {cx:g} {y - 16:g})">'
            f"{word}</text>"
        )


# ---------------------------------------------------------------- lines


class _Lines:
    def __init__(
        self,
        chart_id: str,
        x_labels: Sequence[str],
        series: Sequence[Series],
        unit: str,
        target: Target | None,
        texts: Texts,
        number: Callable[[float], str],
    ) -> None:
        self.id, self.x_labels, self.series, self.unit = chart_id, x_labels, series, unit
        self.target, self.texts, self.number = target, texts, number
        values = [_shown(v) for s in series for v in s.values]
        if target is not None:
            values.append(max(target.value, 0.0))
        self.ticks = _nice_ticks(max(values, default=0.0))

    def svg(self, title: str, summary: str) -> str:
        left, top, plot_h = 64, 28, 260
        plot_w = max(360, 44 * max(len(self.x_labels) - 1, 1))
        right = 150
        width = left + plot_w + right
        height = top + plot_h + 70
        scale = plot_h / self.ticks[-1]
        step = plot_w / max(len(self.x_labels) - 1, 1)

        def xy(index: int, value: float) -> tuple[float, float]:
            return left + index * step, top + plot_h - _shown(value) * scale

        parts = [_svg_open(self.id, width, height, title, summary)]
        parts.append(f'<text x="{left:g}" y="16" font-weight="600">{escape(self.unit)}</text>')
        for tick in self.ticks:
            y = top + plot_h - tick * scale
            parts.append(
                f'<line x1="{left:g}" y1="{y:g}" x2="{left + plot_w:g}" y2="{y:g}" '
                f'stroke="{GRID}" stroke-width="{1 if tick == 0 else 0.5}"/>'
                f'<text x="{left - 6:g}" y="{y + 4:g}" text-anchor="end">'
                f"{escape(self.number(tick))}</text>"
            )
        rotate = len(self.x_labels) > 8
        for index, label in enumerate(self.x_labels):
            x, y = left + index * step, top + plot_h + 16
            transform = f' transform="rotate(-40 {x:g} {y:g})"' if rotate else ""
            anchor = "end" if rotate else "middle"
            parts.append(
                f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}"{transform}>'
                f"{escape(_clip(label, 14))}</text>"
            )
        ends: list[tuple[float, int]] = []
        for number_of, one in enumerate(self.series):
            parts.append(self._line(number_of, one, xy, top + plot_h))
            last = next(
                (i for i in range(len(one.values) - 1, -1, -1) if one.values[i] is not None), None
            )
            if last is not None:
                ends.append((xy(last, one.values[last] or 0)[1], number_of))
        if self.target is not None:
            y = xy(0, self.target.value)[1]
            parts.append(
                f'<line x1="{left:g}" y1="{y:g}" x2="{left + plot_w:g}" y2="{y:g}" '
                f'stroke="{INK}" stroke-width="2" stroke-dasharray="10 4 2 4"/>'
            )
            ends.append((y, -1))
        parts.append(self._end_labels(ends, left + plot_w + 8))
        parts.append("</svg>")
        return "".join(parts)

    def _line(
        self,
        index: int,
        one: Series,
        xy: Callable[[int, float], tuple[float, float]],
        baseline: float,
    ) -> str:
        colour = PALETTE[index % len(PALETTE)]
        dash = DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out = []
        run: list[tuple[float, float]] = []
        runs = []
        for i, value in enumerate(one.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                x = xy(i, 0)[0]
                out.append(
                    f'<circle cx="{x:g}" cy="{baseline - 6:g}" r="4" fill="#fff" '
                    f'stroke="{SUPPRESSED}" stroke-dasharray="2 2"/>'
                    f'<text x="{x:g}" y="{baseline - 14:g}" fill="{SUPPRESSED}" font-size="10" '
                    f'font-style="italic" transform="rotate(-90 {x:g} {baseline - 14:g})">'
                    f"{escape(self.texts.suppressed)}</text>"
                )
                continue
            run.append(xy(i, value))
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
                out.insert(
                    0,
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                    f"{dash_attr}/>",
                )
            for x, y in points:
                out.append(_marker(MARKERS[index % len(MARKERS)], x, y, colour))
        return "".join(out)

    def _end_labels(self, ends: list[tuple[float, int]], x: float) -> str:
        """Names at the line ends, pushed apart so they never overlap."""
        placed: list[tuple[float, int]] = []
        for y, index in sorted(ends):
            if placed and y - placed[-1][0] < 15:
                y = placed[-1][0] + 15
            placed.append((y, index))
        out = []
        for y, index in placed:
            if index < 0 and self.target is not None:
                label = f"{self.target.label}: {self.number(self.target.value)}"
                colour = INK
            else:
                label = self.series[index].label
                colour = PALETTE[index % len(PALETTE)]
                out.append(_marker(MARKERS[index % len(MARKERS)], x + 4, y, colour))
            out.append(
                f'<text x="{x + 12:g}" y="{y + 4:g}" fill="{colour}">'
                f"{escape(_clip(label, 20))}</text>"
            )
        return "".join(out)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    paint = f'fill="{colour}" stroke="#fff" stroke-width="1"'
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" {paint}/>'
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" {paint}/>'
    if kind == "triangle":
        return (
            f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} '
            f'L{x - 5:.1f} {y + 4:.1f}Z" {paint}/>'
        )
    if kind == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} '
            f'L{x - 5:.1f} {y:.1f}Z" {paint}/>'
        )
    if kind == "cross":
        return (
            f'<path d="M{x - 4:.1f} {y - 4:.1f} L{x + 4:.1f} {y + 4:.1f} M{x - 4:.1f} {y + 4:.1f} '
            f'L{x + 4:.1f} {y - 4:.1f}" stroke="{colour}" stroke-width="2.5"/>'
        )
    return f'<rect x="{x - 5:.1f}" y="{y - 2:.1f}" width="10" height="4" {paint}/>'
