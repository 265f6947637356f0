"""Safe previews of sensitive images for staff: small, greyscale and blurred unless revealed."""

from __future__ import annotations

import io

from PIL import Image, ImageFilter, ImageOps

PREVIEW_SIZE = 480
BLUR_RADIUS = 18


def preview_jpeg(data: bytes, *, revealed: bool) -> bytes:
    """A JPEG preview. Blurred and greyscale by default: seeing the content is an explicit,
    audited choice. Never larger than PREVIEW_SIZE, whatever is revealed."""
    Image.MAX_IMAGE_PIXELS = 100_000_000
    with Image.open(io.BytesIO(data)) as image:
        image.seek(0)
        frame = ImageOps.exif_transpose(image.convert("RGB"))
        frame.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
        if not revealed:
            frame = frame.convert("L").filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
        out = io.BytesIO()
        frame.save(out, format="JPEG", quality=80)
        return out.getvalue()
