"""The client's command line: an account, vouchers as JSON Lines, files it cannot hash."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
from eucentre_client import cli
from eucentre_client.psi import bundle as bundles
from eucentre_client.psi import group, keys
from eucentre_client.psi.voucher import from_json
from PIL import Image


def image(path: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    small = (rng.random((8, 8, 3)) * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(small).resize((128, 128), Image.BICUBIC).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_vouchers_are_json_lines_one_per_image(tmp_path: Path, capsys) -> None:
    built = bundles.build(
        version=3,
        alpha=group.random_scalar(),
        keys=[keys.exact_key("md5", os.urandom(16).hex()) for _ in range(20)],
    )
    (tmp_path / "b.bin").write_bytes(built.to_bytes())
    assert cli.main(["account", str(tmp_path / "s.json"), "--threshold", "5"]) == 0
    enrolment = json.loads(capsys.readouterr().out)
    assert enrolment["threshold"] == 5 and len(enrolment["mac_key"]) == 44
    assert (tmp_path / "s.json").stat().st_mode & 0o777 == 0o600
    files = [str(image(tmp_path / f"{i}.png", i)) for i in range(3)]
    (tmp_path / "bad.png").write_bytes(b"not an image")
    status = cli.main([
        "voucher", "--bundle", str(tmp_path / "b.bin"), "--root", built.root,
        "--state", str(tmp_path / "s.json"), "--account", "acct", *files, str(tmp_path / "bad.png"),
    ])  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 3
    for line in lines:
        account, voucher = from_json(line)
        assert (account, voucher.bundle_version, voucher.threshold) == ("acct", 3, 5)
    assert json.loads(err)["path"].endswith("bad.png")
    # The state remembers the images (those not replaced by a synthetic voucher), so sending
    # them again makes null vouchers.
    state = json.loads((tmp_path / "s.json").read_text())
    assert len(state["digests"]) + 2 * state["synthetic_sent"] == 6


def test_an_existing_account_is_never_overwritten(tmp_path: Path, capsys) -> None:
    assert cli.main(["account", str(tmp_path / "s.json")]) == 0
    before = (tmp_path / "s.json").read_text()
    assert cli.main(["account", str(tmp_path / "s.json")]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "state_exists"
    assert (tmp_path / "s.json").read_text() == before
