"""Files and folders only the service's own user may open: the database, blobs (sealed, but
their sizes and times still tell), the task queue and the lookup indexes.

Modes are set explicitly after creating, since the mode given to open/mkdir is only what the
process's umask lets through, and a umask of 022 would leave everything readable to all.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: str | os.PathLike[str]) -> Path:
    """Create `path` and any missing parents as private folders; make `path` private too if it
    existed. Parents that existed are left alone (they may be the system's)."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            folder.mkdir(mode=DIR_MODE)
        _chmod(folder, DIR_MODE)
    _chmod(path, DIR_MODE)
    return path


def private_file(path: str | os.PathLike[str]) -> Path:
    """Create `path` empty if it is missing, and make it private."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        make_private(fd)
    finally:
        os.close(fd)
    return path


def make_private(fd: int) -> None:
    with contextlib.suppress(PermissionError):  # not ours: whoever owns it chose its mode
        os.fchmod(fd, FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(PermissionError):  # as above
        os.chmod(path, mode)
