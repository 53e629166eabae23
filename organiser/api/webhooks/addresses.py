"""Where a webhook may point: never at the platform's own network.

An address is checked when it is registered (the error shown next to the field) and again at each
delivery, which then connects to the very IP address it checked: a name that resolves to a public
address at the check and to a private one a moment later (DNS rebinding) gains nothing. Redirects are
never followed. ``WEBHOOKS_ALLOW_PRIVATE`` (tests, development) lifts the address check and lets plain
``http`` through.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(ValueError):
    """The URL may not be used; ``str()`` says why, for the page."""


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str  # the name, for the Host header and the TLS certificate
    port: int
    path: str  # with its query
    ip: str  # the address checked, and the one connected to


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), which is what it reaches."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """Whether ``ip`` is an ordinary address on the internet (not loopback, private, link-local,
    multicast, reserved, unspecified or shared), looking through IPv6 forms that carry IPv4."""
    inner = _embedded_ipv4(ip)
    if inner is not None:  # what a connection to it reaches
        return is_public(inner)
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
    )


def _allow_private() -> bool:
    return bool(current_app.config.get("WEBHOOKS_ALLOW_PRIVATE"))


def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a URL a webhook may use, or AddressRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise AddressRefused(
            _l("Enter a full address, like https://crm.example.org/hooks/organiser")
        ) from exc
    allowed = ("https", "http") if _allow_private() else ("https",)
    if parts.scheme not in allowed:
        raise AddressRefused(_l("The address must start with https://"))
    if not parts.hostname:
        raise AddressRefused(_l("Enter a full address, like https://crm.example.org/hooks/organiser"))
    if parts.username or parts.password:
        raise AddressRefused(_l("Leave the user name and password out of the address"))
    default = 443 if parts.scheme == "https" else 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or default, path


def resolve(url: str) -> Destination:
    """Check ``url`` and pick the address to connect to: every address its host resolves to must be
    public (one private answer is enough to refuse), unless private ones are allowed."""
    scheme, host, port, path = parse(url)
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise AddressRefused(_l("This address's server could not be found")) from exc
    ips = [ipaddress.ip_address(str(answer[4][0]).split("%", 1)[0]) for answer in answers]
    if not ips:
        raise AddressRefused(_l("This address's server could not be found"))
    if not _allow_private() and not all(is_public(ip) for ip in ips):
        raise AddressRefused(
            _l("This address leads to a private or local network: use an address on the public internet")
        )
    return Destination(scheme, host, port, path, str(ips[0]))
