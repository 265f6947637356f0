"""Retention: when a report's file and a referral's package were deleted

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_deleted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("package_deleted_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_column("package_deleted_at")
    with op.batch_alter_table("report_items", schema=None) as batch_op:
        batch_op.drop_column("file_deleted_at")
