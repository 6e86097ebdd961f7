"""True file types from libmagic plus structure (issue 12): an executable needs a valid PE, DOS
MZ, ELF or Mach-O header, not a first byte that libmagic's DOS .COM guess matches."""

from __future__ import annotations

import random
import struct
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from gateway.policy import PolicyHolder, check
from rules.content import parse
from rules.filetypes import executable_format, sniff
from tests.archivers import pe_executable

REPO = Path(__file__).resolve().parent.parent


def _mail(data: bytes, filename: str, sender: str, to: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, "measurements"
    msg["Message-ID"] = "<m1@types.test>"
    msg["Date"] = "Mon, 23 Nov 2026 10:00:00 +0000"
    msg.set_content("The raw capture.\n")
    msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    return msg.as_bytes()


def mach_o() -> bytes:
    return struct.pack("<IiiIIII I", 0xFEEDFACF, 0x01000007, 3, 2, 5, 600, 0x00200085, 0) + bytes(600)


def elf() -> bytes:
    header = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8) + struct.pack("<HHI", 3, 0x3E, 1)
    return header + bytes(64 - len(header)) + bytes(256)


@pytest.mark.parametrize("first", [0x8C, 0xB8, 0xEB])
def test_random_data_starting_like_a_dos_com_file_is_not_an_executable(first: int) -> None:
    for seed in range(5):
        data = bytes([first]) + random.Random(seed).randbytes(4000)
        assert sniff(data) != "application/x-dosexec"
        attachment = parse(_mail(data, "capture.bin", "a@example.com", "b@example.com")).attachments[0]
        assert not attachment.is_executable


def test_random_data_is_delivered_not_refused_or_held() -> None:
    """The issue: inbound refused, internal held, for noise starting with 0x8C or 0xB8."""
    policy = PolicyHolder(REPO / "configs" / "rules.yaml", REPO / "configs" / "directory.yaml").current
    data = bytes([0x8C]) + random.Random(3).randbytes(4000)
    inbound = check(policy, _mail(data, "capture.bin", "vendor@outside.test", "bob@example.com"),
                    "vendor@outside.test", ["bob@example.com"])
    internal = check(policy, _mail(data, "capture.bin", "alice@example.com", "bob@example.com"),
                     "alice@example.com", ["bob@example.com"])
    assert not any("executables" in h.rule for h in inbound.hits + internal.hits), (inbound.hits, internal.hits)
    assert str(internal.action) == "deliver"
    assert str(inbound.action) != "reject"


@pytest.mark.parametrize(("make", "fmt"), [
    (pe_executable, "pe"),
    (lambda: b"MZ\x50\x00\x02\x00\x00\x00\x04\x00" + bytes(54) + bytes(1024), "mz"),
    (elf, "elf"),
    (mach_o, "mach-o"),
    (lambda: Path(sys.executable).resolve().read_bytes()[:65536], None),   # this machine's python
])
def test_real_executable_headers_are_found_whatever_the_name(make, fmt) -> None:  # noqa: ANN001
    data = make()
    found = executable_format(data)
    assert found == fmt if fmt else found in ("elf", "mach-o")
    attachment = parse(_mail(data, "invoice.pdf", "a@example.com", "b@example.com")).attachments[0]
    assert attachment.is_executable


@pytest.mark.parametrize("data", [
    b"MZ Corporation quarterly report, strictly internal\n" * 20,        # text that starts with MZ
    b"\x7fELF" + bytes(60),                                               # an ELF magic, no header
    b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + bytes(200),                     # a Java class file
    b"MZ" + bytes(58) + struct.pack("<I", 0x40) + b"PE\0\0\x00\x00" + bytes(100),   # PE with no machine
])
def test_magic_bytes_without_a_valid_header_are_not_executables(data: bytes) -> None:
    assert executable_format(data) is None
    attachment = parse(_mail(data, "notes.dat", "a@example.com", "b@example.com")).attachments[0]
    assert not attachment.is_executable


def test_an_executable_name_still_counts() -> None:
    """The sender calling it .exe is enough: a name is a claim worth holding for."""
    attachment = parse(_mail(b"not really a program", "setup.exe", "a@example.com", "b@example.com")).attachments[0]
    assert attachment.is_executable


# libmagic names some text with an application/* type: an INI file with Windows line ends is
# "application/x-wine-extension-ini", an autorun.inf "application/x-setupscript". Text is
# screened whatever the type is called (a password in such a file went out unread).
CRLF_TEXTS = [
    ("gateway.ini", b"; plant config\r\n[serial]\r\nport = COM3\r\n\r\n[mqtt]\r\nhost = iot.vendor.de\r\n"
                    b"password = Tq7!vR2m#Lp9\r\n"),
    ("site.cfg", b"[general]\r\nlog = info\r\n\r\n[database]\r\nhost = db.vendor.de\r\npassword = Tq7!vR2m#Lp9\r\n"),
    ("autorun.inf", b"[autorun]\r\nlabel = Q3\r\n; password = Tq7!vR2m#Lp9\r\n"),
]


@pytest.mark.parametrize("name,data", CRLF_TEXTS)
def test_text_libmagic_calls_an_application_type_is_read(name: str, data: bytes) -> None:
    attachment = parse(_mail(data, name, "alice@example.com", "x@vendor.de")).attachments[0]
    assert not attachment.true_type.startswith("text/")  # what makes this case: libmagic's own name
    assert "Tq7!vR2m#Lp9" in attachment.text


@pytest.mark.parametrize("name,data", CRLF_TEXTS[:2])
def test_a_password_in_a_windows_ini_file_is_held(name: str, data: bytes) -> None:
    policy = PolicyHolder(REPO / "configs" / "rules.yaml", REPO / "configs" / "directory.yaml").current
    verdict = check(policy, _mail(data, name, "alice@example.com", "x@vendor.de"), "alice@example.com",
                    ["x@vendor.de"])
    assert str(verdict.action) == "quarantine"
    assert "outbound-secrets" in [h.rule for h in verdict.hits]
