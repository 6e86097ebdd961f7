"""Encrypted content is seen (issue 12): S/MIME made by ``openssl smime -encrypt``, OpenPGP made
by ``gpg``, password-protected PDF (pypdf) and Office files (msoffcrypto-tool; legacy Word and
Excel flags written by tests/ole_writer.py) all carry ``uninspectable: encrypted``; over SMTP an
encrypted message leaving the company is held.

The tools are skipped when missing unless ``MAILWARDEN_REQUIRE_CRYPTO_TOOLS`` is set (CI)."""

from __future__ import annotations

import io
import os
import shutil
import smtplib
import struct
import subprocess
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa

from quarantine import tables as qt
from rules.content import parse
from tests.harness import InProcessGateway, Sink, gateway_with_sink
from tests.ole_writer import compound_file, word_fib
from tests.test_e2e_screening import docx_bytes

ENCRYPTED = "uninspectable: encrypted"
SECRET = "本文件为机密资料，严禁外传。"
REQUIRE = os.environ.get("MAILWARDEN_REQUIRE_CRYPTO_TOOLS", "") not in ("", "0")


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if REQUIRE:
            pytest.fail(f"{tool} is not installed and MAILWARDEN_REQUIRE_CRYPTO_TOOLS is set")
        pytest.skip(f"{tool} is not installed")
    return path


def headers(to: str = "partner@other.org") -> bytes:
    return (f"From: alice@example.com\r\nTo: {to}\r\nSubject: figures\r\n"
            f"Message-ID: <{time.time_ns()}@crypto.test>\r\n").encode()


def smime_message(tmp: Path, to: str = "partner@other.org") -> bytes:
    """A message encrypted with ``openssl smime -encrypt`` to a freshly made certificate."""
    openssl = need("openssl")
    key, cert, body = tmp / "key.pem", tmp / "cert.pem", tmp / "body.txt"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=partner", "-days", "1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    body.write_bytes(("Content-Type: text/plain; charset=utf-8\r\n\r\n" + SECRET + "\r\n").encode())
    out = subprocess.run([openssl, "smime", "-encrypt", "-aes256", "-in", str(body), str(cert)],
                         check=True, capture_output=True, timeout=60).stdout
    return headers(to) + out


@pytest.fixture(autouse=True)
def _no_gpg_agent_outlives_its_test(tmp_path: Path) -> Iterator[None]:
    """gpg starts an agent per home directory that stays after gpg exits: stop it with the test."""
    yield
    home, gpgconf = tmp_path / "gnupg", shutil.which("gpgconf")
    if home.exists() and gpgconf:
        subprocess.run([gpgconf, "--homedir", str(home), "--kill", "all"], capture_output=True, timeout=30)


def gpg(tmp: Path, data: bytes, *args: str) -> bytes:
    tool = need("gpg")
    home = tmp / "gnupg"
    home.mkdir(mode=0o700, exist_ok=True)
    return subprocess.run([tool, "--homedir", str(home), "--batch", "--yes", "--pinentry-mode", "loopback", *args],
                          input=data, check=True, capture_output=True, timeout=60).stdout


def pgp_to_key(tmp: Path, data: bytes, *, armor: bool) -> bytes:
    """Encrypted to a freshly made public key (a public-key session key packet)."""
    gpg(tmp, b"", "--passphrase", "", "--quick-gen-key", "partner@other.org", "future-default", "default", "1d")
    return gpg(tmp, data, *(["--armor"] if armor else []), "--trust-model", "always", "--encrypt",
               "--recipient", "partner@other.org")


def pgp_symmetric(tmp: Path, data: bytes) -> bytes:
    return gpg(tmp, data, "--passphrase", "s3cret", "--armor", "--symmetric")


def findings_of(raw: bytes) -> list[str]:
    return parse(raw).findings


def with_attachment(data: bytes, filename: str, maintype: str = "application", subtype: str = "octet-stream") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "alice@example.com", "partner@other.org", "figures"
    msg.set_content("attached\n")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


# -- S/MIME and OpenPGP ------------------------------------------------------------------------

