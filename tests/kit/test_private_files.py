"""What holds the Centre's data is private to the service's user, whatever the umask."""

import os
import secrets
import stat
from pathlib import Path

import pytest

from eucentre.config import Settings
from eucentre.db import make_engine
from eucentre.kit.blobstore import FilesystemBlobStore
from eucentre.matching.index import HashIndex
from eucentre.platform.tasks import make_huey
from tests.conftest import TEST_SECRET


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)  # the usual default: files 0644, folders 0755
    yield
    os.umask(previous)


def everything_under(root: Path) -> tuple[list[Path], list[Path]]:
    paths = [root, *root.rglob("*")]
    return [p for p in paths if p.is_dir()], [p for p in paths if p.is_file()]


def test_the_database_and_its_folder_are_private(tmp_path: Path, open_umask) -> None:
    path = tmp_path / "data" / "eucentre.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
    wal = path.with_name("eucentre.db-wal")
    assert mode(path.parent) == 0o700 and mode(path) == 0o600
    assert wal.exists() and mode(wal) == 0o600
    engine.dispose()


def test_blobs_and_their_folders_are_private(tmp_path: Path, open_umask) -> None:
    store = FilesystemBlobStore(tmp_path / "data" / "blobs", TEST_SECRET.encode()[:32])
    store.check()
    for n in range(3):
        store.put(b"benign %d" % n)
    folders, files = everything_under(tmp_path / "data")
    assert files and {mode(f) for f in files} == {0o600}
    assert {mode(d) for d in folders} == {0o700}


def test_the_task_queue_file_is_private(tmp_path: Path, open_umask) -> None:
    settings = Settings(environment="test", data_dir=tmp_path / "data")
    make_huey(settings)
    assert mode(settings.task_queue_path) == 0o600 and mode(settings.data_dir) == 0o700


def test_index_files_are_private(tmp_path: Path, open_umask) -> None:
    root = tmp_path / "data" / "index"
    hashes = [secrets.token_hex(32) for _ in range(21)]
    index = HashIndex.build(root / "pdq", "pdq", [f"id{n}" for n in range(20)], hashes[:20])
    index.add(["new"], hashes[20:])
    folders, files = everything_under(root)
    assert files and {mode(f) for f in files} == {0o600}, [(f, oct(mode(f))) for f in files]
    assert {mode(d) for d in folders} == {0o700}
