"""After the demo data is loaded the figures are there, computed from the demo records."""

from pathlib import Path

from eucentre.demo.data import load
from eucentre.kit.blobstore import FilesystemBlobStore
from eucentre.kit.time import utcnow
from eucentre.transparency import demo, service
from eucentre.transparency.figures import registry
from eucentre.transparency.periods import Period
from tests.conftest import TEST_SECRET


def test_the_demo_records_give_figures_and_loading_twice_adds_nothing(session, tmp_path) -> None:
    blobs = FilesystemBlobStore(tmp_path / "blobs", key=b"k" * 32)
    media = Path(tmp_path / "media")
    created = load(session, secret=TEST_SECRET.encode(), blobs=blobs, media_dir=media)
    assert any("past demo reports" in line for line in created)
    assert demo.load(session, secret=TEST_SECRET.encode(), blobs=blobs, media_dir=media) == []
    year = utcnow().year - 1
    release = service.compute(session, Period(year), figures=registry(), min_cell=10)
    received = release.figure("reports_received")
    assert received.total.value > 100
    providers = dict((c.category, c.value) for c in received.cells("provider"))
    assert providers["Demo Photo Service"] > 10
    assert release.figure("reports_forwarded_member_state").total.value > 10
    assert release.figure("complaints_received").total.value > 0
