"""No egress: with ASSISTANT_EGRESS_LOG set, every connection (TCP or UDP, DNS lookups included) to
anything but this machine's loopback is refused and written to that file. The test session sets the
variable and puts this folder first on PYTHONPATH, so the guard runs in pytest and in every Python
process the tests start (the app server, the CLI, the crash child); tests/conftest.py fails the test
during which a line was written."""

from __future__ import annotations

import ipaddress
import os
import socket

LOG = os.environ.get("ASSISTANT_EGRESS_LOG", "")
LOCAL_NAMES = {"", "localhost", "localhost.localdomain", "ip6-localhost"}


def _loopback(host: object) -> bool:
    if host is None:
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name.lower() in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        return False  # a name: resolving it would ask a DNS server
    return address.is_loopback or address.is_unspecified


def _literal(host: object) -> bool:
    """An IP address written out: looking it up asks no DNS server (connecting to it is checked)."""
    try:
        ipaddress.ip_address(str(host.decode() if isinstance(host, bytes) else host).split("%")[0])
    except ValueError:
        return False
    return True


def _refuse(what: str) -> OSError:
    with open(LOG, "a", encoding="utf-8") as handle:
        handle.write(f"pid {os.getpid()}: {what}\n")
    return OSError(f"network access outside 127.0.0.1 is blocked in the tests: {what}")


def install() -> None:
    if not LOG or getattr(socket, "_egress_guard", False):
        return
    connect, connect_ex, sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
    getaddrinfo = socket.getaddrinfo

    def allowed(sock: socket.socket, address: object) -> bool:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return True  # Unix sockets, netlink: local by nature
        return _loopback(address[0] if isinstance(address, tuple) else address)

    def guarded_connect(self: socket.socket, address: object) -> None:
        if not allowed(self, address):
            raise _refuse(f"connect {address!r}")
        return connect(self, address)  # type: ignore[arg-type]

    def guarded_connect_ex(self: socket.socket, address: object) -> int:
        if not allowed(self, address):
            raise _refuse(f"connect {address!r}")
        return connect_ex(self, address)  # type: ignore[arg-type]

    def guarded_sendto(self: socket.socket, data: bytes, *args: object) -> int:
        address = args[-1]
        if not allowed(self, address):
            raise _refuse(f"sendto {address!r}")
        return sendto(self, data, *args)  # type: ignore[arg-type,call-overload,no-any-return]

    def guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> list:  # type: ignore[type-arg]
        if not (_loopback(host) or _literal(host)):
            raise _refuse(f"resolve {host!r}")
        return getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = guarded_sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = guarded_getaddrinfo  # type: ignore[assignment]
    socket._egress_guard = True  # type: ignore[attr-defined]


install()
