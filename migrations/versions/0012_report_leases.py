"""Assessment leases on reports: an assessment holds its report while it works, so the
sweeper re-enqueues only work whose worker stopped renewing

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(80), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Not in batch mode: SQLite's copy-and-move would drop `reports`, which the rows of
    # report_items and others refer to. SQLite (3.35+) drops a plain column in place.
    op.drop_column("reports", "lease_until")
    op.drop_column("reports", "lease_owner")
