"""Safe image decoding to the pixel array PDQ hashes.

Safety: the format is fixed by content sniffing (Pillow is told which plugin to use, so it
cannot be steered into a surprising decoder); declared dimensions are checked against the pixel
cap *before* any pixel is decoded; every decoder failure becomes a typed ``MediaError``.

Compatibility: pixels are the stored pixels (EXIF orientation is not applied, as the
reference does; the caller derives the oriented hash separately), alpha is ignored, and
luminance uses Rec.601 weights. For the modes where the reference hashes something that is
not the picture (palette indices, CMYK ink as RGB, 16-bit values clipped at 255) we hash the
picture instead; ``docs/benchmarks.md`` reports both distances.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, UnidentifiedImageError

from eucentre.media import errors
from eucentre.media.formats import Format

try:  # HEIF is optional at runtime: without the plugin HEIF files are unsupported.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_AVAILABLE = True
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    HEIF_AVAILABLE = False

DEFAULT_MAX_PIXELS = 100_000_000
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


def _pixels(img: Image.Image) -> tuple[np.ndarray, float]:
    """Decode to an array PDQ accepts, and the factor bringing its values to 0..255."""
    mode = img.mode
    if mode in ("L", "RGB", "RGBA", "RGBX", "RGBa"):
        return np.asarray(img), 1.0
    if mode in ("LA", "La"):
        return np.ascontiguousarray(np.asarray(img)[:, :, 0]), 1.0
    if mode.startswith("I;16"):
        # 16-bit grey: full scale 65535 maps to 255 (the reference clips at 255 instead).
        return np.asarray(img).astype(np.uint16, copy=False), 1.0 / 257.0
    if mode in ("I", "F"):
        arr = np.asarray(img)
        peak = float(arr.max()) if arr.size else 0.0
        scale = 1.0 / 257.0 if peak > 255.0 else 1.0
        return arr.astype(np.float32), scale
    if mode == "1":
        return np.asarray(img.convert("L")), 1.0
    # P, PA, CMYK, YCbCr, LAB, HSV...: let Pillow produce the colours the picture shows.
    return np.asarray(img.convert("RGB")), 1.0


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
        pixels, scale = _pixels(img)
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
    )
