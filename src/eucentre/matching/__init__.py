"""Exact matching of perceptual (PDQ) and cryptographic (MD5, SHA-256) hashes.

from eucentre.matching import HashIndex
index = HashIndex.build("var/index/pdq", "pdq", ids, hex_hashes)
index = HashIndex.open("var/index/pdq")
index.search(["<64 hex>", ...], max_distance=31)            # -> list[list[Match]]
index.search_variants([{"original": h0, "rot90": h1}], 31)  # reports the matching variant
index.add(ids, hashes); index.remove(ids); index.disable(ids); index.compact(wait=False)

The names are imported on first use, so that the CLI can import its submodules without
loading numpy and numba.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from eucentre.platform.manifest import Command, Manifest

if TYPE_CHECKING:
    from eucentre.matching.codec import (
        DIHEDRAL_VARIANTS,
        SIGNAL_WORDS,
        as_words,
        hex_to_words,
    )
    from eucentre.matching.defaults import DEFAULT_MAX_DISTANCE
    from eucentre.matching.index import HashIndex, IndexUpdateError, Match

_HOMES = {
    "DIHEDRAL_VARIANTS": "codec",
    "SIGNAL_WORDS": "codec",
    "as_words": "codec",
    "hex_to_words": "codec",
    "DEFAULT_MAX_DISTANCE": "defaults",
    "HashIndex": "index",
    "IndexUpdateError": "index",
    "Match": "index",
}

__all__ = [
    "DEFAULT_MAX_DISTANCE",
    "DIHEDRAL_VARIANTS",
    "SIGNAL_WORDS",
    "HashIndex",
    "IndexUpdateError",
    "Match",
    "as_words",
    "hex_to_words",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)


MANIFEST = Manifest(
    name="matching",
    commands=(
        Command(
            "index", "eucentre.matching.cli:index_app", help="Build, update and query hash indexes."
        ),
    ),
)
