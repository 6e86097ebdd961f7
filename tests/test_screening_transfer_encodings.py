"""Transfer encodings an insider can write so the screening reads the wrong bytes (review of
issue 12): ``Content-Transfer-Encoding: "base64"`` or ``base64 (x)`` (old main read the
base64 text as it stood and matched nothing), an encoding it does not decode, and two
Content-Transfer-Encoding or Content-Type headers that disagree (a client may obey the one
the screening did not). Each was delivered on the old main; now the first is decoded and the
others are ``uninspectable: unsupported`` (held outbound by uninspectable-content)."""

from __future__ import annotations

import base64

import pytest

from rules.content import parse
from rules.model import Action
from tests import bypass_mail as bm
from tests.test_rules_engine import run, shipped  # noqa: F401 - the shipped-rules fixture

MARKER = bm.MARKER
B64 = base64.encodebytes(MARKER.encode()).decode()


def message(fields: str, body: str | bytes) -> bytes:
    body = body.encode() if isinstance(body, str) else body
    return (bm.headers() + fields + "\r\n").encode() + body


CT = "Content-Type: text/plain; charset=utf-8\r\n"
DECODED = {
    "quoted": message(CT + 'Content-Transfer-Encoding: "base64"\r\n', B64),
    "comment": message(CT + "Content-Transfer-Encoding: base64 (as agreed)\r\n", B64),
    "spaces and case": message(CT + "Content-Transfer-Encoding:   BASE64  \r\n", B64),
}
UNSURE = {
    "unknown encoding": message(CT + "Content-Transfer-Encoding: x-base64\r\n", B64),
    "two encodings": message(CT + "Content-Transfer-Encoding: 7bit\r\nContent-Transfer-Encoding: base64\r\n", B64),
    "two content types": message("Content-Type: text/plain; charset=us-ascii\r\nContent-Type: text/plain; "
                                 "charset=utf-7\r\n", MARKER.encode("utf-7")),
    "attachment with unknown encoding": message(
        'Content-Type: multipart/mixed; boundary="b"\r\n',
        "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: text/plain; name=notes.txt\r\n"
        f"Content-Disposition: attachment; filename=notes.txt\r\nContent-Transfer-Encoding: b64\r\n\r\n{B64}--b--\r\n"),
}


@pytest.mark.parametrize("name", list(DECODED))
def test_a_decorated_transfer_encoding_is_decoded(name: str, shipped) -> None:  # noqa: ANN001, F811
    parsed = parse(DECODED[name])
    assert MARKER in parsed.body_text and parsed.findings == []
    verdict = run(shipped, DECODED[name], "alice@example.com", ["partner@other.org"])
    assert "outbound-confidential-marker" in verdict.rules, name


@pytest.mark.parametrize("name", list(UNSURE))
def test_an_unreadable_or_ambiguous_encoding_is_held(name: str, shipped) -> None:  # noqa: ANN001, F811
    assert "uninspectable: unsupported" in parse(UNSURE[name]).findings
    verdict = run(shipped, UNSURE[name], "alice@example.com", ["partner@other.org"])
    assert verdict.action == Action.QUARANTINE, name


def test_ordinary_encodings_make_no_finding() -> None:
    for cte in ("7bit", "8bit", "binary", "quoted-printable", "8-bit", "Base64"):
        body = B64 if cte.lower() == "base64" else MARKER
        assert parse(message(CT + f"Content-Transfer-Encoding: {cte}\r\n", body)).findings == [], cte
    assert parse(message(CT, MARKER)).findings == []


def test_a_second_subject_header_is_screened(shipped) -> None:  # noqa: ANN001, F811
    """Two Subject headers: clients differ in which one they show, so both are read (old main
    read the first only and delivered the marker in the second; seen failing)."""
    raw = (bm.headers(subject="quarterly figures") + f"Subject: {MARKER}\r\nContent-Type: text/plain; charset=utf-8"
           "\r\n\r\nhello\r\n").encode()
    verdict = run(shipped, raw, "alice@example.com", ["partner@other.org"])
    assert verdict.action == Action.QUARANTINE
