"""The test servers' port numbers: never one an outgoing connection can be handed meanwhile.

CI once failed with "address already in use" when a gateway bound the port a neighbouring xdist
worker's client had been given as its source port between our choosing and our binding."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.harness import free_port


def _ephemeral_range() -> range:
    low, high = (int(x) for x in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    return range(low, high + 1)


def test_test_ports_are_outside_the_range_outgoing_connections_draw_from() -> None:
    ephemeral = _ephemeral_range()
    ports = [free_port() for _ in range(50)]
    assert not [p for p in ports if p in ephemeral]
    assert len(set(ports)) == 50


def test_a_port_someone_holds_is_never_handed_out() -> None:
    held = []
    try:
        for _ in range(30):
            port = free_port()
            s = socket.create_server(("127.0.0.1", port))
            held.append(s)
        numbers = {s.getsockname()[1] for s in held}
        assert len(numbers) == 30
        assert free_port() not in numbers
    finally:
        for s in held:
            s.close()


def test_a_port_for_udp_and_tcp_is_free_for_both() -> None:
    port = free_port(udp_too=True)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, socket.socket() as tcp:
        udp.bind(("127.0.0.1", port))
        tcp.bind(("127.0.0.1", port))
