"""The chart kit: complete, escaped, accessible figures straight from data."""

import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from eucentre.kit import charts
from eucentre.kit.charts import Series, Target, Texts

SVG = "{http://www.w3.org/2000/svg}"


def months_bar(**options: object) -> Markup:
    return charts.bar_chart(
        chart_id="by-month",
        title="Reports by month",
        caption="Reports received, by month",
        categories=["Jan", "Feb", "Mar"],
        series=[Series("Received", [12, None, 30]), Series("Unfounded", [3, 1500, 0])],
        unit="reports",
        category_heading="Month",
        **options,  # type: ignore[arg-type]
    )


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def test_a_bar_chart_is_one_well_formed_figure_with_caption_svg_table_and_summary() -> None:
    figure = parse(months_bar())
    assert figure.tag == "figure"
    assert figure.get("aria-labelledby") == "by-month-caption"
    assert figure.find("figcaption").text == "Reports received, by month"
    svg = figure.find(f".//{SVG}svg")
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "by-month-title by-month-desc"
    assert svg.find(f"{SVG}title").text == "Reports by month"
    summary = figure.find("p").text
    assert svg.find(f"{SVG}desc").text == summary
    assert summary == (
        "Received: total 42; highest Mar (30). Unfounded: total 1\u202f503; highest Feb (1\u202f500)."
        " 1 cells are suppressed."
    )


def test_the_table_has_scoped_headings_right_aligned_numbers_and_suppressed_words() -> None:
    table = parse(months_bar()).find(".//table")
    assert table.find("caption").text == "Data table: Reports by month"
    heads = [(th.get("scope"), th.text) for th in table.find("thead").iter("th")]
    assert heads == [("col", "Month"), ("col", "Received"), ("col", "Unfounded")]
    rows = [
        [row.find("th").get("scope"), row.find("th").text]
        + [(td.get("class"), td.text) for td in row.iter("td")]
        for row in table.find("tbody")
    ]
    assert rows == [
        ["row", "Jan", ("num", "12"), ("num", "3")],
        ["row", "Feb", ("num suppressed", "suppressed"), ("num", "1\u202f500")],
        ["row", "Mar", ("num", "30"), ("num", "0")],
    ]


def test_a_suppressed_cell_is_drawn_as_a_labelled_placeholder_never_as_a_number() -> None:
    svg = parse(months_bar()).find(f".//{SVG}svg")
    words = [t.text for t in svg.iter(f"{SVG}text")]
    assert words.count("suppressed") == 1
    dashed = [r for r in svg.iter(f"{SVG}rect") if r.get("stroke-dasharray")]
    assert len(dashed) == 1
    # Values are labelled directly at the bar ends.
    assert {"12", "30", "3", "0", "1\u202f500"} <= set(words)


def test_series_differ_by_pattern_not_only_by_colour_and_have_a_legend() -> None:
    svg = parse(months_bar()).find(f".//{SVG}svg")
    patterns = list(svg.iter(f"{SVG}pattern"))
    assert [p.get("id") for p in patterns] == ["by-month-p0", "by-month-p1"]
    # Series 1 carries white marks over its colour; series 0 is plain.
    assert len(list(patterns[0])) == 1 and len(list(patterns[1])) == 2
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Received" in texts and "Unfounded" in texts


@pytest.mark.parametrize("horizontal", [False, True])
@pytest.mark.parametrize("stacked", [False, True])
def test_every_layout_renders_well_formed(horizontal: bool, stacked: bool) -> None:
    figure = parse(months_bar(horizontal=horizontal, stacked=stacked))
    svg = figure.find(f".//{SVG}svg")
    bars = [r for r in svg.iter(f"{SVG}rect") if (r.get("fill") or "").startswith("url(")]
    # 5 visible values as bars plus 2 legend swatches.
    assert len(bars) == 7
    for bar in bars:
        assert float(bar.get("width")) >= 0 and float(bar.get("height")) >= 0


def test_stacked_totals_are_labelled_unless_a_segment_is_suppressed() -> None:
    svg = parse(months_bar(stacked=True)).find(f".//{SVG}svg")
    words = [t.text for t in svg.iter(f"{SVG}text")]
    assert "15" in words and "30" in words  # Jan 12+3, Mar 30+0
    assert "suppressed" in words  # Feb has a suppressed segment: no misleading total


