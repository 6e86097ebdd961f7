"""GatewaySMTP sets up sessions and parses MAIL/RCPT addresses exactly as aiosmtpd does (it only
avoids aiosmtpd's per-connection introspection and per-call class creation), and then refuses
what a relay must not take: unclosed paths, non-ASCII without SMTPUTF8, routing from outsiders."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from aiosmtpd.smtp import SMTP
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway import smtp_paths
from gateway.smtp import GatewaySMTP, SessionCounter
from tests.edge_env import Edge, edge_gateway, message
from tests.smtp_raw import RawSMTP

_ADDRESS_ALPHABET = st.sampled_from(list("ab.@<>\"\\ (),:;[]-_+=\t") + ["é", "中", "\x00"])


def _servers(local_part_limit: int) -> tuple[SMTP, GatewaySMTP]:
    loop = asyncio.new_event_loop()
    try:
        theirs = SMTP(object(), loop=loop)
        ours = GatewaySMTP(object(), SessionCounter(), loop=loop)  # type: ignore[arg-type]
    finally:
        loop.close()
    theirs.local_part_limit = ours.local_part_limit = local_part_limit
    return theirs, ours


_ATEXT = st.text(st.sampled_from(list("aZ09.!#$%&'*+/=?^_`{|}~-") + ["é", " ", "\""]), min_size=1, max_size=12)
_TAIL = st.lists(st.sampled_from(["", " ", "\t", "\x0b", "\u3000", "(c)", "(", ")", "SIZE=10", "X", "\r\n", ">"]),
                 max_size=4).map("".join)
# The everyday form the fast path takes, and its near misses (the stdlib parser decides those).
_PATHS = st.builds(lambda lead, local, domain, tail: f"{lead}<{local}@{domain}>{tail}",
                   st.sampled_from(["", "", " "]), _ATEXT, _ATEXT, _TAIL)


@settings(max_examples=600, deadline=None)
@given(arg=st.one_of(st.text(_ADDRESS_ALPHABET, max_size=40), st.text(max_size=40), _PATHS,
                     st.builds(lambda a, b, p: f"<{a}@{b}>{p}", st.text(max_size=70), st.text(max_size=10),
                               st.sampled_from(["", " SIZE=100", " BODY=8BITMIME", " x"]))),
       limit=st.sampled_from([0, 64, 3]))
def test_addresses_parse_as_aiosmtpd_parses_them(arg: str, limit: int) -> None:
    theirs, ours = _servers(limit)
    try:
        expected = theirs._getaddr(arg)
    except Exception:  # noqa: BLE001 - the stdlib parser breaks; ours answers "malformed" instead
        expected = (None, None)
    if expected[0] and any(ord(c) < 32 or ord(c) == 127 for c in expected[0]):
        expected = (None, None)      # control characters: refused at the edge (no next hop takes them)
    assert ours._getaddr(arg) == expected


def test_known_addresses() -> None:
    _theirs, ours = _servers(64)
    assert ours._getaddr("<alice@example.com> SIZE=10") == ("alice@example.com", "SIZE=10")
    assert ours._getaddr("") == ("", "")
    assert ours._getaddr("<" + "a" * 65 + "@example.com>") == (None, None)   # local part over the limit
    assert ours._getaddr("<@@>") == (None, None)
    assert ours._getaddr("<") == (None, None)    # aiosmtpd itself raises IndexError here
    assert ours._getaddr('<"a\x01b"@x.org>') == (None, None)   # aiosmtpd takes it; no next hop would


def test_sessions_find_the_same_commands_hooks_and_mechanisms_as_plain_introspection() -> None:
    """The narrowed ``__dir__`` must not hide anything aiosmtpd looks for: a session built
    with Python's ordinary ``dir()`` finds the same commands, handler hooks and AUTH
    mechanisms (compared by the functions they call)."""
    from gateway.smtp import SessionPolicy

    class PlainSMTP(GatewaySMTP):
        __dir__ = object.__dir__

    class PlainPolicy(SessionPolicy):
        __dir__ = object.__dir__

    def tables(server: SMTP) -> tuple[dict, dict, dict, object]:
        def func(method: object) -> object:
            return getattr(method, "__func__", method)

        return ({k: func(v) for k, v in server._smtp_methods.items()},
                {k: func(v) for k, v in server._handle_hooks.items()},
                {k: (func(v.method), v.is_builtin) for k, v in server._auth_methods.items()},
                server._ehlo_hook_ver)

    def policy(cls: type[SessionPolicy]) -> SessionPolicy:
        return cls(directory=lambda: None, trusted_networks=[], limits=None,  # type: ignore[arg-type]
                   deliver_to_pipeline=None)  # type: ignore[arg-type]

    loop = asyncio.new_event_loop()
    try:
        ours = GatewaySMTP(policy(SessionPolicy), SessionCounter(), loop=loop)
        plain = PlainSMTP(policy(PlainPolicy), SessionCounter(), loop=loop)
    finally:
        loop.close()
    mine, theirs = tables(ours), tables(plain)
    assert {"DATA", "MAIL", "RCPT", "EHLO", "STARTTLS", "AUTH"} <= set(mine[0])
    assert set(mine[1]) == {"EHLO", "MAIL", "RCPT", "DATA", "exception"}   # handle_exception: 451, not 500
    assert {"PLAIN", "LOGIN"} <= set(mine[2])
    assert mine[3] == "new"
    # The plain policy's hooks are the same functions (its class only adds __dir__).
    assert mine == theirs


# ---- strict paths at the edge (issue 11), over real SMTP on loopback ----------------------
# 127.0.0.1 is in relay.trusted_networks; 127.0.0.9 is an outsider. Each test below failed on
# the old edge: the unclosed paths, the non-ASCII sender and the routing recipients got 250.


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def edge(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    yield from edge_gateway(request, tmp_path_factory)


@pytest.mark.parametrize("arg", ["<bob@example.com", "<bob@example.com SIZE=100", " <bob@example.com",
                                 '<"b>b"@example.com', "<bob@example.com\t"])
def test_unclosed_path_is_a_501(edge: Edge, arg: str) -> None:
    with RawSMTP(edge.port, source="127.0.0.9") as client:
        assert client.code("EHLO outside.test") == 250
        assert client.cmd("MAIL FROM:" + arg.replace("bob", "alice"))[:9] == b"501 5.1.7"
        assert client.code("MAIL FROM:<alice@example.com>") == 250
        assert client.cmd("RCPT TO:" + arg)[:9] == b"501 5.1.3"
        assert client.code("RCPT TO:<bob@example.com>") == 250


def test_closed_paths_with_quotes_and_parameters_still_pass(edge: Edge) -> None:
    with RawSMTP(edge.port, source="127.0.0.9") as client:
        assert client.code("EHLO outside.test") == 250
        assert client.code('MAIL FROM:<"a b>c"@outside.org> SIZE=100') == 250
        assert client.code("RCPT TO: <bob@example.com>") == 250
        assert client.code("RSET") == 250
        assert client.code("MAIL FROM:<>") == 250


def test_non_ascii_addresses_need_smtputf8(edge: Edge) -> None:
    marker = f"utf8-{uuid.uuid4().hex[:8]}"
    with RawSMTP(edge.port, source="127.0.0.9") as client:
        assert client.code("EHLO outside.test") == 250
        assert client.cmd("MAIL FROM:<jürgen@outside.org>")[:9] == b"553 5.6.7"
        assert client.code("MAIL FROM:<alice@outside.org>") == 250
        assert client.cmd("RCPT TO:<bøb@example.com>")[:9] == b"553 5.6.7"
        assert client.code("RSET") == 250
        assert client.code("MAIL FROM:<jürgen@outside.org> SMTPUTF8") == 250
        assert client.code("RCPT TO:<bob@example.com>") == 250
        assert client.code("DATA") == 354
        assert client.cmd(message(marker, sender="jürgen@outside.org").replace(b"j\xc3\xbc", b"j")
                          + b".")[:3] == b"250"
    [msg] = edge.wait_quiet(marker, 1, settle=0)
    assert msg.mail_from == "jürgen@outside.org"


ROUTED = ["bob%evil.org@example.com", "evil.org!bob@example.com", '"bob%evil.org"@example.com']


def test_routing_in_recipients_from_an_outsider_is_refused_and_never_passed_on(edge: Edge) -> None:
    marker = f"route-{uuid.uuid4().hex[:8]}"
    with RawSMTP(edge.port, source="127.0.0.9") as client:
        assert client.code("EHLO outside.test") == 250
        assert client.code("MAIL FROM:<mallory@outside.org>") == 250
        for address in ROUTED:
            reply = client.cmd(f"RCPT TO:<{address}>")
            assert reply[:9] == b"553 5.7.1", (address, reply)
        assert client.code("RCPT TO:<bob@example.com>") == 250
        assert client.code("DATA") == 354
        assert client.cmd(message(marker, sender="mallory@outside.org") + b".")[:3] == b"250"
    [msg] = edge.wait_quiet(marker, 1)
    assert msg.rcpt_tos == ["bob@example.com"]
    assert b'mailwarden_smtp_refused_total{reason="address_routing"}' in edge.gw.services.metrics.render()


def test_routing_from_a_trusted_upstream_is_its_own_business(edge: Edge) -> None:
    """Our own MTAs (trusted networks) may pass such addresses on, as Postfix's
    ``allow_untrusted_routing`` only concerns untrusted clients."""
    with RawSMTP(edge.port, source="127.0.0.1") as client:
        assert client.code("EHLO upstream.test") == 250
        assert client.code("MAIL FROM:<alice@example.com>") == 250
        for address in ROUTED:
            assert client.code(f"RCPT TO:<{address}>") == 250


@pytest.mark.parametrize(("arg", "unclosed"), [
    ("<a@b>", False), ("<a@b", True), ("a@b", False), ("<>", False), ("<", True), ('<"a>"@b', True),
    ('<"a>"@b>', False), ('<a\\>@b', True), ("<a@b SIZE=1>", True), ("", False),
])
def test_unclosed_path(arg: str, unclosed: bool) -> None:
    assert smtp_paths.unclosed_path(arg) is unclosed


def test_has_routing() -> None:
    assert smtp_paths.has_routing("a%b@c")
    assert smtp_paths.has_routing("b!a@c")
    assert not smtp_paths.has_routing("a@b%c")     # only the local part routes
    assert not smtp_paths.has_routing("plain@example.com")
