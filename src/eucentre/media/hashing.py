"""From a file (or bytes) to its hash record: digests, PDQ or vPDQ, and notes.

Records are plain JSON-ready dicts because they cross process boundaries (``--workers``) and
are the CLI's output contract: image ``{path, media_type, md5, sha256, pdq, pdq_quality, ...}``,
video ``{path, media_type, md5, sha256, vpdq: [...], ...}``, failure ``{path, error}``.

An image's ``pdq`` (with ``pdq_quality``, ``pdq_dihedral`` and ``pdq_oriented``) is always the
reference PDQ, the one providers' hash lists hold. For modes where the reference does not hash
the picture as shown (palette, CMYK, 16-bit grey, bilevel...), the record adds
``pdq_displayed`` and ``pdq_displayed_quality`` (the PDQ of the picture as shown) and a note.
"""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from . import errors
from .decode import DecodedImage, decode_image
from .digests import Digests, digest_bytes, digest_file, digest_stream
from .dihedral import EXIF_ORIENTATION, TRANSFORMS, pdq_with_dihedral
from .formats import SNIFF_BYTES, Format, extension_mismatch, looks_truncated, sniff
from .limits import (
    DEFAULT_DEDUPE_DISTANCE,
    DEFAULT_FPS,
    DEFAULT_MAX_FRAMES,
    DEFAULT_MAX_PIXELS,
    DEFAULT_MAX_PIXELS_PER_FRAME,
    DEFAULT_MAX_SECONDS,
)
from .pdq import (
    QUALITY_INDICATOR_MIN,
    downsample_64,
    is_near_flat,
    pdq_from_buffer,
    pdq_hash,
    sequential_pdq_of,
)

TAIL_BYTES = 64


@dataclass(frozen=True, slots=True)
class HashOptions:
    max_pixels: int = DEFAULT_MAX_PIXELS
    # Video frames have their own, lower cap; a lower image cap still applies to them.
    max_frame_pixels: int = DEFAULT_MAX_PIXELS_PER_FRAME
    fast: bool = False
    dihedral: bool = True
    video_fps: float = DEFAULT_FPS
    max_video_frames: int = DEFAULT_MAX_FRAMES
    max_video_seconds: float = DEFAULT_MAX_SECONDS
    dedupe_distance: int = DEFAULT_DEDUPE_DISTANCE


DEFAULT_OPTIONS = HashOptions()


def _image_fields(image: DecodedImage, options: HashOptions) -> dict[str, Any]:
    if options.dihedral:
        original, variants = pdq_with_dihedral(image.pixels, scale=image.scale)
    else:
        variants = None
        original = pdq_hash(image.pixels, scale=image.scale)
    fields: dict[str, Any] = {
        "pdq": original.hash,
        "pdq_quality": original.quality,
        "indicator_eligible": original.quality >= QUALITY_INDICATOR_MIN,
        "format": image.format,
        "mode": image.mode,
        "width": image.width,
        "height": image.height,
        "animated": image.animated,
        "exif_orientation": image.orientation,
    }
    if image.displayed is not None:
        displayed = pdq_hash(image.displayed, scale=image.displayed_scale)
        fields["pdq_displayed"] = displayed.hash
        fields["pdq_displayed_quality"] = displayed.quality
    upright = EXIF_ORIENTATION[image.orientation]
    if variants is not None:
        fields["pdq_oriented"] = variants[upright]
        fields["pdq_dihedral"] = {k: v for k, v in variants.items() if k != "original"}
    elif upright == "original":
        fields["pdq_oriented"] = original.hash
    else:
        flip_rows, flip_cols, transpose = TRANSFORMS[upright]
        buffer = downsample_64(
            image.pixels,
            flip_rows=flip_rows,
            flip_cols=flip_cols,
            transpose=transpose,
            scale=image.scale,
        )
        if is_near_flat(buffer):
            fields["pdq_oriented"] = sequential_pdq_of(
                image.pixels,
                image.scale,
                flip_rows=flip_rows,
                flip_cols=flip_cols,
                transpose=transpose,
            ).hash
        else:
            fields["pdq_oriented"] = pdq_from_buffer(buffer).hash
    if options.fast:
        fields["pdq_mode"] = "fast"
        fields["decoded_scale"] = image.decoded_scale
    if original.quality < QUALITY_INDICATOR_MIN:
        image.notes.append(
            {
                "code": "low_quality",
                "message": f"PDQ quality {original.quality} < {QUALITY_INDICATOR_MIN}: "
                "not eligible as an indicator",
            }
        )
    return fields


