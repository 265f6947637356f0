"""Media hashing: pure functions from bytes, streams or files to MD5, SHA-256, PDQ and vPDQ.

No database and no global state: the platform's services call these and store the results.
"""

from eucentre.media.errors import ERROR_CODES, MediaError
from eucentre.media.hashing import HashOptions, hash_bytes, hash_file, hash_record, hash_stream
from eucentre.media.pdq import PDQHash, hamming, pdq_hash
from eucentre.media.signals import SIGNAL_TYPES, SignalType
from eucentre.media.video import vpdq_compare

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

from eucentre.platform.manifest import Command, Manifest  # noqa: E402

MANIFEST = Manifest(
    name="media", commands=(Command("hash", "eucentre.media.cli:hash_command", group=False),)
)
