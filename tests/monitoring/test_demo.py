"""The demo data: a coordinator who can sign in, published figures for the dashboards, open
rounds with something owed; loading twice adds nothing."""

from __future__ import annotations

from pathlib import Path

from eucentre.auth import repository as auth_repository
from eucentre.demo import data
from eucentre.kit.blobstore import FilesystemBlobStore
from eucentre.monitoring import repository
from tests.conftest import TEST_SECRET


def test_demo_data_fills_the_dashboards_and_is_idempotent(session, tmp_path: Path) -> None:
    blobs = FilesystemBlobStore(tmp_path / "blobs", key=b"k" * 32)
    created = data.load(session, secret=TEST_SECRET.encode(), blobs=blobs, media_dir=tmp_path)
    assert "coordinator coordinator.de@demo.eucentre.eu" in created
    assert auth_repository.user_by_email(session, "coordinator.de@demo.eucentre.eu").role == (
        "coordinator"
    )
    assert [r.status for r in repository.rounds(session, framework="firearms")] == [
        "open",
        "closed",
        "closed",
        "closed",
    ]
    assert len(repository.submissions(session, status="published", limit=1000)) == 3 * 13
    pending = repository.submissions(session, status="pending")
    assert {s.ref_area for s in pending if s.channel == "xlsx"} == {"FR"}
    again = data.load(session, secret=TEST_SECRET.encode(), blobs=blobs, media_dir=tmp_path)
    assert not [line for line in again if "round" in line or "coordinator" in line]
