"""Pieces of the delivery path: outgoing headers, DSNs, DKIM, transports against real SMTP."""

from __future__ import annotations

import asyncio
import email
import email.policy
from pathlib import Path

import dkim
import pytest
from aiosmtpd.controller import Controller

from gateway.dkim_signing import DkimSigner, generate_key
from gateway.dsn import FailedRecipient, build_dsn
from gateway.outgoing import add_subject_prefix, prepare
from gateway.smtp_data import find_end
from gateway.transport import MaildirTransport, MxTransport, RelayTransport

MESSAGE = (b"From: a@example.com\r\nTo: b@other.org\r\nSubject: Quarterly numbers\r\n"
           b"Message-ID: <m1@example.com>\r\n\r\nBody line\r\n.leading dot line\r\n")


def test_prepare_prepends_headers_and_keeps_body_bytes() -> None:
    out = prepare(MESSAGE, add_headers=[("Received", "from x by y"), ("X-Tag", "机密")], subject_prefix=None)
    assert out.endswith(MESSAGE)
    head = out[: len(out) - len(MESSAGE)]
    assert head.startswith(b"Received: from x by y\r\n")
    assert b"X-Tag: =?utf-8?" in head
    parsed = email.message_from_bytes(out, policy=email.policy.default)
    assert parsed["X-Tag"] == "机密"


def test_subject_prefix_is_added_once() -> None:
    tagged = add_subject_prefix(MESSAGE, "[SPAM]")
    assert b"Subject: [SPAM] Quarterly numbers\r\n" in tagged
    assert add_subject_prefix(tagged, "[SPAM]") == tagged
    no_subject = add_subject_prefix(b"From: a@b\r\n\r\nx", "[SPAM]")
    assert no_subject.startswith(b"Subject: [SPAM]\r\n")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a\r\n.\r\n", 1),
        (b"a\r\n..x\r\n.\r\nQUIT\r\n", 6),
        (b"a\r\n.", None),
        (b"a\r\n.\r", None),
        (b"a\r\n.x\r\n", None),
        # Only <CR><LF>.<CR><LF> ends DATA (SMTP smuggling, issue 11).
        (b"a\n.\n", None),
        (b"a\n.\r\n", None),
        (b"a\r\n.\n", None),
        (b"a\r.\r", None),
    ],
)
def test_end_of_data_detection(data: bytes, expected: int | None) -> None:
    assert find_end(bytearray(data), 0) == expected


def test_dsn_is_a_multipart_report() -> None:
    raw = build_dsn(reporting_mta="gw.example.com", original_sender="a@example.com",
                    failed=[FailedRecipient("b@other.org", 550, "5.1.1 no such user")],
                    original_message=MESSAGE, arrival=0, queue_id="7", message_id="<d@gw>")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/report"
    assert msg.get_param("report-type") == "delivery-status"
    parts = [p.get_content_type() for p in msg.iter_parts()]
    assert parts == ["text/plain", "message/delivery-status", "text/rfc822-headers"]
    text = raw.decode()
    assert "Final-Recipient: rfc822; b@other.org" in text
    assert "Status: 5.1.1" in text
    assert "Action: failed" in text
    assert "Body line" not in text  # headers only, not the body


def test_dkim_signature_verifies(tmp_path: Path) -> None:
    record = generate_key(tmp_path, "example.com", "sel")
    assert record.startswith("sel._domainkey.example.com. IN TXT")
    public = "".join(part for part in record.split('"')[1::2])
    signer = DkimSigner(tmp_path)
    signed = signer.signature(MESSAGE, "example.com") + MESSAGE
    assert signed.startswith(b"DKIM-Signature:")

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"sel._domainkey.example.com."
        return public.encode()

    assert dkim.verify(signed, dnsfunc=dnsfunc)
    assert not dkim.verify(signed.replace(b"Body line", b"Body lie"), dnsfunc=dnsfunc)
    assert signer.signature(MESSAGE, "nokey.example") == b""


class _Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802, ANN001
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        if address.startswith("busy@"):
            return "451 4.2.1 Try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 stored"


def _relay(port: int, *, size: int) -> RelayTransport:
    return RelayTransport("127.0.0.1", port, size=size, connect_timeout=5, command_timeout=5, idle_timeout=30,
                          local_hostname="gw.test")


