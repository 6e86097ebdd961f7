"""Whether a sentence warns of scams rather than makes one (issue 19).

Banks, regulators and our own security team write about scams in the words scams use: "pay to
the new account today", 常见话术包括：「解除分期付款设定错误」. A finder in :mod:`rules.scam_signals`
asks these before it counts what it found: a sentence whose subject is the fraudster, a quoted
example in a text that speaks of scams, an advisory's list item, a legal disclaimer's "notify the
sender immediately".
"""

from __future__ import annotations

import re
from functools import cache

from rules.context import sentence_span
from rules.markers import is_disclaimer
from rules.scam_framing import (
    _ASKING_INTRO,
    _BUTTON,
    _CALLED_SCAM,
    _DESCRIBES_SCAM,
    _FIRST_PERSON,
    _LIST_INTRO,
    _LIST_ITEM,
    _PAYEE,
    _PLEASE,
    _RECEIVED_REPORT,
    _SENTENCE_START,
    _WARNED_SUBJECT,
    _WARNING_FRAME,
    FORWARDED,
    REPORTS_SCAM,
)
from rules.scam_text import SCAN_LIMIT, Text

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
    if _IF_CLAIMED.search(t, start, at):
        return True  # what a mail the reader might get would claim (如日后收到任何声称"紧急付款"的邮件，请先电话核实)
    line = t.rfind("\n", 0, at) + 1
    # (a quotation may run over lines and sentences: counted from its paragraph's start too)
    para = max(t.rfind("\n\n", 0, at), t.rfind("\n\r\n", 0, at), at - 600, 0)
    if _warns(t) and (_quoted_example(t, line, at) or _quoted_example(t, min(line, start), at) or
                      _quoted_example(t, para, at) or _in_curly_quotes(t, max(0, at - 300), at)):
        return True
    bare = _QUOTATION.sub("", t[start:stop])
    if _PLEASE.search(bare):
        return False  # a sentence that asks the reader is no warning ("Fraudsters used your card, please confirm…")
    return _WARNED_SUBJECT.match(t, start, stop) is not None or _FRAUDSTERS_CLAUSE.search(bare) is not None or \
        (_DESCRIBES_SCAM.search(bare) is not None and _FIRST_PERSON.search(bare) is None and _warns(t)) or \
        _RECEIVED_REPORT.search(bare) is not None or \
        (_LIST_ITEM.match(t, start) is not None and _CALLED_SCAM.search(t, start, stop) is not None) or \
        (_LIST_ITEM.match(t, line) is not None and _warns(t) and _in_described_list(t, line) and
         _ASKS_A_SUM.search(t, start, stop) is None)


# a mail the reader might get, told of by what it would claim ("if you ever receive an email claiming …",
# 如日后收到任何声称我司"账户变更"的邮件): its words are the scam's, described, not asked
_IF_CLAIMED = re.compile(r"(?:如果?|若|一旦|倘若)(?:日后|今后|以后|将来)?(?:您|你|贵司|各位)?(?:接到|收到|遇到|看到)"
                         r"(?:任何)?[^。！？\n]{0,40}?(?:声称|自称|冒充|假冒|号称|冒用)[^。！？\n]*$|"
                         r"\bif (?:you )?(?:ever )?(?:receive|get|see)\b[^.!?\n]{0,60}?"
                         r"\b(?:claiming|purporting|claims? to|pretending|that says?|saying)\b[^.!?\n]*$")


# a list item that asks the reader for a sum (（1）领奖前需缴纳保证金及公证费共计 ¥3,800 元): the scam's own "温馨提示"
# under a "beware of fraud" line, not an advisory's
_ASKS_A_SUM = re.compile(r"(?:需|须|请|必须|应)(?:先)?(?:缴纳|支付|交纳|缴|付|转账|汇款)[^。！？\n]{0,30}?"
                         r"(?:¥|￥|\$|rmb|人民币|\d[\d,]*(?:\.\d+)?\s?元)")
# a clause whose subject is the fraudster, in a sentence that observes scams ("We are seeing more scams where
# fraudsters claim you have won a prize"); not one that merely names them beside its own offer ("Unlike the scams
# where fraudsters vanish, a legal fee applies")
_FRAUDSTERS_CLAUSE = re.compile(r"\b(?:we(?:'re| are| have|'ve)?|there (?:are|have been)|"
                                r"customers (?:have )?reported)\s+"
                                r"(?:[\w-]+\s+){0,3}?(?:seeing|seen|noticed|observed|received reports of|aware of|"
                                r"warning (?:you )?(?:about|of))\b[^.!?\n]{0,40}?"
                                r"\b(?:scams?|frauds?|cases|schemes|messages|e-?mails|calls)\b "
                                r"(?:where|in which|when|that) (?:the )?"
                                r"(?:fraudsters?|scammers?|criminals?|crooks|imposters?|impostors?)\b")


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


