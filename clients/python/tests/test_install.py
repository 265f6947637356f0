"""`pip install ./clients/python` in a fresh virtual environment (no system site packages,
dependencies from the package index): the console script runs, and the shipped hashing and
protocol are the server's own files, not copies."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

CLIENT = Path(__file__).resolve().parents[1]
REPOSITORY = CLIENT.parents[1]


@pytest.mark.heavy  # make test-heavy
def test_the_client_installs_alone_and_runs(tmp_path: Path) -> None:
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(CLIENT)],
        check=True,
        timeout=900,
        cwd=tmp_path,
    )
    helped = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "eucentre-client"), "--help"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert "voucher" in helped.stdout
    probe = (
        "import sys, eucentre_client.psi.device, eucentre_client.media.hashing;"
        "import eucentre_client.media.pdq as p; print(p.__file__);"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('fastapi', 'sqlalchemy', 'starlette', 'uvicorn', 'eucentre', 'typer')))"
    )
    shown = subprocess.run(
        [str(python), "-c", probe], capture_output=True, text=True, check=True, timeout=120,
        cwd=tmp_path,
    )  # fmt: skip
    installed, imported = shown.stdout.splitlines()
    assert imported == "[]"  # no web framework, database or server
    shipped = Path(installed).read_bytes()
    assert shipped == (REPOSITORY / "src" / "eucentre" / "media" / "pdq.py").read_bytes()
    assert sys.version_info >= (3, 11)
