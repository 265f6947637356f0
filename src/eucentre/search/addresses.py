"""Where the crawler may connect: the host's addresses are resolved once, every one checked
(no private, loopback, link-local, multicast or reserved address unless the settings allow
private ones), and the fetch connects to the address that was checked, so a second DNS answer
(rebinding) cannot send it elsewhere."""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

Resolver = Callable[[str, int], list[str]]


class AddressRefused(Exception):
    """The host resolves to an address the crawler must not reach (or to nothing)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: IPv4Address | IPv6Address) -> bool:
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return is_public(address.ipv4_mapped)
    return address.is_global and not address.is_multicast


def checked_address(
    host: str,
    port: int,
    *,
    allow_private: bool,
    allow_networks: Sequence[str] = (),
    resolver: Resolver = system_resolver,
) -> str:
    """The address to connect to, or AddressRefused. With several, all must be allowed."""
    try:
        literal = ip_address(host.strip("[]"))
        found = [str(literal)]
    except ValueError:
        try:
            found = resolver(host, port)
        except (OSError, UnicodeError) as failed:
            raise AddressRefused("dns_failure") from failed
    if not found:
        raise AddressRefused("dns_failure")
    for text in found:
        address = ip_address(text.split("%", 1)[0])
        if address.is_unspecified:
            raise AddressRefused("address_not_allowed")
        listed = any(
            address.version == net.version and address in net
            for net in (ip_network(n, strict=False) for n in allow_networks)
        )
        if not is_public(address) and not allow_private and not listed:
            raise AddressRefused("private_address")
    return found[0].split("%", 1)[0]