def _video_fields(source: Any, options: HashOptions) -> dict[str, Any]:
    # PyAV takes a tenth of a second to import, which hashing only images need not pay.
    from .video import hash_video

    video = hash_video(
        source,
        fps=options.video_fps,
        max_frames=options.max_video_frames,
        max_seconds=options.max_video_seconds,
        max_pixels=min(options.max_pixels, options.max_frame_pixels),
        dedupe_distance=options.dedupe_distance,
    )
    return {
        "vpdq": [frame.to_dict() for frame in video.frames],
        "width": video.width,
        "height": video.height,
        "codec": video.codec,
        "duration": video.duration,
        "decoded_frames": video.decoded_frames,
        "sample_fps": video.fps,
    }


def _hash_media(
    source: Any, fmt: Format, digests: Digests, head: bytes, tail: bytes, options: HashOptions
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "media_type": fmt.media_type,
        "md5": digests.md5,
        "sha256": digests.sha256,
    }
    notes: list[dict[str, str]] = []
    if fmt.media_type == "image":
        try:
            image = decode_image(source, fmt, max_pixels=options.max_pixels, fast=options.fast)
        except errors.Corrupt as exc:
            if looks_truncated(fmt, head, tail, digests.size):
                raise errors.Truncated(f"{fmt.name} file ends early ({exc.message})") from exc
            raise
        record.update(_image_fields(image, options))
        notes.extend(image.notes)
    else:
        record.update(_video_fields(source, options))
        record["format"] = fmt.name
    record["size"] = digests.size
    record["notes"] = notes
    return record


def _sniff_or_raise(head: bytes) -> Format:
    fmt = sniff(head)
    if fmt is None or fmt.media_type not in ("image", "video"):
        raise errors.UnsupportedFormat("content is not a supported image or video format")
    return fmt


def hash_bytes(data: bytes, *, name: str = "", options: HashOptions = DEFAULT_OPTIONS) -> dict:
    """Hash an in-memory file. Raises ``MediaError``; ``name`` only feeds the extension check."""
    if not data:
        raise errors.EmptyFile("the file is empty")
    head = bytes(data[:SNIFF_BYTES])
    fmt = _sniff_or_raise(head)
    source: Any = io.BytesIO(data)
    record = _hash_media(source, fmt, digest_bytes(data), head, bytes(data[-TAIL_BYTES:]), options)
    _note_extension(record, name, fmt)
    return record


def hash_stream(
    stream: BinaryIO, *, name: str = "", options: HashOptions = DEFAULT_OPTIONS
) -> dict:
    """Hash a seekable binary stream (an upload's spooled file, say). Raises ``MediaError``."""
    try:
        head = stream.read(SNIFF_BYTES)
        if not head:
            raise errors.EmptyFile("the file is empty")
        size = stream.seek(0, io.SEEK_END)
        stream.seek(max(0, size - TAIL_BYTES))
        tail = stream.read(TAIL_BYTES)
        stream.seek(0)
        digests = digest_stream(stream)
        stream.seek(0)
    except (OSError, ValueError) as exc:
        raise errors.Unreadable(f"cannot read stream: {exc}") from exc
    fmt = _sniff_or_raise(head)
    record = _hash_media(stream, fmt, digests, head, tail, options)
    _note_extension(record, name, fmt)
    return record


def hash_file(path: str | Path, *, options: HashOptions = DEFAULT_OPTIONS) -> dict:
    """Hash a file on disk, never holding it whole in memory. Raises ``MediaError``."""
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise errors.Unreadable("not a regular file")
        if info.st_size == 0:
            raise errors.EmptyFile("the file is empty")
        with open(path, "rb") as stream:
            head = stream.read(SNIFF_BYTES)
            stream.seek(max(0, info.st_size - TAIL_BYTES))
            tail = stream.read(TAIL_BYTES)
        if not head:
            raise errors.EmptyFile("the file is empty")
        fmt = _sniff_or_raise(head)
        digests = digest_file(path)
    except OSError as exc:
        raise errors.Unreadable(f"cannot read file: {exc.strerror or exc}") from exc
    record = _hash_media(path, fmt, digests, head, tail, options)
    _note_extension(record, path.name, fmt)
    return record


def _note_extension(record: dict, name: str, fmt: Format) -> None:
    mismatch = extension_mismatch(name, fmt) if name else None
    if mismatch:
        record["notes"].append({"code": "extension_mismatch", "message": mismatch})


def hash_record(path: str | Path, options: HashOptions = DEFAULT_OPTIONS) -> dict[str, Any]:
    """The CLI record for one path: never raises, failures become ``{path, error}``."""
    shown = os.fspath(path)
    try:
        record = hash_file(path, options=options)
    except errors.MediaError as exc:
        return {"path": shown, "error": exc.to_dict()}
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a batch
        return {
            "path": shown,
            "error": {"code": "internal_error", "message": f"{type(exc).__name__}: {exc}"},
        }
    return {"path": shown, **record}
