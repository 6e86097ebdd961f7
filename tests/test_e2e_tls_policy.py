"""Outbound TLS policy per destination over real SMTP on loopback, against a next hop whose
certificate a local CA made by the test signed (or not).

Old main never checked the next hop's certificate, even with ``require_tls``: any certificate,
for any name, from anyone, carried the mail."""

from __future__ import annotations

import ipaddress
import ssl
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from cryptography import x509

from gateway.tls import ensure_self_signed
from tests.harness import InProcessGateway, RecordingSink, free_port, send, simple_message, write_config
from tests.pki import make_cert


class TlsSink(RecordingSink):
    """Records whether each message came over TLS."""

    def __init__(self) -> None:
        super().__init__()
        self.tls: list[bool] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001, ANN201
        self.tls.append(session.ssl is not None)
        return await super().handle_DATA(server, session, envelope)


@dataclass
class Pki:
    ca: Path
    good: tuple[Path, Path]        # signed by the CA for localhost
    wrong_name: tuple[Path, Path]  # signed by the CA for another name
    self_signed: tuple[Path, Path]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    d = tmp_path_factory.mktemp("pki")
    ca_cert, _ca_key, ca_name, ca_key = make_cert(d, "ca", "mailwarden test CA", None, [], ca=True)
    localhost = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    good = make_cert(d, "good", "localhost", (ca_name, ca_key), localhost)
    wrong = make_cert(d, "wrong", "mx.elsewhere.test", (ca_name, ca_key), [x509.DNSName("mx.elsewhere.test")])
    return Pki(ca=ca_cert, good=good[:2], wrong_name=wrong[:2], self_signed=ensure_self_signed(d / "self", "localhost"))


@dataclass
class Hop:
    gw: InProcessGateway
    sink: TlsSink

    def send(self, marker: str) -> None:
        assert send(self.gw.smtp_port, "alice@example.com", ["carol@partner.org"],
                    simple_message(subject=marker, to="carol@partner.org")) == {}

    def delivered(self, marker: str, timeout: float = 15) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(marker.encode() in m.data for m in list(self.sink.messages)):
                return True
            time.sleep(0.05)
        return False

    def logged_tls(self, timeout: float = 15) -> tuple[str | None, bool | None, str | None]:
        """(TLS version, certificate verified, policy) of the first logged attempt to carol@."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.gw.services.engine.connect() as conn:
                row = conn.execute(sa.text(
                    "SELECT tls_version, tls_verified, tls_policy FROM gateway_delivery_attempts "
                    "WHERE recipient = 'carol@partner.org' ORDER BY id")).first()
            if row is not None:
                return row[0], None if row[1] is None else bool(row[1]), row[2]
            time.sleep(0.1)
        raise AssertionError("no attempt logged")

    def last_error(self, timeout: float = 15) -> str:
        """The queue row's recorded error once its first attempt failed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.gw.services.engine.connect() as conn:
                row = conn.execute(sa.text("SELECT last_error FROM gateway_queue WHERE recipient = 'carol@partner.org' "
                                           "AND last_error IS NOT NULL")).first()
            if row is not None:
                return row[0]
            time.sleep(0.1)
        raise AssertionError("no attempt recorded")


@pytest.fixture
def hop(tmp_path: Path, database_url: str, pki: Pki, request: pytest.FixtureRequest) -> Iterator[Hop]:
    """(certificate of the next hop or None for no STARTTLS, delivery settings) from the test's param."""
    cert, delivery = request.param
    handler = TlsSink()
    kwargs: dict[str, Any] = {}
    if cert is not None:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        if cert == "broken":       # offers STARTTLS, then fails every handshake (TLS 1.0 only)
            with warnings.catch_warnings():        # deprecated: the point is that nobody takes it
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1
            cert = "good"
        ctx.load_cert_chain(*[str(p) for p in getattr(pki, cert)])
        kwargs["tls_context"] = ctx
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    delivery = {k: (str(pki.ca) if v == "CA" else v) for k, v in delivery.items()}
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"localhost:{port}",
                          smtp_port=free_port(), api_port=free_port(), overrides={"delivery": delivery})
    gw = InProcessGateway(config, with_api=False).start()
    try:
        yield Hop(gw, handler)
    finally:
        gw.stop()
        controller.stop()


