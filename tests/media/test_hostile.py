"""Hostile and broken input: always a typed error with a stable code, never a crash."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from media_fixtures import encode, sample
from PIL import Image

from eucentre.media import errors
from eucentre.media.hashing import HashOptions, hash_bytes, hash_file, hash_record

PHOTO = Image.fromarray(sample("coffee", (160, 120)))


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose header declares a huge image (a decompression bomb's signature)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def code_of(raw: bytes, name: str = "", options: HashOptions | None = None) -> str:
    with pytest.raises(errors.MediaError) as info:
        hash_bytes(raw, name=name, options=options or HashOptions())
    return info.value.code


def test_empty(tmp_path: Path):
    assert code_of(b"") == "empty_file"
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    assert hash_record(path)["error"]["code"] == "empty_file"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP"])
def test_truncated(fmt):
    raw = encode(PHOTO if fmt != "GIF" else PHOTO.convert("P"), fmt)
    assert code_of(raw[: len(raw) // 2]) == "truncated"


def test_truncated_inside_header():
    raw = encode(PHOTO, "JPEG")
    assert code_of(raw[:40]) in {"truncated", "corrupt"}
    assert code_of(encode(PHOTO, "PNG")[:30]) == "truncated"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_corrupt(fmt):
    raw = bytearray(encode(PHOTO if fmt != "GIF" else PHOTO.convert("P"), fmt))
    rng = np.random.default_rng(0)
    # Keep the magic and the end marker; scramble the middle.
    middle = slice(16, len(raw) - 16)
    raw[middle] = rng.integers(0, 256, len(raw) - 32, dtype=np.uint8).tobytes()
    try:
        record = hash_bytes(bytes(raw))
    except errors.MediaError as exc:
        assert exc.code in {"corrupt", "truncated", "decompression_bomb"}
    else:  # some decoders conceal errors: then it is still a well-formed record
        assert len(record["pdq"]) == 64


def test_garbage_after_magic_is_corrupt():
    assert code_of(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200 + b"IEND\xaeB`\x82") == "corrupt"
    assert code_of(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"\xff\xd9") == "corrupt"


@pytest.mark.parametrize(
    "raw",
    [
        b"%PDF-1.7\n" + b"x" * 100,
        b"PK\x03\x04" + b"\x00" * 100,
        b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40,
        b"just some text\n",
        bytes(range(256)),
    ],
)
def test_unsupported(raw):
    assert code_of(raw) == "unsupported_format"


def test_wrong_extension_is_hashed_and_noted(tmp_path: Path):
    path = tmp_path / "holiday.png"
    path.write_bytes(encode(PHOTO, "JPEG"))
    record = hash_file(path)
    assert record["format"] == "jpeg"
    assert {"code": "extension_mismatch", "message": "extension .png but content is jpeg"} in (
        record["notes"]
    )
    right = tmp_path / "holiday.jpeg"
    right.write_bytes(path.read_bytes())
    assert hash_file(right)["notes"] == []
    assert hash_file(right)["pdq"] == record["pdq"]


def test_decompression_bomb_refused_before_decoding():
    # 100k x 100k pixels would need 10 GB; the header check refuses it instantly.
    assert code_of(png_declaring(100_000, 100_000)) == "decompression_bomb"
    gif = b"GIF89a" + struct.pack("<HH", 65535, 65535) + b"\x00\x00\x00" + b"," + b"\x00" * 20
    assert code_of(gif + b";") == "decompression_bomb"


def test_pixel_cap_is_configurable():
    raw = encode(PHOTO, "PNG")
    assert code_of(raw, options=HashOptions(max_pixels=160 * 120 - 1)) == "decompression_bomb"
    assert hash_bytes(raw, options=HashOptions(max_pixels=160 * 120))["width"] == 160


def test_bomb_over_pillow_limit_is_still_typed():
    # Over twice Pillow's own limit: Pillow raises first, and we still map it.
    assert code_of(png_declaring(20_000, 20_000), options=HashOptions(max_pixels=10**9)) == (
        "decompression_bomb"
    )


def test_unreadable_paths(tmp_path: Path):
    assert hash_record(tmp_path / "missing.jpg")["error"]["code"] == "unreadable"
    assert hash_record(tmp_path)["error"]["code"] == "unreadable"


def test_error_codes_are_stable():
    assert errors.ERROR_CODES == (
        "empty_file",
        "unreadable",
        "truncated",
        "corrupt",
        "unsupported_format",
        "decompression_bomb",
        "too_large",
        "no_video_stream",
        "too_long",
        "no_frames",
    )
