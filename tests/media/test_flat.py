"""Flat images (one colour): their hashes are decided by the reference's rounding noise, so they
take the reference's whole-image arithmetic; but an image that mirroring cannot change needs it
once per distinct oriented image, not 8 times. Regression: a flat 100 MP PNG took 94 s."""

from __future__ import annotations

import numpy as np
import pytest
from media_fixtures import make_video, reference_pdq

from eucentre.media import errors
from eucentre.media.dihedral import TRANSFORMS, orientation_sources, pdq_with_dihedral
from eucentre.media.hashing import HashOptions, hash_bytes
from eucentre.media.limits import DEFAULT_MAX_PIXELS, DEFAULT_MAX_PIXELS_PER_FRAME
from eucentre.media.pdq import oriented_luma, reference_luma, sequential_pdq

# What the reference's arithmetic gives a flat 53x37 and 48x48 image of colour (200, 100, 50):
# not all zeros (its rounding noise sets bits), and quality 0.
FLAT = "00002c4b0000113411341134000000001134554b8200113411342c4b1134cc53"


def flat(height: int, width: int, colour=(200, 100, 50)) -> np.ndarray:
    return np.full((height, width, 3), colour, dtype=np.uint8)


@pytest.mark.parametrize("shape", [(37, 53), (48, 48)])
def test_a_flat_image_hashes_exactly_with_quality_zero(shape) -> None:
    original, variants = pdq_with_dihedral(flat(*shape))
    assert (original.hash, original.quality) == (FLAT, 0)
    assert variants == dict.fromkeys(TRANSFORMS, FLAT)
    assert reference_pdq(flat(*shape)) == (FLAT, 0)


@pytest.mark.parametrize("shape", [(5, 301), (211, 40), (96, 96)])
def test_each_orientation_of_a_flat_image_is_the_hash_of_that_oriented_image(shape) -> None:
    pixels = flat(*shape, colour=(17, 240, 99))
    luma = reference_luma(pixels)
    _, variants = pdq_with_dihedral(pixels)
    for name, (flip_rows, flip_cols, transpose) in TRANSFORMS.items():
        oriented = oriented_luma(
            luma, flip_rows=flip_rows, flip_cols=flip_cols, transpose=transpose
        )
        assert variants[name] == sequential_pdq(oriented).hash, name
    transposed = np.ascontiguousarray(pixels.transpose(1, 0, 2))
    assert variants["transpose"] == reference_pdq(transposed)[0]


def test_a_flat_image_takes_one_pass_per_distinct_oriented_image() -> None:
    oblong = orientation_sources((37, 53), constant=True)
    assert set(oblong.values()) == {"original", "transpose"}  # 2 passes, not 8
    assert {name for name, source in oblong.items() if source == "transpose"} == {
        name for name, (_, _, transpose) in TRANSFORMS.items() if transpose
    }
    assert set(orientation_sources((48, 48), constant=True).values()) == {"original"}
    # Not quite flat (a pixel differs): mirroring changes it, every orientation is its own.
    assert orientation_sources((48, 48), constant=False) == {name: name for name in TRANSFORMS}


def test_a_nearly_flat_image_still_takes_every_orientation_exactly() -> None:
    pixels = flat(40, 60)
    pixels[3, 7] = (201, 100, 50)  # invisible, but no longer a mirror image of itself
    luma = reference_luma(pixels)
    assert luma.min() != luma.max()
    _, variants = pdq_with_dihedral(pixels)
    for name, (flip_rows, flip_cols, transpose) in TRANSFORMS.items():
        oriented = oriented_luma(
            luma, flip_rows=flip_rows, flip_cols=flip_cols, transpose=transpose
        )
        assert variants[name] == sequential_pdq(oriented).hash, name


def test_video_frames_have_the_video_pixel_cap(tmp_path) -> None:
    assert HashOptions().max_frame_pixels == DEFAULT_MAX_PIXELS_PER_FRAME == 40_000_000
    assert HashOptions().max_pixels == DEFAULT_MAX_PIXELS
    clip = make_video(tmp_path / "clip.mp4", seconds=1, fps=5, size=(96, 64)).read_bytes()
    with pytest.raises(errors.DecompressionBomb):
        hash_bytes(clip, options=HashOptions(max_frame_pixels=96 * 64 - 1))
    with pytest.raises(errors.DecompressionBomb):  # a lower image cap applies to frames too
        hash_bytes(clip, options=HashOptions(max_pixels=96 * 64 - 1))
    assert hash_bytes(clip, options=HashOptions(max_frame_pixels=96 * 64))["vpdq"]


@pytest.mark.parametrize("scale", [1.0, 255 / 65535])
def test_luma_computed_block_by_block_is_the_whole_images_bit_for_bit(monkeypatch, scale) -> None:
    """Large images are converted a block of rows at a time (memory, speed); the bits must be
    those of the reference's one float64 expression over the whole image."""
    from eucentre.media import pdq

    rng = np.random.default_rng(3)
    pixels = (rng.random((97, 61, 3)) * 255).astype(np.uint8)
    monkeypatch.setattr(pdq, "LUMA_BLOCK_PIXELS", 61 * 10)  # 10 rows a block, the last short
    arr = pixels.astype(np.float64)
    if scale != 1.0:
        arr = np.clip(np.round(arr * scale), 0, 255)
    whole = (arr[..., 0] * 0.299 + arr[..., 1] * 0.587 + arr[..., 2] * 0.114).astype(np.float32)
    assert np.array_equal(reference_luma(pixels, scale), whole)
    grey = pixels[..., 0]
    assert np.array_equal(
        reference_luma(grey), (grey * 0.299 + grey * 0.587 + grey * 0.114).astype(np.float32)
    )


@pytest.mark.parametrize("shape", [(1, 1), (3, 200), (64, 64), (100, 37), (129, 257)])
@pytest.mark.parametrize("kind", ["flat", "noise", "near-flat rgba", "grey", "16-bit"])
def test_the_streamed_exact_pass_is_the_whole_image_pass_bit_for_bit(shape, kind) -> None:
    """`sequential_pdq_of` streams the reference's four box passes over the rows; the whole-image
    `sequential_pdq` is the oracle, in every orientation."""
    from eucentre.media.pdq import sequential_pdq_of

    rng = np.random.default_rng(sum(shape))
    scale = 1.0
    if kind == "flat":
        pixels = np.full((*shape, 3), 77, np.uint8)
    elif kind == "noise":
        pixels = (rng.random((*shape, 3)) * 255).astype(np.uint8)
    elif kind == "near-flat rgba":
        pixels = np.clip(rng.normal(128, 0.3, (*shape, 4)), 0, 255).astype(np.uint8)
    elif kind == "grey":
        pixels = (rng.random(shape) * 255).astype(np.uint8)
    else:
        pixels, scale = (rng.random((*shape, 3)) * 65535).astype(np.uint16), 255 / 65535
    luma = reference_luma(pixels, scale)
    for name, (flip_rows, flip_cols, transpose) in TRANSFORMS.items():
        orientation = {"flip_rows": flip_rows, "flip_cols": flip_cols, "transpose": transpose}
        expected = sequential_pdq(oriented_luma(luma, **orientation))
        streamed = sequential_pdq_of(pixels, scale, **orientation)
        assert streamed.hash == expected.hash, name
        assert streamed.quality == expected.quality
        assert np.array_equal(streamed.dct, expected.dct)
