"""The shortcuts taken to screen a message with less CPU give exactly what the plain
definitions give: each fast function is compared, on generated and fuzzed input, with the
reference it replaces (the standard library's function, or the previous code kept here)."""

from __future__ import annotations

import email
import email.utils
import tempfile
import threading
from email import policy
from email.message import Message
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rules.content import (
    _has_raw_8bit,
    _part_filename,
    _raw_param,
    decode_header_value,
    getaddresses,
    message_from_bytes,
    parse,
)
from rules.engine import Engine, EvaluationContext
from rules.lazy import cached_property
from rules.loader import load_ruleset
from rules.model import Direction, Envelope
from tests.test_rules_engine import Directory

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- reference definitions (the code the fast paths replaced) ------------------------------


def reference_message(raw: bytes) -> Message:
    return email.message_from_bytes(raw, policy=policy.compat32)


def reference_has_raw_8bit(value: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in value)


def reference_part_filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    if name is None:
        try:
            name = part.get_param("name")
        except Exception:  # noqa: BLE001
            name = None
        if isinstance(name, tuple):
            try:
                name = email.utils.collapse_rfc2231_value(name)
            except Exception:  # noqa: BLE001
                name = str(name[-1])
    if name is not None and "\ufffd" in name:  # raw 8-bit: compat32 gives U+FFFD, the raw parameter keeps it
        name = _raw_param(part, "content-disposition", "filename") or _raw_param(part, "content-type", "name") or name
    if name is None:
        return None
    return decode_header_value(name).replace("/", "_").replace("\\", "_") or None


def shape(msg: Message) -> object:
    """Everything a parse result holds that we (or email's own methods) read."""
    payload = msg._payload  # noqa: SLF001 - the payload exactly as parsed
    return (
        msg.get_unixfrom(), list(msg.raw_items()), [type(d).__name__ for d in msg.defects],
        msg.get_default_type(), msg.preamble, msg.epilogue, msg.get_charset(),
        [shape(p) for p in payload] if isinstance(payload, list) else payload,
    )


# -- message_from_bytes: header block parsed alone for single-part mail ---------------------

EOL = st.sampled_from(["\r\n", "\n", "\r"])
CONTENT_TYPES = st.sampled_from([
    "text/plain; charset=utf-8", "text/html", "TEXT/PLAIN", "application/pdf; name=a.pdf", "text",
    "multipart/mixed; boundary=B", "multipart/alternative", "message/rfc822", "message/delivery-status",
    "Multipart/Mixed; boundary=\"B\"", "image/png",
])
HEADER_LINE = st.one_of(
    st.builds(lambda n, v: f"{n}: {v}", st.sampled_from(["Subject", "X-A", "To", "Received", "From"]),
              st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"), max_size=20)),
    st.builds(lambda t: f"Content-Type: {t}", CONTENT_TYPES),
    st.sampled_from([" continued", "\tfolded", "From someone Mon Jan 1", "no colon here", "", ":empty name",
                     "Bad Name: x", "Content-Transfer-Encoding: base64"]),
)
BODY_LINE = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"), max_size=30),
    st.sampled_from(["--B", "--B--", "Content-Type: text/plain", "", "From x", "本季度销售报告"]),
)


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    """Header lines (valid, folded, broken), an optional separator, body lines; every line
    ending chosen independently so \\r, \\n and \\r\\n mix as in broken mail."""
    lines = draw(st.lists(HEADER_LINE, max_size=8))
    if draw(st.booleans()):
        lines.append("")
    lines += draw(st.lists(BODY_LINE, max_size=8))
    text = "".join(line + draw(EOL) for line in lines)
    if lines and draw(st.booleans()):
        text = text.rstrip("\r\n")  # no final line ending
    return text.encode("utf-8", "surrogatepass")


