"""The no-egress guard itself: a connection or a DNS lookup beyond 127.0.0.1 is refused and logged, in
this process and in a Python process a test starts; loopback still works."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

LOG = Path(os.environ.get("ASSISTANT_EGRESS_LOG", "/nonexistent"))


@pytest.fixture
def expect_refusals():  # type: ignore[no-untyped-def]
    """Lines this test provokes on purpose are checked here, then taken out of the log."""
    start = LOG.stat().st_size
    yield lambda: LOG.read_bytes()[start:].decode()
    os.truncate(LOG, start)


def test_outside_connections_and_lookups_are_refused_and_logged(expect_refusals):
    with pytest.raises(OSError, match="blocked in the tests"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routable
    with pytest.raises(OSError, match="blocked in the tests"):
        socket.getaddrinfo("example.org", 443)
    logged = expect_refusals()
    assert "connect ('192.0.2.1', 80)" in logged and "resolve 'example.org'" in logged


def test_loopback_still_works():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            accepted, _ = server.accept()
            accepted.close()


def test_a_child_python_process_is_guarded_too(expect_refusals):
    code = "import socket; socket.create_connection(('192.0.2.1', 443), timeout=1)"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert child.returncode != 0 and "blocked in the tests" in child.stderr
    assert "connect ('192.0.2.1', 443)" in expect_refusals()
