"""Scams told by their structure, not by their words (issue 19).

Prize, advance-fee, refund, "sure return" and boss-needs-money scams are reworded every
week; what they keep is their shape. A scam either *offers* money the reader did not earn or
*asks* for money or data before something good can happen, and it pushes: a private channel
to carry on, a sum with a deadline, and it arrives out of the blue. Each of these is a
signal, found in English and Chinese by a few broad families of wording:

- ``windfall``: a prize, lottery, award, inheritance, unclaimed balance, subsidy, refund or
  points-for-cash announced to the reader or to be claimed, or invoices offered for someone
  else's trade (可代开增值税发票);
- ``returns``: guaranteed, capital-protected, daily/monthly percentage returns, a cash-back
  or commission rate or sum per task (返现10%, 佣金20元, 保本, 稳赚, 日结); a bank's cash-back
  programme is none;
- ``fee``: a fee, tax, duty or deposit to pay before a prize, parcel, loan or fund is
  released, or payment by gift cards, crypto or money transfer, or to a new or temporary
  account; or a payment asked in a text that also keeps it secret (the boss in a meeting);
- ``diversion``: money asked to a new, changed or re-routed bank account (the payment-diversion
  ask; a supplier's genuine change notice says as much, so it weighs as a fee: what tells the
  scam is what stands beside it);
- ``personal_data``: a request for bank or card details, codes, identity numbers, or
  several personal particulars at once (a sentence that says it will *never* ask is none),
  the reader's account to verify or unlock ("verify your Apple ID", 验证您的账户), or a
  remote-control tool to install (AnyDesk, 向日葵);
- ``private_channel``: WeChat, QQ, Telegram, WhatsApp ids and links, or a personal mail
  address other than the sender's (in the text or as Reply-To);
- ``pressure``: a deadline in hours or today where a sum of money is named, or a threat on
  its own (forfeiture, the account frozen or closed, legal action: 否则账户将被冻结);
- ``impersonation``: the From line wears a brand, bank, courier or tax office's name that its
  address does not own ("Apple Support" at ``appleid-verify-center.net``; :mod:`rules.impersonation`);
- ``look_alike``: the sender writes from a look-alike of the domain the thread's quoted messages
  came from (``winnie@pax-asia-tech.co`` answering ``winnie@pax-asia-tech.com``): the thread
  hijacker's mark, weighing 1½ (nobody genuine writes from a look-alike of their own domain);
- ``off_brand_link``: where data is asked or a lure stands, a link's domain wears a brand's name
  it does not own (``dhl-parcel-fee.top``), or the text says its document comes via a service
  ("shared with you via OneDrive"), asks for a sign-in, and no link reaches that service
  (:mod:`rules.links`); weighing 1½;
- ``lure``: a call to act on a link (sign in, open the document, keep the current password, scan
  the code), an ask of half a point, counted only from a sender in disguise (a brand's name it
  does not own, or links off the brand it claims): every genuine notice calls to act too;
- ``unsolicited``: from outside and not a reply (weighs half: most first contact is that).

Counted once each (weight 1; look-alike and off-brand link 1½; lure and unsolicited ½).
Without an offer or an ask (windfall, returns, fee, personal data, a look-alike, a lure) nothing
is a scam: a supplier's WeChat id with an urgent invoice is business. Our own name worn from
outside (``examplecorp-cn.com``, "IT Helpdesk" on free mail: :data:`rules.impersonation.DISGUISES`)
is one point beside an ask, not an ask itself, and no disguise for a lure: a review found partners
called example-logistics, vendors' technicians on gmail and namesakes of our people calling to act
as every notice does. A
sentence that warns of scams (its subject the fraudster, or calling it a scam: a bank's
advisory, a list an advisory opens with "Typical patterns include:") counts nothing. Otherwise
two points make *medium* (the shipped rules tag), two and a half or more *high* (they hold); less
is *low* and does nothing. The wording families are the kinds of thing scams say, deliberately
wide; the combination carries the decision.
The wording itself (patterns, anchor words, windows) is :mod:`rules.scam_words`; this module
reads it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property

from rules import scam_words
from rules.alternation import Alternation, is_regex_word
from rules.chinese_variants import char_forms, simplifying_table, traditional_folder
from rules.context import sentence_span
from rules.impersonation import DISGUISES, LOOK_ALIKE, brand_owned
from rules.links import SIGN_IN
from rules.markers import is_disclaimer
from rules.match import HIGH, LOW, MEDIUM
from rules.redact import excerpt
from rules.scam_words import (
    _ASK,
    _ASK_AFTER,
    _ASK_LIST,
    _ASKING_INTRO,
    _BA,
    _BUTTON,
    _CALLED_SCAM,
    _CHARGED,
    _CONGRATS,
    _CONTACT_VERB,
    _DATA_FLAT,
    _DATA_STRONG_BRANCHES,
    _DESCRIBES_SCAM,
    _DIVERSION,
    _EMAIL,
    _EMAIL_CHARS,
    _FEE,
    _FEE_TIE,
    _FIRST_PERSON,
    _IM,
    _IM_ID,
    _KEEP_SECRET,
    _LIST_INTRO,
    _LIST_ITEM,
    _LURE,
    _MONEY,
    _MONEY_IN_VIEW,
    _NEVER_ASK,
    _NO_PROMISE,
    _PAY,
    _PAYEE,
    _PLEASE,
    _PRICE,
    _REMOTE,
    _RETURNS,
    _SECRECY,
    _SENTENCE_START,
    _SET_OWN,
    _THREAT,
    _TRANSFER,
    _UNTRACEABLE,
    _URGENT,
    _VERIFY_ACCOUNT,
    _WARNED_SUBJECT,
    _WARNING_FRAME,
    _WINDFALL,
    ANCHORS,
    CALLED_BACK,
    FREEMAIL,
    PAY_DEADLINE,
    PHONE_DOWN,
    PRETEXT,
    SALARY,
    SECRET_CODES,
    VERIFY_BY_PHONE,
    WINDOW,
)

SCAN_LIMIT = 20_000  # characters read per text: a scam says its piece early, a long report is no scam
OFFER_OR_ASK = ("windfall", "returns", "fee", "diversion", "personal_data", "look_alike", "lure")
WEIGHTS = {"windfall": 1.0, "returns": 1.0, "fee": 1.0, "diversion": 1.0, "personal_data": 1.0, "lure": 0.5,
           "private_channel": 1.0, "pressure": 1.0, "impersonation": 1.0, "look_alike": 1.5, "off_brand_link": 1.5,
           "unsolicited": 0.5}
MEDIUM_AT, HIGH_AT = 2.0, 2.5


Spans = list[tuple[int, int]]
_WORD_REST = re.compile(r"\w*")


def word_end(text: str, at: int, limit: int | None = None) -> int:
    """``at``, or the end of the word it falls in, within ``limit`` (default: the text's end).

    A window read with ``endpos`` is text that ends there: ``\\b`` and the lookaheads see the
    end of the text, so cut inside "tonightly" a window would find the word "tonight" that
    reading the whole text does not. Ending windows between words keeps them to what the
    whole text holds."""
    limit = len(text) if limit is None else min(limit, len(text))
    if at >= limit:
        return limit
    if at > 0 and is_regex_word(text[at - 1]) and is_regex_word(text[at]):
        return _WORD_REST.match(text, at, limit).end()  # type: ignore[union-attr]
    return at


@dataclass(frozen=True)
class Text:
    """One text to read: where it stands, its normalised form (NFKC, casefolded) and, per
    family, where that family's anchor words stand in it (None: read it all)."""

    where: str
    text: str
    anchors: dict[str, list[tuple[int, int]]] | None = None

    def windows(self, family: str) -> Spans:
        end = min(len(self.text), SCAN_LIMIT)
        if self.anchors is None:
            return [(0, end)]
        out: Spans = []
        reach = WINDOW[family]
        for s, e in sorted(self.anchors.get(family, ())):
            if s >= end:
                break
            lo, hi = max(0, s - reach), min(end, e + reach)
            # a window ends between words (word_end), looked for only when the next one does
            # not reach into it anyway: a run of anchors in one long word is read once
            if out and lo > out[-1][1]:
                out[-1] = (out[-1][0], word_end(self.text, out[-1][1], end))
            if out and lo <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], hi))
            else:
                out.append((lo, hi))
        if out:
            out[-1] = (out[-1][0], word_end(self.text, out[-1][1], end))
        return out


