"""Decoding that one bad byte cannot flip (issue 12): the declared charset stands with the
bad byte replaced where it is; mislabelled and undeclared text is decoded in the charset that
fits (multi-byte candidates, then charset-normalizer), never Latin-1 mojibake."""

from __future__ import annotations

import base64

import pytest

from rules.charsets import decode_bytes
from rules.content import decode_header_value, parse
from rules.model import Action
from tests import bypass_mail as bm
from tests.test_rules_engine import run, shipped  # noqa: F401 - the shipped-rules fixture

REPORT = "本报告属于机密，严禁外传。"


def one_part(body: bytes, charset: str | None, cte: str = "8bit") -> bytes:
    ctype = "text/plain" + (f"; charset={charset}" if charset else "")
    return (bm.headers() + f"Content-Type: {ctype}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n").encode() + body


@pytest.mark.parametrize(("declared", "codec"), [("utf-8", "utf-8"), ("GBK", "gbk"), ("gb2312", "gbk"),
                                                 ("gb18030", "gb18030"), ("big5", "big5"), (None, "utf-8"),
                                                 (None, "gbk"), (None, "big5")])
def test_one_bad_byte_never_flips_the_charset(declared: str | None, codec: str, shipped) -> None:  # noqa: ANN001, F811
    text = REPORT if codec != "big5" else "本報告屬於機密，嚴禁外傳。"
    raw = one_part(text.encode(codec) + b"\xff", declared)
    assert text in parse(raw).body_text
    assert run(shipped, raw, "alice@example.com", ["partner@other.org"]).action == Action.QUARANTINE


def test_bad_bytes_are_replaced_where_they_stand() -> None:
    long = ("季度销售数据汇总。" * 40).encode("gbk")
    data = long[:120] + b"\xff\xff" + long[120:] + b"\x80"
    text, clean = decode_bytes(data, "gbk")
    assert clean and text.count("\ufffd") <= 3 and text.endswith("汇总。\ufffd")
    assert text.replace("\ufffd", "").count("季度销售数据汇总") >= 39


def test_cjk_labelled_as_latin1_is_read_as_cjk_and_western_text_stays_cp1252() -> None:
    assert REPORT in decode_bytes(REPORT.encode("gbk") + b"\xff", "iso-8859-1")[0]
    assert REPORT in decode_bytes(REPORT.encode("gbk"), "us-ascii")[0]
    western = "Résumé détaillé – “quoted” café".encode("cp1252")
    assert decode_bytes(western, "iso-8859-1")[0] == "Résumé détaillé – “quoted” café"
    assert decode_bytes("Café crème".encode("cp1252"))[0] == "Café crème"


def test_undeclared_single_byte_text_is_detected() -> None:
    russian = ("Совершенно секретно. Этот документ не подлежит распространению за пределами компании. " * 3)
    assert decode_bytes(russian.encode("koi8-r"))[0] == russian
    assert decode_bytes(russian.encode("cp1251"))[0] == russian


def test_encoded_words_with_a_bad_byte_keep_their_charset() -> None:
    word = base64.b64encode(REPORT.encode("gbk") + b"\xff").decode()
    assert REPORT in decode_header_value(f"=?gb2312?B?{word}?=")
    raw_8bit = bm.headers(subject="x").replace("Subject: x", "Subject: " + REPORT).encode("gbk")
    raw = raw_8bit.replace(REPORT.encode("gbk"), REPORT.encode("gbk") + b"\xfe") + b"\r\nhello\r\n"
    assert REPORT in parse(raw).subject
