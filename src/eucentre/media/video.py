"""vPDQ: PDQ of video frames sampled at a fixed rate, and the vPDQ comparison rule.

Frames are decoded with PyAV (FFmpeg). Every frame must be decoded (inter-coded video cannot
be sampled without decoding), so the frame cap and the declared-duration check are what bound
the time spent on a hostile or enormous file.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np

from . import errors
from .limits import (
    DEFAULT_DEDUPE_DISTANCE,
    DEFAULT_FPS,
    DEFAULT_MAX_FRAMES,
    DEFAULT_MAX_PIXELS_PER_FRAME,
    DEFAULT_MAX_SECONDS,
)
from .pdq import QUALITY_INDICATOR_MIN, pdq_hash

VPDQ_DISTANCE_THRESHOLD = 31
VPDQ_MATCH_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class FrameHash:
    frame: int
    timestamp: float
    pdq: str
    quality: int

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class VideoHash:
    frames: list[FrameHash]
    width: int
    height: int
    codec: str
    duration: float | None
    decoded_frames: int
    fps: float


def _open(source: str | Path | bytes | BinaryIO) -> av.container.InputContainer:
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    elif isinstance(source, Path):
        source = str(source)
    try:
        return av.open(source, mode="r")
    except av.error.FFmpegError as exc:
        text = str(exc)
        if "moov atom not found" in text or "End of file" in text:
            raise errors.Truncated(f"video container ends early: {text}") from exc
        raise errors.Corrupt(f"cannot open video container: {text}") from exc
    except (OSError, ValueError) as exc:
        raise errors.Corrupt(f"cannot open video container: {exc}") from exc


def _declared_duration(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def hash_video(
    source: str | Path | bytes | BinaryIO,
    *,
    fps: float = DEFAULT_FPS,
    max_frames: int = DEFAULT_MAX_FRAMES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    max_pixels: int = DEFAULT_MAX_PIXELS_PER_FRAME,
    dedupe_distance: int = DEFAULT_DEDUPE_DISTANCE,
) -> VideoHash:
    """PDQ of one frame per ``1/fps`` seconds, skipping frames near-identical to the last kept.

    ``dedupe_distance`` < 0 keeps every sampled frame.
    """
    if fps <= 0:
        raise ValueError("fps must be positive")
    container = _open(source)
    try:
        if not container.streams.video:
            raise errors.NoVideoStream("the container has no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        ctx = stream.codec_context
        width, height = int(ctx.width or 0), int(ctx.height or 0)
        if width * height > max_pixels:
            raise errors.DecompressionBomb(
                f"video frames of {width}x{height} exceed the cap of {max_pixels} pixels"
            )
        duration = _declared_duration(container, stream)
        if duration > max_seconds:
            raise errors.TooLong(
                f"video lasts {duration:.0f} s, over the cap of {max_seconds:.0f} s"
            )
        frames, decoded = _sample(container, stream, fps, max_frames, max_pixels, dedupe_distance)
        if decoded == 0:
            raise errors.NoFrames("no frame of the video stream could be decoded")
        return VideoHash(
            frames=frames,
            width=width,
            height=height,
            codec=ctx.name or "",
            duration=duration or None,
            decoded_frames=decoded,
            fps=fps,
        )
    finally:
        container.close()


def _sample(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    fps: float,
    max_frames: int,
    max_pixels: int,
    dedupe_distance: int,
) -> tuple[list[FrameHash], int]:
    interval = 1.0 / fps
    rate = float(stream.average_rate or stream.guessed_rate or 25)
    frames: list[FrameHash] = []
    last_bits: int | None = None
    next_time: float | None = None
    decoded = 0
    try:
        for frame in container.decode(stream):
            decoded += 1
            if decoded > max_frames:
                raise errors.TooLong(f"video has more than {max_frames} frames")
            index = decoded - 1
            timestamp = frame.time if frame.time is not None else index / rate
            if next_time is not None and timestamp < next_time - 1e-6:
                continue
            # Anchor the next sample on the grid so gaps in timestamps do not cause bursts.
            start = timestamp if next_time is None else next_time
            steps = int(np.floor((timestamp - start) / interval + 1e-9)) + 1
            next_time = start + steps * interval
            if frame.width * frame.height > max_pixels:
                raise errors.DecompressionBomb("a video frame exceeds the pixel cap")
            result = pdq_hash(frame.to_ndarray(format="rgb24"))
            bits = int(result.hash, 16)
            if last_bits is not None and (bits ^ last_bits).bit_count() <= dedupe_distance:
                continue
            last_bits = bits
            frames.append(FrameHash(index, round(float(timestamp), 6), result.hash, result.quality))
    except errors.MediaError:
        raise
    except av.error.FFmpegError as exc:
        if decoded == 0:
            raise errors.Corrupt(f"cannot decode video: {exc}") from exc
        raise errors.Truncated(f"video stream breaks off after {decoded} frames: {exc}") from exc
    return frames, decoded


# -- comparison --------------------------------------------------------------------------------


def _as_words(hashes: Sequence[str]) -> np.ndarray:
    raw = b"".join(bytes.fromhex(h) for h in hashes)
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(len(hashes), 4)


def _any_within(left: np.ndarray, right: np.ndarray, threshold: int) -> np.ndarray:
    """For each row of ``left``, whether some row of ``right`` is within ``threshold`` bits."""
    found = np.zeros(len(left), dtype=bool)
    if len(right) == 0:
        return found
    # Chunked so a long video against a long video stays within a few tens of MB.
    step = max(1, 2_000_000 // max(1, len(right)))
    for start in range(0, len(left), step):
        block = left[start : start + step]
        distances = np.bitwise_count(block[:, None, :] ^ right[None, :, :]).sum(axis=2)
        found[start : start + step] = (distances <= threshold).any(axis=1)
    return found


@dataclass(frozen=True, slots=True)
class VPDQMatch:
    query_match: float  # share of the query's frames that match some compared frame
    compared_match: float  # share of the compared video's frames that match some query frame
    is_match: bool


def _usable(frames: Iterable[FrameHash | str], quality_threshold: int) -> list[str]:
    hashes: set[str] = set()
    for frame in frames:
        if isinstance(frame, FrameHash):
            if frame.quality < quality_threshold:
                continue
            hashes.add(frame.pdq)
        else:
            hashes.add(frame)
    return sorted(hashes)


def vpdq_compare(
    query: Iterable[FrameHash | str],
    compared: Iterable[FrameHash | str],
    *,
    distance_threshold: int = VPDQ_DISTANCE_THRESHOLD,
    quality_threshold: int = QUALITY_INDICATOR_MIN,
    query_share: float = VPDQ_MATCH_SHARE,
    compared_share: float = VPDQ_MATCH_SHARE,
) -> VPDQMatch:
    """The vPDQ rule: both videos must share enough of their (unique, good-quality) frames.

    Frames given as bare hex strings have no quality and are always used.
    """
    q = _usable(query, quality_threshold)
    c = _usable(compared, quality_threshold)
    if not q or not c:
        return VPDQMatch(0.0, 0.0, False)
    qw, cw = _as_words(q), _as_words(c)
    q_share = float(_any_within(qw, cw, distance_threshold).mean())
    c_share = float(_any_within(cw, qw, distance_threshold).mean())
    return VPDQMatch(q_share, c_share, q_share >= query_share and c_share >= compared_share)
