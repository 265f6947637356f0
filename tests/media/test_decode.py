"""Odd but valid images: every format and mode is hashed, and hashed like the reference."""

from __future__ import annotations

import io

import numpy as np
import pytest
from media_fixtures import encode, reference_pdq, reference_pdq_bytes, sample
from PIL import Image, ImageOps

from eucentre.media.decode import HEIF_AVAILABLE
from eucentre.media.hashing import HashOptions, hash_bytes
from eucentre.media.pdq import hamming

PHOTO = sample("coffee", (240, 160))
GREY = sample("camera", (200, 150))


def _rgb(img: Image.Image) -> Image.Image:
    return Image.fromarray(PHOTO) if img is None else img


@pytest.mark.parametrize(
    ("fmt", "mode", "params", "bound"),
    [
        ("PNG", "RGB", {}, 0),
        ("PNG", "RGBA", {}, 0),
        ("PNG", "L", {}, 0),
        ("PNG", "LA", {}, 0),
        ("BMP", "RGB", {}, 0),
        ("TIFF", "RGB", {}, 0),
        ("WEBP", "RGB", {"lossless": True}, 0),
        ("WEBP", "RGBA", {"quality": 80}, 0),
        ("JPEG", "RGB", {"quality": 90}, 4),
        ("JPEG", "L", {"quality": 90}, 0),
    ],
)
def test_same_as_reference_for_modes_it_handles(fmt, mode, params, bound):
    img = Image.fromarray(PHOTO).convert(mode)
    raw = encode(img, fmt, **params)
    record = hash_bytes(raw)
    ref_hash, ref_quality = reference_pdq_bytes(raw)
    assert record["media_type"] == "image"
    assert record["format"] == fmt.lower()
    assert hamming(record["pdq"], ref_hash) <= bound
    assert abs(record["pdq_quality"] - ref_quality) <= 1
    assert record["indicator_eligible"] is True


@pytest.mark.skipif(not HEIF_AVAILABLE, reason="pillow-heif missing")
def test_heif():
    raw = encode(Image.fromarray(PHOTO), "HEIF", quality=90)
    record = hash_bytes(raw, name="x.heic")
    assert record["format"] == "heif"
    assert record["notes"] == []
    assert hamming(record["pdq"], reference_pdq_bytes(raw)[0]) <= 2


@pytest.mark.parametrize(
    ("fmt", "mode"), [("PNG", "P"), ("GIF", "P"), ("TIFF", "CMYK"), ("JPEG", "CMYK"), ("PNG", "1")]
)
def test_palette_cmyk_bilevel_hash_the_picture(fmt, mode):
    """The reference hashes palette indices / CMYK ink as RGB; we hash the shown colours."""
    img = Image.fromarray(PHOTO).convert(mode)
    raw = encode(img, fmt)
    shown = np.asarray(Image.open(io.BytesIO(raw)).convert("RGB"))
    record = hash_bytes(raw)
    assert hamming(record["pdq"], reference_pdq(shown)[0]) <= 2


def test_palette_with_transparency():
    img = Image.fromarray(PHOTO).convert("P")
    raw = encode(img, "PNG", transparency=0)
    shown = np.asarray(Image.open(io.BytesIO(raw)).convert("RGB"))
    assert hash_bytes(raw)["pdq"] == reference_pdq(shown)[0]


def test_sixteen_bit_grey_is_scaled_not_clipped():
    wide = GREY.astype(np.uint16) * 257
    img = Image.fromarray(wide)
    assert img.mode == "I;16"
    record = hash_bytes(encode(img, "PNG"))
    assert record["mode"] == "I;16"
    assert record["pdq"] == reference_pdq(GREY)[0]
    tiff = hash_bytes(encode(img, "TIFF"))
    assert tiff["pdq"] == record["pdq"]


def test_animated_gif_hashes_first_frame_and_says_so():
    frames = [Image.fromarray(sample(n, (120, 80))).convert("P") for n in ("coffee", "rocket")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    record = hash_bytes(buffer.getvalue())
    first = np.asarray(frames[0].convert("RGB"))
    assert record["animated"] is True
    assert any(note["code"] == "animated" for note in record["notes"])
    assert hamming(record["pdq"], reference_pdq(first)[0]) <= 2


def test_animated_webp():
    frames = [Image.fromarray(sample(n, (120, 80))) for n in ("coffee", "rocket")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    record = hash_bytes(buffer.getvalue())
    assert record["animated"] is True
    assert record["pdq"] == reference_pdq(np.asarray(frames[0]))[0]


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_stored_and_oriented_hashes(orientation):
    img = Image.fromarray(PHOTO)
    exif = Image.Exif()
    exif[0x0112] = orientation
    raw = encode(img, "PNG", exif=exif.tobytes())
    record = hash_bytes(raw)
    assert record["exif_orientation"] == orientation
    # Stored pixels, as the reference.
    assert record["pdq"] == reference_pdq_bytes(raw)[0]
    upright = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(raw))))
    assert record["pdq_oriented"] == reference_pdq(upright)[0]
    if orientation == 1:
        assert record["pdq_oriented"] == record["pdq"]


def test_oriented_hash_without_dihedral():
    exif = Image.Exif()
    exif[0x0112] = 6
    raw = encode(Image.fromarray(PHOTO), "JPEG", exif=exif.tobytes(), quality=95)
    with_dihedral = hash_bytes(raw)
    without = hash_bytes(raw, options=HashOptions(dihedral=False))
    assert "pdq_dihedral" not in without
    assert without["pdq_oriented"] == with_dihedral["pdq_oriented"]
    assert with_dihedral["pdq_dihedral"]["rotate270"] == with_dihedral["pdq_oriented"]


def test_low_quality_image_is_not_indicator_eligible():
    flat = np.full((100, 100, 3), 90, np.uint8)
    flat[40:60, 40:60] = 95
    record = hash_bytes(encode(Image.fromarray(flat), "PNG"))
    assert record["pdq_quality"] < 50
    assert record["indicator_eligible"] is False
    assert any(note["code"] == "low_quality" for note in record["notes"])


def test_tiny_and_extreme_aspect_images():
    rng = np.random.default_rng(1)
    for shape in [(1, 1), (1, 500), (700, 2)]:
        arr = rng.integers(0, 255, shape, dtype=np.uint8)
        record = hash_bytes(encode(Image.fromarray(arr), "PNG"))
        assert len(record["pdq"]) == 64
        # One pixel wide or tall: no 2-D structure, so never an indicator.
        assert record["indicator_eligible"] is (record["pdq_quality"] >= 50)
    for shape in [(20, 900), (900, 20)]:
        arr = rng.integers(0, 255, shape, dtype=np.uint8)
        assert hash_bytes(encode(Image.fromarray(arr), "PNG"))["pdq"] == reference_pdq(arr)[0]


def test_fast_mode_is_close_and_flagged():
    big = sample("astronaut", (2048, 1536))
    raw = encode(Image.fromarray(big), "JPEG", quality=90)
    record = hash_bytes(raw, options=HashOptions(fast=True))
    assert record["pdq_mode"] == "fast"
    assert record["decoded_scale"] > 1
    assert hamming(record["pdq"], reference_pdq_bytes(raw)[0]) <= 16
