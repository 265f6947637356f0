"""Monitoring: reporting rounds, submissions as vintages, their observations, rounds' timelines

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=80), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_rounds")),
        sa.UniqueConstraint("framework", "period", name="uq_monitoring_rounds_cell"),
    )
    op.create_table(
        "monitoring_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("ref_area", sa.String(length=2), nullable=False),
        sa.Column("vintage", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(length=80), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_monitoring_submissions_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["monitoring_rounds.id"],
            name=op.f("fk_monitoring_submissions_round_id_monitoring_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_submissions")),
        sa.UniqueConstraint(
            "round_id", "ref_area", "vintage", name="uq_monitoring_submissions_vintage"
        ),
    )
    op.create_index(
        op.f("ix_monitoring_submissions_round_id"), "monitoring_submissions", ["round_id"]
    )
    op.create_table(
        "monitoring_observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("ref_area", sa.String(length=2), nullable=False),
        sa.Column("time_period", sa.String(length=10), nullable=False),
        sa.Column("dimensions_key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["monitoring_submissions.id"],
            name=op.f("fk_monitoring_observations_submission_id_monitoring_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_observations")),
        sa.UniqueConstraint(
            "submission_id", "indicator", "dimensions_key", name="uq_monitoring_observations_cell"
        ),
    )
    op.create_index(
        op.f("ix_monitoring_observations_submission_id"),
        "monitoring_observations",
        ["submission_id"],
    )
    op.create_index(
        op.f("ix_monitoring_observations_indicator"), "monitoring_observations", ["indicator"]
    )
    op.create_table(
        "monitoring_events",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["monitoring_rounds.id"],
            name=op.f("fk_monitoring_events_round_id_monitoring_rounds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_events")),
    )
    op.create_index(op.f("ix_monitoring_events_round_id"), "monitoring_events", ["round_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_monitoring_events_round_id"), table_name="monitoring_events")
    op.drop_table("monitoring_events")
    op.drop_index(op.f("ix_monitoring_observations_indicator"), table_name="monitoring_observations")
    op.drop_index(
        op.f("ix_monitoring_observations_submission_id"), table_name="monitoring_observations"
    )
    op.drop_table("monitoring_observations")
    op.drop_index(op.f("ix_monitoring_submissions_round_id"), table_name="monitoring_submissions")
    op.drop_table("monitoring_submissions")
    op.drop_table("monitoring_rounds")