def _send_through(sink: _Sink, port: int, sends: list[tuple[str, list[str], bytes]], **options) -> list[dict]:  # noqa: ANN003
    """``sends`` one after another over one pooled connection to an aiosmtpd sink (``options``
    for its Controller); each one's per-recipient results."""
    controller = Controller(sink, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        async def scenario() -> list[dict]:
            transport = _relay(controller.port, size=1)
            results = [await transport.send(*send) for send in sends]
            await transport.close()
            return results

        return asyncio.run(scenario())
    finally:
        controller.stop()


def test_relay_transport_reports_each_recipient_and_reuses_connections(free_port) -> None:  # noqa: ANN001
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        async def scenario() -> tuple[dict, dict]:
            transport = _relay(controller.port, size=2)
            first = await transport.send("a@example.com", ["ok@x.org", "nobody@x.org", "busy@x.org"], MESSAGE)
            second = await transport.send("a@example.com", ["ok2@x.org"], MESSAGE)
            connections = len(transport._pool._idle)
            await transport.close()
            return first, {"second": second, "idle": connections}

        first, rest = asyncio.run(scenario())
    finally:
        controller.stop()
    assert first["ok@x.org"][0] == 250
    assert first["nobody@x.org"][0] == 550
    assert first["busy@x.org"][0] == 451
    assert rest["second"]["ok2@x.org"][0] == 250
    assert rest["idle"] == 1  # one connection served both transactions
    assert [m[1] for m in sink.messages] == [["ok@x.org"], ["ok2@x.org"]]
    assert sink.messages[0][2].replace(b"\r\n", b"\n") == MESSAGE.replace(b"\r\n", b"\n")


class _OptionSink(_Sink):
    """Also records each transaction's MAIL FROM parameters."""

    def __init__(self) -> None:
        super().__init__()
        self.mail_options: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001
        self.mail_options.append(list(envelope.mail_options))
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("smtputf8", [True, False])
def test_relay_transport_sends_what_the_message_needs_in_mail_from(free_port, smtputf8: bool) -> None:  # noqa: ANN001
    """Non-ASCII addresses go with SMTPUTF8 (or fail permanently, 5.6.7, where the next hop
    lacks it: RFC 6531 allows no sending and defines no downgrade); 8-bit content is labelled
    BODY=8BITMIME; SIZE is declared."""
    sink = _OptionSink()
    eight_bit = MESSAGE.replace(b"Body line", "正文 机密".encode())
    chinese, plain = _send_through(sink, free_port(), [("张三@example.com", ["李四@x.org", "ok@x.org"], eight_bit),
                                                       ("a@example.com", ["ok@x.org"], MESSAGE)],
                                   enable_SMTPUTF8=smtputf8)
    assert plain["ok@x.org"][0] == 250
    if smtputf8:
        assert chinese == {"李四@x.org": (250, "2.0.0 stored"), "ok@x.org": (250, "2.0.0 stored")}
        assert sink.messages[0][:2] == ("张三@example.com", ["李四@x.org", "ok@x.org"])
        assert sink.messages[0][2].replace(b"\r\n", b"\n") == eight_bit.replace(b"\r\n", b"\n")
        assert set(sink.mail_options[0]) == {"SMTPUTF8", "BODY=8BITMIME", f"SIZE={len(eight_bit)}"}
        assert sink.mail_options[1] == [f"SIZE={len(MESSAGE)}"]
    else:
        assert {code for code, _text in chinese.values()} == {553}
        assert all("5.6.7" in text for _code, text in chinese.values())
        assert len(sink.messages) == 1 and sink.messages[0][1] == ["ok@x.org"]   # only the plain one


def test_an_address_smtp_cannot_carry_fails_permanently_not_the_worker(free_port) -> None:  # noqa: ANN001
    bad, good = _send_through(_Sink(), free_port(), [("a@example.com", ['"a\x01b"@x.org'], MESSAGE),
                                                     ("a@example.com", ["ok@x.org"], MESSAGE)])   # the pool still works
    assert bad['"a\x01b"@x.org'][0] == 553
    assert good["ok@x.org"][0] == 250


def test_relay_transport_connection_refused_is_temporary(free_port) -> None:  # noqa: ANN001
    async def scenario() -> dict:
        transport = RelayTransport("127.0.0.1", free_port(), size=1, connect_timeout=2, command_timeout=2,
                                   idle_timeout=30, local_hostname="gw.test")
        return await transport.send("a@example.com", ["x@y.org"], MESSAGE)

    result = asyncio.run(scenario())
    assert result["x@y.org"][0] is None
    assert "connect" in result["x@y.org"][1]


def test_mx_transport_uses_preference_order_and_falls_back(free_port) -> None:  # noqa: ANN001
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        async def resolver(domain: str) -> list[tuple[int, str]]:
            assert domain == "other.org"
            return [(10, "127.0.0.2"), (20, "127.0.0.1")]

        async def scenario() -> dict:
            # 127.0.0.2 listens on nothing: the transport must move on to the next MX.
            transport = MxTransport(resolver=resolver, port=controller.port, size=1, connect_timeout=2,
                                    command_timeout=5, idle_timeout=30,
                                    local_hostname="gw.test")
            try:
                return await transport.send("a@example.com", ["ok@other.org"], MESSAGE)
            finally:
                await transport.close()

        result = asyncio.run(scenario())
    finally:
        controller.stop()
    assert result["ok@other.org"][0] == 250
    assert len(sink.messages) == 1


def test_maildir_transport_writes_new_files(tmp_path: Path) -> None:
    transport = MaildirTransport(tmp_path / "md")
    result = asyncio.run(transport.send("a@example.com", ["B@example.com", "c@example.com"], MESSAGE))
    assert all(code == 250 for code, _ in result.values())
    files = sorted((tmp_path / "md" / "b@example.com" / "new").iterdir())
    assert len(files) == 1
    content = files[0].read_bytes()
    assert content.startswith(b"Return-Path: <a@example.com>\r\nDelivered-To: B@example.com\r\n")
    assert content.endswith(MESSAGE)
    assert not list((tmp_path / "md" / "b@example.com" / "tmp").iterdir())


def test_overlong_lines_are_broken_without_losing_bytes() -> None:
    from gateway.outgoing import break_long_lines

    raw = b"Subject: x\r\n\r\n" + b"a" * 2500 + b"\r\nshort\r\n"
    out = break_long_lines(raw)
    assert all(len(line) <= 998 for line in out.split(b"\r\n"))
    assert out.replace(b"\r\n ", b"") == raw
    assert break_long_lines(MESSAGE) is MESSAGE
