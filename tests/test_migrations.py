"""The models and the migrations describe the same schema, on every engine."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from eucentre.models import Base
from eucentre.operations.migrations import current_revision, head_revision, upgrade


def test_models_and_migrations_agree(database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_database_is_at_head_and_upgrade_is_idempotent(database) -> None:
    assert current_revision(database.engine) == head_revision(database.url)
    upgrade(database.url)
    assert current_revision(database.engine) == head_revision(database.url)


def test_constraints_follow_the_naming_convention(database) -> None:
    from sqlalchemy import inspect

    inspector = inspect(database.engine)
    assert inspector.get_pk_constraint("organisations")["name"] in ("pk_organisations", None)
    foreign = inspector.get_foreign_keys("api_keys")[0]
    assert foreign["name"] in ("fk_api_keys_organisation_id_organisations", None)
    uniques = {u["name"] for u in inspector.get_unique_constraints("organisations")}
    assert "uq_organisations_name" in uniques
