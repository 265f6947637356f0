"""A known set of reports and complaints, sent through the real API: the JSON, the page, the
CSVs, the SDMX files and the report show the same exact numbers; the data package and the SDMX
files validate; suppression applies below the threshold and not above, and no suppressed cell
can be worked out from the others."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from eucentre.db import transaction
from eucentre.kit.time import utcnow
from eucentre.models import OrganisationKind
from eucentre.reports import review
from eucentre.transparency import report as reporting
from eucentre.transparency import service
from eucentre.transparency.figures import registry
from eucentre.transparency.periods import Period
from tests.factories import make_key, make_organisation
from tests.indicators.helpers import random_pdq, verified
from tests.reports.helpers import report_body

YEAR = utcnow().year
MONTH = f"{YEAR}-{utcnow().month:02d}"
FRIC = Path(sys.executable).parent / "frictionless"


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def send(client, key: str, body: dict) -> int:
    multipart = [("report", (None, json.dumps(body), "application/json"))]
    response = client.post("/api/v1/reports", files=multipart, headers=bearer(key))
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def known(live, session_factory):
    """Alpha: 12 reports of one verified hash (forwarded to DE, 11 of them repeats) and 2 of
    new material (one later found not abuse by an analyst); Beta: 3 empty reports (manifestly
    unfounded); 2 complaints forwarded by Alpha."""
    pdq = random_pdq(7)
    with transaction(session_factory) as session:
        alpha = make_organisation(
            session, kind=OrganisationKind.provider, name="Alpha", country="IE"
        )
        beta = make_organisation(session, kind=OrganisationKind.provider, name="Beta", country="IE")
        make_organisation(session, kind=OrganisationKind.authority, country="DE")
        make_organisation(session, kind=OrganisationKind.authority, country="NL", europol=True)
        keys = {"alpha": make_key(session, alpha), "beta": make_key(session, beta)}
        verified(session, pdq)
    with live.client() as client:
        for n in range(12):
            send(
                client,
                keys["alpha"],
                report_body(provider_reference=f"k-{n}", hashes=[{"signal": "pdq", "value": pdq}]),
            )
        new = [
            send(
                client,
                keys["alpha"],
                report_body(provider_reference=f"n-{n}", incident_type="new_material"),
            )
            for n in range(2)
        ]
        for n in range(3):
            send(
                client,
                keys["beta"],
                report_body(
                    provider_reference=f"e-{n}", description="", reported_users=[], urgent=False
                ),
            )
        for n in range(2):
            response = client.post(
                "/api/v1/complaints",
                headers=bearer(keys["alpha"]),
                json={
                    "provider_reference": f"k-{n}",
                    "complaint_reference": f"c-{n}",
                    "decision_date": (date.today() - timedelta(days=1)).isoformat(),
                    "content_description": "A photo of a garden.",
                    "reason": "There is nobody in this picture at all.",
                },
            )
            assert response.status_code == 201, response.text
    with transaction(session_factory) as session:
        review.unfounded(session, actor="user:9", report_id=new[0], reason="A cartoon cat.")
    return live


EXACT = {
    ("reports_received", "total", ""): 17,
    ("reports_received", "provider", "Alpha"): 14,
    ("reports_received", "provider", "Beta"): 3,
    ("reports_received", "incident_type", "known_material"): 15,
    ("reports_received", "incident_type", "new_material"): 2,
    ("reports_received", "incident_type", "solicitation"): 0,
    ("reports_received", "outcome", "forwarded"): 12,
    ("reports_received", "outcome", "manifestly_unfounded"): 3,
    ("reports_received", "outcome", "not_abuse"): 1,
    ("reports_received", "outcome", "in_assessment"): 1,
    ("reports_received", "month", MONTH): 17,
    ("reports_forwarded_member_state", "member_state", "DE"): 12,
    ("reports_known_material", "total", ""): 12,
    ("reports_manifestly_unfounded", "total", ""): 3,
    ("reports_not_abuse", "total", ""): 1,
    ("reports_repeat", "total", ""): 11,
    ("complaints_received", "total", ""): 2,
    ("complaints_received", "outcome", "open"): 2,
    ("indicators_verified", "total", ""): 1,
}
# With the default threshold of 10: what is hidden, primary or complementary.
SUPPRESSED_AT_10 = {
    ("reports_received", "provider", "Alpha"),  # complementary: total - Beta would give it
    ("reports_received", "provider", "Beta"),
    ("reports_received", "incident_type", "known_material"),  # complementary
    ("reports_received", "incident_type", "new_material"),
    ("reports_received", "outcome", "forwarded"),  # the three small ones add up to 5 < 10
    ("reports_received", "outcome", "manifestly_unfounded"),
    ("reports_received", "outcome", "not_abuse"),
    ("reports_received", "outcome", "in_assessment"),
    ("reports_manifestly_unfounded", "total", ""),
    ("reports_not_abuse", "total", ""),
    ("complaints_received", "total", ""),
    ("complaints_received", "outcome", "open"),
}


def api_cells(client, period: str) -> dict:
    body = client.get("/api/v1/statistics", params={"period": period}).json()
    cells = {}
    for figure in body["figures"]:
        if not figure["collected"]:
            continue
        cells[(figure["code"], "total", "")] = figure["total"]["value"]
        for breakdown, entries in figure["breakdowns"].items():
            for entry in entries:
                assert entry["suppressed"] == (entry["value"] is None)
                cells[(figure["code"], breakdown, entry["category"])] = entry["value"]
    return cells


def csv_cells(client, period: str) -> dict:
    cells = {}
    for table in ("total", "month", "member_state", "provider", "incident_type", "outcome"):
        response = client.get(f"/transparency/data/{period}/{table}.csv")
        assert response.status_code == 200
        for row in csv.DictReader(io.StringIO(response.text)):
            category = "" if table == "total" else row[table]
            value = None if row["suppressed"] == "true" else float(row["value"])
            assert (row["value"] == "") == (value is None)
            cells[(row["figure"], table, category)] = value
    return cells


def sdmx_cells(client, period: str) -> dict:
    cells = {}
    for table, column in (("total", None), ("provider", "PROVIDER"), ("outcome", "OUTCOME")):
        text = client.get(f"/transparency/data/{period}/{table}.sdmx.csv").text
        for row in csv.DictReader(io.StringIO(text)):
            assert row["STRUCTURE"] == "dataflow" and row["ACTION"] == "I"
            value = None if row["CONF_STATUS"] == "C" else float(row["OBS_VALUE"])
            category = row[column] if column else ""
            cells[(row["INDICATOR"].lower(), table, category)] = value
    return cells


def same(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and float(a) == float(b))


def check(cells: dict, *, suppressed: set) -> None:
    for key, value in EXACT.items():
        if key in suppressed:
            assert cells[key] is None, key
        else:
            assert cells[key] is not None and float(cells[key]) == value, (key, cells[key])


def test_every_output_shows_the_same_exact_numbers_without_suppression(known) -> None:
    known.settings.statistics_min_cell = 1
    known.settings.statistics_cache_seconds = 0
    with known.client() as client:
        api = api_cells(client, str(YEAR))
        check(api, suppressed=set())
        csvs = csv_cells(client, str(YEAR))
        assert set(csvs) == set(api)
        assert all(same(csvs[k], api[k]) for k in api)
        sdmx = sdmx_cells(client, str(YEAR))
        assert all(same(sdmx[k], api[k]) for k in sdmx)
        page = client.get("/transparency", params={"period": str(YEAR)}).text
    assert headline(page, "reports_received") == "17"
    assert headline(page, "reports_repeat") == "11"
    assert headline(page, "notices_sent") == "not yet collected"
    assert table_of(page, "chart-reports-received-provider-table") == {"Alpha": "14", "Beta": "3"}


def test_below_the_threshold_cells_are_suppressed_everywhere_alike(
    known, session_factory, tmp_path
) -> None:
    """One world, every output: the API, CSV, SDMX, page, report, data package, vintages."""
    known.settings.statistics_cache_seconds = 0
    with known.client() as client:
        api = api_cells(client, str(YEAR))
        check(api, suppressed=SUPPRESSED_AT_10)
        csvs = csv_cells(client, str(YEAR))
        assert all(same(csvs[k], api[k]) for k in api)
        sdmx = sdmx_cells(client, str(YEAR))
        assert all(same(sdmx[k], api[k]) for k in sdmx)
        page = client.get("/transparency", params={"period": str(YEAR)}).text
        month = api_cells(client, MONTH)
    assert headline(page, "reports_received") == "17"
    assert headline(page, "complaints_received") == "suppressed"
    assert table_of(page, "chart-reports-received-provider-table") == {
        "Alpha": "suppressed",
        "Beta": "suppressed",
    }
    # A month period: the same records, the same suppression.
    assert month[("reports_received", "total", "")] == 17
    assert month[("reports_received", "provider", "Beta")] is None
    check_no_recovery(known)
    check_data_package(known, tmp_path / "package")
    check_sdmx(known)
    check_report(known, session_factory, tmp_path / "report")
    check_vintages(known, session_factory)


def check_no_recovery(known) -> None:
    with known.client() as client:
        body = client.get("/api/v1/statistics", params={"period": str(YEAR)}).json()
    for figure in body["figures"]:
        if not figure["collected"]:
            continue
        total = figure["total"]["value"]
        for breakdown, entries in figure["breakdowns"].items():
            hidden = [e for e in entries if e["suppressed"]]
            if total is None:
                assert hidden or not entries or all(e["value"] == 0 for e in entries)
                continue
            assert len(hidden) != 1, (figure["code"], breakdown)
            if hidden:
                rest = sum(e["value"] for e in entries if not e["suppressed"])
                assert total - rest >= 10, (figure["code"], breakdown)


def check_report(known, session_factory, tmp_path) -> None:
    with transaction(session_factory) as session:
        figures = registry()
        release = reporting.release_for_report(
            session, YEAR, figures=figures, min_cell=10, actor="test"
        )
    assert release.vintage == 1 and release.status == "provisional"
    written = reporting.write(release, tmp_path, ["en", "de"])
    html = (tmp_path / "report.html").read_text()
    assert re.search(
        r'data-figure="reports_received"><th scope="row">[^<]+</th><td class="num">17<', html
    )
    assert table_of(html, "chart-reports-received-provider-table") == {
        "Alpha": "suppressed",
        "Beta": "suppressed",
    }
    assert "vintage 1" in html
    german = (tmp_path / "report.de.html").read_text()
    assert 'lang="de"' in german and "unterdrückt" in german
    from pypdf import PdfReader

    pdf = PdfReader(written[0].pdf)
    root = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged
    assert root["/Lang"] == "en"
    assert b"pdfuaid:part" in root["/Metadata"].get_data()  # declares PDF/UA-1
    assert "vintage 1" in "".join(page.extract_text() for page in pdf.pages)
    # The page reading that vintage shows the same.
    with known.client() as client:
        page = client.get("/transparency", params={"period": str(YEAR), "vintage": "1"}).text
    assert headline(page, "reports_received") == "17"


def check_vintages(known, session_factory) -> None:
    figures = registry()
    with transaction(session_factory) as session:
        first = service.publish(session, Period(YEAR), figures=figures, min_cell=1, actor="test")
    with transaction(session_factory) as session:
        from eucentre.models import Report

        report = session.query(Report).filter_by(provider_reference="n-1").one()
        review.unfounded(session, actor="user:9", report_id=report.id, reason="Not abuse.")
        second = service.publish(session, Period(YEAR), figures=figures, min_cell=1, actor="test")
        again = service.release(
            session, Period(YEAR), figures=figures, min_cell=1, vintage=first.vintage
        )
    assert second.vintage == first.vintage + 1
    assert [v.number for v in again.vintages] == list(range(1, second.vintage + 1))
    assert again.figure("reports_not_abuse").total.value == 1
    assert second.figure("reports_not_abuse").total.value == 2


def test_a_final_vintage_needs_the_period_to_have_ended(session) -> None:
    from eucentre import errors

    with pytest.raises(errors.Conflict):
        service.publish(
            session, Period(YEAR), figures=registry(), min_cell=10, actor="t", final=True
        )
    past = service.publish(
        session, Period(YEAR - 5), figures=registry(), min_cell=10, actor="t", final=True
    )
    assert past.status == "final"
    # A final vintage is what the period shows from then on.
    shown = service.release(session, Period(YEAR - 5), figures=registry(), min_cell=10)
    assert shown.vintage == past.vintage


def check_data_package(known, tmp_path) -> None:
    with known.client() as client:
        package = client.get("/transparency/data/datapackage.json", params={"period": YEAR}).json()
        (tmp_path / str(YEAR)).mkdir(parents=True)
        for resource in package["resources"]:
            (tmp_path / resource["path"]).write_text(
                client.get(f"/transparency/data/{resource['path']}").text, encoding="utf-8"
            )
        catalog = client.get("/transparency/data/catalog.jsonld", params={"period": YEAR})
    (tmp_path / "datapackage.json").write_text(json.dumps(package))
    result = subprocess.run(
        [str(FRIC), "validate", "--json", "datapackage.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:3000]
    assert result.returncode == 0
    assert catalog.headers["content-type"].startswith("application/ld+json")
    record = catalog.json()
    assert record["@type"] == "dcat:Catalog"
    dataset = record["dcat:dataset"][0]
    assert dataset["dct:identifier"] == f"eucentre-statistics-{YEAR}"
    assert len(dataset["dcat:distribution"]) == 13


def check_sdmx(known) -> None:
    from pysdmx.io import read_sdmx

    with known.client() as client:
        for table in ("total", "month", "member_state", "provider", "incident_type", "outcome"):
            text = client.get(f"/transparency/data/{YEAR}/{table}.sdmx.csv").text
            message = read_sdmx(io.BytesIO(text.encode()), validate=True)
            datasets = message.get_datasets()
            assert len(datasets) == 1
            frame = datasets[0].data
            rows = list(csv.DictReader(io.StringIO(text)))
            assert len(frame) == len(rows)
            assert datasets[0].short_urn.endswith(f"DF_STATISTICS_{table.upper()}(1.0)")


def headline(page: str, code: str) -> str:
    found = re.search(
        rf'id="headline-{code}"[^>]*>.*?<p class="figure-value"><strong>([^<]+)</strong>',
        page,
        re.S,
    )
    assert found, code
    return found.group(1).strip()


def table_of(page: str, table_id: str) -> dict:
    body = re.search(rf'<table class="chart-table" id="{table_id}">(.*?)</table>', page, re.S)
    assert body, table_id
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td class="num[^"]*">([^<]+)</td>', body.group(1)
    )
    return dict(rows)
