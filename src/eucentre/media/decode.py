"""Safe image decoding to the pixel array PDQ hashes.

Safety: the format is fixed by content sniffing (Pillow is told which plugin to use, so it
cannot be steered into a surprising decoder); declared dimensions are checked against the pixel
cap *before* any pixel is decoded; every decoder failure becomes a typed ``MediaError``.

Compatibility: ``pixels`` are what the reference (threatexchange's ``pdq_from_bytes`` on
pdqhash, i.e. what hash lists contain) hashes: the stored pixels (EXIF orientation is not
applied; the caller derives the oriented hash separately), alpha ignored, Rec.601 luminance of
the first three channels of Pillow's array. For some modes that reading is not the picture as
shown: palette indices instead of colours, CMYK ink planes read as R, G, B, 16-bit grey clipped
at 255, bilevel pixels as 0/1. There ``pixels`` still follow the reference, bit for bit, and
``displayed`` holds the picture as shown (Pillow's RGB conversion, 16-bit scaled by 1/257), so
the record can carry both hashes. Modes the reference cannot hash at all (32-bit integer or
float, big-endian 16-bit) fall back to the picture as shown, with a note.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, UnidentifiedImageError

from . import errors
from .formats import Format
from .limits import DEFAULT_MAX_PIXELS

try:  # HEIF is optional at runtime: without the plugin HEIF files are unsupported.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_AVAILABLE = True
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    HEIF_AVAILABLE = False

EXIF_ORIENTATION_TAG = 0x0112
# Fast mode decodes JPEGs with libjpeg's DCT scaling, keeping at least this many pixels on the
# short side so the 64x64 box filter still averages several samples.
FAST_MIN_SIDE = 512


@dataclass(slots=True)
class DecodedImage:
    pixels: np.ndarray  # (H, W) luma or (H, W, C>=3) colour, values scaled by `scale` to 0..255
    scale: float
    format: str
    mode: str
    width: int
    height: int
    animated: bool = False
    orientation: int = 1
    decoded_scale: int = 1  # >1 when fast mode decoded a reduced JPEG
    notes: list[dict[str, str]] = field(default_factory=list)
    # The picture as shown, when the reference's reading (``pixels``) differs from it.
    displayed: np.ndarray | None = None
    displayed_scale: float = 1.0


def _open(source: bytes | BinaryIO | Path | str, fmt: Format) -> Image.Image:
    if isinstance(source, bytes | bytearray | memoryview):
        source = io.BytesIO(source)
    formats = [fmt.pillow] if fmt.pillow else None
    try:
        return Image.open(source, formats=formats)
    except Image.DecompressionBombError as exc:
        raise errors.DecompressionBomb(str(exc)) from exc
    except UnidentifiedImageError as exc:
        raise errors.Corrupt(f"not a valid {fmt.name} file") from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
        raise errors.Corrupt(f"cannot read {fmt.name} header: {exc}") from exc


def _orientation(img: Image.Image) -> int:
    try:
        value = img.getexif().get(EXIF_ORIENTATION_TAG, 1)
    except Exception:  # noqa: BLE001 - a broken EXIF block must not fail the image
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _fast_draft_size(width: int, height: int) -> tuple[int, int]:
    factor = 1
    while factor < 8 and min(width, height) // (factor * 2) >= FAST_MIN_SIDE:
        factor *= 2
    return width // factor, height // factor


# Modes whose reference reading is the picture as shown (LA: the reference converts to RGB,
# i.e. replicates L; we read L directly, which gives the same luminance).
_SAME_AS_SHOWN = frozenset({"L", "RGB", "RGBA", "RGBX", "RGBa", "LA"})

# Why the reference's reading differs from the picture, by mode (shown in the record's note).
_REFERENCE_READINGS = {
    "P": "hashes the palette indices as grey levels, not the colours they stand for",
    "CMYK": "reads the C, M and Y ink planes as R, G and B",
    "I;16": "converts 16-bit grey to 8 bits by clipping every value above 255",
    "1": "reads bilevel pixels as 0/1 instead of black/white (same hash bits, quality ~0)",
}


# np.asarray(image) goes through Image.tobytes, which holds the encoded chunks and their joined
# copy at once: two extra copies of the pixels (600 MB at 100 MP). A block of rows at a time
# the array is the only copy.
ARRAY_BLOCK_BYTES = 1 << 24


def as_array(img: Image.Image) -> np.ndarray:
    """`np.asarray(img)`, the same values, built a block of rows at a time."""
    width, height = img.size
    rows = max(1, ARRAY_BLOCK_BYTES // max(1, width * 4))
    if rows >= height:
        return np.asarray(img)
    first = np.asarray(img.crop((0, 0, width, rows)))
    out = np.empty((height, *first.shape[1:]), dtype=first.dtype)
    out[:rows] = first
    for top in range(rows, height, rows):
        out[top : top + rows] = np.asarray(img.crop((0, top, width, min(height, top + rows))))
    return out


def _displayed_pixels(img: Image.Image) -> tuple[np.ndarray, float]:
    """The picture as shown, as an array PDQ accepts, and the factor bringing it to 0..255."""
    mode = img.mode
    if mode in ("L", "RGB", "RGBA", "RGBX", "RGBa"):
        return as_array(img), 1.0
    if mode in ("LA", "La"):
        return np.ascontiguousarray(as_array(img)[:, :, 0]), 1.0
    if mode.startswith("I;16"):
        # 16-bit grey: full scale 65535 maps to 255 (the reference clips at 255 instead).
        return as_array(img).astype(np.uint16, copy=False), 1.0 / 257.0
    if mode in ("I", "F"):
        arr = as_array(img)
        peak = float(arr.max()) if arr.size else 0.0
        scale = 1.0 / 257.0 if peak > 255.0 else 1.0
        return arr.astype(np.float32), scale
    if mode == "1":
        return np.asarray(img.convert("L")), 1.0
    # P, PA, CMYK, YCbCr, LAB, HSV...: let Pillow produce the colours the picture shows.
    return np.asarray(img.convert("RGB")), 1.0


def _reference_pixels(img: Image.Image) -> np.ndarray | None:
    """What ``pdq_from_bytes`` feeds pdqhash, or None for the modes it cannot hash.

    The reference converts only ``LA`` and ``I;16`` to RGB (Pillow clips 16-bit values at
    255), takes every other mode's ``np.asarray`` as is (2-D arrays replicated into three
    channels), and pdqhash accepts only 8-bit (or boolean) arrays with at least three channels,
    of which it weighs the first three as R, G, B.
    """
    if img.mode == "I;16":
        return np.minimum(as_array(img), 255).astype(np.uint8)
    arr = as_array(img)
    if arr.ndim == 3 and arr.shape[2] < 3:
        return None
    if arr.dtype == np.bool_:
        # True/False as 1/0, as pdqhash's arithmetic reads them (Pillow's bytes are 0/255).
        return arr.astype(np.uint8)
    if arr.dtype != np.uint8:
        return None
    return arr


def _pixels(
    img: Image.Image, notes: list[dict[str, str]]
) -> tuple[np.ndarray, float, np.ndarray | None, float]:
    """The reference's reading (pixels, scale) and, when it differs, the picture as shown."""
    mode = img.mode
    if mode in _SAME_AS_SHOWN:
        pixels, scale = _displayed_pixels(img)
        return pixels, scale, None, 1.0
    displayed, displayed_scale = _displayed_pixels(img)
    reference = _reference_pixels(img)
    if reference is None:
        notes.append(
            {
                "code": "pdq_reference_unsupported",
                "message": f"the reference PDQ (pdq_from_bytes) cannot hash mode {mode}: "
                "pdq hashes the picture as shown",
            }
        )
        return displayed, displayed_scale, None, 1.0
    why = _REFERENCE_READINGS.get(mode, f"reads the {mode} channels as R, G and B")
    notes.append(
        {
            "code": "pdq_displayed",
            "message": f"mode {mode}: pdq is the reference PDQ as hash lists hold it "
            f"(pdq_from_bytes {why}); pdq_displayed hashes the picture as shown",
        }
    )
    return reference, 1.0, displayed, displayed_scale


