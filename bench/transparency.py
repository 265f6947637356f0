"""A full year's recompute of every published figure over many reports, against a plain scan.

    .venv/bin/python bench/transparency.py [--reports 10000000] [--postgres URL]

A fresh migrated SQLite database (or the PostgreSQL database at --postgres) is filled in bulk
by SQL (a recursive CTE / generate_series, never the ORM): 40 providers, `--reports` reports
spread over one year with all three incident types, one outcome event for about 70 % of them
(referred, unfounded by the system or by an analyst, erroneous), 30 % of them repeats in shared
bundles, 20 % with a match to a verified indicator, forwardings of the referred ones to
Member States, and 1 % as many complaints.

Baseline: `SELECT count(*) FROM reports WHERE received_at in the year` -- one plain scan of
the same table. Measured: `transparency.service.compute()` for the year (every figure, every
breakdown, suppression included), the ratio to the baseline, and the 60 s target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from eucentre.db import make_engine
from eucentre.operations.migrations import upgrade
from eucentre.transparency import service
from eucentre.transparency.figures import registry
from eucentre.transparency.periods import Period

YEAR = 2025
SECONDS_PER_YEAR = 365 * 24 * 3600


def series(dialect: str, count: int) -> str:
    if dialect == "postgresql":
        return f"SELECT generate_series(1, {count}) AS n"
    return (
        f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) "
        "SELECT n FROM s"
    )


def at(dialect: str, expr: str) -> str:
    """A time in YEAR, `expr` seconds after its start."""
    if dialect == "postgresql":
        return f"(TIMESTAMPTZ '{YEAR}-01-01 00:00:00+00' + ({expr}) * INTERVAL '1 second')"
    return f"strftime('%Y-%m-%d %H:%M:%S.000000', '{YEAR}-01-01', '+' || ({expr}) || ' seconds')"


def fill(engine, reports: int) -> None:  # type: ignore[no-untyped-def]
    dialect = engine.dialect.name
    false = "false" if dialect == "postgresql" else "0"
    true = "true" if dialect == "postgresql" else "1"
    blob = "''::bytea" if dialect == "postgresql" else "x''"
    when = at(dialect, f"(n * 7919) % {SECONDS_PER_YEAR}")
    statements = [
        f"INSERT INTO organisations (id, name, kind, country, is_europol, created_at) "
        f"SELECT n, 'provider-' || n, 'provider', 'IE', {false}, CURRENT_TIMESTAMP "
        f"FROM ({series(dialect, 40)}) s",
        "INSERT INTO organisations (id, name, kind, country, is_europol, created_at) VALUES "
        f"(41, 'authority-DE', 'authority', 'DE', {false}, CURRENT_TIMESTAMP), "
        f"(42, 'authority-FR', 'authority', 'FR', {false}, CURRENT_TIMESTAMP), "
        f"(43, 'europol', 'authority', 'NL', {true}, CURRENT_TIMESTAMP)",
        f"INSERT INTO bundles (id, exact_key, first_report_at, report_count) "
        f"SELECT n, 'b' || n, {at(dialect, '0')}, 1 FROM ({series(dialect, reports // 10 + 1)}) s",
        "INSERT INTO reports (id, provider_id, provider_reference, request_fingerprint, status, "
        "incident_type, urgent, content_removed, incident_time, received_at, status_changed_at, "
        "priority, triage_reasons, routing, bundle_id, payload_sealed, source_format) "
        f"SELECT n, 1 + n % 40, 'r' || n, '', 'closed', "
        "CASE WHEN n % 10 < 7 THEN 'known_material' WHEN n % 10 < 9 THEN 'new_material' "
        f"ELSE 'solicitation' END, {false}, {true}, {when}, {when}, {when}, 5, '[]', '{{}}', "
        f"CASE WHEN n % 10 < 3 THEN 1 + n % {reports // 10} ELSE NULL END, {blob}, 'json' "
        f"FROM ({series(dialect, reports)}) s",
        "INSERT INTO report_events (report_id, at, actor, kind, message, details, for_provider) "
        f"SELECT n, {when}, CASE WHEN n % 20 = 1 THEN 'user:1' ELSE 'system' END, "
        "CASE WHEN n % 10 < 6 THEN 'referred' WHEN n % 20 < 13 THEN 'unfounded' "
        f"ELSE 'erroneous' END, '', '{{}}', {false} "
        f"FROM ({series(dialect, reports)}) s WHERE n % 10 < 7",
        "INSERT INTO indicators (id, signal, value, value_digest, status, labels, needs_review, "
        f"updated_at, created_at) VALUES (1, 'md5', 'x', 'x', 'verified', '[]', {false}, "
        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        "INSERT INTO report_items (id, report_id, kind, hashed) "
        f"SELECT n, n, 'hash', {true} FROM ({series(dialect, reports)}) s WHERE n % 5 = 0",
        "INSERT INTO report_matches (report_id, item_id, indicator_id, list_name, "
        "indicator_status, signal, distance, variant) "
        f"SELECT n, n, 1, 'bench', 'verified', 'md5', 0, 'original' "
        f"FROM ({series(dialect, reports)}) s WHERE n % 5 = 0",
        "INSERT INTO referrals (id, bundle_id, authority_id, status, urgent, created_at, "
        "outcome_note) "
        f"SELECT n, n, 41 + n % 2, 'available', {false}, {at(dialect, '0')}, '' "
        f"FROM ({series(dialect, reports // 10)}) s",
        "INSERT INTO referral_reports (referral_id, report_id, forwarded_at) "
        f"SELECT 1 + n % {reports // 10}, n, {when} FROM ({series(dialect, reports)}) s "
        "WHERE n % 10 < 6",
        "INSERT INTO complaints (number, channel, submitted_by, provider_id, provider_reference, "
        "decision_date, content_description, reason, status, received_at, deadline_at, "
        "pending_reason, decision_reason) "
        f"SELECT 'C' || n, 'provider', 'bench', 1 + n % 40, 'r' || n, {when}, '', '', "
        "CASE WHEN n % 3 = 0 THEN 'upheld' WHEN n % 3 = 1 THEN 'rejected' ELSE 'open' END, "
        f"{when}, {when}, '', '' FROM ({series(dialect, max(reports // 100, 1))}) s",
    ]
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    if dialect == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def timed(function):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def run(url: str, reports: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    fill_s, _ = timed(lambda: fill(engine, reports))
    period = Period(YEAR)
    figures = registry()
    with engine.connect() as connection:
        baseline_s, counted = timed(
            lambda: connection.execute(
                text("SELECT count(*) FROM reports WHERE received_at >= :a AND received_at < :b"),
                {"a": period.start, "b": period.end},
            ).scalar()
        )
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        recompute_s, release = timed(
            lambda: service.compute(session, period, figures=figures, min_cell=10)
        )
    total = release.figure("reports_received").total.value
    assert counted == reports and total == reports, (counted, total)
    print(f"engine {engine.dialect.name}, {reports:,} reports, filled in {fill_s:.0f} s")
    print(f"baseline  SELECT count(*) over the year: {baseline_s:8.2f} s")
    print(f"full year recompute (every figure):      {recompute_s:8.2f} s")
    print(
        f"ratio recompute / baseline: {recompute_s / baseline_s:.1f}x; target < 60 s: "
        f"{'met' if recompute_s < 60 else 'MISSED'}"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000_000)
    parser.add_argument("--postgres", help="a PostgreSQL database to fill (it must be empty)")
    args = parser.parse_args()
    print(
        f"{platform.node()} {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {dt.date.today()}"
    )
    if args.postgres:
        run(args.postgres, args.reports)
        return
    with tempfile.TemporaryDirectory(prefix="bench-transparency-") as folder:
        run(f"sqlite:///{Path(folder) / 'bench.db'}", args.reports)


if __name__ == "__main__":
    main()
