"""Reading a Member State's workbook: the bounded, streamed reader against openpyxl's default
full load, on the same large XLSX; and SDMX-CSV parsed and validated against a bare csv read.

    .venv/bin/python bench/monitoring.py [--rows 20000] [--rounds 3]

Baselines, run side by side on the same bytes: `openpyxl.load_workbook(data)` (the whole
workbook in memory, every row then iterated) for `monitoring.xlsx.read` (ZIP directory checked,
read-only mode, rows streamed); `csv.reader` over the decoded text (no checks at all) for
`monitoring.sdmx.read` + `validation.validate`. Reported: median seconds and peak Python memory
(tracemalloc) of each, and the ratios.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable

import openpyxl

from eucentre.monitoring import sdmx, validation, xlsx
from eucentre.monitoring.registry import registry


def workbook(rows: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(xlsx.SHEET)
    sheet.append([*xlsx.FIXED, "FIREARM_CATEGORY", *xlsx.TAIL])
    for n in range(rows):
        sheet.append(["FA_SEIZURES", "DE", "2024", "_T", n, "A", "number", "Firearms seized", n])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sdmx_file(rows: int) -> bytes:
    lines = [
        "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,DRUG,OBS_VALUE,OBS_STATUS"
    ]
    codes = ["CANNABIS", "COCAINE", "HEROIN", "AMPHETAMINES", "MDMA", "OTHER"]
    for n in range(rows):
        area = ["DE", "FR", "IT", "ES", "PL", "NL", "AT", "BE"][n % 8]
        period = str(1990 + n // 48 % 100)
        lines.append(f"dataflow,EUCENTRE:DF_DRUGS(1.0),I,DR_SEIZURES_NUMBER,{area},{period},"
                     f"{codes[n // 8 % 6]},{n},A")  # fmt: skip
    return ("\r\n".join(lines) + "\r\n").encode()


def measure(run: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median seconds of `rounds` plain runs, then the peak memory of one traced run (tracing
    slows Python down many times, so it is kept out of the timing)."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak


def full_load(data: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return sum(1 for _ in book[xlsx.SHEET].iter_rows(values_only=True))


def checked_csv(data: bytes, rows: int) -> int:
    reg = registry()
    parsed = sdmx.read(data, reg, max_rows=rows + 1)
    # Every row's own checks (period ignored: one context per row's period would be the same).
    context = validation.Context(reg, parsed.framework, "2024", None, {})
    return sum(1 for raw in parsed.rows if validation.check_row(raw, context))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"{dt.date.today().isoformat()}, {args.rows} rows, median of {args.rounds}")  # fmt: skip
    data = workbook(args.rows)
    print(f"workbook: {len(data) / 2**20:.1f} MiB")
    ours = measure(lambda: xlsx.read(data, max_rows=args.rows + 1), args.rounds)
    base = measure(lambda: full_load(data), args.rounds)
    print(f"xlsx.read (bounded, streamed)  {ours[0]:.2f} s  peak {ours[1]:.1f} MiB")
    print(f"openpyxl full load (baseline)  {base[0]:.2f} s  peak {base[1]:.1f} MiB")
    print(f"ratio: {base[0] / ours[0]:.2f}x faster, {base[1] / ours[1]:.1f}x less memory")
    text = sdmx_file(args.rows)
    ours = measure(lambda: checked_csv(text, args.rows), args.rounds)
    base = measure(lambda: sum(1 for _ in csv.reader(io.StringIO(text.decode()))), args.rounds)
    print(f"sdmx.read + row checks  {ours[0]:.3f} s  peak {ours[1]:.1f} MiB")
    print(f"csv.reader (baseline)   {base[0]:.3f} s  peak {base[1]:.1f} MiB")
    print(f"ratio: checks cost {ours[0] / base[0]:.1f}x a bare csv read")


if __name__ == "__main__":
    main()
