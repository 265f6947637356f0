"""The models and the migrations describe the same schema, on every engine."""

import json

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from eucentre.domains import installed
from eucentre.models import Base
from eucentre.operations.migrations import current_revision, head_revision, upgrade


def _described(name, kind, *_) -> bool:
    # What a search engine keeps itself (FTS5 tables, an expression index) has no model.
    engine_objects = Base.metadata.info.get("engine_objects", ())
    return not (kind in ("table", "index") and name in engine_objects)


def test_models_and_migrations_agree(database) -> None:
    installed().import_models()  # the models kept in the domains' own folders
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _described}
        )
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


def test_0008_moves_item_hashes_into_rows_and_back(database) -> None:
    """The former columns' values become (signal, value) rows, and the downgrade puts them
    back, on every engine."""
    import hashlib

    import sqlalchemy as sa
    from alembic import command

    from eucentre.operations.migrations import alembic_config

    config = alembic_config(database.url)
    command.downgrade(config, "0007")
    pdq, md5, sha = "a" * 64, "b" * 32, "c" * 64
    frames = [
        {"frame": 0, "timestamp": 0.0, "pdq": "d" * 64},
        {"frame": 5, "timestamp": 1.0, "pdq": "e" * 64},
    ]
    items = sa.table(
        "report_items",
        *(sa.column(n) for n in ("id", "report_id", "kind", "hashed", "md5", "sha256", "pdq")),
        sa.column("pdq_quality", sa.Integer),
        sa.column("pdq_variants", sa.JSON),
        sa.column("vpdq", sa.JSON),
    )
    with database.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO organisations (id, name, kind, country, is_europol, created_at) "
                "VALUES (1, 'p', 'provider', 'IE', false, CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO reports (id, provider_id, provider_reference, request_fingerprint,"
                " status, incident_type, urgent, content_removed, incident_time, received_at,"
                " status_changed_at, priority, triage_reasons, routing, payload_sealed,"
                " source_format) VALUES (1, 1, 'r', :f, 'referred', 'known_material', false,"
                " true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 5, '[]', '{}',"
                " :sealed, 'json')"
            ),
            {"f": "0" * 64, "sealed": b"sealed"},
        )
        connection.execute(
            sa.insert(items),
            [
                {"id": 1, "report_id": 1, "kind": "file", "hashed": True, "md5": md5,
                 "sha256": sha, "pdq": pdq, "pdq_quality": 88,
                 "pdq_variants": {"rot90": "f" * 64}, "vpdq": None},
                {"id": 2, "report_id": 1, "kind": "file", "hashed": True, "md5": md5,
                 "sha256": sha, "pdq": None, "pdq_quality": None, "pdq_variants": None,
                 "vpdq": frames},
                {"id": 3, "report_id": 1, "kind": "hash", "hashed": True, "md5": None,
                 "sha256": None, "pdq": pdq, "pdq_quality": None, "pdq_variants": None,
                 "vpdq": None},
            ],
        )  # fmt: skip

    command.upgrade(config, "head")
    with database.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT item_id, signal, value, value_digest, quality, details "
                "FROM report_item_hashes ORDER BY item_id, signal"
            )
        ).all()
    details = [json.loads(r.details) if isinstance(r.details, str) else r.details for r in rows]
    found = [(r.item_id, r.signal, r.value, r.quality, d) for r, d in zip(rows, details)]
    joined = "d" * 64 + "," + "e" * 64
    assert found == [
        (1, "md5", md5, None, None),
        (1, "pdq", pdq, 88, {"variants": {"rot90": "f" * 64}}),
        (1, "sha256", sha, None, None),
        (2, "md5", md5, None, None),
        (2, "sha256", sha, None, None),
        (2, "vpdq", joined, None, {"frames": [{"frame": 0, "timestamp": 0.0},
                                              {"frame": 5, "timestamp": 1.0}]}),
        (3, "pdq", pdq, None, None),
    ]  # fmt: skip
    assert all(r.value_digest == hashlib.sha256(r.value.encode()).hexdigest() for r in rows)

    command.downgrade(config, "0007")
    with database.engine.connect() as connection:
        back = connection.execute(sa.select(items).order_by(items.c.id)).all()
    assert [tuple(r) for r in back] == [
        (1, 1, "file", True, md5, sha, pdq, 88, {"rot90": "f" * 64}, None),
        (2, 1, "file", True, md5, sha, None, None, None, frames),
        (3, 1, "hash", True, None, None, pdq, None, None, None),
    ]
    command.upgrade(config, "head")
    assert current_revision(database.engine) == head_revision(database.url)