def decode_image(
    source: bytes | BinaryIO | Path | str,
    fmt: Format,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    fast: bool = False,
) -> DecodedImage:
    with warnings.catch_warnings():
        # Pillow warns on odd-but-valid input (palette transparency, bomb warnings below our
        # own cap); our checks are authoritative and stdout/stderr must stay clean.
        warnings.simplefilter("ignore")
        img = _open(source, fmt)
        try:
            return _decode_opened(img, fmt, max_pixels=max_pixels, fast=fast)
        finally:
            img.close()


def _decode_opened(img: Image.Image, fmt: Format, *, max_pixels: int, fast: bool) -> DecodedImage:
    width, height = img.size
    if width <= 0 or height <= 0:
        raise errors.Corrupt(f"{fmt.name} declares an empty {width}x{height} image")
    if width * height > max_pixels:
        raise errors.DecompressionBomb(
            f"{fmt.name} declares {width}x{height} = {width * height} pixels, "
            f"over the cap of {max_pixels}"
        )
    notes: list[dict[str, str]] = []
    try:
        animated = bool(getattr(img, "is_animated", False))
        if animated:
            img.seek(0)
            notes.append({"code": "animated", "message": "animated image: first frame hashed"})
        orientation = _orientation(img)
        mode = img.mode
        decoded_scale = 1
        if fmt.name == "jpeg" and mode in ("RGB", "L"):
            # JPEG's Y channel is Rec.601 luma already: decoding it alone skips chroma
            # upsampling and colour conversion and lands within rounding of R,G,B -> luma.
            target = _fast_draft_size(width, height) if fast else (width, height)
            img.draft("L", target)
            decoded_scale = max(1, round(width / img.size[0]))
        img.load()
        pixels, scale, displayed, displayed_scale = _pixels(img, notes)
    except errors.MediaError:
        raise
    except Image.DecompressionBombError as exc:
        raise errors.DecompressionBomb(str(exc)) from exc
    except MemoryError as exc:
        raise errors.DecompressionBomb("out of memory while decoding") from exc
    except (OSError, SyntaxError, EOFError) as exc:
        message = str(exc)
        if isinstance(exc, EOFError) or "truncated" in message:
            raise errors.Truncated(f"{fmt.name} data ends early: {message}") from exc
        raise errors.Corrupt(f"cannot decode {fmt.name}: {message}") from exc
    except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError) as exc:
        raise errors.Corrupt(f"cannot decode {fmt.name}: {exc}") from exc
    if pixels.ndim not in (2, 3) or pixels.shape[0] == 0 or pixels.shape[1] == 0:
        raise errors.Corrupt(f"{fmt.name} decoded to an unusable array {pixels.shape}")
    return DecodedImage(
        pixels=pixels,
        scale=scale,
        format=fmt.name,
        mode=mode,
        width=width,
        height=height,
        animated=animated,
        orientation=orientation,
        decoded_scale=decoded_scale,
        notes=notes,
        displayed=displayed,
        displayed_scale=displayed_scale,
    )
