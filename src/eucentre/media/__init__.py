"""Media hashing: pure functions from bytes, streams or files to MD5, SHA-256, PDQ and vPDQ.

No database and no global state: the platform's services call these and store the results.
The names below are imported on first use, so importing a submodule (the CLI's limits, say)
does not load numpy, Pillow and PyAV.

The hashing modules import one another relatively and nothing of the platform, so the same
files are also the on-device client's hashing (`clients/python`, which ships this folder as
`eucentre_client.media`); only the manifest below needs the platform, and it is built on
first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eucentre.media.errors import ERROR_CODES, MediaError
    from eucentre.media.hashing import (
        HashOptions,
        hash_bytes,
        hash_file,
        hash_record,
        hash_stream,
    )
    from eucentre.media.pdq import PDQHash, hamming, pdq_hash
    from eucentre.media.signals import SIGNAL_TYPES, SignalType
    from eucentre.media.video import vpdq_compare

_HOMES = {
    "ERROR_CODES": "errors",
    "MediaError": "errors",
    "HashOptions": "hashing",
    "hash_bytes": "hashing",
    "hash_file": "hashing",
    "hash_record": "hashing",
    "hash_stream": "hashing",
    "PDQHash": "pdq",
    "hamming": "pdq",
    "pdq_hash": "pdq",
    "SIGNAL_TYPES": "signals",
    "SignalType": "signals",
    "vpdq_compare": "video",
}

__all__ = [
    "ERROR_CODES",
    "SIGNAL_TYPES",
    "HashOptions",
    "MediaError",
    "PDQHash",
    "SignalType",
    "hamming",
    "hash_bytes",
    "hash_file",
    "hash_record",
    "hash_stream",
    "pdq_hash",
    "vpdq_compare",
]


def __getattr__(name: str) -> Any:
    if name == "MANIFEST":
        return _manifest()
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)


def _manifest() -> Any:
    from eucentre.platform.manifest import Command, Manifest

    return Manifest(
        name="media",
        commands=(
            Command(
                "hash",
                "eucentre.media.cli:hash_command",
                group=False,
                help="Hash media files: MD5, SHA-256, and PDQ or vPDQ.",
            ),
        ),
    )
