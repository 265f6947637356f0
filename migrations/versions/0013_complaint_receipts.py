"""One-time receipts of the public complaint form: a form sent twice is one complaint, and the
secret is shown once on a page reached by redirect

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_token_digest", sa.String(length=64), nullable=False),
        sa.Column("receipt_token_digest", sa.String(length=64), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("secret_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_receipts_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_receipts")),
        sa.UniqueConstraint(
            "form_token_digest", name=op.f("uq_complaint_receipts_form_token_digest")
        ),
        sa.UniqueConstraint(
            "receipt_token_digest", name=op.f("uq_complaint_receipts_receipt_token_digest")
        ),
    )
    op.create_index(
        op.f("ix_complaint_receipts_complaint_id"),
        "complaint_receipts",
        ["complaint_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_complaint_receipts_complaint_id"), table_name="complaint_receipts")
    op.drop_table("complaint_receipts")
