"""The annual report: `report.html` and a tagged, accessible `report.pdf` (PDF/UA-1, by
WeasyPrint) per language, with the page's charts and tables, a method section and the
figures' vintage.

The report is always of a stored vintage, so that what it says can be found again: the year's
latest final vintage, else its latest provisional one; a year never published is published
first (provisional)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from eucentre.transparency import repository, service
from eucentre.transparency.figures import Figure
from eucentre.transparency.periods import Period
from eucentre.transparency.presentation import Presenter
from eucentre.transparency.release import FINAL, Release

STYLE = Path(__file__).resolve().parent.parent / "web" / "static" / "site.css"
PRINT = """
@page { size: A4; margin: 18mm 16mm; @bottom-right { content: counter(page); } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }
.chart-body { display: block; }
.chart-graphic, .chart-data { width: 100%; }
.chart { break-inside: avoid; }
.cards { display: block; }
.cards li { display: inline-block; width: 30%; margin: 0 1% 1em 0; vertical-align: top; }
"""


@dataclass(frozen=True)
class Written:
    language: str
    html: Path
    pdf: Path | None


def release_for_report(
    session: Session, year: int, *, figures: Sequence[Figure], min_cell: int, actor: str
) -> Release:
    period = Period(year)
    stored = list(repository.vintages(session, period))
    finals = [v for v in stored if v.status == FINAL]
    chosen = (finals or stored)[-1] if stored else None
    if chosen is None:
        return service.publish(session, period, figures=figures, min_cell=min_cell, actor=actor)
    return service.stored(session, period, chosen, figures=figures)


def render_html(release: Release, language: str) -> str:
    from eucentre.web import i18n
    from eucentre.web.templating import build_environment

    gettext = i18n.translations(language).gettext
    presented = Presenter(release, gettext=gettext, language=language).present()
    template = build_environment(language).get_template("transparency_report.html")
    return template.render(
        release=release,
        presented=presented,
        language=language,
        style=STYLE.read_text(encoding="utf-8") + PRINT,
    )


def write_pdf(html: str, path: Path) -> None:
    from weasyprint import HTML  # heavy: only when a report is written

    HTML(string=html, base_url=str(path.parent)).write_pdf(
        str(path), pdf_variant="pdf/ua-1", pdf_tags=True
    )


def write(
    release: Release, out: Path, languages: Sequence[str], *, pdf: bool = True
) -> list[Written]:
    """report.html / report.pdf for the first language, report.<lang>.* for the others."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for index, language in enumerate(languages):
        stem = "report" if index == 0 else f"report.{language}"
        html = render_html(release, language)
        html_path = out / f"{stem}.html"
        html_path.write_text(html, encoding="utf-8")
        pdf_path = out / f"{stem}.pdf" if pdf else None
        if pdf_path is not None:
            write_pdf(html, pdf_path)
        written.append(Written(language, html_path, pdf_path))
    return written
