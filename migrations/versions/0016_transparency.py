"""Transparency: published vintages of the statistics and their values

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statistics_vintages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=80), nullable=False),
        sa.Column("min_cell", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistics_vintages")),
        sa.UniqueConstraint("period", "number", name="uq_statistics_vintages_period"),
    )
    op.create_table(
        "statistics_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vintage_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("figure", sa.String(length=64), nullable=False),
        sa.Column("breakdown", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("suppressed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vintage_id"],
            ["statistics_vintages.id"],
            name=op.f("fk_statistics_values_vintage_id_statistics_vintages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistics_values")),
        sa.UniqueConstraint(
            "vintage_id", "figure", "breakdown", "category",
            name="uq_statistics_values_vintage_id",
        ),
    )
    op.create_index(
        op.f("ix_statistics_values_vintage_id"), "statistics_values", ["vintage_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_statistics_values_vintage_id"), table_name="statistics_values")
    op.drop_table("statistics_values")
    op.drop_table("statistics_vintages")