def _in_curly_quotes(t: str, lo: int, at: int) -> bool:
    """Whether ``at`` stands inside quotation marks that open and close differently (“…”, 「…」)
    opened after ``lo``, however many lines and blank lines the quotation runs over."""
    return t.count("“", lo, at) > t.count("”", lo, at) or t.count("「", lo, at) > t.count("」", lo, at)


def _quoted_example(t: str, lo: int, at: int) -> bool:
    """Whether ``at`` stands inside quotation marks opened after ``lo`` that quote an example,
    not a button's label to click (Click "Verify your account")."""
    if not _in_quotes(t, lo, at):
        return False
    opening = max(t.rfind(q, lo, at) for q in ('"', "“", "‘", "'", "「", "『"))
    return _BUTTON.search(t, max(0, opening - 20), opening + 1) is None


def _in_disclaimer(t: str, at: int) -> bool:
    """Whether ``at`` stands in a legal disclaimer's paragraph (its "please notify the sender
    immediately", 请立即通知发件人, is no deadline)."""
    lo = max(t.rfind("\n\n", 0, at), t.rfind("\r\n\r\n", 0, at), at - 1500, 0)
    hi = t.find("\n\n", at)
    return is_disclaimer(t[lo:hi if hi >= 0 else min(len(t), at + 1500)])


# a block of two or more lines quoted with '>', and the line introducing it ("the fraudulent email reads:")
# (or a sentence's end: "Below is an example of a fraudulent message. Do not act on messages like this.")
_QUOTED_BLOCK = re.compile(r"(?m)^([^\n>]{0,300}[:：.。])[ \t\r]*\n(?:[ \t\r]*\n)?((?:[ \t]*>[^\n]*(?:\n|$)){2,})")
_QUOTED_BLOCKS = 5  # blocks looked at per body


def _reported_quotes(text: str) -> str:
    """``text`` with each block quoted with '>' blanked where the line introducing it reports it as a scam
    ("For reference, the fraudulent email reads:"): only the quoted lines, and only under such an
    introduction (a line of "Beware of fake invoices" above a single '>' hides nothing else)."""
    for n, m in enumerate(_QUOTED_BLOCK.finditer(text, 0, SCAN_LIMIT)):
        if n >= _QUOTED_BLOCKS:
            break
        # (the introduction may wrap onto the line before: "… an example of a fraudulent message. Do not act on\n
        # messages like this."; a quoted line is no introduction)
        before = text.rfind("\n", 0, max(0, m.start(1) - 1)) + 1
        intro_start = before if m.start(1) - before <= 300 and not text.startswith(">", before) else m.start(1)
        # (and only in a text that warns, naming no account to pay: a scam's own "beware of fraudulent emails,
        # our correct details are quoted below" names one, as a review found)
        if _reports_within(text, intro_start, m.end(1)) and _warns(text):
            text = text[:m.start(2)] + _blank(m.group(2)) + text[m.end(2):]
    return text


# an example set out in an advisory's plain text, under a line that introduces it ("典型邮件内容如下：",
# "郵件內容範例如下：", "Example observed (defanged):") and up to the advice that follows it (建议, 提醒,
# "Recommendations", "Indicators"): what an HTML part quotes in a blockquote, its text part sets out bare
# (the words of an example, not a bare "如下": "为防诈骗，新账户如下：" sets out its own ask)
_EXAMPLE_INTRO = re.compile(r"(?m)^([^\n>]{0,300}?(?:(?:内容|原文|范例|示例|样本|样例|特征|手法|话术|套路|特点)"
                            r"(?:如下|如下所示|有|包括)?|\b(?:typical |common )?(?:signs|red flags|patterns|tactics)|"
                            r"\b(?:reads|read as follows|(?:examples?|samples?)(?: (?:observed|received|below|message|"
                            r"e-?mail))?(?: \(defanged\))?)|"
                            # ("Recent examples we have been sent by clients include:")
                            r"\b(?:examples?|samples?)\b[^\n:：]{0,60}?\b(?:include|are|such as))[ \t]*[:：])[ \t\r]*$")
_EXAMPLE_END = re.compile(r"(?m)^[ \t]*(?:[-*•·(（\d.、)）]{0,4}[ \t]*)(?:建议|提醒|提示|措施|防范|请勿|如有疑问|"
                          r"[^\n]{0,12}(?:提醒|建议)[:：]|"
                          r"(?:recommendations?|what (?:to|you should) do|red flags|indicators|how to|advice|tips)\b)")
