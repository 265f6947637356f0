"""A report item's hashes as rows (signal, value) instead of a column per signal

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26

The copy is written out per former column, not through the signal registry: a migration must
keep meaning what it meant when it was written.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 1000

items = sa.table(
    "report_items",
    sa.column("id", sa.Integer),
    sa.column("md5", sa.String),
    sa.column("sha256", sa.String),
    sa.column("pdq", sa.String),
    sa.column("pdq_quality", sa.Integer),
    sa.column("pdq_variants", sa.JSON),
    sa.column("vpdq", sa.JSON),
)
hashes = sa.table(
    "report_item_hashes",
    sa.column("id", sa.Integer),
    sa.column("item_id", sa.Integer),
    sa.column("signal", sa.String),
    sa.column("value", sa.Text),
    sa.column("value_digest", sa.String),
    sa.column("quality", sa.Integer),
    sa.column("details", sa.JSON),
)


def _row(item_id: int, signal: str, value: str, quality=None, details=None) -> dict:  # type: ignore[no-untyped-def]
    return {
        "item_id": item_id,
        "signal": signal,
        "value": value,
        "value_digest": hashlib.sha256(value.encode()).hexdigest(),
        "quality": quality,
        "details": details,
    }


def _rows_of(item) -> list[dict]:  # type: ignore[no-untyped-def]
    rows = []
    if item.pdq:
        details = None if item.pdq_variants is None else {"variants": item.pdq_variants}
        rows.append(_row(item.id, "pdq", item.pdq, item.pdq_quality, details))
    for signal in ("md5", "sha256"):
        if getattr(item, signal):
            rows.append(_row(item.id, signal, getattr(item, signal)))
    if item.vpdq:
        frames = [{"frame": f["frame"], "timestamp": f["timestamp"]} for f in item.vpdq]
        value = ",".join(f["pdq"] for f in item.vpdq)
        rows.append(_row(item.id, "vpdq", value, None, {"frames": frames}))
    return rows


def upgrade() -> None:
    op.create_table(
        "report_item_hashes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("signal", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_digest", sa.String(length=64), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["report_items.id"],
            name=op.f("fk_report_item_hashes_item_id_report_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_item_hashes")),
        sa.UniqueConstraint("item_id", "signal", name="uq_report_item_hashes_item_id"),
    )
    with op.batch_alter_table("report_item_hashes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_item_hashes_signal_value_digest", ["signal", "value_digest"], unique=False
        )
    bind = op.get_bind()
    after = 0
    while True:
        batch = bind.execute(
            sa.select(items).where(items.c.id > after).order_by(items.c.id).limit(BATCH)
        ).all()
        if not batch:
            break
        rows = [row for item in batch for row in _rows_of(item)]
        if rows:
            bind.execute(sa.insert(hashes), rows)
        after = batch[-1].id
    # In place, never by rebuilding the table on SQLite (ALTER TABLE DROP COLUMN, SQLite 3.35):
    # a rebuild drops report_items under the rows of report_matches and report_item_hashes
    # that refer to it, which its foreign keys refuse.
    with op.batch_alter_table("report_items", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("ix_report_items_md5")
        batch_op.drop_index("ix_report_items_sha256")
        for column in ("md5", "sha256", "pdq", "pdq_quality", "pdq_variants", "vpdq"):
            batch_op.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table("report_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("md5", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("pdq", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("pdq_quality", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pdq_variants", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("vpdq", sa.JSON(), nullable=True))
        batch_op.create_index("ix_report_items_md5", ["md5"], unique=False)
        batch_op.create_index("ix_report_items_sha256", ["sha256"], unique=False)
    bind = op.get_bind()
    after = 0
    while True:
        batch = bind.execute(
            sa.select(hashes)
            .where(hashes.c.id > after, hashes.c.signal.in_(("md5", "sha256", "pdq", "vpdq")))
            .order_by(hashes.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            break
        for row in batch:
            values: dict = {}
            if row.signal == "pdq":
                variants = (row.details or {}).get("variants") if row.details else None
                values = {"pdq": row.value, "pdq_quality": row.quality, "pdq_variants": variants}
            elif row.signal == "vpdq":
                frames = (row.details or {}).get("frames") or []
                values = {
                    "vpdq": [
                        {**frame, "pdq": pdq}
                        for frame, pdq in zip(frames, row.value.split(","), strict=False)
                    ]
                }
            else:
                values = {row.signal: row.value}
            bind.execute(sa.update(items).where(items.c.id == row.item_id).values(**values))
        after = batch[-1].id
    # Signals other than these four had no column: they are lost on the way down.
    op.drop_table("report_item_hashes")
