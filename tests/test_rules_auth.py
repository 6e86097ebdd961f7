"""SPF evaluation, DKIM verification, DMARC and Authentication-Results with an in-memory DNS."""

from __future__ import annotations

import base64

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from rules.auth import (
    DNSTempError,
    authenticate,
    check_dkim,
    check_dmarc,
    check_spf,
    format_authentication_results,
    organisational_domain,
)
from rules.model import AuthResults

ZONE: dict[tuple[str, str], list[str]] = {
    ("example.com", "TXT"): ["v=spf1 ip4:192.0.2.0/24 include:_spf.partner.test a:mail.example.com mx -all",
                             "some other txt"],
    ("_spf.partner.test", "TXT"): ["v=spf1 ip6:2001:db8::/32 ~all"],
    ("mail.example.com", "A"): ["198.51.100.7"],
    ("example.com", "MX"): ["mx1.example.com."],
    ("mx1.example.com", "A"): ["203.0.113.25"],
    ("soft.test", "TXT"): ["v=spf1 ?ip4:10.0.0.1 ~all"],
    ("two.test", "TXT"): ["v=spf1 -all", "v=spf1 +all"],
    ("redir.test", "TXT"): ["v=spf1 redirect=example.com"],
    ("loop.test", "TXT"): ["v=spf1 include:loop.test -all"],
    ("macro.test", "TXT"): ["v=spf1 exists:%{ir}._spf.macro.test -all"],
    ("1.2.0.192._spf.macro.test", "A"): ["127.0.0.2"],
    ("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject; adkim=r; aspf=r"],
    ("bad.test", "TXT"): ["v=spf1 bogus:thing -all"],
}


def resolver(name: str, rtype: str) -> list[str]:
    if name == "temp.test":
        raise DNSTempError("SERVFAIL")
    return ZONE.get((name.lower(), rtype), [])


@pytest.mark.parametrize(
    ("ip", "sender", "expected"),
    [
        ("192.0.2.55", "a@example.com", "pass"),
        ("198.51.100.7", "a@example.com", "pass"),  # a:
        ("203.0.113.25", "a@example.com", "pass"),  # mx
        ("2001:db8::1", "a@example.com", "pass"),  # include -> ip6
        ("203.0.113.99", "a@example.com", "fail"),
        ("10.0.0.1", "a@soft.test", "neutral"),
        ("10.0.0.2", "a@soft.test", "softfail"),
        ("192.0.2.1", "a@nospf.test", "none"),
        ("192.0.2.1", "a@two.test", "permerror"),
        ("192.0.2.1", "a@redir.test", "pass"),
        ("192.0.2.1", "a@loop.test", "permerror"),
        ("192.0.2.1", "a@macro.test", "pass"),
        ("192.0.2.2", "a@macro.test", "fail"),
        ("192.0.2.1", "a@temp.test", "temperror"),
        ("192.0.2.1", "a@bad.test", "permerror"),
        ("not-an-ip", "a@example.com", "permerror"),
        ("::ffff:192.0.2.9", "a@example.com", "pass"),
    ],
)
def test_spf(ip: str, sender: str, expected: str) -> None:
    assert check_spf(ip, sender, "helo.test", resolver) == expected


def test_spf_null_sender_uses_helo() -> None:
    assert check_spf("192.0.2.9", "", "example.com", resolver) == "pass"


def _keypair() -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    pub = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem, "v=DKIM1; k=rsa; p=" + base64.b64encode(pub).decode()


def test_dkim_and_dmarc() -> None:
    pem, record = _keypair()
    msg = (b"From: Alice <alice@example.com>\r\nTo: bob@other.test\r\nSubject: hi\r\n"
           b"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\nhello\r\n")
    sig = dkim.sign(msg, b"sel", b"example.com", pem, include_headers=[b"from", b"to", b"subject"])
    signed = sig + msg

    def dnsfunc(name: bytes | str, timeout: int = 5) -> bytes:
        n = name.decode() if isinstance(name, bytes) else name
        return record.encode() if n.rstrip(".") == "sel._domainkey.example.com" else b""

    assert check_dkim(signed, dnsfunc) == ("pass", ["example.com"])
    assert check_dkim(signed.replace(b"hello", b"HELLO"), dnsfunc)[0] == "fail"
    assert check_dkim(msg, dnsfunc) == ("none", [])

    assert check_dmarc("example.com", "fail", "evil.test", ["example.com"], resolver) == ("pass", "reject")
    assert check_dmarc("example.com", "pass", "mail.example.com", [], resolver) == ("pass", "reject")
    assert check_dmarc("example.com", "pass", "evil.test", [], resolver) == ("fail", "reject")
    assert check_dmarc("nodmarc.test", "pass", "nodmarc.test", [], resolver) == ("none", None)

    results, header = authenticate(signed, "203.0.113.99", "alice@example.com", "mx.evil.test",
                                   "alice@example.com", resolver, dnsfunc)
    assert results == AuthResults(spf="fail", dkim="pass", dmarc="pass")
    assert header == ("mailwarden; spf=fail smtp.mailfrom=alice@example.com; dkim=pass header.d=example.com; "
                      "dmarc=pass header.from=example.com")


def test_authentication_results_format() -> None:
    h = format_authentication_results("gw.example.com", AuthResults("pass", "none", "none"), helo="h; x")
    assert h == "gw.example.com; spf=pass smtp.helo=hx; dkim=none; dmarc=none"
    assert organisational_domain("mail.corp.example.com.cn") == "example.com.cn"
