"""Victims' removal requests: cases (number and PIN digest), their hashes, matches, timeline,
providers' verdicts, the review-first list's change feed, rate limits and replays

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(column: str, table: str, source: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{table}.id"], name=f"fk_{source}_{column}_{table}")


def upgrade() -> None:
    op.create_table(
        "victim_cases",
        _id(),
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column("pin_digest", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("last_activity_at", MOMENT, nullable=False),
        sa.Column("withdrawn_at", MOMENT, nullable=True),
        sa.Column("contact_sealed", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_victim_cases"),
        sa.UniqueConstraint("number", name="uq_victim_cases_number"),
    )
    op.create_index(
        "ix_victim_cases_status_activity", "victim_cases", ["status", "last_activity_at"]
    )
    op.create_table(
        "victim_hashes",
        _id(),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("signal", sa.String(16), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("added_at", MOMENT, nullable=False),
        sa.Column("withdrawn_at", MOMENT, nullable=True),
        sa.Column("indicators_checked_at", MOMENT, nullable=True),
        _fk("case_id", "victim_cases", "victim_hashes"),
        sa.PrimaryKeyConstraint("id", name="pk_victim_hashes"),
        sa.UniqueConstraint("case_id", "signal", "value", name="uq_victim_hashes_case_id"),
    )
    op.create_index("ix_victim_hashes_case_id", "victim_hashes", ["case_id"])
    op.create_index("ix_victim_hashes_signal_value", "victim_hashes", ["signal", "value"])
    op.create_table(
        "victim_matches",
        _id(),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("hash_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("signal", sa.String(16), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(16), nullable=False),
        sa.Column("matched_at", MOMENT, nullable=False),
        _fk("case_id", "victim_cases", "victim_matches"),
        _fk("hash_id", "victim_hashes", "victim_matches"),
        _fk("indicator_id", "indicators", "victim_matches"),
        _fk("item_id", "report_items", "victim_matches"),
        _fk("report_id", "reports", "victim_matches"),
        sa.PrimaryKeyConstraint("id", name="pk_victim_matches"),
    )
    for column in ("case_id", "hash_id", "indicator_id", "report_id"):
        op.create_index(f"ix_victim_matches_{column}", "victim_matches", [column])
    op.create_table(
        "victim_events",
        sa.Column("case_id", sa.Integer(), nullable=False),
        _id(),
        sa.Column("at", MOMENT, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        _fk("case_id", "victim_cases", "victim_events"),
        sa.PrimaryKeyConstraint("id", name="pk_victim_events"),
    )
    op.create_index("ix_victim_events_case_id", "victim_events", ["case_id"])
    op.create_table(
        "victim_feedback",
        _id(),
        sa.Column("signal", sa.String(16), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("first_at", MOMENT, nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.Column("removed_at", MOMENT, nullable=True),
        _fk("organisation_id", "organisations", "victim_feedback"),
        sa.PrimaryKeyConstraint("id", name="pk_victim_feedback"),
        sa.UniqueConstraint("signal", "value", "organisation_id", name="uq_victim_feedback_signal"),
    )
    op.create_index("ix_victim_feedback_organisation_id", "victim_feedback", ["organisation_id"])
    op.create_table(
        "victim_hash_changes",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(8), nullable=False),
        sa.Column("signal", sa.String(16), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_victim_hash_changes"),
    )
    for column in ("at", "hash_id", "signal"):
        op.create_index(f"ix_victim_hash_changes_{column}", "victim_hash_changes", [column])
    counters = op.create_table(
        "victim_counters",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_victim_counters"),
    )
    op.create_table(
        "victim_attempts",
        _id(),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_victim_attempts"),
    )
    op.create_index("ix_victim_attempts_at", "victim_attempts", ["at"])
    op.create_index("ix_victim_attempts_subject", "victim_attempts", ["subject"])
    op.create_table(
        "victim_submissions",
        _id(),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("key_digest", sa.String(64), nullable=True),
        sa.Column("request_digest", sa.String(64), nullable=False),
        sa.Column("client_request_digest", sa.String(64), nullable=False),
        sa.Column("pin_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        _fk("case_id", "victim_cases", "victim_submissions"),
        sa.PrimaryKeyConstraint("id", name="pk_victim_submissions"),
        sa.UniqueConstraint("key_digest", name="uq_victim_submissions_key_digest"),
    )
    for column in ("case_id", "client_request_digest", "created_at"):
        op.create_index(f"ix_victim_submissions_{column}", "victim_submissions", [column])
    # The feed's head (numbers are taken under its row lock), and how far the indicators' feed
    # was matched: from now on, since new hashes are compared with every indicator anyway.
    op.bulk_insert(counters, [{"name": "feed_head", "value": 0}])
    op.execute(
        "INSERT INTO victim_counters (name, value) "
        "SELECT 'indicator_cursor', COALESCE(MAX(seq), 0) FROM indicator_changes"
    )


def downgrade() -> None:
    for table in (
        "victim_submissions",
        "victim_attempts",
        "victim_counters",
        "victim_hash_changes",
        "victim_feedback",
        "victim_events",
        "victim_matches",
        "victim_hashes",
        "victim_cases",
    ):
        op.drop_table(table)