@dataclass(frozen=True)
class Signal:
    """One kind of scam evidence, where it was first seen (``[start, end)`` of ``text``)."""

    name: str
    where: str
    text: str
    start: int
    end: int

    @cached_property
    def shown(self) -> tuple[str, tuple[int, int] | None]:
        """The redacted one-line excerpt the evidence shows and where the signal is in it,
        made once (the rule that tags and the rule that holds show the same signals)."""
        return excerpt(self.text, self.start, self.end) if self.end > self.start else (self.text, None)


@dataclass(frozen=True)
class Assessment:
    signals: tuple[Signal, ...]
    points: float
    level: str | None  # high / medium / low, None when no signal at all

    @property
    def context(self) -> str:
        names = ", ".join(s.name.replace("_", " ") for s in self.signals)
        return f"scam signals: {names} ({self.points:g} points)"


# The families whose branches start with \b, searched branch by branch (rules.alternation:
# same matches, about four times faster). The patterns above stay what fold() reads.
_WINDFALL_FAST = Alternation(_WINDFALL)
_RETURNS_FAST = Alternation(_RETURNS)
_FEE_FAST = Alternation(_FEE)
_UNTRACEABLE_FAST = Alternation(_UNTRACEABLE)
_URGENT_FAST = Alternation(_URGENT)
_THREAT_FAST = Alternation(_THREAT)
_SECRECY_FAST = Alternation(_SECRECY)
_DATA_FAST = Alternation(_DATA_FLAT)


