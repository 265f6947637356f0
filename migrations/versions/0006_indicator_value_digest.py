"""Indicator values of any length (a long video's vPDQ): uniqueness through a SHA-256 digest

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("value_digest", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, value FROM indicators")).all()
    for row in rows:
        bind.execute(
            sa.text("UPDATE indicators SET value_digest = :digest WHERE id = :id"),
            {"digest": hashlib.sha256(row.value.encode()).hexdigest(), "id": row.id},
        )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.alter_column("value_digest", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint("uq_indicators_signal_value", type_="unique")
        batch_op.create_unique_constraint(
            "uq_indicators_signal_value_digest", ["signal", "value_digest"]
        )
        batch_op.alter_column(
            "value", existing_type=sa.String(length=2048), type_=sa.Text(), existing_nullable=False
        )
    with op.batch_alter_table("indicator_changes", schema=None) as batch_op:
        batch_op.alter_column(
            "value", existing_type=sa.String(length=2048), type_=sa.Text(), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator_changes", schema=None) as batch_op:
        batch_op.alter_column(
            "value", existing_type=sa.Text(), type_=sa.String(length=2048), existing_nullable=False
        )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.alter_column(
            "value", existing_type=sa.Text(), type_=sa.String(length=2048), existing_nullable=False
        )
        batch_op.drop_constraint("uq_indicators_signal_value_digest", type_="unique")
        batch_op.create_unique_constraint("uq_indicators_signal_value", ["signal", "value"])
        batch_op.drop_column("value_digest")
