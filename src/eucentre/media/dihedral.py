"""Hashes of the 7 other rotations and mirror images of an image, from its 16x16 DCT.

Mirroring an axis of the 64x64 buffer multiplies the DCT basis of frequency u by (-1)^u, and
transposing the buffer transposes the coefficients; every dihedral transform is a composition
of those, so all eight hashes come from one DCT (median re-taken per transform). The names
follow Pillow's ``Image.Transpose`` (rotations counter-clockwise).
"""

from __future__ import annotations

import numpy as np

from .pdq import (
    DCT_SIZE,
    PDQHash,
    col_pass,
    dct16,
    dct_to_hex,
    is_constant_image,
    is_near_flat,
    pdq_from_buffer,
    row_pass,
    sequential_pdq_of,
)

# Frequencies u = 1..16: odd frequencies change sign when their axis is mirrored.
_SIGNS = np.where(np.arange(1, DCT_SIZE + 1) % 2 == 1, -1.0, 1.0).astype(np.float32)

# name -> (mirror rows, mirror columns, then transpose)
TRANSFORMS: dict[str, tuple[bool, bool, bool]] = {
    "original": (False, False, False),
    "rotate90": (False, True, True),
    "rotate180": (True, True, False),
    "rotate270": (True, False, True),
    "flip_left_right": (False, True, False),
    "flip_top_bottom": (True, False, False),
    "transpose": (False, False, True),
    "transverse": (True, True, True),
}

# EXIF orientation tag value -> the transform that displays the stored pixels upright.
EXIF_ORIENTATION: dict[int, str] = {
    1: "original",
    2: "flip_left_right",
    3: "rotate180",
    4: "flip_top_bottom",
    5: "transpose",
    6: "rotate270",
    7: "transverse",
    8: "rotate90",
}


def transform_dct(coefficients: np.ndarray, name: str) -> np.ndarray:
    flip_rows, flip_cols, transpose = TRANSFORMS[name]
    out = coefficients
    if flip_rows:
        out = out * _SIGNS[:, None]
    if flip_cols:
        out = out * _SIGNS[None, :]
    return out.T if transpose else out


def dihedral_hashes(coefficients: np.ndarray) -> dict[str, str]:
    """All eight hashes (including ``original``) keyed by transform name."""
    return {name: dct_to_hex(transform_dct(coefficients, name)) for name in TRANSFORMS}


def pdq_with_dihedral(pixels: np.ndarray, *, scale: float = 1.0) -> tuple[PDQHash, dict[str, str]]:
    """The PDQ of the pixels and all eight exact dihedral hashes (see ``exact_dihedral_hashes``)."""
    hashes: dict[str, str] = {}
    partials = {False: row_pass(pixels), True: row_pass(pixels, flip_rows=True)}
    buffers: dict[tuple[bool, bool], np.ndarray] = {}
    original: PDQHash | None = None
    for name, (flip_rows, flip_cols, transpose) in TRANSFORMS.items():
        key = (flip_rows, flip_cols)
        if key not in buffers:
            buffers[key] = col_pass(partials[flip_rows], flip_cols=flip_cols, scale=scale)
        if name == "original":
            original = pdq_from_buffer(buffers[key])
            hashes[name] = original.hash
            continue
        coefficients = dct16(buffers[key])
        hashes[name] = dct_to_hex(coefficients.T if transpose else coefficients)
    assert original is not None
    if is_near_flat(buffers[(False, False)]):
        # Rounding noise decides these bits: redo each with the reference's exact arithmetic,
        # once per distinct oriented image (a streamed whole-image pass each).
        sources = orientation_sources(pixels.shape[:2], constant=is_constant_image(pixels))
        computed: dict[str, PDQHash] = {}
        for name in TRANSFORMS:
            source = sources[name]
            if source not in computed:
                flip_rows, flip_cols, transpose = TRANSFORMS[source]
                computed[source] = sequential_pdq_of(
                    pixels, scale, flip_rows=flip_rows, flip_cols=flip_cols, transpose=transpose
                )
            hashes[name] = computed[source].hash
        original = computed["original"]
    return original, hashes


def orientation_sources(shape: tuple[int, ...], *, constant: bool) -> dict[str, str]:
    """For each transform, the transform whose image is bit for bit the same, so its hash is.

    A constant image is unchanged by mirroring, and its transposes are one constant image of
    the other shape (the same one when square): a flat image needs one or two passes, not 8.
    """
    if not constant:
        return {name: name for name in TRANSFORMS}
    square = shape[0] == shape[1]
    return {
        name: "transpose" if transpose and not square else "original"
        for name, (_, _, transpose) in TRANSFORMS.items()
    }


def exact_dihedral_hashes(pixels: np.ndarray, *, scale: float = 1.0) -> dict[str, str]:
    """All eight hashes, each equal to the PDQ of the actually transformed pixels.

    PDQ's box window is off-centre for even window sizes and its sample grid is not mirror
    symmetric, so the sign-flip derivation above can differ from the hash of a really mirrored
    image by tens of bits on small images. Mirroring the (sparse) filter operators instead is
    exact and costs one more pass over the rows; transposes stay free at 64x64.
    """
    return pdq_with_dihedral(pixels, scale=scale)[1]