_QUOTATION = re.compile(r'"[^"\n]{0,200}"|“[^”]{0,200}”|‘[^’]{0,200}’|「[^」]{0,200}」|『[^』]{0,200}』|'
                        r"\('[^\n]{0,200}?'\)")
# a report of what a scam wrote, in single quotes: The fraudster wrote: 'Due to an audit …'
_REPORTED = re.compile(r"(?i)(?:wrote|said|says?|saying|read|reads|stated|claimed|asked|称|写道|内容为|说)"
                       r"\s*[:：,，]?\s*"
                       r"'[^'\n]{0,300}$")


def _in_quotes(t: str, lo: int, at: int) -> bool:
    """Whether ``at`` stands inside quotation marks opened after ``lo`` ("…", “…”, 「…」, 『…』, ('…'))."""
    return t.count('"', lo, at) % 2 == 1 or t.count("“", lo, at) > t.count("”", lo, at) or \
        t.count("('", lo, at) > t.count("')", lo, at) or \
        t.count("‘", lo, at) > t.count("’", lo, at) or _REPORTED.search(t, lo, at) is not None or \
        t.count("「", lo, at) > t.count("」", lo, at) or t.count("『", lo, at) > t.count("』", lo, at)


@cache
def _warns(t: str) -> bool:
    """Whether the text speaks of scams as an advisory does: its frame (冒充, 诈骗, fraudsters,
    phishing), and no account to pay named in it (a scam that calls its change of account a
    defence against fraud names the account; read once per text)."""
    return _WARNING_FRAME.search(t, 0, SCAN_LIMIT) is not None and _PAYEE.search(t, 0, SCAN_LIMIT) is None


def _warned(t: str, at: int) -> bool:
    """Whether the sentence holding ``at`` warns of scams rather than makes one: its subject is
    the fraudster ("Fraudsters pose as suppliers and ask you to pay…", 近期有不法分子冒充…), it
    describes one (someone 冒充 an authority, the scam's 典型话术, "phrases used by fraudsters"),
    or it is an advisory's list item calling what it describes a scam (3. …一律为诈骗), and it asks
    the reader nothing outside quotation marks; or ``at`` stands in quotation marks in a text that
    speaks of scams: an advisory quotes what scams say ("Typical phrases include: - "pay to the new
    account today"", 常见话术包括：「解除分期付款设定错误」)."""
    start, stop = sentence_span(t, at, at, _SENTENCE_START, reach=300)
    line = t.rfind("\n", 0, at) + 1
    if _warns(t) and (_quoted_example(t, line, at) or _quoted_example(t, min(line, start), at)):
        return True
    bare = _QUOTATION.sub("", t[start:stop])
    if _PLEASE.search(bare):
        return False  # a sentence that asks the reader is no warning ("Fraudsters used your card, please confirm…")
    return _WARNED_SUBJECT.match(t, start, stop) is not None or \
        (_DESCRIBES_SCAM.search(bare) is not None and _FIRST_PERSON.search(bare) is None and _warns(t)) or \
        (_LIST_ITEM.match(t, start) is not None and _CALLED_SCAM.search(t, start, stop) is not None) or \
        (_LIST_ITEM.match(t, line) is not None and _warns(t) and _in_described_list(t, line))


def _in_described_list(t: str, line: int) -> bool:
    """Whether the list item starting at ``line`` belongs to a list an advisory opens with a line
    that describes or advises ("Typical patterns include:", 常见手法有：, 本会建议会员：): the first
    line above that is no list item (nor a blank or an item's wrapped line, two at most)."""
    end, floor, loose = line, max(0, line - 1500), 0
    while end > floor:
        start = t.rfind("\n", 0, end - 1) + 1
        text = t[start:end].strip()
        if text and not _LIST_ITEM.match(t, start):
            if text.endswith((":", "：")):
                return _LIST_INTRO.search(text) is not None and not _ASKING_INTRO.search(text)
            loose += 1
            if loose > 2:
                return False
        end = start
        if start == 0:
            break
    return False


def _quoted_example(t: str, lo: int, at: int) -> bool:
    """Whether ``at`` stands inside quotation marks opened after ``lo`` that quote an example,
    not a button's label to click (Click "Verify your account")."""
    if not _in_quotes(t, lo, at):
        return False
    opening = max(t.rfind(q, lo, at) for q in ('"', "“", "‘", "'", "「", "『"))
    return _BUTTON.search(t, max(0, opening - 20), opening + 1) is None


def _windfall(t: str, spans: Spans) -> tuple[int, int] | None:
    if spans and "congratulations" in t:
        m = _CONGRATS.search(t, 0, SCAN_LIMIT)
        if m:
            return m.span()
    for lo, hi in spans:
        for m in _WINDFALL_FAST.finditer(t, lo, hi):
            if not (m.group().endswith(("%", "percent")) and _PRICE.match(t, m.end())) and not _warned(t, m.start()):
                return m.span()
    return None


