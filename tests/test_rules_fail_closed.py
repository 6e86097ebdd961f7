"""Screening fails closed (issue 12): every parser limit is an ``uninspectable:`` finding the
shipped rules hold, deep nesting is walked without recursion, uuencode/yEnc bodies are read."""

from __future__ import annotations

import base64
import email
from email import policy
from pathlib import Path

import pytest

from rules import mime_tree
from rules.attachments import MAX_TEXT_PER_FILE
from rules.content import MAX_MESSAGE_DEPTH, MAX_PARTS, parse
from rules.inline_encodings import find_blocks
from rules.model import Action
from tests import bypass_mail as bm
from tests.test_rules_engine import engine_from, run, shipped  # noqa: F401 - the shipped-rules fixture

# -- each bypass of the issue: the finding, and the shipped rules hold it --------------------

BYPASSES = {
    "rfc822 nested past the limit": (lambda: bm.nested_rfc822(MAX_MESSAGE_DEPTH + 1), "uninspectable: too deep"),
    "marker in the last of 2,001 parts": (lambda: bm.many_parts(MAX_PARTS + 1), "uninspectable: too many parts"),
    "marker after 4 MiB of text": (lambda: bm.after_text_limit(MAX_TEXT_PER_FILE), "uninspectable: truncated"),
    "multipart nested 1,000 deep": (lambda: bm.deep_multipart(1000), "uninspectable: too deep"),
}


@pytest.mark.parametrize("case", BYPASSES)
def test_each_parser_limit_is_an_uninspectable_finding(case: str) -> None:
    build, finding = BYPASSES[case]
    assert finding in parse(build()).findings


@pytest.mark.parametrize("case", [*BYPASSES, "uuencoded body"])
def test_each_bypass_is_held_outbound_and_internal_and_scored_inbound(case: str, shipped) -> None:  # noqa: ANN001, F811
    raw = bm.uuencoded_body() if case == "uuencoded body" else BYPASSES[case][0]()
    out = run(shipped, raw, "alice@example.com", ["partner@other.org"])
    assert out.action == Action.QUARANTINE, out.to_json()
    internal = run(shipped, raw, "alice@example.com", ["bob@example.com"])
    if case != "uuencoded body":  # an internal marker is no leak; what could not be read is held
        assert internal.action == Action.QUARANTINE
        assert "uninspectable-content" in {h.rule for h in internal.hits}
        inbound = run(shipped, raw, "someone@other.org", ["bob@example.com"])
        assert "inbound-uninspectable-content" in {h.rule for h in inbound.hits}
        assert inbound.spam_score >= 5


def test_ordinary_mail_has_no_uninspectable_finding(shipped) -> None:  # noqa: ANN001, F811
    raw = bm.nested_rfc822(2)
    assert not [f for f in parse(raw).findings if f.startswith("uninspectable")]
    v = run(shipped, bm.many_parts(20).replace(base64.encodebytes(bm.MARKER.encode()), b"aGVsbG8=\r\n"),
            "alice@example.com", ["partner@other.org"])
    assert v.action == Action.DELIVER and not v.hits


# -- the iterative walk ------------------------------------------------------------------------


def test_thousand_deep_multipart_is_read_without_recursion() -> None:
    m = parse(bm.deep_multipart(1000, subject="deep"))
    assert bm.MARKER in m.body_text  # decoded from base64, not the raw text a fallback scanned
    assert m.subject == "deep" and m.from_addresses == ["alice@example.com"]  # headers kept


