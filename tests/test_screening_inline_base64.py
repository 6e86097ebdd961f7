"""A file pasted into the body as bare base64 (review of issue 12): ``base64 report.txt``
pasted under "decode with base64 -d" carried the marked text, a card list or a zip past old
main, which read the block as noise. Bare base64 blocks are now decoded and screened like
an attachment. Seen failing on the old main."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest

from rules.content import parse
from rules.inline_encodings import find_blocks
from rules.model import Action
from tests import bypass_mail as bm
from tests.test_rules_engine import run, shipped  # noqa: F401 - the shipped-rules fixture


def zip_of(name: str, text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, text)
    return buf.getvalue()


def body(text: str) -> bytes:
    return (bm.headers() + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text).encode()


PAYLOADS = {
    "marker wrapped at 76": base64.encodebytes((bm.MARKER * 3).encode()).decode().replace("\n", "\r\n"),
    "marker one line": base64.b64encode(bm.MARKER.encode()).decode(),
    "cards": base64.encodebytes(b"name,card\nbob,4111 1111 1111 1111\nann,5555 5555 5555 4444\n"
                                b"joe,3782 822463 10005\n").decode(),
    "zip": base64.encodebytes(zip_of("notes.txt", bm.MARKER)).decode(),
}


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_a_pasted_base64_file_is_screened(name: str, shipped) -> None:  # noqa: ANN001, F811
    raw = body(f"Hi, decode this with base64 -d:\r\n\r\n{PAYLOADS[name]}\r\nThanks\r\n")
    assert run(shipped, raw, "alice@example.com", ["partner@other.org"]).action == Action.QUARANTINE, name


def test_words_urls_and_short_tokens_are_no_blocks() -> None:
    text = (b"Meeting notes for the quarterly review of the sales pipeline\r\n"
            b"https://example.com/a/very/long/path/segment/that/keeps/going/on/and/on?q=1\r\n"
            b"commit 3f2a9c1d0e4b5a6978c1d2e3f4a5b6c7d8e9f0a1\r\nid: abcdefgh12345678\r\n")
    assert find_blocks(text) == []
    assert parse(body(text.decode())).findings == []