_EXAMPLE_REACH = 1500  # characters an example may run to


def _reported_examples(text: str) -> str:
    """``text`` with each example an advisory sets out under a line reporting it ("…冒充药品监管部门…
    典型邮件内容如下：") blanked, up to the advice that follows it or ``_EXAMPLE_REACH`` characters (a few looked
    at per text); only in a text that warns and names no account to pay (a scam's "…phishing attempt… our
    remittance instructions read as follows:" names its own), which one cached test tells (most mail does not)."""
    if not _warns(text):
        return text
    for n, m in enumerate(_EXAMPLE_INTRO.finditer(text, 0, SCAN_LIMIT)):
        if n >= _QUOTED_BLOCKS:
            break
        before = text.rfind("\n", 0, max(0, m.start(1) - 1)) + 1
        intro_start = before if m.start(1) - before <= 300 else m.start(1)
        if not _reports_within(text, intro_start, m.end(1)):
            continue
        end = _EXAMPLE_END.search(text, m.end(), m.end() + _EXAMPLE_REACH)
        stop = end.start() if end else min(len(text), m.end() + _EXAMPLE_REACH)
        text = text[:m.end()] + _blank(text[m.end():stop]) + text[stop:]
    return text


_REFERS_ATTACHED = re.compile(r"\battach(?:ed|ment)\b|\bforward(?:ed|ing)?\b|附件|转发|转寄|附上|随附")


def without_reported_forwards(items: list[Text]) -> tuple[list[Text], bool]:
    """``items`` with the forwarded or quoted part of a body blanked where the forwarder's own
    words (above it, or the subject) report it as a scam: a customer forwarding the fake bank
    change it received ("WARNING: fake email in your name … so we did not pay") asks nothing of
    the reader; the fraudster's asks are below the header (the report must be the forwarder's own words,
    not the subject, and not denied). A block quoted with '>' is blanked alone, where the line that
    introduces it reports it (:func:`_reported_quotes`), and so is an example an advisory sets out
    under such a line (:func:`_reported_examples`). Same lengths: positions hold. Also
    returns whether anything was blanked (the quoted senders are then the fraudster's, not a
    correspondent's)."""
    out: list[Text] = []
    reported = False
    for item in items:
        head = FORWARDED.search(item.text, 0, SCAN_LIMIT) if item.where == "body" else None
        if head is not None and head.start() > 0 and _reports(item.text, head.start()):
            item = Text(item.where, item.text[:head.start()] + _blank(item.text[head.start():]), item.anchors)
            reported = True
        elif item.where == "body":
            quoted = _reported_examples(_reported_quotes(item.text) if ">" in item.text else item.text)
            if quoted != item.text:
                item, reported = Text(item.where, quoted, item.anchors), True
        out.append(item)
    # a message attached whole (a .eml) under a body that reports it: "Another one, please ignore - see attached"
    body = next((x.text for x in out if x.where == "body"), "")
    if any(x.where.startswith("attachment:") and x.where.lower().endswith(".eml") for x in out) and \
            _REFERS_ATTACHED.search(body, 0, SCAN_LIMIT) and _reports(body, min(len(body), SCAN_LIMIT)):
        out = [Text(x.where, _blank(x.text), x.anchors)
               if x.where.startswith("attachment:") and x.where.lower().endswith(".eml") else x for x in out]
        reported = True
    # (the subject is the forwarded message's, "Fwd: Your seller account has been suspended - phishing")
    return [Text(x.where, _blank(x.text), x.anchors) if reported and x.where == "subject" else x for x in out], reported


def _reports(text: str, end: int) -> bool:
    """Whether the forwarder's own words before ``end`` call what follows a scam: not the subject
    (a lure may title itself "Security warning" over a forged reply header), and not a word denied
    ("this is not phishing", 这不是诈骗)."""
    return _reports_within(text, 0, end)


def _reports_within(text: str, start: int, end: int) -> bool:
    """Whether the words between ``start`` and ``end`` call something a scam, not denied."""
    return any(not _DENIED.search(text, max(0, m.start() - 25), m.start())
               for m in REPORTS_SCAM.finditer(text, start, end))


# (是不是诈骗 asks whether it is one: no denial)
_DENIED = re.compile(r"(?i)(?:\bnot|\bno|n't|\bnever|(?<!是)不是|并非|绝非|(?<!是)非)\W{0,3}(?:\w+\W{1,3}){0,2}$")


def _blank(text: str) -> str:
    return "".join(c if c in "\r\n" else " " for c in text)
