"""Platform kernel: outbox messages re-sent on a schedule; case secrets as slow hashes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sends", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True))
    # Messages delivered before re-sends existed were sent once.
    op.execute(
        "UPDATE outbox SET sends = 1, last_sent_at = delivered_at WHERE delivered_at IS NOT NULL"
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("sends", server_default=None)
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.alter_column(
            "secret_digest",
            existing_type=sa.String(64),
            type_=sa.String(200),
            existing_nullable=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.alter_column(
            "secret_digest",
            existing_type=sa.String(200),
            type_=sa.String(64),
            existing_nullable=True,
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("last_sent_at")
        batch_op.drop_column("sends")