def test_everything_is_escaped() -> None:
    nasty = '<script>alert("x")</script>&'
    markup = charts.bar_chart(
        chart_id='c"1',
        title=nasty,
        caption=nasty,
        categories=[nasty],
        series=[Series(nasty, [1])],
        unit=nasty,
        category_heading=nasty,
    )
    assert "<script>" not in markup
    parse(markup)  # still well-formed


def test_texts_and_number_format_are_the_callers() -> None:
    markup = months_bar(
        texts=Texts(suppressed="unterdrückt", table="Datentabelle"),
        number=lambda v: f"{v:.0f}".replace("1500", "1.500"),
        summary="Zusammenfassung.",
    )
    figure = parse(markup)
    assert figure.find(".//table/caption").text == "Datentabelle: Reports by month"
    assert "unterdrückt" in markup and "1.500" in markup
    assert figure.find("p").text == "Zusammenfassung."


def test_a_line_chart_draws_each_series_with_its_own_dash_and_marker_and_a_target() -> None:
    markup = charts.line_chart(
        chart_id="removal",
        title="Median days to removal",
        caption="Time to removal",
        x_labels=["2025-01", "2025-02", "2025-03", "2025-04"],
        series=[Series("Hosts", [3, 2.5, None, 1]), Series("Platforms", [1, 1, 2, 2])],
        unit="days",
        x_heading="Month",
        target=Target(2, "Target"),
    )
    figure = parse(markup)
    svg = figure.find(f".//{SVG}svg")
    lines = list(svg.iter(f"{SVG}polyline"))
    # Hosts breaks at the suppressed month: two runs, one of a single point (no polyline).
    assert len(lines) == 2
    assert {line.get("stroke-dasharray") for line in lines} == {None, "7 4"}
    target = [x for x in svg.iter(f"{SVG}line") if x.get("stroke-dasharray") == "10 4 2 4"]
    assert len(target) == 1
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"Hosts", "Platforms", "Target: 2", "suppressed"} <= set(texts)
    table_rows = [[c.text for c in row] for row in figure.find(".//tbody")]
    assert table_rows == [
        ["2025-01", "3", "1", "2"],
        ["2025-02", "2.5", "1", "2"],
        ["2025-03", "suppressed", "2", "2"],
        ["2025-04", "1", "2", "2"],
    ]


def test_end_labels_never_overlap() -> None:
    markup = charts.line_chart(
        chart_id="same",
        title="t",
        caption="c",
        x_labels=["a", "b"],
        series=[Series(f"s{i}", [5, 5]) for i in range(4)],
        unit="u",
        x_heading="x",
    )
    svg = parse(markup).find(f".//{SVG}svg")
    ys = sorted(float(t.get("y")) for t in svg.iter(f"{SVG}text") if re.fullmatch(r"s\d", t.text))
    assert all(b - a >= 15 for a, b in zip(ys, ys[1:], strict=False))


def test_empty_and_all_zero_data_render_without_dividing_by_zero() -> None:
    for values in ([0, 0], [None, None]):
        parse(
            charts.bar_chart(
                chart_id="z",
                title="t",
                caption="c",
                categories=["a", "b"],
                series=[Series("s", values)],
                unit="u",
                category_heading="h",
            )
        )
        parse(
            charts.line_chart(
                chart_id="z",
                title="t",
                caption="c",
                x_labels=["a", "b"],
                series=[Series("s", values)],
                unit="u",
                x_heading="h",
            )
        )
    parse(
        charts.bar_chart(
            chart_id="none",
            title="t",
            caption="c",
            categories=[],
            series=[Series("s", [])],
            unit="u",
            category_heading="h",
        )
    )


def test_a_series_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="has 1 values, expected 2"):
        charts.bar_chart(
            chart_id="x",
            title="t",
            caption="c",
            categories=["a", "b"],
            series=[Series("s", [1])],
            unit="u",
            category_heading="h",
        )


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("colour", [*charts.PALETTE, charts.INK, charts.GRID, charts.SUPPRESSED])
def test_every_colour_reaches_aa_text_contrast_on_white(colour: str) -> None:
    assert contrast(colour, "#ffffff") >= 4.5


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (0, [0.0, 1.0]),
        (7, [0, 2, 4, 6, 8]),
        (42, [0, 10, 20, 30, 40, 50]),
        (1500, [0, 500, 1000, 1500]),
    ],
)
def test_axis_ticks_are_round(top: float, expected: list[float]) -> None:
    assert charts._nice_ticks(top) == expected
