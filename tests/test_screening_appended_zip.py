"""A zip appended to a picture (review of issue 12): the viewer shows the picture, ``unzip``
(and 7-Zip) open the archive after it, a classic way to carry files out. Old main read such
a file as an image (nothing to read) and delivered the marked text inside; now the archive
after the picture is opened like any zip. Seen failing on the old main."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from rules.content import parse
from rules.filetypes import kind
from rules.model import Action
from tests import bypass_mail as bm
from tests.test_rules_engine import run, shipped  # noqa: F401 - the shipped-rules fixture

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def zip_of(name: str, text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, text)
    return buf.getvalue()


def with_picture(picture: bytes, name: str, ctype: str) -> bytes:
    import base64
    return ((bm.headers() + 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
             f"holiday photo\r\n--b\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; filename={name}\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n").encode() + base64.encodebytes(picture) + b"--b--\r\n")


@pytest.mark.parametrize("payload", [("notes.txt", bm.MARKER), ("cards.csv", "name,card\nbob,4111 1111 1111 1111\n")])
def test_a_zip_after_a_picture_is_opened(payload: tuple[str, str], shipped, tmp_path: Path) -> None:  # noqa: ANN001, F811
    picture = PNG + zip_of(*payload)
    if shutil.which("unzip"):  # what the recipient does with it
        (tmp_path / "photo.png").write_bytes(picture)
        listing = subprocess.run(["unzip", "-l", str(tmp_path / "photo.png")], capture_output=True, text=True)
        assert payload[0] in listing.stdout
    raw = with_picture(picture, "photo.png", "image/png")
    assert any(a.path == f"photo.png/{payload[0]}" for a in parse(raw).attachments)
    assert run(shipped, raw, "alice@example.com", ["partner@other.org"]).action == Action.QUARANTINE


def test_a_picture_holding_the_signatures_by_chance_stays_a_picture() -> None:
    data = PNG + b"PK\x03\x04" + bytes(64) + b"PK\x05\x06" + bytes(18)
    # (a picture, not an archive: read for the QR codes it may show when large enough, rules.qr_codes)
    assert kind(data, "image/png", ".png") != "zip"
    assert kind(PNG, "image/png", ".png") != "zip"
    parsed = parse(with_picture(data, "photo.png", "image/png"))
    assert parsed.findings == []
