"""Fixtures: small benign synthetic media generated in tmp_path (never real material)."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image
from skimage import data
from threatexchange.signal_type.pdq.pdq_hasher import _pdq_from_numpy_array, pdq_from_bytes


def sample(name: str, size: tuple[int, int] | None = None) -> np.ndarray:
    """A scikit-image sample photo as uint8 RGB or L, optionally resized to (width, height)."""
    arr = getattr(data, name)()
    if size is not None:
        arr = np.asarray(Image.fromarray(arr).resize(size, Image.Resampling.BILINEAR))
    return np.ascontiguousarray(arr)


def reference_pdq(pixels: np.ndarray) -> tuple[str, int]:
    """The threatexchange/pdqhash reference on an 8-bit L or RGB array."""
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)
    return _pdq_from_numpy_array(np.ascontiguousarray(pixels[:, :, :3]))


def reference_pdq_bytes(raw: bytes) -> tuple[str, int]:
    return pdq_from_bytes(raw)


def encode(img: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **params)
    return buffer.getvalue()


def make_video(
    path: Path,
    *,
    seconds: int = 3,
    fps: int = 10,
    size: tuple[int, int] = (96, 64),
    codec: str = "mpeg4",
    audio: bool = False,
    video: bool = True,
) -> Path:
    """A video whose picture changes once a second and is static within each second."""
    photos = [sample(n, size) for n in ("astronaut", "coffee", "chelsea", "rocket", "camera")]
    with av.open(str(path), mode="w") as container:
        stream = None
        if video:
            stream = container.add_stream(codec, rate=fps)
            stream.width, stream.height = size
            stream.pix_fmt = "yuv420p"
        astream = None
        if audio:
            astream = container.add_stream("aac", rate=8000)
        if stream is not None:
            for i in range(seconds * fps):
                pic = photos[(i // fps) % len(photos)]
                if pic.ndim == 2:
                    pic = np.stack([pic] * 3, axis=-1)
                frame = av.VideoFrame.from_ndarray(pic, format="rgb24")
                frame.pts = i
                frame.time_base = Fraction(1, fps)
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        if astream is not None:
            samples = np.zeros((1, 1024), dtype=np.float32)
            for i in range(seconds * 8):
                frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
                frame.sample_rate = 8000
                frame.pts = i * 1024
                for packet in astream.encode(frame):
                    container.mux(packet)
            for packet in astream.encode():
                container.mux(packet)
    return path
