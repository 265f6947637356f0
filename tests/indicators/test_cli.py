"""`eucentre indicators` and `eucentre guard` as an operator runs them."""

from pathlib import Path

import numpy as np
from PIL import Image
from sqlalchemy import select
from typer.testing import CliRunner

from eucentre.cli import app
from eucentre.db import transaction
from eucentre.indicators import repository
from eucentre.models import Indicator, IndicatorStatus
from tests.indicators.helpers import random_pdq, verified
from tests.test_cli import cli_env  # noqa: F401 - the fixture pointing the CLI at the test database

runner = CliRunner()


def sample_photo(path: Path, seed: int = 0) -> Path:
    """A benign photo from scikit-image, shifted so each seed gives a different image."""
    from skimage import data

    pixels = np.roll(data.astronaut(), seed * 37, axis=1)
    Image.fromarray(pixels).save(path)
    return path


def test_import_reports_bad_lines_and_imports_nothing(cli_env, tmp_path, session_factory) -> None:  # noqa: F811
    bad = tmp_path / "list.csv"
    bad.write_text(f"signal,value\npdq,{random_pdq(1)}\nmd5,zz\n")
    result = runner.invoke(app, ["indicators", "import", str(bad), "--source", "partner"])
    assert result.exit_code == 2
    assert f"{bad}:3: md5 must be 32 hexadecimal characters" in result.output.replace("\n", "")
    with transaction(session_factory) as session:
        assert repository.count_by_status(session) == {}


def test_import_is_idempotent_and_trusted_verifies(cli_env, tmp_path, session_factory) -> None:  # noqa: F811
    good = tmp_path / "list.csv"
    good.write_text(f"pdq,{random_pdq(1)},csam|known\nsha256,{'ef' * 32}\n")
    first = runner.invoke(app, ["indicators", "import", str(good), "--source", "IWF", "--trusted"])
    assert first.exit_code == 0 and "2 new, 0 already present, 2 verified" in first.output
    second = runner.invoke(app, ["indicators", "import", str(good), "--source", "IWF", "--trusted"])
    assert "0 new, 2 already present" in second.output
    with transaction(session_factory) as session:
        assert repository.count_by_status(session) == {"verified": 2}


def test_guard_add_hashes_media_and_disputes_what_it_catches(
    cli_env,  # noqa: F811 - the fixture imported from tests.test_cli
    tmp_path,
    session_factory,
) -> None:
    photo = sample_photo(tmp_path / "astronaut.png")
    from eucentre.media.hashing import hash_file

    with transaction(session_factory) as session:
        caught = verified(session, hash_file(photo)["pdq"])
    result = runner.invoke(app, ["guard", "add", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"indicator {caught.id} disputed" in result.output
    with transaction(session_factory) as session:
        assert repository.get(session, caught.id).status == IndicatorStatus.disputed
        assert {row.signal for row in repository.benign(session, "pdq")} == {"pdq"}


def test_add_media_creates_candidates_with_encrypted_source(
    cli_env,  # noqa: F811 - the fixture imported from tests.test_cli
    tmp_path,
    session_factory,
) -> None:
    photo = sample_photo(tmp_path / "photo.png", seed=1)
    flat = tmp_path / "flat.png"
    Image.new("RGB", (128, 128), (120, 120, 120)).save(flat)
    result = runner.invoke(
        app, ["indicators", "add-media", str(photo), str(flat), "--source", "test"]
    )
    assert result.exit_code == 0, result.output
    assert "flat.png" in result.output and "too low" in result.output
    with transaction(session_factory) as session:
        made = session.scalars(select(Indicator).order_by(Indicator.id)).all()
    assert [i.signal for i in made] == ["pdq", "md5"]
    assert made[0].source_blob_id and made[0].quality >= 50
    stored = next((tmp_path / "data" / "blobs").rglob(made[0].source_blob_id))
    assert photo.read_bytes()[:64] not in stored.read_bytes()  # encrypted at rest
