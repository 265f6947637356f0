"""Referrals carry only the reports forwarded to their authority; packages are versioned

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0011"
# Re-linked to the branch's head when merged.
down_revision = "0010"
branch_labels = None
depends_on = None

# A report forwarded to an authority has one of these statuses; an unfounded report never.
FORWARDED = ("referred", "acknowledged", "closed")


def upgrade() -> None:
    op.create_table(
        "referral_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("package_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_reports_referral_id_referrals"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_referral_reports_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_reports")),
        sa.UniqueConstraint(
            "referral_id", "report_id", name=op.f("uq_referral_reports_referral_id")
        ),
    )
    with op.batch_alter_table("referral_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_reports_report_id"), ["report_id"], unique=False
        )
    op.create_table(
        "referral_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=True),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_packages_referral_id_referrals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_packages")),
        sa.UniqueConstraint(
            "referral_id", "version", name=op.f("uq_referral_packages_referral_id")
        ),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("package_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("seen_version", sa.Integer(), nullable=True))
    _backfill(op.get_bind())


def _details(value: object) -> dict:
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, dict) else {}


def _backfill(connection: sa.Connection) -> None:
    """Conservatively: a report belongs to a referral only if it was forwarded (never an
    unfounded or undecided one) and its own `referred` decision named that authority. The
    timeline event records the authorities chosen, by the rules or by an analyst; an event
    without that detail falls back to the routing (the authority's country, or Europol)."""
    now = datetime.now(UTC)
    authorities = {
        row.id: row
        for row in connection.execute(
            sa.text("SELECT id, country, is_europol FROM organisations WHERE kind = 'authority'")
        )
    }
    named: dict[int, set[int] | None] = {}
    forwarded_at: dict[int, datetime] = {}
    for row in connection.execute(
        sa.text("SELECT report_id, at, details FROM report_events WHERE kind = 'referred'")
    ):
        chosen = _details(row.details).get("authorities")
        if isinstance(chosen, list):
            named[row.report_id] = (named.get(row.report_id) or set()) | set(chosen)
        else:
            named.setdefault(row.report_id, None)
        forwarded_at.setdefault(row.report_id, row.at)
    rows = []
    referrals = connection.execute(
        sa.text(
            "SELECT referrals.id AS referral_id, referrals.authority_id, reports.id AS report_id,"
            " reports.status, reports.routing FROM referrals"
            " JOIN reports ON reports.bundle_id = referrals.bundle_id"
            " ORDER BY referrals.id, reports.id"
        )
    ).all()
    for row in referrals:
        if row.status not in FORWARDED or row.report_id not in named:
            continue
        authority = authorities.get(row.authority_id)
        if authority is None:
            continue
        chosen = named[row.report_id]
        if chosen is None:
            states = _details(row.routing).get("member_states") or []
            if not (authority.is_europol or authority.country in states):
                continue
        elif row.authority_id not in chosen:
            continue
        rows.append(
            {
                "referral_id": row.referral_id,
                "report_id": row.report_id,
                "forwarded_at": forwarded_at.get(row.report_id) or now,
                "package_version": 1,
            }
        )
    if rows:
        table = sa.table(
            "referral_reports",
            sa.column("referral_id"),
            sa.column("report_id"),
            sa.column("forwarded_at"),
            sa.column("package_version"),
        )
        connection.execute(sa.insert(table), rows)
    # The packages built so far hold every report of the bundle. Their checksums are kept (as
    # version 0), the packages themselves are no longer handed out (the nightly sweep deletes
    # the unreferenced blobs) and version 1 is rebuilt from the forwarded reports alone.
    connection.execute(
        sa.text(
            "INSERT INTO referral_packages (referral_id, version, sha256, report_count, built_at)"
            " SELECT id, 0, package_sha256, NULL, COALESCE(available_at, created_at)"
            " FROM referrals WHERE package_sha256 IS NOT NULL"
        )
    )
    live = [
        row.id
        for row in connection.execute(
            sa.text(
                "SELECT DISTINCT referrals.id FROM referrals JOIN referral_reports"
                " ON referral_reports.referral_id = referrals.id"
                " WHERE referrals.package_deleted_at IS NULL"
            )
        )
    ]
    connection.execute(
        sa.text(
            "UPDATE referrals SET package_version = 1 WHERE id IN"
            " (SELECT referral_id FROM referral_reports)"
        )
    )
    connection.execute(
        sa.text(
            "UPDATE referrals SET package_blob_id = NULL, package_sha256 = NULL"
            " WHERE package_deleted_at IS NULL"
        )
    )
    if live:
        outbox = sa.table(
            "outbox",
            sa.column("kind"),
            sa.column("payload", sa.JSON),
            sa.column("created_at"),
            sa.column("attempts"),
            sa.column("next_attempt_at"),
            sa.column("last_error"),
            sa.column("sends"),
        )
        connection.execute(
            sa.insert(outbox),
            [
                {
                    "kind": "referral.publish",
                    "payload": {"referral_id": referral_id},
                    "created_at": now,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "last_error": "",
                    "sends": 0,
                }
                for referral_id in live
            ],
        )


def downgrade() -> None:
    # The tables referring to referrals go first: SQLite rebuilds referrals to drop columns.
    op.drop_table("referral_packages")
    with op.batch_alter_table("referral_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_reports_report_id"))
    op.drop_table("referral_reports")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_column("seen_version")
        batch_op.drop_column("package_version")
