"""Checking and normalising signal values before they touch the database or an index."""

from __future__ import annotations

from eucentre.media.signals import MAX_VPDQ_FRAMES
from eucentre.signals import InvalidValue, registry
from eucentre.signals.url import MAX_URL, normalise_url

__all__ = ["MAX_URL", "MAX_VPDQ_FRAMES", "InvalidValue", "normalise", "normalise_url"]


def normalise(signal: str, value: object) -> str:
    """The canonical form of a value (its signal type's), or InvalidValue saying what is
    wrong."""
    signal_type = registry.get(signal)
    if signal_type is None:
        names = ", ".join(registry.names())
        raise InvalidValue(f"unknown signal {signal!r}; one of {names}")
    text = signal_type.normalise(value)
    if not signal_type.validate(text):
        raise InvalidValue(f"not a valid {signal} value")
    return text
