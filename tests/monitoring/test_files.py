"""Files in and out: the export read back gives identical observations (SDMX-CSV and JSON); the
XLSX template filled in and sent back; hostile workbooks refused before openpyxl reads them."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest

from eucentre.db import transaction
from eucentre.monitoring import repository, service, xlsx
from eucentre.monitoring.registry import registry
from tests.monitoring.helpers import make_coordinator, open_round

DRUGS_HEADER = "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,DRUG,SEX,AGE,OFFENCE,OBS_VALUE,OBS_STATUS"
DRUGS = "dataflow,EUCENTRE:DF_DRUGS(1.0),I"
LINES = [
    "DR_DEATHS,DE,2024,_Z,_T,_T,_Z,120,A",
    "DR_DEATHS,DE,2024,_Z,F,_T,_Z,30,E",
    "DR_DEATHS,DE,2024,_Z,_T,Y_LT25,_Z,20,A",
    "DR_SEIZURES_QUANTITY,DE,2024,COCAINE,_Z,_Z,_Z,1234.125,P",
    "DR_GPS_PREVALENCE,DE,2024,CANNABIS,F,Y15T34,_Z,12.5,A",
    "DR_LAW_OFFENCES,DE,2024,_Z,_Z,_Z,SUPPLY,880,A",
    "DR_HRDU,DE,2024,_Z,_Z,_Z,_Z,3.2,A",
]


@pytest.fixture
def de(session_factory):
    with transaction(session_factory) as session:
        return make_coordinator(session, "DE")


def stored_values(session_factory, submission_id: int):
    with transaction(session_factory) as session:
        return sorted(
            (o.indicator, o.ref_area, o.time_period, o.dimensions, o.value, o.status)
            for o in repository.observations_of(session, submission_id)
        )


def publish_all(session_factory) -> None:
    with transaction(session_factory) as session:
        for s in repository.submissions(session, status="pending"):
            service.decide(session, actor="user:9", submission_id=s.id, publish=True)


def test_sdmx_csv_and_json_round_trip_give_identical_observations(
    live, session_factory, de
) -> None:
    open_round(session_factory, "drugs", "2024")
    body = ("\r\n".join([DRUGS_HEADER, *(f"{DRUGS},{line}" for line in LINES)]) + "\r\n").encode()
    with live.client(headers={"Authorization": f"Bearer {de.key}"}) as client:
        first = client.post(
            "/api/v1/monitoring/submissions", content=body, headers={"Content-Type": "text/csv"}
        )
        assert first.status_code == 201, first.text
        publish_all(session_factory)
        exported = client.get("/api/v1/monitoring/data", params={"framework": "drugs"})
        assert exported.headers["content-type"].startswith("text/csv")
        again = client.post(
            "/api/v1/monitoring/submissions",
            content=exported.content,
            headers={"Content-Type": "text/csv"},
        )
        assert again.status_code == 201, again.text
        as_json = client.get(
            "/api/v1/monitoring/data", params={"framework": "drugs", "format": "json"}
        ).json()
        thrice = client.post(
            "/api/v1/monitoring/submissions",
            content=json.dumps({"round": "drugs-2024", "observations": as_json["observations"]}),
            headers={"Content-Type": "application/json"},
        )
        assert thrice.status_code == 201, thrice.text
    ids = [r.json()["submissions"][0]["id"] for r in (first, again, thrice)]
    original = stored_values(session_factory, ids[0])
    assert len(original) == len(LINES)
    assert stored_values(session_factory, ids[1]) == original
    assert stored_values(session_factory, ids[2]) == original
    publish_all(session_factory)
    with live.client() as client:
        final = client.get("/api/v1/monitoring/data", params={"framework": "drugs"})
    assert final.text == exported.text


def test_one_figure_serves_the_western_balkans_roadmap(live, session_factory) -> None:
    with transaction(session_factory) as session:
        rs = make_coordinator(session, "RS")
    open_round(session_factory, "firearms", "2024")
    body = (
        b"STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,OBS_STATUS\r\n"
        b"dataflow,EUCENTRE:DF_FIREARMS(1.0),I,FA_SEIZURES,RS,2024,77,A\r\n"
    )
    with live.client() as client:
        sent = client.post("/api/v1/monitoring/submissions", content=body, headers=rs.headers())
        assert sent.status_code == 201, sent.text
        publish_all(session_factory)
        roadmap = client.get(
            "/api/v1/monitoring/data", params={"framework": "western_balkans", "format": "json"}
        ).json()
        by_alias = client.get(
            "/api/v1/monitoring/data",
            params={"framework": "firearms", "indicator": "WB_G3_SEIZURES", "format": "json"},
        ).json()
    assert [(o["indicator"], o["ref_area"], o["value"]) for o in roadmap["observations"]] == [
        ("WB_G3_SEIZURES", "RS", 77.0)
    ]
    assert roadmap["structure_id"] == "EUCENTRE:DF_WESTERN_BALKANS(1.0)"
    assert [o["indicator"] for o in by_alias["observations"]] == ["FA_SEIZURES"]


def fill_template(data: bytes, values: dict[tuple[str, str], object]) -> bytes:
    """The template with OBS_VALUE set where (indicator, breakdown cell) is in `values`."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[xlsx.SHEET]
    header = [c.value for c in sheet[1]]
    value_at = header.index("OBS_VALUE")
    for row in sheet.iter_rows(min_row=2):
        key = (row[0].value, row[header.index("FIREARM_CATEGORY")].value)
        if key in values:
            row[value_at].value = values[key]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_xlsx_template_filled_in_and_sent_back(live, session_factory, de) -> None:
    round_id = open_round(session_factory, "firearms", "2024")
    with live.client(headers={"Authorization": f"Bearer {de.key}"}) as client:
        template = client.get(f"/api/v1/monitoring/rounds/{round_id}/template.xlsx")
        assert template.status_code == 200
        assert template.headers["content-type"] == xlsx.MEDIA_TYPE
        filled = fill_template(
            template.content,
            {("FA_SEIZURES", "_T"): 50, ("FA_SEIZURES", "B"): 20, ("FA_FOCAL_POINT", "_Z"): 1},
        )
        sent = client.post(
            f"/api/v1/monitoring/rounds/{round_id}/xlsx",
            content=filled,
            headers={"Content-Type": xlsx.MEDIA_TYPE},
        )
        assert sent.status_code == 201, sent.text
        negative = client.post(
            f"/api/v1/monitoring/rounds/{round_id}/xlsx",
            content=fill_template(template.content, {("FA_SEIZURES", "A"): -1}),
            headers={"Content-Type": xlsx.MEDIA_TYPE},
        )
    made = sent.json()["submissions"][0]
    assert (made["channel"], made["observations"]) == ("xlsx", 3)
    assert stored_values(session_factory, made["id"]) == [
        ("FA_FOCAL_POINT", "DE", "2024", (), 1.0, "A"),
        ("FA_SEIZURES", "DE", "2024", (), 50.0, "A"),
        ("FA_SEIZURES", "DE", "2024", (("FIREARM_CATEGORY", "B"),), 20.0, "A"),
    ]
    assert negative.status_code == 422
    [problem] = negative.json()["detail"]["problems"]
    assert (problem["row"], problem["rule"]) == (4, "negative_count")  # row 1 is the header


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_hostile_or_broken_workbooks_are_refused() -> None:
    framework = registry().frameworks["firearms"]
    good = xlsx.template(framework, round_label="firearms-2024", period="2024", ref_area="DE",
                         previous={})  # fmt: skip
    bomb = _zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * (30 * 2**20)})
    many = _zip({f"part{i}.xml": b"x" for i in range(300)} | {"xl/workbook.xml": b"<x/>"})
    cases = {
        "not a zip": b"this is not a workbook",
        "zip bomb": bomb,
        "too many parts": many,
        "no workbook": _zip({"hello.txt": b"hi"}),
        "broken workbook": _zip({"xl/workbook.xml": b"<not-xml"}),
    }
    for name, data in cases.items():
        with pytest.raises(xlsx.MalformedWorkbook) as refused:
            xlsx.read(data, max_rows=100)
        assert refused.value.status == 400, name
    with pytest.raises(xlsx.MalformedWorkbook) as refused:
        xlsx.read(good, max_rows=5)
    assert refused.value.detail == {"row": 7, "message": "more than 5 rows"}


def test_a_workbook_of_another_round_is_refused(session) -> None:
    framework = registry().frameworks["firearms"]
    data = xlsx.template(framework, round_label="firearms-2023", period="2023", ref_area="DE",
                         previous={})  # fmt: skip
    from eucentre.monitoring import ingest

    round_ = service.open_round(session, actor="test", framework="firearms", period="2024")
    with pytest.raises(xlsx.MalformedWorkbook) as refused:
        ingest.from_xlsx(
            session,
            sender=service.Sender(actor="key:1", country="DE"),
            round_=round_,
            data=data,
            confirm=False,
            max_rows=100,
        )
    assert (
        refused.value.detail["message"]
        == "this is the template of firearms-2023, not firearms-2024"
    )
