"""The offline IP-range to country table used for jurisdiction routing.

A CSV with the header ``network,country`` (CIDR network, ISO 3166-1 alpha-2 code); lines starting
with ``#`` and blank lines are ignored. Lookups are a binary search over range starts, one sorted
array per address family, so a table of a few million ranges answers in microseconds without a
database and without sending a suspect's IP address to any online geolocation service.

Loading refuses bad lines and overlapping ranges, naming the line numbers: an overlap would make
the country of an address depend on the order of the file, and routing must not.

The packaged ``data/demo_ip_ranges.csv`` is SYNTHETIC (private and documentation ranges); a
deployment points ``load_ip_ranges`` at a licensed geolocation export converted to this format.
"""

from __future__ import annotations

import ipaddress
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

HEADER = ("network", "country")
# Refuse absurd files early: a real country table has a few million lines at most.
MAX_LINES = 10_000_000
_COUNTRY = re.compile(r"[A-Z]{2}")


class IpRangeError(ValueError):
    """A bad line in an IP-range table; ``line`` is 1-based."""

    def __init__(self, line: int, message: str, *, source: str = "<table>") -> None:
        self.line = line
        self.message = message
        self.source = source
        super().__init__(f"{source}, line {line}: {message}")


@dataclass(frozen=True, slots=True)
class _Family:
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    countries: tuple[str, ...]

    def find(self, value: int) -> str | None:
        # The last range starting at or before the address; ranges do not overlap, so it is the
        # only candidate.
        index = bisect_right(self.starts, value) - 1
        if index >= 0 and value <= self.ends[index]:
            return self.countries[index]
        return None


@dataclass(frozen=True, slots=True)
class IpRangeTable:
    """Immutable and safe to share between threads and requests."""

    v4: _Family
    v6: _Family

    def __len__(self) -> int:
        return len(self.v4.starts) + len(self.v6.starts)

    def lookup(self, address: str | IpAddress) -> str | None:
        """The country of an address, or None when the table does not cover it.

        Raises ValueError for a string that is not an IP address. IPv4-mapped IPv6 addresses
        (``::ffff:10.1.2.3``) are looked up as the IPv4 address they carry.
        """
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        family = self.v4 if ip.version == 4 else self.v6
        return family.find(int(ip))


def parse_ip_ranges(lines: Iterable[str], *, source: str = "<table>") -> IpRangeTable:
    """Build a table from CSV lines (with their newlines or without)."""
    rows: dict[int, list[tuple[int, int, str, int]]] = {4: [], 6: []}
    header_seen = False
    for number, raw in enumerate(lines, start=1):
        if number > MAX_LINES:
            raise IpRangeError(number, f"more than {MAX_LINES} lines", source=source)
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split(",")]
        if not header_seen:
            if tuple(f.lower() for f in fields) != HEADER:
                raise IpRangeError(number, "the header must be 'network,country'", source=source)
            header_seen = True
            continue
        if len(fields) != 2:
            raise IpRangeError(number, f"expected 2 fields, found {len(fields)}", source=source)
        text, country = fields
        try:
            network = ipaddress.ip_network(text, strict=True)
        except ValueError as exc:
            raise IpRangeError(number, f"bad network {text!r}: {exc}", source=source) from None
        if not _COUNTRY.fullmatch(country):
            raise IpRangeError(
                number, f"bad country {country!r}: expected two capital letters", source=source
            )
        start, end = int(network.network_address), int(network.broadcast_address)
        rows[network.version].append((start, end, country, number))
    if not header_seen:
        raise IpRangeError(1, "the header 'network,country' is missing", source=source)
    return IpRangeTable(v4=_family(rows[4], source), v6=_family(rows[6], source))


def _family(rows: list[tuple[int, int, str, int]], source: str) -> _Family:
    rows.sort()
    for previous, current in zip(rows, rows[1:], strict=False):
        if current[0] <= previous[1]:
            # Blame the later line of the two: that is where a reader of the file will look.
            first, second = sorted((previous[3], current[3]))
            raise IpRangeError(second, f"overlaps the range on line {first}", source=source)
    return _Family(
        starts=tuple(r[0] for r in rows),
        ends=tuple(r[1] for r in rows),
        countries=tuple(r[2] for r in rows),
    )


def load_ip_ranges(path: str | Path) -> IpRangeTable:
    """Load a table from a CSV file."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        return parse_ip_ranges(handle, source=str(path))


def demo_ip_ranges() -> IpRangeTable:
    """The packaged SYNTHETIC table, for demos and tests."""
    resource = resources.files("eucentre.reports").joinpath("data/demo_ip_ranges.csv")
    with resource.open(encoding="utf-8") as handle:
        return parse_ip_ranges(handle, source="demo_ip_ranges.csv")


__all__ = [
    "IpRangeError",
    "IpRangeTable",
    "demo_ip_ranges",
    "load_ip_ranges",
    "parse_ip_ranges",
]
