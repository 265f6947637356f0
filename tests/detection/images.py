"""Benign generated images (smooth random fields) and the copies a forwarded image becomes:
JPEG re-encoded, resized, brightened, rotated."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageEnhance


def picture(seed: int, size: int = 256) -> Image.Image:
    """Low-frequency random colour field: textured enough for a good PDQ quality."""
    rng = np.random.default_rng(seed)
    small = rng.random((8, 8, 3)) * 255
    field = Image.fromarray(small.astype(np.uint8)).resize((size, size), Image.BICUBIC)
    noise = rng.normal(0, 6, (size, size, 3))
    return Image.fromarray(np.clip(np.asarray(field) + noise, 0, 255).astype(np.uint8))


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format=fmt, **options)
    return buffer.getvalue()


def png(seed: int) -> bytes:
    return encode(picture(seed))


COPIES = {
    "jpeg70": lambda im: encode(im, "JPEG", quality=70),
    "resize50": lambda im: encode(im.resize((im.width // 2, im.height // 2), Image.LANCZOS)),
    "brighter": lambda im: encode(ImageEnhance.Brightness(im).enhance(1.2)),
    "rotate90": lambda im: encode(im.transpose(Image.Transpose.ROTATE_90)),
}


def copy(seed: int, kind: str) -> bytes:
    return COPIES[kind](picture(seed))
