from __future__ import annotations

import numpy as np
import pytest
from media_fixtures import sample
from PIL import Image

from eucentre.media.dihedral import (
    EXIF_ORIENTATION,
    TRANSFORMS,
    dihedral_hashes,
    exact_dihedral_hashes,
    pdq_with_dihedral,
)
from eucentre.media.pdq import hamming, pdq_hash

T = Image.Transpose
PILLOW_OPS = {
    "rotate90": T.ROTATE_90,
    "rotate180": T.ROTATE_180,
    "rotate270": T.ROTATE_270,
    "flip_left_right": T.FLIP_LEFT_RIGHT,
    "flip_top_bottom": T.FLIP_TOP_BOTTOM,
    "transpose": T.TRANSPOSE,
    "transverse": T.TRANSVERSE,
}


def transformed_hash(pixels: np.ndarray, name: str) -> str:
    return pdq_hash(np.asarray(Image.fromarray(pixels).transpose(PILLOW_OPS[name]))).hash


@pytest.mark.parametrize(("name", "size"), [("astronaut", (300, 300)), ("coffee", (256, 200))])
def test_exact_dihedral_equals_hash_of_transformed_image(name, size):
    pixels = sample(name, size)
    hashes = exact_dihedral_hashes(pixels)
    assert hashes["original"] == pdq_hash(pixels).hash
    for op in PILLOW_OPS:
        assert hashes[op] == transformed_hash(pixels, op), op


def test_dct_sign_flips_are_exact_when_the_pdq_grid_is_symmetric():
    # Windows of odd size and a sample grid symmetric under reversal (64 and 300 px) make the
    # 64x64 buffer of a mirrored image the mirrored buffer: the derivation is then exact.
    for size in (64, 300):
        pixels = sample("chelsea", (size, size))
        derived = dihedral_hashes(pdq_hash(pixels).dct)
        for op in PILLOW_OPS:
            assert derived[op] == transformed_hash(pixels, op), (size, op)


def test_dct_sign_flips_stay_close_on_large_images():
    pixels = sample("coffee", (1000, 1000))
    derived = dihedral_hashes(pdq_hash(pixels).dct)
    for op in PILLOW_OPS:
        assert hamming(derived[op], transformed_hash(pixels, op)) <= 16, op
    # Transposes never touch the grid's asymmetry.
    assert derived["transpose"] == transformed_hash(pixels, "transpose")


def test_pdq_with_dihedral_returns_quality_and_all_names():
    original, hashes = pdq_with_dihedral(sample("camera", (128, 96)))
    assert set(hashes) == set(TRANSFORMS)
    assert original.quality == 100
    assert len(set(hashes.values())) == 8


def test_exif_orientations_cover_the_dihedral_group():
    assert set(EXIF_ORIENTATION.values()) == set(TRANSFORMS)
