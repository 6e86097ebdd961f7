"""MTA-STS (RFC 8461) when delivering by MX, with every part real: dnsmasq answers the MX, A and
``_mta-sts`` TXT records, a local HTTPS server (certificate from a CA the test makes) serves the
policies, and the MX is an aiosmtpd server with STARTTLS on loopback. The delivery transport is
driven directly (the gateway's ``next_hop: mx`` builds the same one)."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509

from gateway.mta_sts import MtaSts, PolicyError, parse_policy
from gateway.outbound_dns import OutboundDns
from gateway.tls_policy import TlsPolicy
from gateway.transport import MxTransport
from tests.dnsmasq import dnsmasq
from tests.harness import RecordingSink, free_port, simple_message
from tests.pki import make_cert
from tests.test_e2e_tls_policy import TlsSink

POLICIES = {   # domain -> (policy file, its MX host)
    "partner.test": ("version: STSv1\nmode: enforce\nmx: mx1.partner.test\nmax_age: 86400\n", "mx1.partner.test"),
    "other.test": ("version: STSv1\nmode: enforce\nmx: *.partner.test\nmax_age: 86400\n", "mx.other.test"),
    "badcert.test": ("version: STSv1\nmode: enforce\nmx: mx.badcert.test\nmax_age: 86400\n", "mx.badcert.test"),
    "testing.test": ("version: STSv1\nmode: testing\nmx: mx1.partner.test\nmax_age: 86400\n", "mx.other.test"),
    "short.test": ("version: STSv1\r\nmode: enforce\r\nmx: *.partner.test\r\nmax_age: 1\r\n", "mx1.partner.test"),
    "nosts.test": (None, "mx.other.test"),
    "testcert.test": ("version: STSv1\nmode: testing\nmx: mx.badcert.test\nmax_age: 86400\n", "mx.badcert.test"),
}


class _Policies(BaseHTTPRequestHandler):
    fetched: Counter = Counter()

    def do_GET(self) -> None:  # noqa: N802
        host = (self.headers.get("Host") or "").removeprefix("mta-sts.")
        type(self).fetched[host] += 1
        text = (POLICIES.get(host) or (None,))[0]
        if self.path != "/.well-known/mta-sts.txt" or text is None:
            self.send_response(404)
            self.end_headers()
            return
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class World:
    dns: OutboundDns
    ca: Path
    https_port: int
    smtp_port: int
    sink: TlsSink

    def transport(self) -> MxTransport:
        sts = MtaSts(txt=self.dns.txt, addresses=self.dns.addresses, ca_file=str(self.ca), https_port=self.https_port)
        return MxTransport(resolver=self.dns.mx, addresses=self.dns.addresses, port=self.smtp_port, mta_sts=sts,
                           tls_policy=TlsPolicy("may", ca_file=str(self.ca)), size=2, connect_timeout=5,
                           command_timeout=5, idle_timeout=30, local_hostname="gw.test")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    d = tmp_path_factory.mktemp("sts")
    ca, _, ca_name, ca_key = make_cert(d, "ca", "sts test CA", None, [], ca=True)
    web = make_cert(d, "web", "mta-sts", (ca_name, ca_key), [x509.DNSName(f"mta-sts.{n}") for n in POLICIES])
    mx = make_cert(d, "mx", "mx1.partner.test", (ca_name, ca_key),
                   [x509.DNSName("mx1.partner.test"), x509.DNSName("mx.other.test"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Policies)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(web[0]), str(web[1]))
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    smtp_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    smtp_ctx.load_cert_chain(str(mx[0]), str(mx[1]))
    sink = TlsSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port(), tls_context=smtp_ctx)
    controller.start()
    txt = {f"_mta-sts.{n}": "v=STSv1; id=20261203" for n, (text, _) in POLICIES.items() if text}
    hosts = {h for _, h in POLICIES.values()} | {f"mta-sts.{n}" for n in POLICIES}
    extra = tuple(f"--mx-host={n},{h},10" for n, (_, h) in POLICIES.items()) + tuple(
        f"--address=/{h}/127.0.0.1" for h in sorted(hosts))
    try:
        with dnsmasq(txt, tuple(POLICIES), extra) as port:
            yield World(OutboundDns([("127.0.0.1", port)]), ca, server.server_address[1], controller.port, sink)
    finally:
        controller.stop()
        server.shutdown()


def _send(world: World, transport: MxTransport, domain: str, hops: dict | None = None) -> tuple[int | None, str]:
    rcpt = f"carol@{domain}"

    async def go() -> tuple[int | None, str]:
        try:
            return (await transport.send("alice@example.com", [rcpt], simple_message(to=rcpt), hops=hops))[rcpt]
        finally:
            await transport.close()

    return asyncio.run(go())


def _delivered(sink: RecordingSink, domain: str) -> int:
    return len(sink.to(f"carol@{domain}"))


def test_enforce_delivers_to_a_named_mx_with_a_valid_certificate(world: World) -> None:
    hops: dict = {}
    code, _ = _send(world, world.transport(), "partner.test", hops)
    assert code == 250 and _delivered(world.sink, "partner.test") == 1
    assert world.sink.tls[-1] is True
    # where the attempt went, as the delivery attempts log keeps it (gateway/hops.py)
    hop = hops["carol@partner.test"]
    assert (hop.host, hop.address, hop.port) == ("mx1.partner.test", "127.0.0.1", world.smtp_port)
    assert hop.tls_version in ("TLSv1.2", "TLSv1.3") and hop.tls_verified is True
    assert hop.tls_policy == "mta-sts:enforce"


def test_enforce_refuses_an_mx_the_policy_does_not_name_with_a_temporary_failure(world: World) -> None:
    hops: dict = {}
    code, text = _send(world, world.transport(), "other.test", hops)
    assert code is None and "MTA-STS" in text        # None: deferred and retried, never 5xx
    hop = hops["carol@other.test"]
    assert hop.address is None and hop.tls_version is None and hop.tls_policy == "mta-sts:enforce"
    assert _delivered(world.sink, "other.test") == 0


def test_enforce_refuses_a_certificate_that_does_not_name_the_mx(world: World) -> None:
    code, text = _send(world, world.transport(), "badcert.test")
    assert code is None and "certificate" in text.lower()
    assert _delivered(world.sink, "badcert.test") == 0


def test_testing_mode_delivers_and_logs(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="mailwarden.transport")
    code, _ = _send(world, world.transport(), "testing.test")
    assert code == 250 and _delivered(world.sink, "testing.test") == 1
    assert any(getattr(r, "mode", None) == "testing" and r.mx == "mx.other.test" for r in caplog.records)


def test_testing_mode_logs_a_certificate_enforce_would_refuse(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="mailwarden.transport")
    code, _ = _send(world, world.transport(), "testcert.test")
    assert code == 250 and _delivered(world.sink, "testcert.test") == 1
    assert any(r.getMessage() == "MTA-STS: MX certificate does not verify" and r.mx == "mx.badcert.test"
               for r in caplog.records)


def test_no_policy_published_delivers_as_before(world: World) -> None:
    code, text = _send(world, world.transport(), "nosts.test")
    assert code == 250, text


def test_policy_cached_for_its_max_age(world: World) -> None:
    transport = world.transport()
    before = _Policies.fetched.copy()
    for _ in range(2):
        assert _send(world, transport, "partner.test")[0] == 250
        assert _send(world, transport, "short.test")[0] == 250
        time.sleep(1.2)              # short.test's max_age is 1 s
    assert _Policies.fetched["partner.test"] - before["partner.test"] == 1
    assert _Policies.fetched["short.test"] - before["short.test"] == 2


def test_parse_policy_refuses_what_is_not_a_policy() -> None:
    policy = parse_policy("version: STSv1\nmode: enforce\nmx: *.example.net\nmx: mail.example.com\n"
                          "max_age: 999999999\n")
    assert policy.max_age == 31557600
    assert policy.matches("a.example.net") and not policy.matches("a.b.example.net")
    assert policy.matches("MAIL.example.com.") and not policy.matches("example.net")
    for bad in ("mode: enforce\nmx: a\nmax_age: 1", "version: STSv1\nmode: on\nmx: a\nmax_age: 1",
                "version: STSv1\nmode: enforce\nmax_age: 1", "version: STSv1\nmode: enforce\nmx: a"):
        with pytest.raises(PolicyError):
            parse_policy(bad)


def test_next_hop_mx_is_wired_with_dns_and_mta_sts(tmp_path: Path) -> None:
    from gateway.server import _mx_delivery
    from gateway.settings import load_settings
    from tests.harness import write_config

    config = write_config(tmp_path, database_url=f"sqlite:///{tmp_path / 'db'}", next_hop="mx",
                          smtp_port=free_port(), api_port=free_port(),
                          overrides={"delivery": {"nameservers": ["127.0.0.1:5353"]}})
    wired = _mx_delivery(load_settings(config))
    assert isinstance(wired["mx_dns"], OutboundDns) and isinstance(wired["mta_sts"], MtaSts)
    config.write_text(config.read_text().replace("next_hop: mx", "next_hop: mx\n  mta_sts: false"))
    assert _mx_delivery(load_settings(config))["mta_sts"] is None