@FUZZ
@given(messages())
@example(b"Subject: x\r\n\r\nbody\r\n")
@example(b"Subject: x\r\r\nbody")        # \r then \r\n: the blank line is \r\n
@example(b"Subject: x\n\r\nbody")
@example(b"\r\nSubject: x\r\n\r\nbody")  # no headers at all
@example(b"Subject: x\r\nnot a header\r\n\r\nbody")
@example(b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nx\r\n--B--\r\n")
def test_message_from_bytes_matches_email(raw: bytes) -> None:
    assert shape(message_from_bytes(raw)) == shape(reference_message(raw))


@FUZZ
@given(st.binary(max_size=300))
def test_message_from_bytes_matches_email_on_any_bytes(raw: bytes) -> None:
    assert shape(message_from_bytes(raw)) == shape(reference_message(raw))


def test_message_from_bytes_takes_the_shortcut_on_8bit_text() -> None:
    raw = "Subject: s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n本季度 report\r\n".encode()
    msg = message_from_bytes(raw)
    assert shape(msg) == shape(reference_message(raw))
    assert parse(raw).body_text == "本季度 report\r\n"


# -- getaddresses: plain single addresses without the RFC 5322 parser ------------------------

ATOM = st.text("abcXYZ019!#$%&'*+/=?^_`{|}~-", min_size=1, max_size=6)
ADDR_SPEC = st.builds(lambda a, b, c: f"{a}@{b}.{c}", ATOM, ATOM, ATOM)
NAME = st.text("aZ9 ", min_size=1, max_size=12)
SIMPLE = st.one_of(ADDR_SPEC, st.builds(lambda n, a: f"{n} <{a}>", NAME, ADDR_SPEC))
NEAR_MISS = st.text("aZ9.@<> \"(),;:_-+=\\[]\t!#`{}~\u00e9", max_size=30)
HEADER_VALUES = st.lists(st.one_of(SIMPLE, NEAR_MISS), max_size=4)


@FUZZ
@given(HEADER_VALUES)
@example(["alice@example.com"])
@example(["Alice Smith <alice@example.com>", "b@c.d"])
@example(["Alice <alice@example.com"])
@example(["alice@example.com>"])
@example(["a.@b.c"])
@example(["Alice  Smith <a@b.c>"])
def test_getaddresses_matches_email(values: list[str]) -> None:
    assert getaddresses(values) == email.utils.getaddresses(values)


@FUZZ
@given(st.lists(st.text(max_size=40), max_size=3))
def test_getaddresses_matches_email_on_any_text(values: list[str]) -> None:
    assert getaddresses(values) == email.utils.getaddresses(values)


# -- header values with raw 8-bit bytes --------------------------------------------------------

@FUZZ
@given(st.text(st.characters(min_codepoint=0, max_codepoint=0xDFFF), max_size=40))
@example("abc")
@example("caf\udce9")
@example("\udc7f\ud800\udd00")
def test_has_raw_8bit_matches_reference(value: str) -> None:
    assert _has_raw_8bit(value) == reference_has_raw_8bit(value)


# -- header lookup by name ---------------------------------------------------------------------

@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["Subject", "subject", "SUBJECT", "To", "X-A", "x-a", "From"]),
                          st.text("ab c=?é", max_size=10)), max_size=8),
       st.sampled_from(["subject", "Subject", "to", "X-A", "from", "missing"]))
def test_header_lookup_matches_linear_scan(headers: list[tuple[str, str]], name: str) -> None:
    raw = "".join(f"{k}: {v}\r\n" for k, v in headers).encode() + b"\r\nbody\r\n"
    m = parse(raw)
    assert m.header(name) == [v for k, v in m.headers if k.lower() == name.lower()]
    m.header(name).append("caller's own list")
    assert m.header(name) == [v for k, v in m.headers if k.lower() == name.lower()]


def test_from_parsed_once_gives_both_views() -> None:
    m = parse(b'From: "CEO" ceo@example.com <x@evil.test>, Bob <bob@example.com>\r\n\r\nhi')
    pairs = email.utils.getaddresses(m.header("from"))
    assert m.from_addresses == [a.strip().lower() for _, a in pairs if "@" in a]
    assert m.from_display_names == [n for n, _ in pairs if n]


# -- attachment file names -----------------------------------------------------------------------

PARAM_VALUE = st.one_of(st.text("ab.c /\\\"';=*%é", max_size=12),
                        st.sampled_from(["\"r.pdf\"", "=?utf-8?B?5oql5ZGKLnBkZg==?=", "utf-8''%E6%8A%A5.pdf", ""]))
PARAM = st.one_of(
    st.builds(lambda k, v: f"; {k}={v}", st.sampled_from(["name", "NAME", "nAmE", "filename", "name*", "filename*",
                                                           "Name*0", "name*1*", "charset", "names", "x-name"]),
              PARAM_VALUE),
    st.sampled_from(["; name", ";", "; =x", "; name*0*=utf-8''a; name*1*=b", '; x="name=a"']),
)
DISPOSITION_TYPE = st.sampled_from(["attachment", "inline", ""])
DISPOSITION = st.one_of(st.none(),
                        st.builds(lambda d, ps: d + "".join(ps), DISPOSITION_TYPE, st.lists(PARAM, max_size=3)))


@FUZZ
@given(st.one_of(st.none(), st.sampled_from(["text/plain", "application/pdf", "bogus", ""])),
       st.lists(PARAM, max_size=3), DISPOSITION)
@example(None, [], None)
@example("text/plain", ["; charset=utf-8"], None)
@example("application/pdf", ["; NAME*0*=utf-8''r; NAME*1*=.pdf"], None)
@example(None, [], "attachment; filename=a.txt")
def test_part_filename_matches_reference(ctype: str | None, params: list[str], disposition: str | None) -> None:
    head = "" if ctype is None else f"Content-Type: {ctype}{''.join(params)}\r\n"
    if disposition is not None:
        head += f"Content-Disposition: {disposition}\r\n"
    part = reference_message((head + "\r\nx").encode("utf-8"))
    assert _part_filename(part) == reference_part_filename(part)


# -- engine: rules whose direction no recipient has are skipped ---------------------------------

