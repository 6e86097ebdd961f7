"""Disk images (issue 19, filetypes): an .iso, .img or .vhd is mounted with one click and what it
holds runs without the mark a downloaded file carries (Windows' Mark of the Web), which is how
droppers have arrived since 2022. The gateway did not know the type: an inbound ISO holding
SETUP.EXE was delivered (two blind sets, one each), its contents never read.

Now a disk image is flagged (``attachment: {disk_image: true}``, by structure or by name) and the
shipped rules treat it as they treat an executable: refused from outside, held going out or between
colleagues. An ISO is opened through libarchive and what it holds is screened; one libarchive reads
as holding no file, though 7-Zip (and Windows) would show one, is ``uninspectable: corrupt``."""

from __future__ import annotations

import shutil
import struct
import subprocess
from email.message import EmailMessage
from pathlib import Path

import libarchive
import pytest

from gateway.policy import PolicyHolder, check
from rules.content import parse
from rules.filetypes import is_disk_image, kind
from rules.loader import RuleSetError, load_ruleset
from tests.archivers import pe_executable

REPO = Path(__file__).resolve().parent.parent
POLICY = PolicyHolder(REPO / "configs" / "rules.yaml", REPO / "configs" / "directory.yaml").current
SECTOR = 2048


def _iso(tmp_path: Path, files: dict[str, bytes]) -> bytes:
    """A well-formed ISO 9660 image, written by libarchive."""
    target = tmp_path / "image.iso"
    with libarchive.file_writer(str(target), "iso9660") as writer:
        for name, data in files.items():
            writer.add_file_from_memory(name, len(data), data)
    return target.read_bytes()


def _both(fmt: str, n: int) -> bytes:
    return struct.pack("<" + fmt, n) + struct.pack(">" + fmt, n)


def _record(name: bytes, extent: int, size: int, is_dir: bool) -> bytes:
    body = _both("I", extent) + _both("I", size) + bytes(7) + bytes([2 if is_dir else 0, 0, 0]) + _both("H", 1) + \
        bytes([len(name)]) + name
    record = bytes([0, 0]) + body
    record += b"\x00" * (len(record) % 2)
    return bytes([len(record)]) + record[1:]


def _loose_iso(name: bytes, data: bytes) -> bytes:
    """An ISO 9660 image written loosely (no path table, few fields set): 7-Zip lists its file,
    libarchive lists nothing and reports no error."""
    root = _record(b"\x00", 18, SECTOR, True) + _record(b"\x01", 18, SECTOR, True) + \
        _record(name + b";1", 19, len(data), False)
    pvd = bytearray(SECTOR)
    pvd[0:7] = b"\x01CD001\x01"
    pvd[80:88] = _both("I", 20)
    pvd[120:124], pvd[124:128], pvd[128:132] = _both("H", 1), _both("H", 1), _both("H", SECTOR)
    pvd[156:190] = _record(b"\x00", 18, SECTOR, True)
    pvd[881] = 1
    terminator = bytearray(SECTOR)
    terminator[0:7] = b"\xffCD001\x01"
    return bytes(16 * SECTOR) + bytes(pvd) + bytes(terminator) + root.ljust(SECTOR, b"\x00") + \
        data.ljust(SECTOR, b"\x00")


def _mail(data: bytes, filename: str, sender: str, to: str, ctype: str = "application/x-iso9660-image") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, "B/L draft for approval"
    msg["Message-ID"], msg["Date"] = "<iso@types.test>", "Mon, 07 Dec 2026 10:00:00 +0000"
    msg.set_content("Please check the draft in the attachment and confirm before cut-off.\n")
    main, sub = ctype.split("/")
    msg.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    return msg.as_bytes()


def _verdict(raw: bytes, sender: str, rcpt: str):  # noqa: ANN202 - rules.model.Verdict
    return check(POLICY, raw, sender, [rcpt])


def test_an_inbound_iso_holding_a_program_is_refused_and_its_contents_are_read(tmp_path: Path) -> None:
    image = _iso(tmp_path, {"SETUP.EXE": pe_executable(), "readme.txt": b"Open SETUP to view the B/L."})
    atts = parse(_mail(image, "BL_MAEU234187765.iso", "docs@maersk-bl.test", "bob@example.com")).attachments
    outer = atts[0]
    assert outer.is_disk_image and outer.is_archive and not outer.findings
    assert {a.path: a.is_executable for a in atts[1:]} == {"BL_MAEU234187765.iso/SETUP.EXE": True,
                                                          "BL_MAEU234187765.iso/readme.txt": False}
    verdict = _verdict(_mail(image, "BL_MAEU234187765.iso", "docs@maersk-bl.test", "bob@example.com"),
                       "docs@maersk-bl.test", "bob@example.com")
    assert str(verdict.action) == "reject" and verdict.reject_reply is not None, verdict
    assert verdict.reject_reply[0] == 550 and "disk image" in verdict.reject_reply[2], verdict.reject_reply
    assert "inbound-executables" in [h.rule for h in verdict.hits]


