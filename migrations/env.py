"""Alembic environment: the URL comes from the caller's config (eucentre.operations.migrations),
falling back to the platform's settings, so `alembic` and `eucentre db upgrade` agree."""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool

from eucentre.config import get_settings
from eucentre.db import make_engine
from eucentre.domains import installed
from eucentre.models import Base

# The models kept in the domains' own folders (their manifests' `models`).
installed().import_models()
config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or get_settings().resolved_database_url
    context.configure(
        url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url") or get_settings().resolved_database_url
    engine = make_engine(url)
    with engine.connect() as connection:
        # SQLite cannot ALTER most things in place: batch mode rebuilds tables when needed.
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
