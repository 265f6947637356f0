"""The demo data: a coordinator who can sign in, published figures for the dashboards, open
rounds with something owed; loading twice adds nothing. (The platform's loader creates the
coordinator organisation and key from demo/accounts.py before the domains' loaders run.)"""

from __future__ import annotations

from pathlib import Path

from eucentre.auth import repository as auth_repository
from eucentre.auth import service as auth_service
from eucentre.demo.accounts import DEMO_ORGANISATIONS
from eucentre.kinds import OrganisationKind
from eucentre.kit.blobstore import FilesystemBlobStore
from eucentre.monitoring import demo, repository
from tests.conftest import TEST_SECRET


def test_demo_data_fills_the_dashboards_and_is_idempotent(session, tmp_path: Path) -> None:
    [coordinator] = [o for o in DEMO_ORGANISATIONS if o.kind is OrganisationKind.coordinator]
    auth_service.create_organisation(
        session, actor="demo", name=coordinator.name, kind=coordinator.kind, country="DE"
    )
    blobs = FilesystemBlobStore(tmp_path / "blobs", key=b"k" * 32)
    secret = TEST_SECRET.encode()
    created = demo.load(session, secret=secret, blobs=blobs, media_dir=tmp_path)
    assert "coordinator coordinator.de@demo.eucentre.eu" in created
    user = auth_repository.user_by_email(session, "coordinator.de@demo.eucentre.eu")
    assert user.role == "coordinator"
    assert [r.status for r in repository.rounds(session, framework="firearms")] == [
        "open",
        "closed",
        "closed",
        "closed",
    ]
    # Three years of six Member States' drugs figures and six plus Serbia's firearms figures.
    assert len(repository.submissions(session, status="published", limit=1000)) == 3 * 13
    pending = repository.submissions(session, status="pending")
    assert {s.ref_area for s in pending if s.channel == "xlsx"} == {"FR"}
    assert demo.load(session, secret=secret, blobs=blobs, media_dir=tmp_path) == []
