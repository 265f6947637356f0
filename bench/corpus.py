"""Generated benign corpus for the media hashing benchmark.

Only scikit-image's bundled sample photos and generated patterns: never real-world material.
Files are written once into ``bench/.cache/corpus`` (gitignored) and reused.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data

try:
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover
    HEIF = False

CACHE = Path(__file__).resolve().parent / ".cache"
CORPUS_VERSION = 2

PHOTOS = (
    "astronaut",
    "brick",
    "camera",
    "cell",
    "chelsea",
    "clock",
    "coffee",
    "coins",
    "colorwheel",
    "grass",
    "gravel",
    "hubble_deep_field",
    "immunohistochemistry",
    "moon",
    "page",
    "retina",
    "rocket",
    "text",
)


def _patterns() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(2024)
    y, x = np.mgrid[0:480, 0:640].astype(np.float32)
    waves = 127 + 120 * np.sin(x / 17) * np.cos(y / 23)
    rings = 127 + 120 * np.sin(np.hypot(x - 320, y - 240) / 9)
    blobs = rng.normal(size=(30, 40)).astype(np.float32)
    blobs = np.asarray(Image.fromarray(blobs).resize((640, 480), Image.Resampling.BICUBIC))
    blobs = 127 + 60 * blobs
    colour = np.stack([waves, rings, blobs], axis=-1)
    shapes = np.full((480, 640, 3), 30, np.float32)
    for _ in range(12):
        cy, cx, r = rng.integers(40, 440), rng.integers(40, 600), rng.integers(15, 80)
        shapes[(y - cy) ** 2 + (x - cx) ** 2 < r * r] = rng.integers(0, 255, 3)
    return {
        "waves": np.clip(waves, 0, 255).astype(np.uint8),
        "rings": np.clip(rings, 0, 255).astype(np.uint8),
        "blobs": np.clip(blobs, 0, 255).astype(np.uint8),
        "colour_mix": np.clip(colour, 0, 255).astype(np.uint8),
        "discs": shapes.astype(np.uint8),
    }


def sources() -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name in PHOTOS:
        arr = getattr(data, name)()
        if arr.dtype == bool:
            arr = arr.astype(np.uint8) * 255
        out[name] = np.ascontiguousarray(arr[..., :3] if arr.ndim == 3 else arr)
    out.update(_patterns())
    return out


def _resize(arr: np.ndarray, long_side: int) -> Image.Image:
    img = Image.fromarray(arr)
    w, h = img.size
    scale = long_side / max(w, h)
    return img.resize(
        (max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BICUBIC
    )


def _rgb(img: Image.Image) -> Image.Image:
    return img.convert("RGB")


def _with_exif(img: Image.Image, orientation: int) -> dict:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return {"exif": exif.tobytes()}


def _sixteen_bit(img: Image.Image) -> Image.Image:
    grey = np.asarray(img.convert("L")).astype(np.uint16) * 257
    return Image.fromarray(grey)


def _animated(img: Image.Image) -> tuple[Image.Image, dict]:
    first = img.convert("P")
    second = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT).convert("P")
    return first, {"save_all": True, "append_images": [second], "duration": 100}


# (label, format, extension, long side, conversion, save params)
VARIANTS = [
    ("jpeg_rgb_64", "JPEG", "jpg", 64, _rgb, {"quality": 90}),
    ("jpeg_rgb_256", "JPEG", "jpg", 256, _rgb, {"quality": 90}),
    ("jpeg_rgb_640", "JPEG", "jpg", 640, _rgb, {"quality": 85}),
    ("jpeg_rgb_1500", "JPEG", "jpg", 1500, _rgb, {"quality": 80}),
    ("jpeg_l", "JPEG", "jpg", 333, lambda i: i.convert("L"), {"quality": 85}),
    ("jpeg_cmyk", "JPEG", "jpg", 300, lambda i: i.convert("CMYK"), {"quality": 90}),
    ("jpeg_exif6", "JPEG", "jpg", 480, _rgb, "exif6"),
    ("jpeg_exif3", "JPEG", "jpg", 400, _rgb, "exif3"),
    ("png_rgb", "PNG", "png", 300, _rgb, {}),
    ("png_rgba", "PNG", "png", 300, lambda i: i.convert("RGBA"), {}),
    ("png_l", "PNG", "png", 200, lambda i: i.convert("L"), {}),
    ("png_la", "PNG", "png", 200, lambda i: i.convert("LA"), {}),
    ("png_p", "PNG", "png", 256, lambda i: i.convert("P"), {}),
    ("png_i16", "PNG", "png", 256, _sixteen_bit, {}),
    ("png_1bit", "PNG", "png", 128, lambda i: i.convert("1"), {}),
    ("gif_p", "GIF", "gif", 256, lambda i: i.convert("P"), {}),
    ("gif_animated", "GIF", "gif", 128, None, "animated"),
    ("webp_lossy", "WEBP", "webp", 400, _rgb, {"quality": 80}),
    ("webp_rgba_lossless", "WEBP", "webp", 200, lambda i: i.convert("RGBA"), {"lossless": True}),
    ("bmp_rgb", "BMP", "bmp", 220, _rgb, {}),
    ("bmp_p", "BMP", "bmp", 150, lambda i: i.convert("P"), {}),
    ("tiff_rgb", "TIFF", "tif", 300, _rgb, {}),
    ("tiff_cmyk", "TIFF", "tif", 250, lambda i: i.convert("CMYK"), {}),
    ("tiff_i16", "TIFF", "tif", 200, _sixteen_bit, {}),
    ("heif", "HEIF", "heic", 320, _rgb, {"quality": 90}),
]
# A few very large and very small files, on some sources only (to keep generation quick).
LARGE = [
    ("jpeg_rgb_4000", "JPEG", "jpg", 4000, _rgb, {"quality": 85}),
    ("png_rgb_2000", "PNG", "png", 2000, _rgb, {}),
]
LARGE_SOURCES = ("astronaut", "coffee", "rocket", "hubble_deep_field", "retina", "colour_mix")


@dataclass(frozen=True)
class CorpusFile:
    path: str
    source: str
    variant: str
    format: str


def _save(img: Image.Image, fmt: str, params, path: Path) -> None:
    if params == "exif6":
        params = _with_exif(img, 6)
    elif params == "exif3":
        params = _with_exif(img, 3)
    elif params == "animated":
        img, params = _animated(img)
    buffer = io.BytesIO()
    img.save(buffer, fmt, **params)
    path.write_bytes(buffer.getvalue())


def build(root: Path | None = None, *, log=print) -> list[CorpusFile]:
    root = root or CACHE / "corpus"
    manifest = root / "manifest.json"
    if manifest.exists():
        saved = json.loads(manifest.read_text())
        if saved.get("version") == CORPUS_VERSION:
            return [CorpusFile(**item) for item in saved["files"]]
    root.mkdir(parents=True, exist_ok=True)
    files: list[CorpusFile] = []
    all_sources = sources()
    log(f"generating corpus in {root} ...")
    for name, arr in all_sources.items():
        variants = VARIANTS + (LARGE if name in LARGE_SOURCES else [])
        for label, fmt, ext, side, convert, params in variants:
            if fmt == "HEIF" and not HEIF:
                continue
            img = _resize(arr, side)
            if convert is not None:
                img = convert(img)
            path = root / f"{name}__{label}.{ext}"
            _save(img, fmt, params, path)
            files.append(CorpusFile(str(path), name, label, fmt.lower()))
    manifest.write_text(
        json.dumps({"version": CORPUS_VERSION, "files": [asdict(f) for f in files]})
    )
    log(f"{len(files)} files")
    return files


def throughput_jpegs(size: tuple[int, int], count: int, root: Path | None = None) -> list[bytes]:
    """Photo-like JPEGs of one size: sample photos resized, plus sensor-like grain.

    Upscaled photos alone are unrealistically smooth (and decode unrealistically fast); the
    grain brings the entropy, and so the decoding cost, close to a camera's.
    """
    root = root or CACHE / f"throughput_{size[0]}x{size[1]}"
    root.mkdir(parents=True, exist_ok=True)
    names = [n for n in PHOTOS if n not in ("page", "text")]
    out: list[bytes] = []
    rng = np.random.default_rng(size[0])
    for i in range(count):
        path = root / f"{i:03d}.jpg"
        if not path.exists():
            arr = getattr(data, names[i % len(names)])()
            img = Image.fromarray(arr[..., :3] if arr.ndim == 3 else arr).convert("RGB")
            img = img.resize(size, Image.Resampling.BICUBIC)
            pixels = np.asarray(img).astype(np.int16)
            pixels = pixels + rng.normal(0, 4, pixels.shape).astype(np.int16)
            img = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
            img.save(path, "JPEG", quality=88)
        out.append(path.read_bytes())
    return out
