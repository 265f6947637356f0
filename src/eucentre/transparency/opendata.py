"""The open data of a release: one CSV per table, its Frictionless Data Package (v2), the same
tables as SDMX-CSV 2.0, and a DCAT-AP 3 catalogue record (JSON-LD). Pure: a release in, text or
dicts out.

Tables: ``totals`` (one row per figure) and one per breakdown (``month``, ``member_state``,
``provider``, ``incident_type``, ``outcome``). A suppressed cell has an empty value and
``suppressed`` = true (SDMX: no OBS_VALUE and CONF_STATUS "C").
"""

from __future__ import annotations

import csv
import io
from typing import Any

from eucentre.transparency.figures import BREAKDOWNS, REFERENCE_AREA, TOTAL
from eucentre.transparency.release import FINAL, Release

TABLES = (TOTAL, *BREAKDOWNS)
AGENCY = "EUCENTRE"
SDMX_VERSION = "1.0"
COLUMNS_BEFORE = ("figure", "period")
COLUMNS_AFTER = ("value", "suppressed", "unit", "status", "vintage")


def table_columns(table: str) -> tuple[str, ...]:
    middle = () if table == TOTAL else (table,)
    return (*COLUMNS_BEFORE, *middle, *COLUMNS_AFTER)


def _value(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0")


def table_rows(release: Release, table: str) -> list[tuple[str, ...]]:
    rows = []
    for figure, cell in release.rows(table):
        middle = () if table == TOTAL else (cell.category,)
        rows.append(
            (
                figure.figure.code,
                release.period.code,
                *middle,
                _value(cell.value),
                "true" if cell.suppressed else "false",
                figure.figure.unit,
                release.status,
                "" if release.vintage is None else str(release.vintage),
            )
        )
    return rows


def _csv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def table_csv(release: Release, table: str) -> str:
    return _csv(table_columns(table), table_rows(release, table))


def _field(name: str) -> dict[str, Any]:
    described = {
        "figure": ("string", "The figure's stable code (see the definitions)."),
        "period": ("string", "The reference period: a year (YYYY) or a month (YYYY-MM)."),
        "month": ("string", "The month (YYYY-MM)."),
        "member_state": ("string", "The Member State (ISO 3166-1 alpha-2 code)."),
        "provider": ("string", "The provider (online service) that sent the reports."),
        "incident_type": ("string", "known_material, new_material or solicitation."),
        "outcome": ("string", "The outcome as it stands at the time of the figures."),
        "value": ("number", "The count; empty when suppressed."),
        "suppressed": ("boolean", "Whether the value is suppressed (a small cell)."),
        "unit": ("string", "The unit of the value."),
        "status": ("string", "provisional or final."),
        "vintage": ("integer", "The published vintage; empty for live figures."),
    }
    kind, description = described[name]
    field: dict[str, Any] = {"name": name, "type": kind, "description": description}
    if kind == "boolean":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    if name in ("figure", "period", "suppressed", "status"):
        field["constraints"] = {"required": True}
    return field


def datapackage(release: Release, *, base: str = "") -> dict[str, Any]:
    """The Data Package (v2) describing the CSVs at `base` + `<period>/<table>.csv`."""
    period = release.period.code
    resources = []
    for table in TABLES:
        columns = table_columns(table)
        key = ["figure"] if table == TOTAL else ["figure", table]
        resources.append(
            {
                "name": table.replace("_", "-"),
                "type": "table",
                "path": f"{base}{period}/{table}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": "Totals" if table == TOTAL else f"By {table.replace('_', ' ')}",
                "schema": {
                    "fields": [_field(c) for c in columns],
                    "primaryKey": key,
                    "missingValues": [""],
                },
            }
        )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": f"eucentre-statistics-{period}",
        "title": f"EU Centre statistics {period}",
        "description": (
            "Figures the EU Centre to prevent and counter child sexual abuse publishes under "
            "Articles 83 and 84 of the Regulation, computed from its records. Cells below "
            f"{release.min_cell} are suppressed. Status: {release.status}."
        ),
        "version": f"{release.vintage or 0}.0.0",
        "created": release.as_of.isoformat(timespec="seconds"),
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "keywords": ["child sexual abuse", "transparency", "statistics", "DSA"],
        "resources": resources,
    }


def sdmx_columns(table: str) -> tuple[str, ...]:
    extra = {
        TOTAL: (),
        "month": (),
        "member_state": (),
        "provider": ("PROVIDER",),
        "incident_type": ("INCIDENT_TYPE",),
        "outcome": ("OUTCOME",),
    }[table]
    return (
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        "INDICATOR",
        "REF_AREA",
        "TIME_PERIOD",
        *extra,
        "OBS_VALUE",
        "OBS_STATUS",
        "CONF_STATUS",
        "UNIT_MEASURE",
    )


