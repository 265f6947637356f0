"""SDMX-CSV 2.0, as far as the indicators need it: read a file into raw rows (bounded, strict
UTF-8, every malformed line named) and write observations so that reading them back gives the
same observations. Pure.

    STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,<dimensions>,OBS_VALUE,OBS_STATUS
    dataflow,EUCENTRE:DF_DRUGS(1.0),I,DR_DEATHS,DE,2024,_T,Y_LT25,...

A dimension an indicator is broken down by holds a code or `_T` (total); one it is not broken
down by holds `_Z` (not applicable) or nothing. An optional UNIT_MEASURE column is checked
against the indicator's unit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from eucentre import errors
from eucentre.monitoring.observations import Observation, Problem, RawObservation, format_value
from eucentre.monitoring.registry import NOT_APPLICABLE, TOTAL, Framework, Registry

MEDIA_TYPE = "text/csv"
LEADING = ("STRUCTURE", "STRUCTURE_ID", "ACTION")
REQUIRED = ("INDICATOR", "REF_AREA", "TIME_PERIOD", "OBS_VALUE")
OPTIONAL = ("OBS_STATUS", "UNIT_MEASURE")
ACTIONS = ("I", "A", "R", "")
MAX_COLUMNS = 40
MAX_FIELD = 200


class MalformedFile(errors.BadRequest):
    """The file cannot be read as SDMX-CSV at all (detail names the line)."""

    code = "malformed_csv"


class WrongEncoding(errors.BadRequest):
    code = "wrong_encoding"


@dataclass(frozen=True)
class ParsedFile:
    framework: Framework
    rows: list[RawObservation]
    problems: list[Problem]


def decode(data: bytes) -> str:
    """Strict UTF-8 (a byte-order mark is allowed): a file saved in another encoding is refused
    with where it went wrong, rather than stored with mangled names."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as wrong:
        line = data[: wrong.start].count(b"\n") + 1
        raise WrongEncoding(
            {
                "row": line,
                "message": f"the file is not UTF-8 (byte 0x{data[wrong.start]:02x} at line "
                f"{line}); save it as CSV UTF-8",
            }
        ) from wrong


def _malformed(line: int, message: str) -> MalformedFile:
    return MalformedFile({"row": line, "message": message})


def _header(header: list[str]) -> list[str]:
    header = [name.strip().upper() for name in header]
    if tuple(header[:3]) != LEADING:
        raise _malformed(1, "the header must start with STRUCTURE,STRUCTURE_ID,ACTION")
    if len(header) > MAX_COLUMNS or len(set(header)) != len(header):
        raise _malformed(1, "too many or repeated columns")
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise _malformed(1, f"missing columns: {', '.join(missing)}")
    return header


def _dimension_columns(header: list[str]) -> list[str]:
    return [name for name in header if name not in (*LEADING, *REQUIRED, *OPTIONAL)]


class _Structure:
    """The framework the lines name: the first line's STRUCTURE_ID; every other line must name
    the same one."""

    def __init__(self, registry: Registry, columns: list[str]) -> None:
        self.known = {f.structure_id: f for f in registry.frameworks.values()}
        self.columns = columns
        self.framework: Framework | None = None

    def check(self, values: dict[str, str], line: int) -> Problem | None:
        named = values["STRUCTURE_ID"].strip()
        if values["STRUCTURE"].strip().lower() != "dataflow":
            return Problem(line, "STRUCTURE", "unknown_structure", "STRUCTURE must be dataflow")
        framework = self.known.get(named)
        if framework is None:
            return Problem(
                line,
                "STRUCTURE_ID",
                "unknown_structure",
                f"{named[:60]!r} is not one of {', '.join(sorted(self.known))}",
            )
        if self.framework is None:
            wrong = [name for name in self.columns if name not in framework.dimensions]
            if wrong:
                raise _malformed(1, f"{wrong[0]} is not a dimension of {named}")
            self.framework = framework
        elif framework is not self.framework:
            return Problem(
                line,
                "STRUCTURE_ID",
                "mixed_structures",
                f"one file holds one structure ({self.framework.structure_id})",
            )
        if values["ACTION"].strip().upper() not in ACTIONS:
            return Problem(
                line,
                "ACTION",
                "invalid_action",
                "ACTION must be I, A or R (send a corrected value instead of deleting one)",
            )
        return None


def read(data: bytes, registry: Registry, *, max_rows: int) -> ParsedFile:
    """The file's rows, and the problems of lines that name no known structure or action. A
    file that is not CSV, not UTF-8, too large or without the header's columns is refused as
    a whole (MalformedFile, WrongEncoding), naming the line."""
    text = decode(data)
    if "\x00" in text:
        raise _malformed(text[: text.index("\x00")].count("\n") + 1, "the file holds NUL bytes")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[RawObservation] = []
    problems: list[Problem] = []
    try:
        first = next(reader, None)
        if first is None:
            raise _malformed(1, "the file is empty")
        header = _header(first)
        structure = _Structure(registry, _dimension_columns(header))
        for fields in reader:
            line = reader.line_num
            if not any(field.strip() for field in fields):
                continue
            if len(rows) + len(problems) >= max_rows:
                raise _malformed(line, f"more than {max_rows} observations in one file")
            if len(fields) != len(header):
                raise _malformed(line, f"{len(fields)} fields where the header has {len(header)}")
            if any(len(field) > MAX_FIELD for field in fields):
                raise _malformed(line, f"a field longer than {MAX_FIELD} characters")
            values = dict(zip(header, fields, strict=True))
            problem = structure.check(values, line)
            if problem is not None:
                problems.append(problem)
                continue
            rows.append(
                RawObservation(
                    row=line,
                    indicator=values["INDICATOR"],
                    ref_area=values["REF_AREA"],
                    time_period=values["TIME_PERIOD"],
                    value=values["OBS_VALUE"],
                    status=values.get("OBS_STATUS"),
                    unit=values.get("UNIT_MEASURE"),
                    dimensions={name: values[name] for name in structure.columns},
                )
            )
    except csv.Error as bad:
        raise _malformed(reader.line_num, f"not CSV: {bad}") from bad
    if structure.framework is None:
        raise _malformed(2, "no line names a known STRUCTURE_ID")
    return ParsedFile(structure.framework, rows, problems)


HEADER_TAIL = ("OBS_VALUE", "OBS_STATUS")


def write(framework: Framework, registry: Registry, observations: Iterable[Observation]) -> str:
    """The observations as SDMX-CSV 2.0 of `framework` (a mapping framework writes its own
    codes for the figures it reads)."""
    base = registry.frameworks[framework.maps_onto] if framework.maps_onto else framework
    codes = {target: alias for alias, target in framework.aliases.items()}
    dims = list(base.dimensions)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*LEADING, "INDICATOR", "REF_AREA", "TIME_PERIOD", *dims, *HEADER_TAIL])
    for obs in observations:
        indicator = base.indicators[obs.indicator]
        code = codes.get(obs.indicator) if framework.maps_onto else obs.indicator
        if code is None:
            continue
        given = dict(obs.dimensions)
        cells = [
            given.get(name, TOTAL) if name in indicator.disaggregations else NOT_APPLICABLE
            for name in dims
        ]
        writer.writerow(
            [
                "dataflow",
                framework.structure_id,
                "I",
                code,
                obs.ref_area,
                obs.time_period,
                *cells,
                format_value(obs.value, integer=indicator.unit.integer),
                obs.status,
            ]
        )
    return out.getvalue()