def _returns(t: str, spans: Spans) -> tuple[int, int] | None:
    for lo, hi in spans:
        for m in _RETURNS_FAST.finditer(t, lo, hi):
            before = max(0, m.start() - 40)
            if not (_NO_PROMISE.search(t, before, m.start()) or _CHARGED.search(t, before, m.start())) and \
                    not _warned(t, m.start()):
                return m.span()
    return None


# a fee said not to be due ("您无需缴纳任何费用", "no fee is required", "duty prepaid")
_NO_FEE = re.compile(r"(?:无需|不需|不用|免|\bno\b|\bnot\b|\bwithout\b|\bfree of\b)[^。！？.!?\n]{0,20}$")


# a fee said paid already or by someone else ("duties & taxes: paid by shipper (DDP)", 参会费用：2,800元（已支付）)
_FEE_PAID = re.compile(r"[^.!?。！？\n]{0,30}?(?:\bpaid by (?:the )?(?:shipper|sender|consignor|seller)\b|\bprepaid\b|"
                       r"\bddp\b|\bwaived\b|\b(?:already|has been|have been|was|were) paid\b|已(?:预)?(?:支)?付|预付|"
                       r"由寄件人|免收|已缴)")


def _fee(t: str, spans: Spans) -> tuple[int, int] | None:
    for lo, hi in spans:
        for m in _FEE_FAST.finditer(t, lo, hi):
            if _FEE_TIE.search(t, max(0, m.start() - 120), m.end() + 120) and \
                    _PAY.search(t, max(0, m.start() - 120), m.end() + 120) and not _warned(t, m.start()) and \
                    not _NO_FEE.search(t, max(0, m.start() - 30), m.start()) and not _FEE_PAID.match(t, m.end()) \
                    and not _NEVER_ASK.search(t, max(0, m.start() - 60), m.start()):
                return m.span()
        # gift cards … the codes, a few sentences on (but not past what is read at all); not "never buy gift cards"
        for m in _UNTRACEABLE_FAST.finditer(t, lo, word_end(t, hi + 200, SCAN_LIMIT)):
            if not _warned(t, m.start()) and not _warned(t, m.end() - 1) and \
                    not _NEVER_ASK.search(t, max(0, m.start() - 60), m.start()):
                return m.span()  # (the codes asked only inside an advisory's quoted example: "Gift cards – “… photos”")
    return None


def _diversion(t: str, spans: Spans) -> tuple[int, int] | None:
    """Money asked to a new, changed or re-routed account (the payment-diversion ask)."""
    for lo, hi in spans:
        for m in _DIVERSION.finditer(t, lo, word_end(t, hi + 200, SCAN_LIMIT)):
            if not _warned(t, m.start()) and not _NOT_SO.search(t, max(0, m.start() - 40), m.start()) and \
                    not _ALREADY_PAID.search(t, max(0, m.start() - 80), m.start()) and \
                    not VERIFY_BY_PHONE.search(t, sentence_span(t, m.start(), m.end(), _SENTENCE_START, reach=200)[0],
                                               m.end() + 250):
                # (a change to verify on the number one already has, in its sentence or the next: "Please ring me
                # on the usual number to confirm before paying" - a genuine notice's advice)
                return m.span()
    return None


# a payment asked to an account the mail gives (请将货款转到以下账户, "pay … to the account below")
_PAY_TO_BELOW = re.compile(r"(?:转|汇|付|打)(?:款)?(?:到|至|入)(?:以下|下列|下面的?)(?:账户|帐户|账号|卡)|"
                           r"\b(?:pay|remit|transfer|send|wire)\w*\b[^.!?\n]{0,60}?"
                           r"\bto the (?:account|details) below\b")
# a code the mail itself gives ("enter the security code: 7F3A9C21"): nothing asked of the reader
_GIVEN = re.compile(r"[^\S\n]*(?:is[^\S\n]*)?[:：][^\S\n]*\r?\n?[^\S\n]*(?=[a-z*#-]{0,12}[0-9])[a-z0-9][a-z0-9*#-]{5,}")
# a secret the reader keeps of their own (a password, a code), not a channel kept private
_OWN_SECRET = re.compile(r"(?:密码|验证码|口令|password|passcode|pin|code)[^。！？.!?\n]{0,15}$")
# papers brought to a branch, or details entered in the bank's own app: nothing asked by mail
_IN_PERSON = re.compile(r"[^。！？.!?\n]{0,25}?(?:原件|复印件至|至(?:开户)?网点|到(?:开户)?网点|至柜台|到柜台|"
                        r"签到|现场|会场|前台|\bin person\b|\bon site\b|"
                        r"\bat (?:the )?(?:reception|registration desk|front desk)\b|"
                        r"\bat (?:a|any|your) branch\b)")
