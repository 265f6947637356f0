"""The round's XLSX template, and reading it back: bounded before openpyxl sees it.

An XLSX file is a ZIP of XML parts. Before it is opened, its directory is read: too many parts,
too much once inflated, or a part inflating far beyond its compressed size (a ZIP bomb) refuse
it. openpyxl then reads it in read-only mode (rows streamed, never the whole sheet in memory),
with defusedxml guarding the XML parser against entity expansion, and at most `max_rows` rows
of at most MAX_COLUMNS cells are read. Pure: no database.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eucentre import errors
from eucentre.monitoring.observations import Key, RawObservation, format_value
from eucentre.monitoring.registry import NOT_APPLICABLE, TOTAL, Framework

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Observations"
ABOUT = "About"
MAX_PARTS = 200
MAX_INFLATED = 40 * 1024 * 1024
MAX_RATIO = 150
MAX_COLUMNS = 40
FIXED = ("INDICATOR", "REF_AREA", "TIME_PERIOD")
TAIL = ("OBS_VALUE", "OBS_STATUS", "UNIT_MEASURE", "TITLE", "LAST_PERIOD_VALUE")


class MalformedWorkbook(errors.BadRequest):
    code = "malformed_xlsx"


def _refuse(message: str, row: int = 0) -> MalformedWorkbook:
    return MalformedWorkbook({"row": row, "message": message})


@dataclass(frozen=True)
class Sheet:
    round_label: str | None
    rows: list[RawObservation]


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as bad:
        raise _refuse("not an XLSX file (it is not a ZIP archive)") from bad
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise _refuse(f"more than {MAX_PARTS} parts in the workbook")
        inflated = 0
        for part in parts:
            if part.flag_bits & 0x1:
                raise _refuse("encrypted workbooks are not accepted")
            inflated += part.file_size
            if part.file_size > MAX_RATIO * max(part.compress_size, 1024):
                raise _refuse(f"{part.filename[:60]} inflates suspiciously (a ZIP bomb?)")
        if inflated > MAX_INFLATED:
            raise _refuse(f"the workbook inflates to more than {MAX_INFLATED} bytes")
        if "xl/workbook.xml" not in archive.namelist():
            raise _refuse("not an XLSX workbook (no xl/workbook.xml)")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value).strip()


def read(data: bytes, *, max_rows: int) -> Sheet:
    """The filled-in rows (a row without OBS_VALUE was not reported and is skipped)."""
    _check_zip(data)
    import openpyxl  # only when a workbook is read

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as bad:  # noqa: BLE001 - whatever openpyxl refuses is the sender's file
        raise _refuse(f"the workbook cannot be read ({type(bad).__name__})") from bad
    try:
        if SHEET not in book.sheetnames:
            raise _refuse(f"the workbook has no sheet named {SHEET!r}: use the round's template")
        label = None
        if ABOUT in book.sheetnames:
            for key, value, *_ in book[ABOUT].iter_rows(max_row=10, max_col=2, values_only=True):
                if key == "round":
                    label = _cell(value)
        rows = book[SHEET].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        header = [_cell(name).upper() for name in next(rows, ())]
        missing = [name for name in (*FIXED, "OBS_VALUE") if name not in header]
        if missing:
            raise _refuse(f"missing columns: {', '.join(missing)}", row=1)
        dims = [n for n in header if n and n not in (*FIXED, *TAIL)]
        found = []
        for number, cells in enumerate(rows, start=2):
            if number > max_rows + 1:
                raise _refuse(f"more than {max_rows} rows", row=number)
            values = dict(zip(header, (_cell(c) for c in cells), strict=False))
            if not values.get("OBS_VALUE"):
                continue
            raw_value = cells[header.index("OBS_VALUE")]
            found.append(
                RawObservation(
                    row=number,
                    indicator=values.get("INDICATOR", ""),
                    ref_area=values.get("REF_AREA", ""),
                    time_period=values.get("TIME_PERIOD", ""),
                    value=raw_value if isinstance(raw_value, int | float) else values["OBS_VALUE"],
                    status=values.get("OBS_STATUS"),
                    unit=values.get("UNIT_MEASURE"),
                    dimensions={name: values.get(name, "") for name in dims},
                )
            )
        return Sheet(label, found)
    finally:
        book.close()


def cells_of(
    framework: Framework, codes: Iterable[str]
) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """The cells a Member State fills in: each indicator's total, then each value of each of
    its breakdowns (one dimension at a time)."""
    cells: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    for code in codes:
        indicator = framework.indicators[code]
        cells.append((code, ()))
        for dim in indicator.disaggregations:
            values = indicator.allowed.get(dim) or tuple(framework.dimensions[dim].values)
            cells += [(code, ((dim, value),)) for value in values]
    return cells


def template(
    framework: Framework,
    *,
    round_label: str,
    period: str,
    ref_area: str,
    previous: Mapping[Key, float],
    language: str = "en",
) -> bytes:
    """The round's workbook for one Member State: a row per cell to fill in, with last period's
    value beside it."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    dims = list(framework.dimensions)
    sheet.append([*FIXED, *dims, *TAIL])
    before = str(int(period) - 1) if period.isdigit() else ""
    codes = [code for code, ind in framework.indicators.items() if not ind.by_platform]
    for code, given in cells_of(framework, codes):
        indicator = framework.indicators[code]
        chosen = dict(given)
        last = previous.get((code, ref_area, before, given))
        sheet.append(
            [
                code,
                ref_area,
                period,
                *(
                    chosen.get(d, TOTAL) if d in indicator.disaggregations else NOT_APPLICABLE
                    for d in dims
                ),
                None,
                None,
                indicator.unit.code,
                indicator.title.in_(language),
                format_value(last, integer=indicator.unit.integer) if last is not None else None,
            ]
        )
    about = book.create_sheet(ABOUT)
    for pair in (
        ("round", round_label),
        ("structure", framework.structure_id),
        ("ref_area", ref_area),
        ("help", "Fill in OBS_VALUE (and OBS_STATUS: A, B, E or P); leave a row empty to skip it."),
    ):
        about.append(list(pair))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
