"""The suite cannot reach the network (tests/conftest.py `no_network`): EDGAR, the Hugging
Face hub and anything else outside this machine are refused before a packet is sent, while
loopback servers (the tests' EDGAR server, Ray, Streamlit) still answer."""

from __future__ import annotations

import socket

import pytest


def test_a_connection_outside_this_machine_is_refused_at_once() -> None:
    with pytest.raises(OSError, match="tests must not reach the network"):
        socket.create_connection(("198.51.100.1", 443), timeout=5)  # TEST-NET-2


def test_loopback_still_connects() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