# the writer's own details given, not the reader's asked for
_WRITERS_OWN = re.compile(r"(?:我司|我方|本公司|我们的|我公司|\bour|\bmy)\s?(?:的)?(?:公司)?(?:\w+ )?$")


def _in_disclaimer(t: str, at: int) -> bool:
    """Whether ``at`` stands in a legal disclaimer's paragraph (its "please notify the sender
    immediately", 请立即通知发件人, is no deadline)."""
    lo = max(t.rfind("\n\n", 0, at), t.rfind("\r\n\r\n", 0, at), at - 1500, 0)
    hi = t.find("\n\n", at)
    return is_disclaimer(t[lo:hi if hi >= 0 else min(len(t), at + 1500)])


# money already sent, or a third party's account ("we have transferred … to your new bank account",
# "Her new bank account will be used", "employees who have changed their bank account")
_ALREADY_PAID = re.compile(r"(?:(?<!\bbe )(?<!\bbeing )\b(?:transferred|paid|wired|remitted|sent|received|credited|"
                           r"deposited|went|goes)\b|"
                           r"\b(?:her|his|their|employees?|staff|contractors?|if you)\b|"
                           r"已(?:经)?(?:转|汇|付|支付|打款)|"
                           r"(?:员工|他|她|如果您|如您|无误|确为|确认为|已核实|核实无误))[^.!?。！？\n]{0,60}$")
# a change denied or never asked for ("we will never ask you to pay to a new account", 从未变更)
_NOT_SO = re.compile(r"(?:\bnever\b|\bnot\b|\bno\b|n't\b|不会|没有|未曾|从未|无需)[^.!?。！？\n]{0,30}$")


def _secret_transfer(t: str, spans: Spans) -> tuple[int, int] | None:
    """A payment the reader is asked to make (please wire…, 转给…; not one already made) where
    the text around it asks to keep it secret (keep this between us, 这件事先别跟其他人说): the
    boss's payment asked in secret is an ask."""
    for lo, hi in spans:
        for m in _TRANSFER.finditer(t, lo, hi):
            if not _warned(t, m.start()) and _KEEP_SECRET.search(t, max(0, m.start() - 400), m.end() + 400):
                return m.span()
    return None


def _personal_data(t: str, spans: Spans) -> tuple[int, int] | None:
    for lo, hi in spans:
        weak: list[tuple[int, int]] = []
        for m in _DATA_FAST.finditer(t, lo, hi):
            if _WRITERS_OWN.search(t, max(0, m.start() - 12), m.start()) or _IN_PERSON.match(t, m.end()) or \
                    _SET_OWN.search(t, max(0, m.start() - 30), m.start()) or _GIVEN.match(t, m.end()):
                continue  # the writer's own account (提供我司收款账户), papers to a branch, a password to set
            before = t[max(0, m.start() - 100):m.start()]
            asked_after = _BA.search(before) is not None and _ASK_AFTER.match(t, m.end()) is not None
            if not (_ASK.search(before) or asked_after or _asks_in_a_list(t, m.start())) or _NEVER_ASK.search(before) \
                    or _warned(t, m.start()) or \
                    VERIFY_BY_PHONE.search(t, *sentence_span(t, m.start(), m.end(), _SENTENCE_START, reach=200)):
                continue  # (bank details updated only after a call back to the number on file: the writer's process)
            if _DATA_FAST.branch_of(m) < _DATA_STRONG_BRANCHES:  # a strong word (card number, 密码)
                return m.span()
            weak.append(m.span())
            if len(weak) >= 2 and weak[-1][0] - weak[0][0] < 120:
                return weak[0][0], weak[-1][1]
            weak = weak[-1:]
        # the account to verify or unlock (the phishing ask: "verify your account within 24 hours")
        for m in _VERIFY_ACCOUNT.finditer(t, lo, hi):
            if not _warned(t, m.start()) and not _NEVER_ASK.search(t, max(0, m.start() - 80), m.start()):
                return m.span()
        # a remote-control tool to install (the refund scam's "download AnyDesk so our agent can…")
        for m in _REMOTE.finditer(t, lo, hi):
            if not _warned(t, m.start()) and not _NEVER_ASK.search(t, max(0, m.start() - 80), m.start()) and \
                    _MONEY_IN_VIEW.search(t, max(0, m.start() - 300), m.end() + 300):
                return m.span()
    return None


def _asks_in_a_list(t: str, at: int) -> bool:
    """Whether a request ending in a colon and a line break (\"please provide the following:\")
    stands within 220 characters before ``at`` (``_ASK_LIST``, read only where a colon is)."""
    lo = max(0, at - 220)
    if t.find(":", lo, at) < 0 and t.find("：", lo, at) < 0:
        return False
    return _ASK_LIST.search(t, lo, at) is not None


