"""Search (the crawler: crawls, frontier and seen set, politeness per domain, robots.txt, matched
media and their matches) and notices (hosts, notices, their URLs, sends, holds, timeline)

Revision ID: 0015
Revises: 0017
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_domains",
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("busy_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_fetch_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_search_domains")),
    )
    op.create_table(
        "search_robots",
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_search_robots")),
    )
    op.create_table(
        "notice_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_digest", sa.String(length=64), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["organisations.id"],
            name=op.f("fk_notice_holds_authority_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_holds")),
    )
    op.create_index(
        op.f("ix_notice_holds_authority_id"), "notice_holds", ["authority_id"], unique=False
    )
    op.create_index(
        op.f("ix_notice_holds_value_digest"), "notice_holds", ["value_digest"], unique=False
    )

    op.create_table(
        "notice_hosts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=True),
        sa.Column("network", sa.String(length=64), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("abuse_email", sa.String(length=320), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_notice_hosts_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_hosts")),
        sa.UniqueConstraint("domain", name=op.f("uq_notice_hosts_domain")),
        sa.UniqueConstraint("network", name=op.f("uq_notice_hosts_network")),
    )
    op.create_index(
        op.f("ix_notice_hosts_organisation_id"), "notice_hosts", ["organisation_id"], unique=False
    )

    op.create_table(
        "search_crawls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeds", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("max_pages", sa.Integer(), nullable=False),
        sa.Column("max_depth", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("on_behalf_of", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("robots_override", sa.Boolean(), nullable=False),
        sa.Column("override_by", sa.String(length=80), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("media", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("stop_reason", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["on_behalf_of"],
            ["organisations.id"],
            name=op.f("fk_search_crawls_on_behalf_of_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_crawls")),
    )
    op.create_index(op.f("ix_search_crawls_status"), "search_crawls", ["status"], unique=False)

    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("bundle_key", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reupload_of", sa.Integer(), nullable=True),
        sa.Column("first_detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sends", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removal_claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_to", sa.Integer(), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalated_to"],
            ["organisations.id"],
            name=op.f("fk_notices_escalated_to_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["notice_hosts.id"], name=op.f("fk_notices_host_id_notice_hosts")
        ),
        sa.ForeignKeyConstraint(
            ["reupload_of"], ["notices.id"], name=op.f("fk_notices_reupload_of_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("bundle_key", name=op.f("uq_notices_bundle_key")),
    )
    op.create_index(op.f("ix_notices_escalated_to"), "notices", ["escalated_to"], unique=False)
    op.create_index(op.f("ix_notices_host_id"), "notices", ["host_id"], unique=False)
    op.create_index(op.f("ix_notices_status"), "notices", ["status"], unique=False)

    op.create_table(
        "search_frontier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crawl_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_digest", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("page_url", sa.Text(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["crawl_id"],
            ["search_crawls.id"],
            name=op.f("fk_search_frontier_crawl_id_search_crawls"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_frontier")),
        sa.UniqueConstraint(
            "crawl_id", "url_digest", name="uq_search_frontier_crawl_id_url_digest"
        ),
    )
    op.create_index(
        "ix_search_frontier_claim",
        "search_frontier",
        ["crawl_id", "state", "domain", "not_before"],
        unique=False,
    )

    op.create_table(
        "search_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crawl_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_digest", sa.String(length=64), nullable=False),
        sa.Column("page_url", sa.Text(), nullable=False),
        sa.Column("host_name", sa.String(length=253), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("media_type", sa.String(length=8), nullable=False),
        sa.Column("md5", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("pdq", sa.String(length=64), nullable=True),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("blob_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["crawl_id"], ["search_crawls.id"], name=op.f("fk_search_media_crawl_id_search_crawls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_media")),
    )
    op.create_index(op.f("ix_search_media_crawl_id"), "search_media", ["crawl_id"], unique=False)
    op.create_index(
        op.f("ix_search_media_url_digest"), "search_media", ["url_digest"], unique=False
    )

    op.create_table(
        "notice_events",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_events_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_events")),
    )
    op.create_index(
        op.f("ix_notice_events_notice_id"), "notice_events", ["notice_id"], unique=False
    )

    op.create_table(
        "notice_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("host_name", sa.String(length=253), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_digest", sa.String(length=64), nullable=False),
        sa.Column("page_url", sa.Text(), nullable=False),
        sa.Column("indicator_ids", sa.JSON(), nullable=False),
        sa.Column("lists", sa.JSON(), nullable=False),
        sa.Column("md5", sa.String(length=32), nullable=True),
        sa.Column("pdq", sa.String(length=64), nullable=True),
        sa.Column("reupload_of", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removal_reason", sa.String(length=24), nullable=False),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_check_result", sa.String(length=40), nullable=False),
        sa.Column("reappearance_stage", sa.Integer(), nullable=False),
        sa.Column("reappeared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["notice_holds.id"], name=op.f("fk_notice_items_hold_id_notice_holds")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_items_notice_id_notices")
        ),
        sa.ForeignKeyConstraint(
            ["reupload_of"], ["notices.id"], name=op.f("fk_notice_items_reupload_of_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_items")),
    )
    op.create_index(op.f("ix_notice_items_host_name"), "notice_items", ["host_name"], unique=False)
    op.create_index(op.f("ix_notice_items_notice_id"), "notice_items", ["notice_id"], unique=False)
    op.create_index(
        "ix_notice_items_status_next_check_at",
        "notice_items",
        ["status", "next_check_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_notice_items_url_digest"), "notice_items", ["url_digest"], unique=False
    )

    op.create_table(
        "notice_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("urls", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_sends_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_sends")),
    )
    op.create_index(op.f("ix_notice_sends_notice_id"), "notice_sends", ["notice_id"], unique=False)

    op.create_table(
        "search_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("matcher", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("list_name", sa.String(length=80), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_search_matches_indicator_id_indicators"),
        ),
        sa.ForeignKeyConstraint(
            ["media_id"], ["search_media.id"], name=op.f("fk_search_matches_media_id_search_media")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_matches")),
    )
    op.create_index(
        op.f("ix_search_matches_media_id"), "search_matches", ["media_id"], unique=False
    )
    op.create_index(op.f("ix_search_matches_status"), "search_matches", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_search_matches_status"), table_name="search_matches")
    op.drop_index(op.f("ix_search_matches_media_id"), table_name="search_matches")

    op.drop_table("search_matches")
    op.drop_index(op.f("ix_notice_sends_notice_id"), table_name="notice_sends")

    op.drop_table("notice_sends")
    op.drop_index(op.f("ix_notice_items_url_digest"), table_name="notice_items")
    op.drop_index("ix_notice_items_status_next_check_at", table_name="notice_items")
    op.drop_index(op.f("ix_notice_items_notice_id"), table_name="notice_items")
    op.drop_index(op.f("ix_notice_items_host_name"), table_name="notice_items")

    op.drop_table("notice_items")
    op.drop_index(op.f("ix_notice_events_notice_id"), table_name="notice_events")

    op.drop_table("notice_events")
    op.drop_index(op.f("ix_search_media_url_digest"), table_name="search_media")
    op.drop_index(op.f("ix_search_media_crawl_id"), table_name="search_media")

    op.drop_table("search_media")
    op.drop_index("ix_search_frontier_claim", table_name="search_frontier")

    op.drop_table("search_frontier")
    op.drop_index(op.f("ix_notices_status"), table_name="notices")
    op.drop_index(op.f("ix_notices_host_id"), table_name="notices")
    op.drop_index(op.f("ix_notices_escalated_to"), table_name="notices")

    op.drop_table("notices")
    op.drop_index(op.f("ix_search_crawls_status"), table_name="search_crawls")

    op.drop_table("search_crawls")
    op.drop_index(op.f("ix_notice_hosts_organisation_id"), table_name="notice_hosts")

    op.drop_table("notice_hosts")
    op.drop_index(op.f("ix_notice_holds_value_digest"), table_name="notice_holds")
    op.drop_index(op.f("ix_notice_holds_authority_id"), table_name="notice_holds")

    op.drop_table("notice_holds")
    op.drop_table("search_robots")
    op.drop_table("search_domains")
