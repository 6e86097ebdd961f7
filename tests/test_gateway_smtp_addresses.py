"""GatewaySMTP sets up sessions and parses MAIL/RCPT addresses exactly as aiosmtpd does (it only
avoids aiosmtpd's per-connection introspection and per-call class creation)."""

from __future__ import annotations

import asyncio

from aiosmtpd.smtp import SMTP
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.smtp import GatewaySMTP, SessionCounter

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
    assert set(mine[1]) == {"EHLO", "MAIL", "RCPT", "DATA"}
    assert {"PLAIN", "LOGIN"} <= set(mine[2])
    assert mine[3] == "new"
    # The plain policy's hooks are the same functions (its class only adds __dir__).
    assert mine == theirs