def test_smime_enveloped_message_is_flagged(tmp_path: Path) -> None:
    raw = smime_message(tmp_path)
    assert b"application/pkcs7-mime" in raw or b"application/x-pkcs7-mime" in raw
    assert ENCRYPTED in findings_of(raw)


def test_inline_pgp_message_in_the_body_is_flagged(tmp_path: Path) -> None:
    armored = pgp_symmetric(tmp_path, SECRET.encode())
    raw = headers() + b"Content-Type: text/plain\r\n\r\nSee below.\r\n\r\n" + armored
    assert ENCRYPTED in findings_of(raw)


def test_pgp_mime_message_is_flagged(tmp_path: Path) -> None:
    armored = pgp_to_key(tmp_path, SECRET.encode(), armor=True)
    raw = (headers() + b'MIME-Version: 1.0\r\nContent-Type: multipart/encrypted; protocol="application/pgp-encrypted";'
           b' boundary="B"\r\n\r\n--B\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--B\r\n'
           b'Content-Type: application/octet-stream; name="encrypted.asc"\r\n\r\n' + armored + b"\r\n--B--\r\n")
    assert ENCRYPTED in findings_of(raw)


def test_binary_pgp_attachment_is_flagged(tmp_path: Path) -> None:
    binary = pgp_to_key(tmp_path, SECRET.encode(), armor=False)
    assert ENCRYPTED in findings_of(with_attachment(binary, "figures.xlsx.gpg"))


def test_random_binary_is_not_taken_for_pgp() -> None:
    for first in (0x84, 0x8C, 0xC1, 0xC3):
        blob = bytes([first, 0x0C, 0x03]) + bytes(range(256)) * 4
        assert ENCRYPTED not in findings_of(with_attachment(blob, "data.bin"))


# -- documents behind a password ---------------------------------------------------------------

def test_password_protected_pdf_is_flagged() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="s3cret", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    assert ENCRYPTED in findings_of(with_attachment(buf.getvalue(), "report.pdf", subtype="pdf"))


def test_password_protected_docx_is_flagged() -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(docx_bytes(SECRET))).encrypt("s3cret", out)
    assert ENCRYPTED in findings_of(with_attachment(out.getvalue(), "plan.docx"))


def test_password_protected_legacy_word_and_excel_are_flagged() -> None:
    doc = compound_file({"WordDocument": word_fib("x", encrypted=True)})
    assert ENCRYPTED in findings_of(with_attachment(doc, "minutes.doc"))
    bof = struct.pack("<HH", 0x0809, 16) + bytes(16)
    filepass = struct.pack("<HH", 0x002F, 6) + bytes(6)
    xls = compound_file({"Workbook": bof + filepass + struct.pack("<HH", 0x0085, 8) + bytes(8)})
    assert ENCRYPTED in findings_of(with_attachment(xls, "salaries.xls"))
    plain = compound_file({"Workbook": bof + struct.pack("<HH", 0x0085, 8) + bytes(8)})
    assert ENCRYPTED not in findings_of(with_attachment(plain, "salaries.xls"))


# -- over SMTP ---------------------------------------------------------------------------------

@pytest.fixture
def gw(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    with gateway_with_sink(tmp_path / "gw", database_url) as pair:
        yield pair


def test_encrypted_mail_leaving_is_held(gw, tmp_path: Path) -> None:  # noqa: ANN001
    gateway, sink = gw
    smime = smime_message(tmp_path)
    armored = pgp_symmetric(tmp_path, SECRET.encode())
    inline_pgp = headers() + b"Content-Type: text/plain\r\n\r\nThe numbers:\r\n\r\n" + armored
    with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=60) as client:
        for raw in (smime, inline_pgp):
            assert client.sendmail("alice@example.com", ["partner@other.org"], raw) == {}
    with gateway.services.engine.connect() as conn:
        held = [row.rules for row in conn.execute(sa.select(qt.entries.c.rules))]
    assert len(held) == 2 and all("uninspectable-content" in rules for rules in held), held
    time.sleep(0.5)
    assert not sink.handler.to("partner@other.org")
