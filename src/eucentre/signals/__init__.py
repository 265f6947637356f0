"""The registry of signal types in use (see `eucentre.kit.signals` for what one declares).

Adding a signal type is one module defining a `SignalType` and its line in `BUILT_IN` below;
nothing else names signals. The registry is the one process-wide registration point, like a
plug-in entry point: it is filled at import, and tests add toy types with
`registry.registered(...)`, which removes them again.
"""

from __future__ import annotations

from eucentre.kit.signals import (
    Hashed,
    InvalidValue,
    Lookup,
    MediaFile,
    QuerySpec,
    SignalRegistry,
    SignalType,
)
from eucentre.media.signals import MD5, PDQ, SHA256, VPDQ
from eucentre.signals.url import URL

# The order lists, messages and the API's enumerations use.
BUILT_IN = (PDQ, MD5, SHA256, URL, VPDQ)

registry = SignalRegistry(BUILT_IN)

__all__ = [
    "BUILT_IN",
    "Hashed",
    "InvalidValue",
    "Lookup",
    "MediaFile",
    "QuerySpec",
    "SignalRegistry",
    "SignalType",
    "registry",
]
