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


def _shown(raw: bytes) -> np.ndarray:
    """The picture as shown: Pillow's RGB conversion (16-bit grey scaled by 1/257)."""
    img = Image.open(io.BytesIO(raw))
    if img.mode.startswith("I;16"):
        return np.round(np.asarray(img).astype(np.float64) / 257).astype(np.uint8)
    return np.asarray(img.convert("RGB"))


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [("PNG", "P"), ("GIF", "P"), ("TIFF", "CMYK"), ("JPEG", "CMYK"), ("PNG", "1")],
)
def test_palette_cmyk_bilevel_pdq_is_the_reference_and_displayed_the_picture(fmt, mode):
    """The reference hashes palette indices / CMYK ink as RGB / bilevel as 0-1: ``pdq`` does
    too (it is what hash lists hold); ``pdq_displayed`` hashes the shown colours."""
    img = Image.fromarray(PHOTO).convert(mode)
    raw = encode(img, fmt)
    record = hash_bytes(raw)
    ref_hash, ref_quality = reference_pdq_bytes(raw)
    assert record["pdq"] == ref_hash
    assert record["pdq_quality"] == ref_quality
    shown_hash, shown_quality = reference_pdq(_shown(raw))
    assert hamming(record["pdq_displayed"], shown_hash) <= 2
    assert abs(record["pdq_displayed_quality"] - shown_quality) <= 1
    assert any(note["code"] == "pdq_displayed" for note in record["notes"])


def test_cmyk_reference_reads_ink_as_rgb():
    """CMYK: far from the picture (inverted-ish luminance), equal to ``pdq_from_bytes``."""
    raw = encode(Image.fromarray(PHOTO).convert("CMYK"), "JPEG", quality=90)
    record = hash_bytes(raw)
    assert record["mode"] == "CMYK"
    assert record["pdq"] == reference_pdq_bytes(raw)[0]
    assert hamming(record["pdq"], record["pdq_displayed"]) > 64
    ink = np.asarray(Image.open(io.BytesIO(raw)))[:, :, :3]
    assert record["pdq"] == reference_pdq(ink)[0]


def test_palette_with_transparency():
    img = Image.fromarray(PHOTO).convert("P")
    raw = encode(img, "PNG", transparency=0)
    record = hash_bytes(raw)
    assert record["pdq"] == reference_pdq_bytes(raw)[0]
    assert record["pdq_displayed"] == reference_pdq(_shown(raw))[0]


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_sixteen_bit_grey_pdq_is_clipped_like_the_reference_displayed_is_scaled(fmt):
    wide = GREY.astype(np.uint16) * 257
    img = Image.fromarray(wide)
    assert img.mode == "I;16"
    raw = encode(img, fmt)
    record = hash_bytes(raw)
    assert record["mode"] == "I;16"
    ref_hash, ref_quality = reference_pdq_bytes(raw)
    assert record["pdq"] == ref_hash
    assert record["pdq_quality"] == ref_quality
    assert record["pdq_displayed"] == reference_pdq(GREY)[0]
    assert record["pdq_displayed"] == reference_pdq(_shown(raw))[0]
    assert record["pdq_displayed_quality"] == reference_pdq(GREY)[1]
    assert any(note["code"] == "pdq_displayed" for note in record["notes"])


