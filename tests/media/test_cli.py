from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from media_fixtures import encode, make_video, reference_pdq_bytes, sample
from PIL import Image
from typer.testing import CliRunner

from eucentre.cli import app
from eucentre.media.pdq import hamming

IMAGE_KEYS = {"path", "media_type", "md5", "sha256", "pdq", "pdq_quality"}
VIDEO_KEYS = {"path", "media_type", "md5", "sha256", "vpdq"}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.png").write_bytes(encode(Image.fromarray(sample("astronaut", (128, 128))), "PNG"))
    (root / "sub" / "b.jpg").write_bytes(
        encode(Image.fromarray(sample("coffee", (150, 100))), "JPEG", quality=90)
    )
    make_video(root / "sub" / "deeper" / "c.mp4", seconds=2, fps=5)
    return root


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_jsonl_contract_on_folders(tree: Path):
    result = CliRunner().invoke(app, ["hash", "--jsonl", str(tree)])
    assert result.exit_code == 0, result.output
    records = _lines(result.stdout)
    assert [Path(r["path"]).name for r in records] == ["a.png", "b.jpg", "c.mp4"]
    png, jpg, video = records
    assert set(png) >= IMAGE_KEYS and png["media_type"] == "image"
    assert png["pdq"] == reference_pdq_bytes((tree / "a.png").read_bytes())[0]
    assert hamming(jpg["pdq"], reference_pdq_bytes((tree / "sub" / "b.jpg").read_bytes())[0]) <= 4
    assert set(video) >= VIDEO_KEYS and video["media_type"] == "video"
    assert [f["frame"] for f in video["vpdq"]] == [0, 5]
    assert set(video["vpdq"][0]) == {"frame", "timestamp", "pdq", "quality"}


def test_failures_exit_1_and_are_reported(tree: Path):
    (tree / "empty.gif").write_bytes(b"")
    (tree / "notes.txt").write_text("hello")
    result = CliRunner().invoke(app, ["hash", "--jsonl", str(tree), str(tree / "missing.jpg")])
    assert result.exit_code == 1
    records = _lines(result.stdout)
    failures = {Path(r["path"]).name: r for r in records if "error" in r}
    assert set(failures) == {"empty.gif", "notes.txt", "missing.jpg"}
    assert failures["empty.gif"] == {
        "path": str(tree / "empty.gif"),
        "error": {"code": "empty_file", "message": "the file is empty"},
    }
    assert failures["notes.txt"]["error"]["code"] == "unsupported_format"
    assert failures["missing.jpg"]["error"]["code"] == "unreadable"
    assert len(records) == 6


def test_workers_give_the_same_records(tree: Path):
    one = CliRunner().invoke(app, ["hash", "--jsonl", str(tree)])
    two = CliRunner().invoke(app, ["hash", "--jsonl", "--workers", "2", str(tree)])
    assert two.exit_code == 0
    assert _lines(two.stdout) == _lines(one.stdout)


def test_fast_flag(tree: Path):
    result = CliRunner().invoke(app, ["hash", "--jsonl", "--fast", str(tree / "sub" / "b.jpg")])
    (record,) = _lines(result.stdout)
    assert record["pdq_mode"] == "fast"


def test_table_mode(tree: Path):
    result = CliRunner().invoke(app, ["hash", str(tree)])
    assert result.exit_code == 0
    assert "a.png" in result.output and "image" in result.output and "video" in result.output


def test_real_subprocess(tree: Path):
    exe = Path(sys.executable).parent / "eucentre"
    (tree / "bad.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 50)
    proc = subprocess.run(
        [str(exe), "hash", "--jsonl", str(tree)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    records = _lines(proc.stdout)
    assert len(records) == 4
    by_name = {Path(r["path"]).name: r for r in records}
    assert by_name["bad.jpg"]["error"]["code"] in {"truncated", "corrupt"}
    assert set(by_name["a.png"]) >= IMAGE_KEYS
