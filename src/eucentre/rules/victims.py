"""Victims' removal requests: which hashes a case accepts, and what a match does to a report's
place in the analysts' queue (docs/victims.md says the same in words).

A hash is refused when it would match far more than the person's own picture:

* a PDQ hash of quality 49 or less: too little detail (a flat or tiny picture), so it lies
  near the hashes of countless unrelated pictures;
* a degenerate PDQ hash: PDQ sets a bit when a frequency is above the median, so a real hash
  has about as many ones as zeros; one with fewer than 64 or more than 192 ones, or made of
  one or two repeated 16-bit words (all zeros, all ones, "0f0f..."), is not a picture's;
* an MD5 or SHA-256 of an empty file, or all zeros or all ones: every empty file has it.

A report with an item matching a victim's request is placed at least as early as solicitation:
a person has asked for this material to be taken down and it is circulating. It never passes an
urgent report, and the match changes nothing else: the hashes are unverified, so they never
make a report "known material" or a basis for referral.
"""

from __future__ import annotations

PDQ_MIN_QUALITY = 50
PDQ_BITS = 256
PDQ_MIN_ONES = 64
PDQ_MAX_ONES = PDQ_BITS - PDQ_MIN_ONES
MAX_PDQ_DISTANCE = 31  # PDQ's own match threshold, as for indicators
MAX_HASHES_PER_CASE = 100

EMPTY_FILE = frozenset(
    {
        "d41d8cd98f00b204e9800998ecf8427e",  # MD5 of no bytes
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # SHA-256
    }
)

# The queue's priority for a report matching a victim's request (lower is earlier; 0 is
# urgent, 1 solicitation, see rules/triage.py).
PRIORITY_VICTIM_MATCH = 1


def pdq_problem(value: str, quality: int | None) -> str | None:
    """Why a PDQ hash (64 lowercase hex) is refused ("low_quality", "degenerate_hash"), or
    None. A hash without a quality is taken at its bits alone."""
    if quality is not None and quality < PDQ_MIN_QUALITY:
        return "low_quality"
    ones = bin(int(value, 16)).count("1")
    if not PDQ_MIN_ONES <= ones <= PDQ_MAX_ONES:
        return "degenerate_hash"
    if len({value[i : i + 4] for i in range(0, len(value), 4)}) <= 2:
        return "degenerate_hash"
    return None


def digest_problem(value: str) -> str | None:
    """Why an MD5 or SHA-256 (lowercase hex) is refused, or None."""
    if value in EMPTY_FILE or len(set(value)) == 1:
        return "degenerate_hash"
    return None


def priority_with_victim_match(priority: int) -> int:
    """A report's priority once one of its items matched a victim's request."""
    return min(priority, PRIORITY_VICTIM_MATCH)
