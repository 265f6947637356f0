"""Complaints' free text and providers' answers sealed at rest

Revision ID: 0010
Revises: 0009
Create Date: 2027-01-15

Migrations run without the Centre's secret (operations/migrations.py passes only the database
URL, and a migration that sealed under a fallback key would make the text unreadable), so this
only adds the sealed columns. The application seals what it writes from now on and reads both;
the hourly tasks `seal_complaint_texts` and `seal_report_answers` seal the older rows with the
running app's key and empty their plain columns (docs/architecture.md, Data protection).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("content_description_sealed", sa.LargeBinary(), nullable=True)
        )
        batch_op.add_column(sa.Column("reason_sealed", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_sealed", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    # Sealed text cannot be opened here without the key: refuse rather than lose it.
    bind = op.get_bind()
    sealed = bind.execute(
        sa.text(
            "SELECT (SELECT COUNT(*) FROM complaints WHERE content_description_sealed IS NOT NULL"
            " OR reason_sealed IS NOT NULL) + (SELECT COUNT(*) FROM report_events"
            " WHERE message_sealed IS NOT NULL)"
        )
    ).scalar()
    if sealed:
        raise RuntimeError(f"{sealed} rows hold sealed text; downgrading would lose it")
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.drop_column("message_sealed")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_column("reason_sealed")
        batch_op.drop_column("content_description_sealed")