def _private_channel(t: str, spans: Spans, sender_domains: frozenset[str],
                     senders: frozenset[str]) -> tuple[int, int] | None:
    free_sender = bool(senders) and all(s.rsplit("@", 1)[-1] in FREEMAIL for s in senders)
    for lo, hi in spans:
        for m in _SECRECY_FAST.finditer(t, lo, hi):
            # (keep your own password to yourself: 妥善保管您的密码，不要告诉他人; an advisory's quoted example)
            if not _OWN_SECRET.search(t, max(0, m.start() - 20), m.start()) and not _warned(t, m.start()):
                return m.span()
        for m in _IM.finditer(t, lo, hi):
            if _NEVER_ASK.search(t, max(0, m.start() - 40), m.start()) or _warned(t, m.start()):
                continue  # "we will never ask you to add us on WeChat"; an advisory's quoted "联系客服QQ"
            if m.group().startswith(("t.me/", "wa.me/", "加", "添加")) or _IM_ID.match(t, m.end()) or \
                    _CONTACT_VERB.search(t, max(0, m.start() - 25), m.start()):
                return m.span()
        # (to the address's own end: cut by the window a long domain would read as gmail.com)
        for m in _EMAIL.finditer(t, lo, _EMAIL_CHARS.match(t, hi, SCAN_LIMIT).end()):  # type: ignore[union-attr]
            addr, domain = m.group(), m.group(1)
            if domain in FREEMAIL and addr not in senders and (domain not in sender_domains or free_sender):
                return m.span()
    return None


_OFFER_OR_ASK_FINDERS = (("windfall", _windfall), ("returns", _returns), ("fee", _fee),
                         ("personal_data", _personal_data))


_FOLD: Callable[[str], str] | None = None


def _pattern_chars() -> str:
    return "".join(v.pattern for v in vars(scam_words).values() if isinstance(v, re.Pattern))


def fold(text: str) -> str:
    """``text`` with the traditional spellings of the characters these patterns are written
    in replaced by the simplified ones (穩賺 reads as 稳赚; same length, positions hold)."""
    global _FOLD
    if text.isascii():
        return text
    if _FOLD is None:
        _FOLD = traditional_folder(_pattern_chars())
    return _FOLD(text)


@cache
def anchor_words() -> dict[str, tuple[str, ...]]:
    """:data:`ANCHORS` as the keyword scan is to look for them: each word also in the
    spellings :func:`fold` reads as it that the scan's own variants of it do not give
    (:func:`rules.chinese_variants.variants` mixes 說 for 说 into a phrase, not 説:
    不要跟别人説), so a window opens wherever the folded text holds the word."""
    others: dict[str, list[str]] = {}  # simplified -> its spellings fold() reads, beyond the variants
    for code, simplified in simplifying_table(_pattern_chars()).items():
        if chr(code) not in char_forms(simplified):
            others.setdefault(simplified, []).append(chr(code))
    out: dict[str, tuple[str, ...]] = {}
    for family, words in ANCHORS.items():
        every = list(words)
        for word in words:
            if any(ch in others for ch in word):  # (the scan adds the variants of each of these too)
                every += ["".join(mix) for mix in itertools.product(*([ch, *others.get(ch, ())] for ch in word))]
        out[family] = tuple(dict.fromkeys(every))
    return out


_REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|aw|sv|antw|fw|fwd|回复|答复|回覆|答覆|转发|轉寄|转寄)\s*[:：])+")


def _without_reply_prefix(item: Text) -> Text:
    """A subject with its reply prefixes blanked (same length: positions hold): 回复： is no
    request to reply ("回复：网银U盾到期" asks nothing)."""
    if item.where != "subject":
        return item
    m = _REPLY_PREFIX.match(item.text)
    return Text(item.where, " " * m.end() + item.text[m.end():], item.anchors) if m else item


def _weight(signal: Signal, items: list[Text], free_sender: bool = False) -> float:
    """A signal's points: its family's weight, more where it says more — a diversion with its
    pretext (an audit, a frozen account: audits freeze no bank account), or a salary's, asked from
    free mail (our people write from our own domain: the payroll diversion), and personal data that
    asks for the codes no genuine sender asks for by mail (a CVV, a PIN, 卡密, the U盾 password)."""
    if signal.name == "diversion" and any(PRETEXT.search(x.text, 0, SCAN_LIMIT) for x in items):
        return 2.0
    if signal.name == "diversion" and free_sender and \
            SALARY.search(signal.text, max(0, signal.start - 200), signal.end + 200):
        return 2.0
    if signal.name == "personal_data" and _asks_codes(signal.text, max(0, signal.start - 160), signal.end + 160):
        return 2.0
    return WEIGHTS[signal.name]


_ONLY_ON = re.compile(r"\s?(?:only (?:on|at|in|into)\b|(?:仅|只)(?:在|限))")


