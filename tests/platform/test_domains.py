"""The platform as a layer: the installed manifests are whole, and a new domain (the example in
tests/platform/greetings) plugs in with its routes, navigation, tasks, outbox handler, CLI and
scopes, without any other module knowing it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import APIRouter
from huey import MemoryHuey
from sqlalchemy import select
from typer.testing import CliRunner

from eucentre.app import create_app
from eucentre.auth import service as auth_service
from eucentre.blobs import blob_store
from eucentre.cli import build_cli
from eucentre.config import get_settings
from eucentre.db import transaction
from eucentre.domains import DOMAINS, installed
from eucentre.models import AuditEntry, OutboxMessage, Role
from eucentre.platform.manifest import Domains, Manifest, load, resolve
from eucentre.platform.outbox import OutboxHandler
from eucentre.platform.tasks import Periodic, Task
from eucentre.worker import TaskQueue
from tests.conftest import TEST_SECRET, serve_in_thread
from tests.factories import make_staff
from tests.platform import greetings

WITH_GREETINGS = installed().plus(greetings.MANIFEST)


def test_every_reference_of_every_installed_manifest_resolves() -> None:
    domains = installed()
    assert [m.name for m in domains.manifests] == [p.rsplit(".", 1)[1] for p in DOMAINS]
    for reference in domains.references():
        assert resolve(reference) is not None, reference
    assert all(isinstance(router, APIRouter) for router in domains.routers)
    assert all(isinstance(task, Task | Periodic) for task in domains.tasks)
    assert all(isinstance(h, OutboxHandler) for h in domains.outbox_handlers.values())
    assert set(domains.outbox_handlers) == {
        "referral.publish",
        "complaint.reinstate",
        "complaint.authority_note",
        "prevention.relay",
        "notice.send",
    }


def test_a_domain_declared_twice_or_without_a_manifest_is_refused() -> None:
    with pytest.raises(ValueError, match="domains declared twice: reports"):
        load(["eucentre.reports", "eucentre.reports"])
    with pytest.raises(TypeError, match="eucentre.kit declares no MANIFEST"):
        load(["eucentre.kit"])
    with pytest.raises(ValueError, match="not an import reference"):
        resolve("eucentre.reports")


def test_two_handlers_for_one_outbox_kind_are_refused() -> None:
    twice = Manifest(name="again", outbox=("eucentre.referrals.outbox:PUBLISH_HANDLER",))
    with pytest.raises(ValueError, match="'referral.publish' has two handlers"):
        _ = installed().plus(twice).outbox_handlers


def test_scopes_and_navigation_come_from_the_manifests() -> None:
    assert installed().scopes("authority") == {
        "referrals:read",
        "referrals:write",
        "notices:read",
        "notices:write",
    }
    assert "greetings:read" not in installed().scopes("provider")
    assert "greetings:read" in WITH_GREETINGS.scopes("provider")
    staff_links = [entry.href for entry in installed().navigation("staff")]
    assert staff_links == [
        "/staff",
        "/staff/reports",
        "/staff/indicators",
        "/staff/complaints",
        "/staff/victims",
        "/staff/organisations",
        "/staff/users",
        "/staff/audit",
        "/staff/notices",
        "/staff/search",
        "/staff/monitoring",
        "/staff/prevention",
        "/staff/prevention/network",
        "/prevention/network/account",
    ]
    assert installed().scopes("coordinator") == {"monitoring:read", "monitoring:write"}


def test_the_example_domain_serves_its_routes_and_navigation(settings, database) -> None:
    app = create_app(settings, engine=database.engine, domains=WITH_GREETINGS)
    server, thread, url = serve_in_thread(app)
    try:
        import httpx

        with transaction(app.state.session_factory) as session:
            account = make_staff(session, secret=TEST_SECRET.encode(), role=Role.analyst)
            token = auth_service.open_session(
                session, user=account.user, lifetime=timedelta(hours=1)
            )
        with httpx.Client(base_url=url, cookies={"eucentre_session": token}) as client:
            assert client.get("/api/v1/greetings").json() == {"sent": 0}
            home = client.get("/staff")
            assert home.status_code == 200
            assert 'href="/staff/greetings"' in home.text
            assert client.get("/staff/greetings").status_code == 200
        with httpx.Client(base_url=url) as anonymous:
            script = anonymous.get("/static/greetings/greet.js")
            assert script.status_code == 200
            assert 'export const greeting = "hello";' in script.text
            assert anonymous.get("/static/site.css").status_code == 200  # the shell's still
            assert anonymous.get("/staff/greetings").status_code in (303, 401)
        # The installed platform does not have it.
        plain = create_app(settings, engine=database.engine)
        assert "/api/v1/greetings" not in plain.openapi()["paths"]
        assert "/api/v1/greetings" in app.openapi()["paths"]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_the_example_domains_task_and_resent_outbox_message(settings, session_factory) -> None:
    queue = TaskQueue(
        settings, session_factory=session_factory, huey=MemoryHuey(), domains=WITH_GREETINGS
    )
    assert {"greet", "greet_everyone", "relay_outbox", "assess_report"} <= set(queue.names)
    queue.run("greet", "world")
    for _ in range(5):  # the handler asks for three sends; more relays send nothing more
        queue.run("relay_outbox")
    with transaction(session_factory) as session:
        [message] = session.scalars(select(OutboxMessage)).all()
        assert message.sends == 3
        assert message.delivered_at is not None
        sends = [
            entry.details["send"]
            for entry in session.scalars(
                select(AuditEntry).where(AuditEntry.action == "greetings.sent")
            )
        ]
        assert sends == [1, 2, 3]


def test_a_failing_handler_backs_off_and_a_later_relay_delivers(settings, session_factory) -> None:
    queue = TaskQueue(
        settings, session_factory=session_factory, huey=MemoryHuey(), domains=WITH_GREETINGS
    )
    queue.run("greet", "world")
    handler = queue.context.outbox_handlers["greetings.hello"]
    calls = []

    def broken(delivery):  # noqa: ANN001
        calls.append(delivery.message.id)
        raise ConnectionError("recipient down")

    failing = OutboxHandler("greetings.hello", broken)
    queue.context.outbox_handlers = {"greetings.hello": failing}
    assert queue.run("relay_outbox") == 0
    assert queue.run("relay_outbox") == 0  # not due again yet: it waits 2 s after one failure
    with transaction(session_factory) as session:
        [message] = session.scalars(select(OutboxMessage)).all()
        assert (message.attempts, message.sends, message.delivered_at) == (1, 0, None)
        assert message.last_error == "ConnectionError: recipient down"
        message.next_attempt_at = message.created_at  # its wait is over
    queue.context.outbox_handlers = {"greetings.hello": handler}
    assert queue.run("relay_outbox") == 1
    with transaction(session_factory) as session:
        [message] = session.scalars(select(OutboxMessage)).all()
        assert (message.attempts, message.sends, message.last_error) == (0, 1, "")
    assert calls == [message.id]


def test_the_example_domains_demo_data_is_loaded_once(settings, session_factory, tmp_path) -> None:
    from eucentre.demo import data
    from tests.platform.greetings.outbox import KIND

    def load() -> list[str]:
        with transaction(session_factory) as session:
            return data.load(
                session,
                secret=TEST_SECRET.encode(),
                blobs=blob_store(settings),
                media_dir=tmp_path,
                domains=WITH_GREETINGS,
            )

    assert "a demo greeting" in load()
    assert "a demo greeting" not in load()
    with transaction(session_factory) as session:
        kinds = session.scalars(select(OutboxMessage.kind)).all()
    assert kinds.count(KIND) == 1


def test_the_example_domains_command(database, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("EUCENTRE_DATABASE_URL", database.url)
    monkeypatch.setenv("EUCENTRE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EUCENTRE_SECRET_KEY", TEST_SECRET)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(build_cli(WITH_GREETINGS), ["greetings", "count"])
        assert result.exit_code == 0, result.output
        assert result.output == "greetings sent: 0\n"
        listed = runner.invoke(build_cli(WITH_GREETINGS), ["--help"]).output
        assert "greetings" in listed
        assert "greetings" not in runner.invoke(build_cli(installed()), ["--help"]).output
    finally:
        get_settings.cache_clear()


def test_a_domains_blob_references_reach_the_orphan_sweep() -> None:
    extra = Manifest(name="extra", blob_references=("eucentre.models:Referral.package_blob_id",))
    columns = Domains((extra,)).blob_references
    assert [(c.class_.__tablename__, c.key) for c in columns] == [("referrals", "package_blob_id")]
