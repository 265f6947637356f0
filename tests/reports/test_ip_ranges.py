"""The IP-range table: lookups at range edges, refused lines by number, and binary search agreeing
with a brute-force scan."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eucentre.reports.ip_ranges import (
    IpRangeError,
    demo_ip_ranges,
    load_ip_ranges,
    parse_ip_ranges,
)

TABLE = """# a comment
network,country

10.0.0.0/24,DE
10.0.2.0/23,FR
2001:db8:1::/48,NL
192.0.2.128/25,US
"""


@pytest.fixture(scope="module")
def table():
    return parse_ip_ranges(TABLE.splitlines())


@pytest.mark.parametrize(
    ("ip", "country"),
    [
        ("10.0.0.0", "DE"),
        ("10.0.0.255", "DE"),
        ("10.0.1.0", None),
        ("10.0.1.255", None),
        ("10.0.2.0", "FR"),
        ("10.0.3.255", "FR"),
        ("10.0.4.0", None),
        ("9.255.255.255", None),
        ("0.0.0.0", None),
        ("255.255.255.255", None),
        ("192.0.2.200", "US"),
        ("2001:db8:1::", "NL"),
        ("2001:db8:1:ffff:ffff:ffff:ffff:ffff", "NL"),
        ("2001:db8:2::", None),
        ("::ffff:10.0.2.9", "FR"),
        ("::", None),
        # An IPv4 address and the IPv6 address with the same integer value are different.
        ("::a00:1", None),
    ],
)
def test_lookup(table, ip, country):
    assert table.lookup(ip) == country
    assert table.lookup(ipaddress.ip_address(ip)) == country


def test_lookup_refuses_non_addresses(table):
    with pytest.raises(ValueError):
        table.lookup("10.0.0.0/24")
    with pytest.raises(ValueError):
        table.lookup("example.org")


def test_len_counts_both_families(table):
    assert len(table) == 4


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("net,cc\n10.0.0.0/8,DE\n", 1, "header must be"),
        ("# only a comment\n", 1, "header 'network,country' is missing"),
        ("network,country\n10.0.0.0/8,DE,extra\n", 2, "expected 2 fields"),
        ("network,country\n10.0.0.0/8\n", 2, "expected 2 fields"),
        ("network,country\n10.0.0.1/8,DE\n", 2, "host bits set"),
        ("network,country\n10.0.0.0/33,DE\n", 2, "bad network"),
        ("network,country\nexample.org,DE\n", 2, "bad network"),
        ("network,country\n\n10.0.0.0/8,de\n", 3, "bad country"),
        ("network,country\n10.0.0.0/8,DEU\n", 2, "bad country"),
        ("network,country\n10.0.0.0/8,DE\n10.1.0.0/16,FR\n", 3, "overlaps the range on line 2"),
        ("network,country\n10.1.0.0/16,FR\n10.0.0.0/8,DE\n", 3, "overlaps the range on line 2"),
        ("network,country\n10.0.0.0/8,DE\n10.0.0.0/8,DE\n", 3, "overlaps"),
        ("network,country\n2001:db8::/32,DE\n2001:db8:1::/48,FR\n", 3, "overlaps"),
    ],
)
def test_bad_tables_name_the_line(text, line, fragment):
    with pytest.raises(IpRangeError) as info:
        parse_ip_ranges(text.splitlines(), source="t.csv")
    assert info.value.line == line
    assert fragment in info.value.message
    assert str(info.value).startswith(f"t.csv, line {line}: ")


def test_same_integer_in_both_families_does_not_overlap():
    table = parse_ip_ranges(["network,country", "0.0.0.0/8,DE", "::/104,FR"])
    assert table.lookup("0.0.0.1") == "DE"
    assert table.lookup("::1") == "FR"


def test_load_from_file(tmp_path):
    path = tmp_path / "ranges.csv"
    path.write_text(TABLE, encoding="utf-8")
    assert load_ip_ranges(path).lookup("10.0.2.1") == "FR"
    path.write_text("network,country\nbad,DE\n", encoding="utf-8")
    with pytest.raises(IpRangeError, match=r"ranges\.csv, line 2"):
        load_ip_ranges(path)


def test_demo_table_is_synthetic_and_covers_the_demo_countries():
    table = demo_ip_ranges()
    assert len(table) == 36
    assert table.lookup("10.1.2.3") == "DE"
    assert table.lookup("100.71.0.1") == "BE"
    assert table.lookup("198.19.200.1") == "PL"
    assert table.lookup("2001:db8:4::1") == "IE"
    assert table.lookup("2001:db8:2ff::1") == "FR"
    assert table.lookup("8.8.8.8") is None
    countries = set(table.v4.countries) | set(table.v6.countries)
    assert countries == {"DE", "FR", "NL", "IE", "IT", "ES", "PL", "BE"}
    allowed = [
        ipaddress.ip_network(n)
        for n in ("10.0.0.0/8", "100.64.0.0/10", "198.18.0.0/15", "2001:db8::/32")
    ]
    for family, address in ((table.v4, ipaddress.IPv4Address), (table.v6, ipaddress.IPv6Address)):
        for start, end in zip(family.starts, family.ends, strict=True):
            first, last = address(start), address(end)
            assert any(first in n and last in n for n in allowed)


@st.composite
def random_tables(draw):
    """Non-overlapping /24../28 networks inside 10.0.0.0/16, with random countries."""
    prefixes = draw(st.lists(st.integers(24, 28), min_size=1, max_size=30))
    networks, lines = [], ["network,country"]
    for prefix in prefixes:
        size = 2 ** (32 - prefix)
        start = draw(st.integers(0, 2**16 // size - 1)) * size + int(
            ipaddress.IPv4Address("10.0.0.0")
        )
        net = ipaddress.IPv4Network((start, prefix))
        if any(net.overlaps(other) for other, _ in networks):
            continue
        country = draw(st.sampled_from(["DE", "FR", "NL"]))
        networks.append((net, country))
        lines.append(f"{net},{country}")
    return networks, draw(st.permutations(lines[1:])), lines[0]


@given(random_tables(), st.lists(st.integers(0, 2**16 + 10), max_size=50))
def test_binary_search_agrees_with_brute_force(generated, offsets):
    networks, body, header = generated
    table = parse_ip_ranges([header, *body])
    base = int(ipaddress.IPv4Address("10.0.0.0"))
    probes = [ipaddress.IPv4Address(base + o) for o in offsets]
    probes += [n.network_address for n, _ in networks] + [n.broadcast_address for n, _ in networks]
    for ip in probes:
        expected = next((c for n, c in networks if ip in n), None)
        assert table.lookup(ip) == expected
