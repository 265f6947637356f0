"""Migration 0011 gives each existing referral only the reports forwarded to its authority,
withdraws the packages built from the whole bundle, and has them rebuilt; on every engine."""

import json

import sqlalchemy as sa
from alembic import command

from eucentre.operations.migrations import alembic_config, current_revision, head_revision

NOW = "CURRENT_TIMESTAMP"


def _insert(connection, table: str, **values) -> None:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    connection.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)


def _report(connection, report_id: int, status: str, states: list[str]) -> None:
    connection.execute(
        sa.text(
            "INSERT INTO reports (id, provider_id, provider_reference, request_fingerprint,"
            " status, incident_type, urgent, content_removed, incident_time, received_at,"
            " status_changed_at, priority, triage_reasons, routing, payload_sealed,"
            f" source_format, bundle_id) VALUES (:id, 1, :ref, :f, :status, 'known_material',"
            f" false, true, {NOW}, {NOW}, {NOW}, 5, '[]', :routing, :sealed, 'json', 1)"
        ),
        {
            "id": report_id,
            "ref": f"r{report_id}",
            "f": "0" * 64,
            "status": status,
            "routing": json.dumps({"member_states": states, "europol": True}),
            "sealed": b"sealed",
        },
    )


def _referred(connection, report_id: int, actor: str, authorities: list[int] | None) -> None:
    details = {} if authorities is None else {"authorities": authorities, "bundle": 1}
    connection.execute(
        sa.text(
            "INSERT INTO report_events (report_id, for_provider, at, actor, kind, message,"
            f" details) VALUES (:report, true, {NOW}, :actor, 'referred', '', :details)"
        ),
        {"report": report_id, "actor": actor, "details": json.dumps(details)},
    )


def test_0011_backfills_only_forwarded_reports_and_downgrades(database) -> None:
    config = alembic_config(database.url)
    command.downgrade(config, "0010")
    with database.engine.begin() as connection:
        for org_id, kind, country, europol in [
            (1, "provider", "IE", False),
            (2, "authority", "DE", False),
            (3, "authority", "FR", False),
            (4, "authority", "NL", True),
        ]:
            connection.execute(
                sa.text(
                    "INSERT INTO organisations (id, name, kind, country, is_europol, created_at)"
                    f" VALUES (:id, :name, :kind, :country, :europol, {NOW})"
                ),
                {"id": org_id, "name": f"o{org_id}", "kind": kind, "country": country,
                 "europol": europol},
            )  # fmt: skip
        connection.execute(
            sa.text(
                "INSERT INTO bundles (id, exact_key, pdq, first_report_at, report_count)"
                f" VALUES (1, 'k', NULL, {NOW}, 6)"
            )
        )
        _report(connection, 1, "referred", ["DE"])
        _referred(connection, 1, "system", [2, 4])
        _report(connection, 2, "acknowledged", ["FR"])
        _referred(connection, 2, "system", [3, 4])
        _report(connection, 3, "unfounded", ["DE"])
        _report(connection, 4, "awaiting_review", ["DE"])
        # An analyst chose France alone for a report the rules would have sent to Germany.
        _report(connection, 5, "referred", ["DE"])
        _referred(connection, 5, "user:7", [3])
        # A referral event from before the authorities were recorded: the routing decides.
        _report(connection, 6, "referred", ["FR"])
        _referred(connection, 6, "system", None)
        for referral_id, authority in [(1, 2), (2, 3), (3, 4)]:
            connection.execute(
                sa.text(
                    "INSERT INTO referrals (id, bundle_id, authority_id, status, urgent,"
                    " created_at, available_at, outcome_note, package_blob_id, package_sha256)"
                    f" VALUES (:id, 1, :authority, 'available', false, {NOW}, {NOW}, '',"
                    " :blob, :sha)"
                ),
                {"id": referral_id, "authority": authority, "blob": f"blob-{referral_id}",
                 "sha": str(referral_id) * 64},
            )  # fmt: skip

    command.upgrade(config, "head")
    with database.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT referral_id, report_id, package_version FROM referral_reports")
        ).all()
        referrals = connection.execute(
            sa.text(
                "SELECT id, package_blob_id, package_sha256, package_version FROM referrals"
                " ORDER BY id"
            )
        ).all()
        versions = connection.execute(
            sa.text("SELECT referral_id, version, sha256 FROM referral_packages ORDER BY 1")
        ).all()
        publish = connection.execute(
            sa.text("SELECT payload FROM outbox WHERE kind = 'referral.publish'")
        ).all()
    assert sorted((r.referral_id, r.report_id) for r in rows) == [
        (1, 1),  # Germany: its own report only
        (2, 2),  # France: its report, the analyst's choice, and one routed there
        (2, 5),
        (2, 6),
        (3, 1),  # Europol: every report referred to it, and the one routed by the rules
        (3, 2),
        (3, 6),
    ]
    assert {r.package_version for r in rows} == {1}
    # The packages of the whole bundle are no longer handed out; their checksums are kept.
    assert [tuple(r) for r in referrals] == [(1, None, None, 1), (2, None, None, 1),
                                            (3, None, None, 1)]  # fmt: skip
    assert [tuple(r) for r in versions] == [(1, 0, "1" * 64), (2, 0, "2" * 64), (3, 0, "3" * 64)]
    payloads = [json.loads(p) if isinstance(p, str) else p for (p,) in publish]
    assert sorted(p["referral_id"] for p in payloads) == [1, 2, 3]

    command.downgrade(config, "0010")
    with database.engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        columns = {c["name"] for c in sa.inspect(connection).get_columns("referrals")}
    assert "referral_reports" not in tables and "referral_packages" not in tables
    assert "package_version" not in columns
    command.upgrade(config, "head")
    assert current_revision(database.engine) == head_revision(database.url)