def dataflow_id(table: str) -> str:
    return f"{AGENCY}:DF_STATISTICS_{table.upper()}({SDMX_VERSION})"


def table_sdmx(release: Release, table: str) -> str:
    """SDMX-CSV 2.0: one observation per row, dimensions then measure then attributes."""
    rows = []
    status = "A" if release.status == FINAL else "P"
    for figure, cell in release.rows(table):
        area, time = REFERENCE_AREA, release.period.code
        extra: tuple[str, ...] = ()
        if table == "month":
            time = cell.category
        elif table == "member_state":
            area = cell.category
        elif table != TOTAL:
            extra = (cell.category,)
        rows.append(
            (
                "dataflow",
                dataflow_id(table),
                "I",
                figure.figure.code.upper(),
                area,
                time,
                *extra,
                _value(cell.value),
                status,
                "C" if cell.suppressed else "F",
                figure.figure.unit.upper().replace(" ", "_"),
            )
        )
    return _csv(sdmx_columns(table), rows)


def catalog(release: Release, *, base: str, page: str) -> dict[str, Any]:
    """A DCAT-AP 3 record (JSON-LD) of the dataset and its distributions."""
    period = release.period.code
    dataset = f"{base}catalog.jsonld#dataset-{period}"
    publisher = {
        "@id": f"{page}#centre",
        "@type": "foaf:Organization",
        "foaf:name": "EU Centre to prevent and counter child sexual abuse",
    }
    licence = {"@id": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"}
    distributions = []
    for table in TABLES:
        for kind, suffix, media in (
            ("CSV", "csv", "text/csv"),
            ("SDMX-CSV", "sdmx.csv", "text/csv"),
        ):
            url = f"{base}{period}/{table}.{suffix}"
            distributions.append(
                {
                    "@id": url,
                    "@type": "dcat:Distribution",
                    "dct:title": f"{table} ({kind})",
                    "dcat:accessURL": {"@id": url},
                    "dcat:downloadURL": {"@id": url},
                    "dcat:mediaType": {
                        "@id": f"http://www.iana.org/assignments/media-types/{media}"
                    },
                    "dct:format": {
                        "@id": "http://publications.europa.eu/resource/authority/file-type/CSV"
                    },
                    "dct:license": licence,
                }
            )
    distributions.append(
        {
            "@id": f"{base}datapackage.json?period={period}",
            "@type": "dcat:Distribution",
            "dct:title": "Data Package (Frictionless, v2)",
            "dcat:accessURL": {"@id": f"{base}datapackage.json?period={period}"},
            "dcat:mediaType": {
                "@id": "http://www.iana.org/assignments/media-types/application/json"
            },
            "dct:format": {
                "@id": "http://publications.europa.eu/resource/authority/file-type/JSON"
            },
            "dct:license": licence,
        }
    )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": f"{base}catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": {"@value": "EU Centre open data", "@language": "en"},
        "dct:description": {
            "@value": "Statistics the EU Centre publishes on its work.",
            "@language": "en",
        },
        "dct:publisher": publisher,
        "foaf:homepage": {"@id": page},
        "dcat:dataset": [
            {
                "@id": dataset,
                "@type": "dcat:Dataset",
                "dct:title": {"@value": f"EU Centre statistics {period}", "@language": "en"},
                "dct:description": {
                    "@value": (
                        "Reports received per provider and per Member State, known and new "
                        "material and solicitation, reports found manifestly unfounded or not "
                        "abuse, repeat reports, complaints and their outcomes, indicators. "
                        f"Small cells (below {release.min_cell}) are suppressed."
                    ),
                    "@language": "en",
                },
                "dct:identifier": f"eucentre-statistics-{period}",
                "dct:publisher": publisher,
                "dct:issued": {
                    "@value": release.as_of.isoformat(timespec="seconds"),
                    "@type": "xsd:dateTime",
                },
                "dct:temporal": {
                    "@type": "dct:PeriodOfTime",
                    "dcat:startDate": {
                        "@value": release.period.start.date().isoformat(),
                        "@type": "xsd:date",
                    },
                    "dcat:endDate": {
                        "@value": release.period.end.date().isoformat(),
                        "@type": "xsd:date",
                    },
                },
                "dct:spatial": {
                    "@id": "http://publications.europa.eu/resource/authority/country/EUR"
                },
                "dcat:theme": {
                    "@id": "http://publications.europa.eu/resource/authority/data-theme/JUST"
                },
                "dct:accessRights": {
                    "@id": "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
                },
                "dcat:keyword": [
                    {"@value": "child sexual abuse", "@language": "en"},
                    {"@value": "transparency", "@language": "en"},
                ],
                "dcat:landingPage": {"@id": page},
                "dcat:distribution": distributions,
            }
        ],
    }
