"""One HTTP POST of a signed body to a checked address, over the standard library.

The signature (documented in the README) follows Stripe's scheme: the header
``Organiser-Signature: t=<unix time>,v1=<hex>`` where ``hex`` is HMAC-SHA256 with the webhook's secret
over ``"<t>.<body>"``. A receiver recomputes it, compares in constant time, and refuses a ``t`` far
from its clock (a replay).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from organiser.api.webhooks.addresses import AddressRefused, Destination, resolve

TIMEOUT_SECONDS = 10
USER_AGENT = "Organiser-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None  # None: no answer
    error: str  # empty when delivered
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked IP address, whatever the name resolves to now."""

    def __init__(self, destination: Destination, timeout: float) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout)
        self._ip = destination.ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """Connects to the checked IP address and verifies the certificate for the name."""

    def __init__(self, destination: Destination, timeout: float) -> None:
        super().__init__(
            destination.host, destination.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._ip = destination.ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str], secret: str) -> Outcome:
    """POST ``body`` to ``url`` (checked again now), signed; never follows a redirect."""
    started = time.monotonic()

    def outcome(code: int | None, error: str) -> Outcome:
        return Outcome(code, error[:300], round((time.monotonic() - started) * 1000))

    try:
        destination = resolve(url)
    except AddressRefused as exc:
        return outcome(None, str(exc))
    connection_class = _PinnedHTTPS if destination.scheme == "https" else _PinnedHTTP
    connection = connection_class(destination, TIMEOUT_SECONDS)
    sent = {
        **headers,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Organiser-Signature": signature_header(secret, body, int(time.time())),
    }
    try:
        connection.request("POST", destination.path, body=body, headers=sent)
        response = connection.getresponse()
        response.read(64 * 1024)  # only to end the exchange cleanly; never stored
    except (OSError, http.client.HTTPException) as exc:
        return outcome(None, f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
    error = "" if 200 <= response.status < 300 else f"HTTP {response.status} {response.reason}"
    return outcome(response.status, error)
