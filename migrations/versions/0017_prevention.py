"""The prevention hub: catalogue records, revisions and timeline, the search index (SQLite
FTS5 or a PostgreSQL full-text index), and the practitioner network's directory

Revision ID: 0017
Revises: 0018
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0018"
branch_labels = None
depends_on = None

# Words are folded and lemmatised before they are stored (prevention/text.py); the engine only
# splits them. On SQLite, FTS5 (remove_diacritics 2 folds what the code did not, e.g. in
# queries typed by hand); on PostgreSQL, the 'simple' configuration over the same keys.
FTS_SQLITE = (
    "CREATE VIRTUAL TABLE prevention_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2', detail = full)"
)
FTS_VOCAB_SQLITE = (
    "CREATE VIRTUAL TABLE prevention_fts_vocab USING fts5vocab(prevention_fts, 'row')"
)
FTS_POSTGRES = (
    "CREATE INDEX ix_prevention_search_docs_fulltext ON prevention_search_docs "
    "USING gin (to_tsvector('simple', title || ' ' || body))"
)


def upgrade() -> None:
    op.create_table(
        "prevention_network_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_network_attempts")),
    )
    op.create_index(
        op.f("ix_prevention_network_attempts_at"),
        "prevention_network_attempts",
        ["at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_prevention_network_attempts_subject"),
        "prevention_network_attempts",
        ["subject"],
        unique=False,
    )
    op.create_table(
        "prevention_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=600), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("working_revision_id", sa.Integer(), nullable=True),
        sa.Column("published_revision_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_records")),
        sa.UniqueConstraint("identity", name=op.f("uq_prevention_records_identity")),
    )
    op.create_index(
        op.f("ix_prevention_records_first_published_at"),
        "prevention_records",
        ["first_published_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_prevention_records_flagged_at"), "prevention_records", ["flagged_at"], unique=False
    )
    op.create_index(
        op.f("ix_prevention_records_status"), "prevention_records", ["status"], unique=False
    )
    op.create_table(
        "prevention_search_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_search_state")),
    )
    op.create_table(
        "prevention_links",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["prevention_records.id"],
            name=op.f("fk_prevention_links_source_id_prevention_records"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["prevention_records.id"],
            name=op.f("fk_prevention_links_target_id_prevention_records"),
        ),
        sa.PrimaryKeyConstraint("source_id", "target_id", name=op.f("pk_prevention_links")),
    )
    op.create_index("ix_prevention_links_target", "prevention_links", ["target_id"], unique=False)
    op.create_table(
        "prevention_record_events",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["prevention_records.id"],
            name=op.f("fk_prevention_record_events_record_id_prevention_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_record_events")),
    )
    op.create_index(
        op.f("ix_prevention_record_events_record_id"),
        "prevention_record_events",
        ["record_id"],
        unique=False,
    )
    op.create_table(
        "prevention_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("editors", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(length=80), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=80), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["prevention_records.id"],
            name=op.f("fk_prevention_revisions_record_id_prevention_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_revisions")),
    )
    op.create_index(
        "ix_prevention_revisions_record",
        "prevention_revisions",
        ["record_id", "number"],
        unique=False,
    )
    op.create_table(
        "prevention_search_docs",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("facets", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["prevention_records.id"],
            name=op.f("fk_prevention_search_docs_record_id_prevention_records"),
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_prevention_search_docs")),
    )
    op.create_index(
        op.f("ix_prevention_search_docs_seq"), "prevention_search_docs", ["seq"], unique=False
    )
    op.create_table(
        "prevention_network_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("secret_digest", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("profile_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("facets", sa.JSON(), nullable=False),
        sa.Column("visibility", sa.JSON(), nullable=False),
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.Column("form_token_digest", sa.String(length=64), nullable=True),
        sa.Column("receipt_digest", sa.String(length=64), nullable=True),
        sa.Column("receipt_secret_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("receipt_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
            name=op.f("fk_prevention_network_entries_user_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_network_entries")),
        sa.UniqueConstraint(
            "email_digest", name=op.f("uq_prevention_network_entries_email_digest")
        ),
        sa.UniqueConstraint(
            "form_token_digest", name=op.f("uq_prevention_network_entries_form_token_digest")
        ),
        sa.UniqueConstraint("number", name=op.f("uq_prevention_network_entries_number")),
        sa.UniqueConstraint(
            "receipt_digest", name=op.f("uq_prevention_network_entries_receipt_digest")
        ),
        sa.UniqueConstraint("user_id", name=op.f("uq_prevention_network_entries_user_id")),
    )
    op.create_index(
        op.f("ix_prevention_network_entries_status"),
        "prevention_network_entries",
        ["status"],
        unique=False,
    )
    op.create_table(
        "prevention_network_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("content_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["prevention_network_entries.id"],
            name=op.f("fk_prevention_network_messages_entry_id_prevention_network_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_network_messages")),
    )
    op.create_index(
        op.f("ix_prevention_network_messages_entry_id"),
        "prevention_network_messages",
        ["entry_id"],
        unique=False,
    )

    if op.get_bind().dialect.name == "sqlite":
        op.execute(FTS_SQLITE)
        op.execute(FTS_VOCAB_SQLITE)
    else:
        op.execute(FTS_POSTGRES)
    op.execute("INSERT INTO prevention_search_state (id, seq) VALUES (1, 0)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS prevention_fts_vocab")
        op.execute("DROP TABLE IF EXISTS prevention_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_prevention_search_docs_fulltext")
    op.drop_index(
        op.f("ix_prevention_network_messages_entry_id"), table_name="prevention_network_messages"
    )
    op.drop_table("prevention_network_messages")
    op.drop_index(
        op.f("ix_prevention_network_entries_status"), table_name="prevention_network_entries"
    )
    op.drop_table("prevention_network_entries")
    op.drop_index(op.f("ix_prevention_search_docs_seq"), table_name="prevention_search_docs")
    op.drop_table("prevention_search_docs")
    op.drop_index("ix_prevention_revisions_record", table_name="prevention_revisions")
    op.drop_table("prevention_revisions")
    op.drop_index(
        op.f("ix_prevention_record_events_record_id"), table_name="prevention_record_events"
    )
    op.drop_table("prevention_record_events")
    op.drop_index("ix_prevention_links_target", table_name="prevention_links")
    op.drop_table("prevention_links")
    op.drop_table("prevention_search_state")
    op.drop_index(op.f("ix_prevention_records_status"), table_name="prevention_records")
    op.drop_index(op.f("ix_prevention_records_flagged_at"), table_name="prevention_records")
    op.drop_index(op.f("ix_prevention_records_first_published_at"), table_name="prevention_records")
    op.drop_table("prevention_records")
    op.drop_index(
        op.f("ix_prevention_network_attempts_subject"), table_name="prevention_network_attempts"
    )
    op.drop_index(
        op.f("ix_prevention_network_attempts_at"), table_name="prevention_network_attempts"
    )
    op.drop_table("prevention_network_attempts")
