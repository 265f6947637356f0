"""The figures as files: SDMX-CSV 2.0, JSON, plain CSV, and the round's XLSX template."""

from __future__ import annotations

import csv
import io
import json

from fastapi.responses import Response
from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.monitoring import published, repository, sdmx, service, xlsx
from eucentre.monitoring.models import MonitoringRound
from eucentre.monitoring.observations import format_value
from eucentre.monitoring.registry import Framework, registry
from eucentre.monitoring.schemas import DataOut
from eucentre.monitoring.views import observation_out


def _download(body: str | bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def plain_csv(framework: Framework, rows: list[repository.Stored]) -> str:
    """For spreadsheets: one line per figure with its title, unit and vintage."""
    reg = registry()
    codes = {target: alias for alias, target in framework.aliases.items()}
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["INDICATOR", "TITLE", "REF_AREA", "TIME_PERIOD", "BREAKDOWN", "OBS_VALUE", "UNIT"]
        + ["OBS_STATUS", "VINTAGE"]
    )
    for row in rows:
        obs = row.observation
        indicator = reg.indicator(framework.code, codes.get(obs.indicator, obs.indicator))
        if indicator is None:
            continue
        writer.writerow(
            [
                codes.get(obs.indicator, obs.indicator),
                indicator.title.en,
                obs.ref_area,
                obs.time_period,
                obs.dimensions_key,
                format_value(obs.value, integer=indicator.unit.integer),
                indicator.unit.code,
                obs.status,
                row.vintage,
            ]
        )
    return out.getvalue()


def data_response(
    session: Session,
    *,
    reader: published.Reader,
    framework: str,
    indicator: str | None,
    ref_area: str | None,
    format: str,
    vintage: int | None,
    pending: bool,
) -> Response:
    reg = registry()
    rows = published.read(
        session,
        registry=reg,
        reader=reader,
        framework=framework,
        indicator=indicator,
        ref_area=ref_area,
        vintage=vintage,
        pending=pending,
    )
    found = reg.frameworks[framework]
    name = f"{framework}{'-pending' if pending else ''}{f'-v{vintage}' if vintage else ''}"
    if format == "sdmx-csv":
        text = sdmx.write(found, reg, (row.observation for row in rows))
        return _download(text, "text/csv; charset=utf-8", f"{name}.csv")
    if format == "csv":
        return _download(plain_csv(found, rows), "text/csv; charset=utf-8", f"{name}-table.csv")
    codes = {target: alias for alias, target in found.aliases.items()}
    body = DataOut(
        framework=found.code,
        structure_id=found.structure_id,
        vintage=vintage,
        observations=[
            observation_out(row.observation, row.vintage).model_copy(
                update={
                    "indicator": codes.get(row.observation.indicator, row.observation.indicator)
                }
            )
            for row in rows
            if not found.maps_onto or row.observation.indicator in codes
        ],
    )
    return Response(json.dumps(body.model_dump(mode="json")), media_type="application/json")


def template_response(session: Session, found: MonitoringRound, ref_area: str) -> Response:
    framework = registry().frameworks[found.framework]
    if ref_area not in framework.ref_areas:
        raise errors.UnprocessableEntity(
            "name the Member State's two-letter code (ref_area)", code="unknown_ref_area"
        )
    workbook = xlsx.template(
        framework,
        round_label=service.round_label(found),
        period=found.period,
        ref_area=ref_area,
        previous=service.previous_values(session, framework=found.framework, period=found.period),
    )
    return _download(workbook, xlsx.MEDIA_TYPE, f"{service.round_label(found)}-{ref_area}.xlsx")