def test_walk_matches_email_parser_on_ordinary_structure() -> None:
    raw = (bm.headers() + 'Content-Type: multipart/mixed; boundary="a"\r\n\r\npreamble\r\n'
           '--a\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n'
           "--b\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
           "--b\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b--\r\n"
           '--a\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="x.bin"\r\n'
           "\r\nbinary\r\n--a--\r\nepilogue\r\n").encode()
    top, start = mime_tree.entity(raw, 0)
    tree = mime_tree.walk(raw, top, start, max_parts=100, max_depth=10)
    assert [(leaf.index, leaf.depth, leaf.msg.get_payload()) for leaf in tree.leaves] == [
        (2, 2, "plain"), (3, 2, "<p>html</p>"), (4, 1, "binary")]
    assert not tree.broken and not tree.too_deep
    walked = [p for p in email.message_from_bytes(raw, policy=policy.compat32).walk() if not p.is_multipart()]
    assert [p.get_payload() for p in walked] == [leaf.msg.get_payload() for leaf in tree.leaves]


def test_unclosed_and_unopened_multiparts_are_broken_but_read() -> None:
    head = bm.headers() + 'Content-Type: multipart/mixed; boundary="a"\r\n\r\n--a\r\n'
    unclosed = head.encode() + bm.b64_text_part(bm.MARKER)
    m = parse(unclosed)
    assert bm.MARKER in m.body_text and "broken mime" in m.findings
    unopened = (bm.headers() + 'Content-Type: multipart/mixed; boundary="zz"\r\n\r\n' + bm.MARKER + "\r\n").encode()
    m = parse(unopened)
    assert "broken mime" in m.findings
    assert any(bm.MARKER in (a.text or "") for a in m.attachments) or bm.MARKER in m.body_text


def test_digest_parts_default_to_messages_and_cr_only_lines_are_split() -> None:
    inner = bm.headers(subject="inner").encode() + bm.b64_text_part(bm.MARKER)
    digest = (bm.headers() + 'Content-Type: multipart/digest; boundary="g"\r\n\r\n--g\r\n\r\n').encode() + inner + (
        b"\r\n--g--\r\n")
    assert bm.MARKER in "\n".join(a.text for a in parse(digest).attachments)
    cr_only = bm.deep_multipart(3).replace(b"\r\n", b"\r")
    assert bm.MARKER in parse(cr_only).body_text


# -- rules: prefix matching, legacy names ------------------------------------------------------


def test_finding_condition_matches_by_prefix_and_legacy_names(tmp_path: Path) -> None:
    eng = engine_from(tmp_path, """
rules:
  - {name: any-unread, when: {finding: uninspectable}, action: tag, subject_prefix: "[U]"}
  - {name: just-parts, when: {finding: "uninspectable: too many parts"}, action: tag, add_header: {X-P: "1"}}
  - {name: old-name, when: {finding: message too deep}, action: quarantine}
  - {name: not-a-prefix, when: {finding: uninsp}, action: reject}
""")
    v = run(eng, bm.deep_multipart(100), "a@x.test", ["b@example.com"])
    assert {h.rule for h in v.hits} == {"any-unread", "old-name"}
    v = run(eng, bm.many_parts(MAX_PARTS + 1), "a@x.test", ["b@example.com"])
    assert {h.rule for h in v.hits} == {"any-unread", "just-parts"}


# -- uuencode and yEnc -------------------------------------------------------------------------


def test_uuencoded_and_yenc_files_in_a_body_are_screened_as_attachments() -> None:
    exe = b"MZ\x90\x00" + bytes(range(256)) * 4
    raw = bm.uuencoded_body(exe, name="tool.exe")
    [att] = parse(raw).attachments
    assert att.name == "tool.exe" and att.is_executable
    ybody = bm.yencode(bm.MARKER.encode("gb18030"), "notes.txt")
    raw = (bm.headers() + "Content-Type: text/plain\r\n\r\nhere:\r\n").encode() + ybody
    [att] = parse(raw).attachments
    assert bm.MARKER in att.text


def test_damaged_uuencode_is_decoded_as_far_as_it_goes() -> None:
    data = bm.MARKER.encode() * 3
    text = bm.uuencode(data).replace("end\r\n", "")  # cut off before its end line
    [block] = find_blocks(text.encode())
    assert block.data == data and not block.clean
    assert "uninspectable: corrupt" in parse(bm.headers().encode() + b"\r\n" + text.encode()).findings
