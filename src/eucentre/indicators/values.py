"""Checking and normalising signal values before they touch the database or an index."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from eucentre.media.signals import SIGNAL_TYPES

HASH_SIGNALS = ("pdq", "md5", "sha256")
SIGNALS = (*HASH_SIGNALS, "vpdq", "url")
_HEX = {"pdq": 64, "md5": 32, "sha256": 64}
MAX_URL = 2048
MAX_VPDQ_FRAMES = 3600  # an hour of video at one frame a second


class InvalidValue(ValueError):
    pass


def normalise(signal: str, value: object) -> str:
    """The canonical form of a value, or InvalidValue saying what is wrong."""
    if signal not in SIGNALS:
        raise InvalidValue(f"unknown signal {signal!r}; one of {', '.join(SIGNALS)}")
    if signal == "url":
        return normalise_url(value)
    if signal == "vpdq":
        frames = value.split(",") if isinstance(value, str) else value
        if not isinstance(frames, list) or not frames:
            raise InvalidValue("vpdq is a list of frame PDQ hashes")
        if len(frames) > MAX_VPDQ_FRAMES:
            raise InvalidValue(f"vpdq has at most {MAX_VPDQ_FRAMES} frames")
        return ",".join(normalise("pdq", frame) for frame in frames)
    if not isinstance(value, str):
        raise InvalidValue(f"{signal} value must be a string")
    text = value.strip().lower()
    if len(text) != _HEX[signal] or not re.fullmatch(r"[0-9a-f]+", text):
        raise InvalidValue(f"{signal} must be {_HEX[signal]} hexadecimal characters")
    if not SIGNAL_TYPES[signal].validate(text):
        raise InvalidValue(f"not a valid {signal} value")
    return text


def normalise_url(value: object) -> str:
    if not isinstance(value, str) or len(value) > MAX_URL:
        raise InvalidValue(f"a URL is a string of at most {MAX_URL} characters")
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidValue("a URL needs http(s) and a host")
    host = parts.hostname.lower()
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    # Fragments never reach the server, so they do not distinguish content.
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))
