from __future__ import annotations

from pathlib import Path

import pytest
from media_fixtures import sample
from PIL import Image


@pytest.fixture
def astronaut_jpeg(tmp_path: Path) -> Path:
    path = tmp_path / "astronaut.jpg"
    Image.fromarray(sample("astronaut", (256, 256))).save(path, quality=90)
    return path