def _asks_codes(t: str, lo: int, hi: int) -> bool:
    """Whether the secret codes (SECRET_CODES) are asked for between ``lo`` and ``hi``: after a
    request in their sentence or list, not in "never share your PIN"."""
    for m in SECRET_CODES.finditer(t, lo, hi):
        before = t[max(0, m.start() - 100):m.start()]
        if _NEVER_ASK.search(before) or _warned(t, m.start()) or _GIVEN.match(t, m.end()) or \
                _ONLY_ON.match(t, m.end()):
            continue  # (advice: "enter your email password only on docusign.net")
        if _ASK.search(before) or _asks_in_a_list(t, m.start()):
            return True
    return False


def may_reach_medium(families: Iterable[str]) -> bool:
    """Whether signals of these families (the ones whose words a message holds) could make
    medium: an offer or an ask and one more family (unsolicited adds only half); a brand worn
    with links (``links``: a link off the brand is the lure)."""
    found = set(families)
    if {"impersonation", "links"} <= found:
        return True
    # (a fee or personal data alone may weigh more: a diversion with its pretext, a CVV asked)
    return bool(found & set(OFFER_OR_ASK)) and (len(found) >= 2 or bool(found & {"fee", "personal_data"}))


def assess(texts: Iterable[Text | tuple[str, str]], *, senders: Iterable[str] = (), reply_to: Iterable[str] = (),
           unsolicited: bool = False, impersonating: str | None = None, full: bool = True,
           sums_in: Callable[[], Iterable[str]] = tuple,
           elsewhere: Callable[[bool], str | None] | None = None) -> Assessment:
    """The signals in ``texts`` (subject, bodies, attachment texts; normalised) given who sent
    it (``senders``: header From and envelope sender), where replies go (``reply_to``) and
    whether it came unasked from outside; ``impersonating``: the brand its From line wears
    without owning it (:func:`rules.impersonation.impersonated`; a look-alike of the thread's
    own correspondent counts as ``look_alike``). With ``full=False`` a message with no offer and no
    ask stops there (its level is at most low, which is all a medium or high rule needs).
    ``sums_in``: the message's other texts (normalised, :func:`fold`-ed), where no anchor word
    stands: a deadline's sum of money counts wherever the message names it, so they are read
    for one, and made only when a deadline is found and ``texts`` name no sum."""
    items = [_without_reply_prefix(x if isinstance(x, Text) else Text(x[0], fold(x[1]))) for x in texts]
    who = frozenset(s.lower() for s in senders if s)
    domains = frozenset(s.rsplit("@", 1)[-1] for s in who)
    found: dict[str, Signal] = {}
    for item in items:  # a diversion is the fee it asks (none where a call back verified the change)
        span = _diversion(item.text, item.windows("fee"))
        if span:
            # (none where the change was verified by a call back, or the mail asks to verify it on the number
            # the reader already has: "New bank account" as the subject, "call me on our usual number" below)
            if not any(CALLED_BACK.search(x.text, 0, SCAN_LIMIT) or VERIFY_BY_PHONE.search(x.text, 0, SCAN_LIMIT)
                       for x in items):
                found["fee"] = Signal("diversion", item.where, item.text, *span)
            break
    for item in items:
        for name, fn in _OFFER_OR_ASK_FINDERS:
            if name not in found:
                span = fn(item.text, item.windows(name))
                if span:
                    found[name] = Signal(name, item.where, item.text, *span)
    if "fee" not in found:
        for item in items:
            span = _secret_transfer(item.text, item.windows("fee"))
            if span:
                found["fee"] = Signal("fee", item.where, item.text, *span)
                break
    if "fee" not in found and who and all(s.rsplit("@", 1)[-1] in FREEMAIL for s in who):
        # a payment to the account below asked from free mail (a company invoices from its own domain)
        for item in items:
            m = _PAY_TO_BELOW.search(item.text, 0, SCAN_LIMIT)
            if m and not _warned(item.text, m.start()):
                found["fee"] = Signal("fee", item.where, item.text, *m.span())
                break
    if impersonating and impersonating.startswith(LOOK_ALIKE):  # the hijacker's thread: an ask in itself
        found["look_alike"] = Signal("look_alike", "header:From", f"wears the name {impersonating!r}", 0, 0)

    if not any(n in found for n in OFFER_OR_ASK):
        # no offer and no ask but a call to act on a link (sign in, open the document): a lure where the
        # sender is in disguise (a brand's name it does not own, links off the brand it claims)
        lure = next((Signal("lure", item.where, item.text, *m.span()) for item in items
                     for lo, hi in item.windows("lure") for m in [_LURE.search(item.text, lo, hi)] if m), None)
        if lure is not None:
            # (the sign-in a lure asks may be a sentence from its button: "Open the documents … Sign in to view")
            off = elsewhere(SIGN_IN.search(lure.text, 0, SCAN_LIMIT) is not None) if elsewhere else None
            if off:
                found["off_brand_link"] = Signal("off_brand_link", "links", off, 0, 0)
            # (a brand's name worn, not one of our own: a partner called example-logistics, a vendor's
            # "IT Support" on gmail, a namesake of one of our people call to act as every notice does)
            if off or (impersonating and not impersonating.startswith(LOOK_ALIKE) and impersonating not in DISGUISES):
                found["lure"] = lure
        elif elsewhere is not None and impersonating and not impersonating.startswith(LOOK_ALIKE) and \
                impersonating not in DISGUISES:
            # no call to act in words, but the From line wears a brand and a link wears it too, or leads away
            # from the service the text claims ("OneDrive: Frank shared Invoice.pdf [Open]" at
            # onedrive-docs-view.web.app): the link is the lure
            off = elsewhere(any(SIGN_IN.search(x.text, 0, SCAN_LIMIT) for x in items))
            if off:
                found["off_brand_link"] = Signal("off_brand_link", "links", off, 0, 0)
                found["lure"] = Signal("lure", "links", off, 0, 0)
    if not found and not full:
        return Assessment((), 0.0, None)
    urgent: Signal | None = None
    money: bool | None = None  # whether any text names a sum: looked for once, when a deadline is found
    for item in items:
        if "private_channel" not in found:
            span = _private_channel(item.text, item.windows("private_channel"), domains, who)
            if span:
                found["private_channel"] = Signal("private_channel", item.where, item.text, *span)
        if urgent is None:
            for lo, hi in item.windows("pressure"):
                # (not in a disclaimer's "notify the sender immediately", nor an advisory's quoted example)
                u = next((u for u in _URGENT_FAST.finditer(item.text, lo, hi)
                          if not _in_disclaimer(item.text, u.start()) and not _warned(item.text, u.start())), None)
                if u:
                    urgent = Signal("pressure", item.where, item.text, *u.span())
                    break
        if urgent is not None and money is None:
            money = any(_MONEY.search(x.text, 0, SCAN_LIMIT) for x in items) or \
                any(_MONEY.search(t, 0, SCAN_LIMIT) for t in sums_in())
            if money:
                found["pressure"] = urgent
    if "fee" in found and found["fee"].name == "diversion" and "pressure" not in found:
        # a payment to a new account asked by a day ("by this Friday", 本周五前; a deposit asked by Friday is business)
        due = next(((item, m) for item in items for m in [PAY_DEADLINE.search(item.text, 0, SCAN_LIMIT)] if m), None)
        if due is not None and not _in_disclaimer(due[0].text, due[1].start()):
            found["pressure"] = Signal("pressure", due[0].where, due[0].text, *due[1].span())
    if "fee" in found and "private_channel" not in found:  # the phone that cannot reach the payee
        down = next(((item, m) for item in items for m in [PHONE_DOWN.search(item.text, 0, SCAN_LIMIT)]
                     if m and not _warned(item.text, m.start())), None)
        if down is not None:
            found["private_channel"] = Signal("private_channel", down[0].where, down[0].text, *down[1].span())
    if "pressure" not in found:  # no sum and deadline: a threat is pressure on its own
        threat = next(((item, t) for item in items for lo, hi in item.windows("pressure")
                       for t in _THREAT_FAST.finditer(item.text, lo, hi) if not _warned(item.text, t.start())), None)
        if threat is not None:
            found["pressure"] = Signal("pressure", threat[0].where, threat[0].text, *threat[1].span())
    relayed = bool(domains) and all(brand_owned(d) for d in domains)
    for addr in reply_to:
        addr = addr.lower()
        dom = addr.rsplit("@", 1)[-1]
        if relayed and dom not in FREEMAIL:
            continue  # a service's own mail (DocuSign, SharePoint) replies to the person it writes for
        if addr and addr not in who and dom not in domains and "private_channel" not in found:
            found["private_channel"] = Signal("private_channel", "header:Reply-To", addr, 0, len(addr))
    asked = found.get("personal_data")
    if asked is not None and elsewhere is not None:
        off = elsewhere(SIGN_IN.search(asked.text, asked.start, asked.end) is not None)
        if off:
            found["off_brand_link"] = Signal("off_brand_link", "links", off, 0, 0)
    if impersonating and found and not impersonating.startswith(LOOK_ALIKE):
        found["impersonation"] = Signal("impersonation", "header:From", f"wears the name {impersonating!r}", 0, 0)
    if unsolicited and found:
        found["unsolicited"] = Signal("unsolicited", "headers", "from outside, not a reply", 0, 0)
    order = {n: i for i, n in enumerate(WEIGHTS)}
    signals = tuple(sorted(found.values(), key=lambda s: order[s.name]))
    free_sender = bool(domains) and all(d in FREEMAIL for d in domains)
    points = sum(_weight(s, items, free_sender) for s in signals)
    if not signals:
        return Assessment((), 0.0, None)
    if not any(s.name in OFFER_OR_ASK for s in signals) or points < MEDIUM_AT:
        level = LOW
    else:
        level = HIGH if points >= HIGH_AT else MEDIUM
    return Assessment(signals, points, level)