def test_a_disk_image_is_refused_for_what_it_is_even_holding_only_a_document(tmp_path: Path) -> None:
    image = _iso(tmp_path, {"Invoice_0427.pdf": b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"})
    verdict = _verdict(_mail(image, "Invoice_0427.iso", "billing@vendor.test", "bob@example.com"),
                       "billing@vendor.test", "bob@example.com")
    hit = next(h for h in verdict.hits if h.rule == "inbound-executables")
    assert str(verdict.action) == "reject"
    assert "disk-image" in hit.evidence[0].snippet


def test_an_iso_libarchive_reads_as_empty_is_uninspectable_and_still_refused(tmp_path: Path) -> None:
    image = _loose_iso(b"BL_DRAFT.EXE", pe_executable())
    if shutil.which("7z"):  # (what whoever opens it sees: the program)
        (tmp_path / "loose.iso").write_bytes(image)
        listing = subprocess.run(["7z", "l", str(tmp_path / "loose.iso")], capture_output=True, check=False).stdout
        assert b"BL_DRAFT.EXE" in listing
    outer = parse(_mail(image, "BL_DRAFT.iso", "docs@maersk-bl.test", "bob@example.com")).attachments[0]
    assert outer.is_disk_image and "uninspectable: corrupt" in outer.findings
    verdict = _verdict(_mail(image, "BL_DRAFT.iso", "docs@maersk-bl.test", "bob@example.com"),
                       "docs@maersk-bl.test", "bob@example.com")
    assert str(verdict.action) == "reject"


def test_outbound_and_internal_disk_images_are_held_and_their_marked_documents_found(tmp_path: Path) -> None:
    image = _iso(tmp_path, {"plan.txt": b"CONFIDENTIAL - Board only\n\nThe Q3 acquisition plan.\n"})
    out = _verdict(_mail(image, "backup.iso", "alice@example.com", "x@vendor.test"), "alice@example.com",
                   "x@vendor.test")
    assert str(out.action) == "quarantine"
    assert {"outbound-executables", "outbound-confidential-marker"} <= {h.rule for h in out.hits}
    internal = _verdict(_mail(image, "backup.iso", "alice@example.com", "bob@example.com"), "alice@example.com",
                        "bob@example.com")
    assert str(internal.action) == "quarantine"
    assert "internal-executables" in [h.rule for h in internal.hits]


@pytest.mark.parametrize(("data", "name", "ctype"), [
    (bytes(4096), "disk.vhd", "application/octet-stream"),            # by name
    (bytes(510) + b"\x55\xaa" + bytes(4096), "disk.img", "application/octet-stream"),  # an .img with a boot sector
    (b"vhdxfile" + bytes(4096), "backup.bin", "application/octet-stream"),  # a VHDX by its signature
    (bytes(4096) + b"conectix" + bytes(504), "backup.bin", "application/octet-stream"),  # a VHD's footer
    (bytes(4096) + b"conectix" + bytes(503), "backup.bin", "application/octet-stream"),  # Virtual PC's 511-byte one
    (bytes(4096) + b"koly" + bytes(508), "installer.bin", "application/octet-stream"),   # a DMG's trailer
    (bytes(1024) + b"H+\x00\x04" + bytes(4096), "Invoice.cdr", "application/octet-stream"),  # an HFS+ volume (macOS)
    (b"sprs" + bytes(4096), "Invoice.bin", "application/octet-stream"),  # a sparse image
])
def test_other_disk_images_are_known_by_structure_or_name(data: bytes, name: str, ctype: str) -> None:
    attachment = parse(_mail(data, name, "a@vendor.test", "bob@example.com", ctype)).attachments[0]
    assert attachment.is_disk_image
    verdict = _verdict(_mail(data, name, "a@vendor.test", "bob@example.com", ctype), "a@vendor.test",
                       "bob@example.com")
    assert str(verdict.action) == "reject"


def test_ordinary_files_are_no_disk_images(tmp_path: Path) -> None:
    # (.img and .cdr by name alone are not: an ERDAS raster, an Analyze medical image, a CorelDRAW drawing)
    for data, name in ((b"%PDF-1.7\n" + bytes(40000), "scan.pdf"), (bytes(40000), "capture.bin"),
                       (b"PK\x05\x06" + bytes(18), "empty.zip"), (b"EHFA_HEADER_TAG" + bytes(4000), "landcover.img"),
                       (bytes(348) + bytes(4000), "brain_T1.img"), (b"RIFF" + bytes(4000) + b"CDR", "logo.cdr")):
        assert not is_disk_image(data, "application/octet-stream", Path(name).suffix)
    assert kind(_iso(tmp_path, {"a.txt": b"x"}), "application/octet-stream", ".bin") == "iso"


def test_a_rule_given_a_wrong_value_for_disk_image_names_file_line_and_key(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - name: images\n    when: {attachment: {disk_image: sometimes}}\n"
                     "    action: quarantine\n")
    with pytest.raises(RuleSetError) as raised:
        load_ruleset(rules)
    assert "rules.yaml" in str(raised.value) and "disk_image" in str(raised.value) and ":3" in str(raised.value)


def test_an_iso_is_read_by_the_extraction_worker_as_the_gateway_reads_it(tmp_path: Path) -> None:
    """The gateway parses with documents closed and has a worker process read them: the disk image and what it
    holds are found there too (the program inside, the flag on the image)."""
    from gateway.extraction_pool import ExtractionPool
    from rules.budget import Limits
    image = _iso(tmp_path, {"SETUP.EXE": pe_executable()})
    message = parse(_mail(image, "BL.iso", "docs@maersk-bl.test", "bob@example.com"), Limits(open_documents=False))
    assert message.deferred and message.attachments[0].is_disk_image
    pool = ExtractionPool(workers=1, seconds=10, memory_mb=512)
    try:
        pool.complete_blocking(message)
    finally:
        pool.close()
    assert {a.path: (a.is_disk_image, a.is_executable) for a in message.attachments} == {
        "BL.iso": (True, False), "BL.iso/SETUP.EXE": (False, True)}