def test_sixteen_bit_values_below_256_are_hashed_as_is_by_the_reference():
    low = (GREY // 2).astype(np.uint16) + 10  # 10..137: nothing clipped
    raw = encode(Image.fromarray(low), "PNG")
    record = hash_bytes(raw)
    assert record["pdq"] == reference_pdq_bytes(raw)[0] == reference_pdq(low.astype(np.uint8))[0]


def test_sixteen_bit_dihedral_and_oriented_follow_the_reference():
    wide = GREY.astype(np.uint16) * 200
    exif = Image.Exif()
    exif[0x0112] = 6
    raw = encode(Image.fromarray(wide), "PNG", exif=exif.tobytes())
    record = hash_bytes(raw)
    clipped = np.minimum(wide, 255).astype(np.uint8)
    assert record["pdq"] == reference_pdq(clipped)[0] == reference_pdq_bytes(raw)[0]
    rotated = np.ascontiguousarray(np.rot90(clipped, 1))
    assert record["pdq_dihedral"]["rotate90"] == reference_pdq(rotated)[0]
    assert record["pdq_oriented"] == reference_pdq(np.ascontiguousarray(np.rot90(clipped, -1)))[0]


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGB"), ("PNG", "L"), ("JPEG", "RGB")])
def test_no_displayed_hash_when_the_reference_hashes_the_picture(fmt, mode):
    record = hash_bytes(encode(Image.fromarray(PHOTO).convert(mode), fmt))
    assert "pdq_displayed" not in record
    assert not any(note["code"].startswith("pdq_") for note in record["notes"])


@pytest.mark.parametrize(
    "img",
    [
        Image.frombytes("I;16B", GREY.shape[::-1], (GREY.astype(">u2") * 257).tobytes()),
        Image.fromarray(GREY.astype(np.int32) * 257),
        Image.fromarray(GREY.astype(np.float32)),
    ],
    ids=["I;16B", "I", "F"],
)
def test_modes_the_reference_cannot_hash_fall_back_to_the_picture(img):
    raw = encode(img, "TIFF")
    with pytest.raises(ValueError):
        reference_pdq_bytes(raw)
    record = hash_bytes(raw)
    assert "pdq_displayed" not in record
    assert any(note["code"] == "pdq_reference_unsupported" for note in record["notes"])
    assert hamming(record["pdq"], reference_pdq(GREY)[0]) <= 2


def test_animated_gif_hashes_first_frame_and_says_so():
    frames = [Image.fromarray(sample(n, (120, 80))).convert("P") for n in ("coffee", "rocket")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    raw = buffer.getvalue()
    record = hash_bytes(raw)
    first = np.asarray(frames[0].convert("RGB"))
    assert record["animated"] is True
    assert any(note["code"] == "animated" for note in record["notes"])
    assert record["pdq"] == reference_pdq_bytes(raw)[0]
    assert hamming(record["pdq_displayed"], reference_pdq(first)[0]) <= 2


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


@pytest.mark.parametrize("value", [255, 17])
@pytest.mark.parametrize("shape", [(150, 200), (64, 64), (97, 131)])
def test_flat_images_match_the_reference_bit_for_bit(value, shape):
    """On a uniform picture every bit is rounding noise: we follow the reference's arithmetic."""
    flat = np.full(shape, value, np.uint8)
    raw = encode(Image.fromarray(flat), "PNG")
    record = hash_bytes(raw)
    assert (record["pdq"], record["pdq_quality"]) == reference_pdq_bytes(raw)
    for name, transform in (("rotate90", np.rot90), ("flip_left_right", np.fliplr)):
        moved = np.ascontiguousarray(transform(flat))
        assert record["pdq_dihedral"][name] == reference_pdq(moved)[0]
    without = hash_bytes(raw, options=HashOptions(dihedral=False))
    assert without["pdq"] == record["pdq"]


def test_sixteen_bit_clipped_to_flat_matches_the_reference():
    """The common 16-bit case: almost every value is above 255, so the reference sees flat 255."""
    wide = (GREY.astype(np.uint16) | 1) * 257
    raw = encode(Image.fromarray(wide), "PNG")
    record = hash_bytes(raw)
    assert (record["pdq"], record["pdq_quality"]) == reference_pdq_bytes(raw)
    assert record["pdq_displayed_quality"] > 50


def test_pixels_built_a_block_of_rows_at_a_time_equal_numpys_reading(monkeypatch) -> None:
    from PIL import Image

    from eucentre.media import decode

    rng = np.random.default_rng(9)
    monkeypatch.setattr(decode, "ARRAY_BLOCK_BYTES", 4 * 37 * 5)  # 5 rows a block, last short
    for mode, shape in [("RGB", (23, 37, 3)), ("RGBA", (23, 37, 4)), ("L", (23, 37))]:
        image = Image.fromarray((rng.random(shape) * 255).astype(np.uint8), mode=mode)
        built = decode.as_array(image)
        assert built.dtype == np.uint8 and np.array_equal(built, np.asarray(image)), mode
    wide = Image.fromarray((rng.random((23, 37)) * 65535).astype(np.uint16))
    assert np.array_equal(decode.as_array(wide), np.asarray(wide))
