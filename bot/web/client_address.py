"""The address a request comes from, for throttling and security logs.

Behind a reverse proxy every request comes from the proxy, so the client's
address is in the ``X-Forwarded-For`` header the proxy adds. Anyone can send
that header, so it is read only when the request comes from a proxy listed in
``KC_TRUSTED_PROXIES``; otherwise the connection's own address counts.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from bot.config import Network

UNKNOWN = "unknown"


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: Address, proxies: Sequence[Network]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def client_address(
    remote: str | None, forwarded_for: str | None, trusted_proxies: Sequence[Network]
) -> str:
    """The client's address: from X-Forwarded-For only via a trusted proxy.

    The header is read from the right: each trusted proxy appends the address
    it saw, so the first address from the right that is not a trusted proxy
    is the client. Whatever stands left of it was sent by the client and may
    be made up. A malformed entry stops the walk at the last trusted hop.
    """
    peer = _address(remote or "")
    if peer is None:
        return remote or UNKNOWN
    if not forwarded_for or not _trusted(peer, trusted_proxies):
        return str(peer)
    last = peer
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            return str(last)
        if not _trusted(address, trusted_proxies):
            return str(address)
        last = address
    return str(last)
