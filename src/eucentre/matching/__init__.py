"""Exact matching of perceptual (PDQ) and cryptographic (MD5, SHA-256) hashes.

from eucentre.matching import HashIndex
index = HashIndex.build("var/index/pdq", "pdq", ids, hex_hashes)
index = HashIndex.open("var/index/pdq")
index.search(["<64 hex>", ...], max_distance=31)            # -> list[list[Match]]
index.search_variants([{"original": h0, "rot90": h1}], 31)  # reports the matching variant
index.add(ids, hashes); index.remove(ids); index.disable(ids); index.compact(wait=False)
"""

from eucentre.matching.codec import DIHEDRAL_VARIANTS, SIGNAL_WORDS, as_words, hex_to_words
from eucentre.matching.index import DEFAULT_MAX_DISTANCE, HashIndex, IndexUpdateError, Match

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

from eucentre.platform.manifest import Command, Manifest  # noqa: E402

MANIFEST = Manifest(
    name="matching", commands=(Command("index", "eucentre.matching.cli:index_app"),)
)
