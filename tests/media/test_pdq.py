from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from media_fixtures import reference_pdq, sample

from eucentre.media.pdq import (
    axis_operator,
    bits_to_hex,
    downsample_64,
    hamming,
    hex_to_bits,
    jarosz_window,
    pdq_hash,
)


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("astronaut", None),
        ("camera", None),
        ("coffee", None),
        ("chelsea", None),
        ("coins", None),
        ("astronaut", (97, 61)),
        ("coffee", (1030, 777)),
        ("camera", (40, 300)),
        ("rocket", (64, 64)),
        ("brick", (5, 7)),
    ],
)
def test_matches_reference_on_sample_photos(name, size):
    pixels = sample(name, size)
    ref_hash, ref_quality = reference_pdq(pixels)
    ours = pdq_hash(pixels)
    assert hamming(ours.hash, ref_hash) <= 2
    assert abs(ours.quality - ref_quality) <= 1


def test_known_hashes_of_synthetic_inputs():
    y, x = np.mgrid[0:120, 0:160]
    waves = (127.5 + 127.5 * np.sin(x / 9.0) * np.cos(y / 13.0)).astype(np.uint8)
    ours = pdq_hash(waves)
    # Pinned value, identical to the threatexchange/pdqhash reference.
    assert ours.hash == "dfe0241f77e0001fffe0001fffe0001fffe0801fffe0001fffe0001f001fffe0"
    assert ours.hash == reference_pdq(waves)[0]
    assert ours.quality == 100
    # Seeded noise: every DCT coefficient carries energy, so no bit sits on rounding noise.
    noise = np.random.default_rng(7).integers(0, 256, size=(300, 200), dtype=np.uint8)
    assert pdq_hash(noise).hash == reference_pdq(noise)[0]


def test_flat_image_has_zero_quality():
    # A flat image's DCT is rounding noise: its hash means nothing and quality says so.
    flat = pdq_hash(np.full((100, 80), 128, np.uint8))
    assert flat.quality == 0
    assert not flat.indicator_eligible


def test_hash_format_and_distance():
    h = pdq_hash(sample("astronaut", (128, 128))).hash
    assert len(h) == 64 and h == h.lower()
    assert bin(int(h, 16)).count("1") == 128  # median threshold: half the bits set
    assert hamming(h, h) == 0
    assert hamming("0" * 64, "f" * 64) == 256
    assert bits_to_hex(hex_to_bits(h)) == h


def test_colour_weights_and_alpha_are_ignored_like_reference():
    rgb = sample("coffee", (150, 100))
    rgba = np.concatenate([rgb, np.zeros(rgb.shape[:2] + (1,), np.uint8)], axis=-1)
    assert pdq_hash(rgba).hash == pdq_hash(rgb).hash == reference_pdq(rgb)[0]


def test_scale_handles_16_bit():
    grey = sample("camera", (120, 90))
    wide = grey.astype(np.uint16) * 257
    assert pdq_hash(wide, scale=1 / 257).hash == pdq_hash(grey).hash


def test_jarosz_window_sizes():
    assert [jarosz_window(n) for n in (1, 64, 128, 129, 256, 4000)] == [1, 1, 1, 2, 2, 32]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=5000))
def test_axis_operator_rows_are_averages(size):
    op = axis_operator(size)
    sums = [op.weights[i, : op.lengths[i]].sum() for i in range(64)]
    np.testing.assert_allclose(sums, 1.0, rtol=1e-5)
    assert (op.starts >= 0).all()
    assert (op.starts + op.lengths <= size).all()


def test_flipped_buffer_equals_buffer_of_flipped_pixels():
    pixels = sample("chelsea", (203, 131))
    np.testing.assert_allclose(
        downsample_64(pixels, flip_rows=True, flip_cols=True),
        downsample_64(np.ascontiguousarray(pixels[::-1, ::-1])),
        atol=1e-3,
    )


def test_rejects_bad_shapes():
    with pytest.raises(ValueError):
        pdq_hash(np.zeros((10, 10, 2), np.uint8))
    with pytest.raises(ValueError):
        pdq_hash(np.zeros((0, 10), np.uint8))


@pytest.mark.parametrize(
    ("height", "width", "channels"),
    [(1, 1, 1), (5, 7, 1), (64, 64, 1), (97, 61, 3), (300, 200, 4), (1030, 777, 3), (2000, 3, 1)],
)
@pytest.mark.parametrize("flip", [False, True])
def test_numpy_and_numba_passes_give_the_same_bits(height, width, channels, flip):
    from eucentre.media import pdq, pdq_jit

    rng = np.random.default_rng(height * width + channels)
    pixels = rng.integers(0, 256, (height, width * channels), dtype=np.uint8)
    rows = axis_operator(height).reversed(height) if flip else axis_operator(height)
    args = (pixels, rows.starts, rows.lengths, rows.weights)
    by_numpy = pdq._reduce_rows_numpy(*args)
    assert by_numpy.tobytes() == pdq_jit.reduce_rows(*args).tobytes()
    partial = np.ascontiguousarray(by_numpy[:, :width])
    cols = axis_operator(width).reversed(width) if flip else axis_operator(width)
    args = (partial, cols.starts, cols.lengths, cols.weights)
    assert pdq._reduce_cols_numpy(*args).tobytes() == pdq_jit.reduce_cols(*args).tobytes()