DIRECTIONS = ["internal", "outbound", "inbound"]
LEAF = st.one_of(
    st.builds(lambda ds: {"direction": ds}, st.lists(st.sampled_from(DIRECTIONS), min_size=1, max_size=3, unique=True)),
    st.sampled_from([{"subject": {"terms": ["hello"]}}, {"body": {"terms": ["report"]}},
                     {"recipient": {"internal": True}}, {"sender": {"internal": False}},
                     {"spam_score": {"gte": 3}}, {"message_size": {"gt": 10}}]),
)
WHEN = st.recursive(LEAF, lambda inner: st.one_of(
    st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
    st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
    st.builds(lambda x: {"not": x}, inner),
), max_leaves=6)
RULE = st.fixed_dictionaries({
    "when": WHEN,
    "action": st.sampled_from(["quarantine", "reject", "deliver", "warn", "score"]),
    "stop": st.booleans(),
    "priority": st.integers(0, 3),
    "mode": st.sampled_from(["enforce", "enforce", "audit"]),
})
RECIPIENTS = ["bob@example.com", "x@other.test", "carol@example.com"]


def _engines(rules: list[dict[str, object]]) -> tuple[Engine, Engine]:
    """The engine as built, and one that never skips a rule (the reference)."""
    doc = {"spam": {"tag": 2, "quarantine": 4, "reject": 100},
           "rules": [dict(r, name=f"r{i}", **({"score": 3} if r["action"] == "score" else {}))
                     for i, r in enumerate(rules)]}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rules.yaml"
        path.write_text(yaml.safe_dump(doc), encoding="utf-8")
        ruleset = load_ruleset(path)
    reference = Engine(ruleset)
    # every rule runs, whatever directions it needs, its whole condition asked for each
    # recipient (no skipping, no condition asked once for the recipients a direction picks)
    reference._phases = tuple([(rule, None, None) for rule, _, _ in phase] for phase in reference._phases)  # noqa: SLF001
    return Engine(ruleset), reference


def _verdict(engine: Engine, raw: bytes, sender: str, directions: dict[str, str]) -> object:
    env = Envelope(mail_from=sender, rcpt_tos=tuple(directions))
    ctx = EvaluationContext(directions={r: Direction(d) for r, d in directions.items()}, directory=Directory())
    v = engine.evaluate(parse(raw), env, ctx)
    return v.to_json(), {a: [h.to_json() for h in rv.hits] for a, rv in v.recipients.items()}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RULE, min_size=1, max_size=5),
       st.dictionaries(st.sampled_from(RECIPIENTS), st.sampled_from(DIRECTIONS), max_size=3),
       st.sampled_from(["alice@example.com", "mallory@other.test"]),
       st.sampled_from(["hello", "quarterly report", "nothing"]))
def test_engine_skipping_rules_by_direction_changes_no_verdict(
        rules: list[dict[str, object]], directions: dict[str, str], sender: str, words: str) -> None:
    fast, reference = _engines(rules)
    raw = f"From: {sender}\r\nSubject: {words}\r\n\r\n{words}\r\n".encode()
    assert _verdict(fast, raw, sender, directions) == _verdict(reference, raw, sender, directions)


def test_direction_only_rules_are_known() -> None:
    fast, _ = _engines([
        {"when": {"all": [{"direction": ["outbound"]}, {"body": {"terms": ["x"]}}]}, "action": "reject",
         "stop": False, "priority": 0, "mode": "enforce"},
        {"when": {"any": [{"direction": ["inbound"]}, {"all": [{"direction": ["internal", "inbound"]},
                                                                {"spam_score": {"gt": 1}}]}]},
         "action": "quarantine", "stop": False, "priority": 0, "mode": "enforce"},
        {"when": {"not": {"direction": ["outbound"]}}, "action": "reject", "stop": False, "priority": 0,
         "mode": "enforce"},
    ])
    needed = {r.name: r.when.directions_needed() for r in fast.ruleset.rules}
    assert needed == {"r0": frozenset({"outbound"}), "r1": frozenset({"internal", "inbound"}), "r2": None}


# -- cached views: computed once per instance, never waiting on another instance --------------

class _View:
    def __init__(self, hold: threading.Event | None = None, entered: threading.Event | None = None) -> None:
        self.hold, self.entered, self.calls = hold, entered, 0

    @cached_property
    def value(self) -> int:
        """The docstring survives."""
        self.calls += 1
        if self.hold is not None and self.entered is not None:
            self.entered.set()
            self.hold.wait(5)
        return self.calls


def test_cached_property_computes_once_and_stores_in_the_instance() -> None:
    v = _View()
    assert (v.value, v.value, v.calls) == (1, 1, 1)
    assert v.__dict__["value"] == 1
    assert _View.value.__doc__ == "The docstring survives."


def test_cached_property_does_not_serialise_instances() -> None:
    """A worker thread still computing one message's view must not hold up another's."""
    hold, entered = threading.Event(), threading.Event()
    slow = threading.Thread(target=lambda: _View(hold, entered).value)
    slow.start()
    try:
        assert entered.wait(5)
        assert _View().value == 1
        assert slow.is_alive()  # computed while the slow view was still being computed
    finally:
        hold.set()
        slow.join()
