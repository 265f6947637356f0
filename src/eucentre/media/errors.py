"""Typed errors of media hashing: every failure has a stable machine-readable code.

Callers (the CLI, the platform's upload pipeline, outside checks) branch on ``code``, never on
message text, so codes are part of the public contract and must not change.
"""

from __future__ import annotations

from typing import ClassVar


class MediaError(Exception):
    """Base class: an input that cannot be hashed, with a stable ``code``."""

    code: ClassVar[str] = "media_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class EmptyFile(MediaError):
    code = "empty_file"


class Unreadable(MediaError):
    """The file could not be opened or read (missing, permission denied, a directory...)."""

    code = "unreadable"


class Truncated(MediaError):
    code = "truncated"


class Corrupt(MediaError):
    code = "corrupt"


class UnsupportedFormat(MediaError):
    code = "unsupported_format"


class DecompressionBomb(MediaError):
    """Declared dimensions (or decoded size) beyond the configured pixel cap."""

    code = "decompression_bomb"


class FileTooLarge(MediaError):
    code = "too_large"


class NoVideoStream(MediaError):
    code = "no_video_stream"


class TooLong(MediaError):
    """A video longer than the configured duration or frame cap."""

    code = "too_long"


class NoFrames(MediaError):
    """A video stream from which no frame could be decoded."""

    code = "no_frames"


ERROR_CODES: tuple[str, ...] = tuple(
    cls.code
    for cls in (
        EmptyFile,
        Unreadable,
        Truncated,
        Corrupt,
        UnsupportedFormat,
        DecompressionBomb,
        FileTooLarge,
        NoVideoStream,
        TooLong,
        NoFrames,
    )
)