VERIFY = {"tls": "verify", "tls_ca_file": "CA"}


@pytest.mark.parametrize("hop", [("good", VERIFY)], indirect=True)
def test_verify_delivers_to_a_certificate_the_ca_signed_for_the_host(hop: Hop) -> None:
    hop.send("verify-good")
    assert hop.delivered("verify-good")
    assert hop.sink.tls == [True]
    version, verified, policy = hop.logged_tls()      # the attempt as the timeline shows it
    assert version in ("TLSv1.2", "TLSv1.3") and verified is True and policy == "verify"


@pytest.mark.parametrize("hop", [("wrong_name", VERIFY)], indirect=True)
def test_verify_refuses_a_certificate_for_another_name(hop: Hop) -> None:
    hop.send("verify-wrong-name")
    assert "certificate" in hop.last_error().lower()
    assert not hop.delivered("verify-wrong-name", timeout=1)


@pytest.mark.parametrize("hop", [("self_signed", VERIFY)], indirect=True)
def test_verify_refuses_a_certificate_no_trusted_ca_signed(hop: Hop) -> None:
    hop.send("verify-self-signed")
    assert "certificate" in hop.last_error().lower()
    assert not hop.delivered("verify-self-signed", timeout=1)


@pytest.mark.parametrize("hop", [(None, {"tls": "encrypt"})], indirect=True)
def test_encrypt_waits_when_the_next_hop_offers_no_starttls(hop: Hop) -> None:
    hop.send("encrypt-plain-hop")
    assert "starttls" in hop.last_error().lower()
    assert not hop.delivered("encrypt-plain-hop", timeout=1)


@pytest.mark.parametrize("hop", [("self_signed", {"tls": "encrypt"})], indirect=True)
def test_encrypt_takes_any_certificate(hop: Hop) -> None:
    hop.send("encrypt-self-signed")
    assert hop.delivered("encrypt-self-signed")
    assert hop.sink.tls == [True]
    version, verified, policy = hop.logged_tls()      # encrypted, and logged as not verified
    assert version is not None and verified is False and policy == "encrypt"


@pytest.mark.parametrize("hop", [("good", {"tls": "none"})], indirect=True)
def test_none_never_starts_tls(hop: Hop) -> None:
    hop.send("none")
    assert hop.delivered("none")
    assert hop.sink.tls == [False]


@pytest.mark.parametrize("hop", [("self_signed", {**VERIFY, "tls_policy": {"localhost": "may"}})], indirect=True)
def test_per_destination_level_overrides_the_default(hop: Hop) -> None:
    hop.send("per-destination")
    assert hop.delivered("per-destination")
    assert hop.sink.tls == [True]


@pytest.mark.parametrize("hop", [("wrong_name", {"tls_policy": {".partner.org": "none", "localhost": "verify"},
                                                 "tls_ca_file": "CA"})], indirect=True)
def test_next_hop_entry_applies_to_relayed_mail(hop: Hop) -> None:
    hop.send("next-hop-entry")
    assert "certificate" in hop.last_error().lower()


@pytest.mark.parametrize("hop", [("broken", {"tls": "may"})], indirect=True)
def test_may_falls_back_to_the_clear_when_the_handshake_fails(hop: Hop) -> None:
    hop.send("may-broken")
    assert hop.delivered("may-broken")
    assert hop.sink.tls == [False]
    assert hop.logged_tls() == (None, None, "may")     # logged as it went: in the clear


@pytest.mark.parametrize("hop", [("broken", {"tls": "encrypt"})], indirect=True)
def test_encrypt_never_falls_back(hop: Hop) -> None:
    hop.send("encrypt-broken")
    hop.last_error()
    assert not hop.delivered("encrypt-broken", timeout=1)
