"""The per-message evaluation state that every rule condition reads.

Kept apart from the conditions themselves because it is the one place that knows what is
expensive: it caches, per message, the keyword scan, detector runs and regex runs of each
text unit, so twenty rules over the same body scan it once and rules that only look at
headers never touch attachments. Conditions (:mod:`rules.conditions`,
:mod:`rules.content_conditions`) only ask it questions; the engine builds one per message.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from email.utils import getaddresses
from typing import TYPE_CHECKING, Protocol

from rules.attached_pages import ASKS_PASSWORD, page_action
from rules.detectors import Match, detect
from rules.disclaimers import OrgDisclaimers
from rules.external import RspamdResult
from rules.impersonation import BRANDS, EXECUTIVE_ON_FREEMAIL, LOOK_ALIKE, brand_owned, impersonated, quoted_senders
from rules.lazy import cached_property
from rules.links import PASSWORD, claimed_services, disguised, html_links, off_brand_link, text_link_hosts
from rules.markers import Correspondents, MarkerGrader, core_subject
from rules.match import LOW
from rules.matchers import KeywordHit, KeywordMatcher, normalize
from rules.model import AuthResults, Direction, Envelope, Evidence, SenderStats
from rules.qr_codes import PREFIX as QR_PREFIX
from rules.redact import excerpt
from rules.scam_templates import may_hold_one as may_hold_template
from rules.scam_words import DYING_WORDS, FREEMAIL
from rules.scams import (
    MADE_UP_THREAD,
    NOT_A_REPLY,
    READ_LIMIT,
    SCAN_LIMIT,
    Assessment,
    Text,
    assess,
    may_reach_medium,
    past_reading_bound,
)
from rules.scams import fold as fold_chinese
from rules.textview import View, detector_view

if TYPE_CHECKING:
    from rules.content import ParsedMessage

# why a keyword hit inside the organisation's own disclaimer does not count (evidence text)
ORG_DISCLAIMER = "the organisation's disclaimer"

class DirectoryView(Protocol):
    """What the rules need to know about the organisation (implemented by the gateway)."""

    def is_internal(self, address: str) -> bool: ...
    def department_of(self, address: str) -> str | None: ...
    def groups_of(self, address: str) -> frozenset[str]: ...
    def may_send_externally(self, address: str) -> bool: ...


@dataclass
class EvaluationContext:
    """Facts the gateway knows about a message that are not in its bytes."""

    directions: dict[str, Direction]
    directory: DirectoryView
    sender_stats: SenderStats | None = None
    auth_results: AuthResults | None = None
    # Findings the gateway made about the message from outside its bytes (e.g. the
    # session's identity: ``forged_internal_sender``); ``finding:`` rules see them too.
    findings: tuple[str, ...] = ()
    # Rspamd's answer (gateway/engines/), when it is enabled and answered.
    rspamd: RspamdResult | None = None
    # Whether a reply's In-Reply-To/References name a message the archive holds (archive.threads):
    # False, a made-up thread, is read as unsolicited; None, not asked (no archive, no references).
    thread_known: bool | None = None


_LABEL_HYPHENS = re.compile(r"(?<=[A-Z])-(?=[A-Z])|(?i:(?<=internal)-(?=use-only|only)|(?<=internal-use)-(?=only)|"
                            r"(?<=strictly)-(?=confidential)|(?<=highly)-(?=confidential)|(?<=top)-(?=secret)|"
                            r"(?<=do)-(?=not-forward)|(?<=do-not)-(?=forward)|(?<=not)-(?=for-distribution)|"
                            r"(?<=not-for)-(?=distribution))")


def _name_words(name: str) -> str:
    """A file name with its words split as people read them (same length: positions hold)."""
    return _LABEL_HYPHENS.sub(" ", name.replace("_", " "))


class Unit:
    """One piece of text (subject, a body part, an attachment, a header) with its caches."""

    __slots__ = ("where", "text", "short", "_norm", "_norm_len", "_kw", "_det", "_rx", "_offsets", "_graded",
                 "_grader", "_dspans", "_view")

    def __init__(self, where: str, text: str, short: bool = False) -> None:
        self.where = where
        self.text = text
        self.short = short  # a subject, header or name: a marker in it is a banner
        self._graded: dict[tuple[int, int], tuple[str | None, str]] | None = None
        self._grader: MarkerGrader | None = None
        self._dspans: list[tuple[int, int]] | None = None
        self._norm: str | None = None
        self._norm_len: int | None = None  # len(normalize(text)), known once scanned
        self._kw: dict[int, list[KeywordHit]] | None = None
        self._det: dict[str, list[Match]] = {}
        self._rx: dict[int, list[re.Match[str]]] = {}
        self._offsets: list[int] | None = None
        self._view: View | None = None  # what the detectors read (rules.textview), folded once

    def keywords(self, matcher: KeywordMatcher) -> dict[int, list[KeywordHit]]:
        # The matcher seldom needs the normalised text itself, only its length (hit offsets
        # are into it); the text is normalised later only if evidence must quote it.
        if self._kw is None:
            self._kw, self._norm_len = matcher.find(self.text)
        return self._kw

    def norm_offset(self, raw_index: int) -> int:
        """Where a raw-text offset (a detector match) falls in the normalised text (where
        keyword hits are): the same place unless normalising changed the text's length
        (… → ..., ﬁ → fi). Then it is mapped character by character, which is exact up to
        the rare compositions across characters, well inside any proximity window."""
        if self._norm_len == len(self.text):
            return raw_index
        if self._offsets is None:
            offsets, pos = [0], 0
            for ch in self.text:
                pos += 1 if ch.isascii() else len(normalize(ch))
                offsets.append(pos)
            self._offsets = offsets
        return self._offsets[min(raw_index, len(self.text))]

    def norm_text(self) -> str:
        if self._norm is None:
            self._norm = normalize(self.text)
            self._norm_len = len(self._norm)
        return self._norm

    def detect(self, name: str) -> list[Match]:
        found = self._det.get(name)
        if found is None:
            if self._view is None:
                self._view = detector_view(self.text)
            found = self._det[name] = detect(name, self.text, self._view)
        return found

    def grade_marker(self, start: int, end: int, disclaimers: OrgDisclaimers,
                     ours: Correspondents | None = None) -> tuple[str | None, str]:
        """Confidence of the keyword hit ``[start, end)`` (normalised offsets) as a
        confidentiality marker (:func:`rules.markers.grade`); None when it is excluded.
        ``ours``: who the organisation and the recipients are (our own mail quoted keeps its
        weight)."""
        if self._graded is None:
            self._graded = {}
        key = (start, end)
        found = self._graded.get(key)
        if found is None:
            if self._grader is None:
                text = self.text if self._norm_len == len(self.text) else self.norm_text()
                self._grader = MarkerGrader(text, self.short, ours)
            if disclaimers and self.in_org_disclaimer(start, end, disclaimers):
                found = (None, ORG_DISCLAIMER)
            else:
                found = self._grader.grade(start, end)
                if self.where == "subject" and found[0] is not None and ours is not None and \
                        ours.subject_is_theirs(self.text, self.norm_text()[start:end]):
                    found = (LOW, found[1] + ", the subject of their own mail replied to")
            self._graded[key] = found
        return found

    def in_org_disclaimer(self, start: int, end: int, disclaimers: OrgDisclaimers) -> bool:
        """Whether ``[start, end)`` lies in one of the organisation's own disclaimers.

        When the text's positions are its normalised ones (nothing in it needed normalising
        for the keyword scan) the disclaimers, which match case-insensitively, are looked for
        in the text itself: normalising every long text whole for this cost more than the
        rest of its screening. A disclaimer written in forms only normalising would fold
        (full-width letters) is then not recognised and its markers count: that error holds
        mail, it never lets mail out."""
        if self._dspans is None:
            text = self.text if self._norm_len == len(self.text) else self.norm_text()
            self._dspans = disclaimers.spans(text)
        return any(a <= start and end <= b for a, b in self._dspans)

    def regex(self, rx: re.Pattern[str], limit: int = 100) -> list[re.Match[str]]:
        key = id(rx)
        found = self._rx.get(key)
        if found is None:
            found = []
            for m in rx.finditer(self.text):
                found.append(m)
                if len(found) >= limit:
                    break
            self._rx[key] = found
        return found

    def snippet_for(self, start: int, end: int, normalized: bool = False, match: Match | None = None) -> str:
        return self.excerpt_for(start, end, normalized, match)[0]

    def excerpt_for(self, start: int, end: int, normalized: bool = False,
                    match: Match | None = None) -> tuple[str, tuple[int, int] | None]:
        """The redacted snippet around ``[start, end)`` and the match's span in it."""
        text = self.text
        if normalized and self._norm_len is not None and self._norm_len != len(self.text):
            text = self.norm_text()
        return excerpt(text, start, end, match=match)


SCOPES = ("any", "subject", "body", "attachments", "headers", "attachment_names", "names")


class State:
    """Per-message evaluation state: inputs plus lazily built, cached text units."""

    def __init__(self, message: ParsedMessage, envelope: Envelope, ctx: EvaluationContext,
                 matcher: KeywordMatcher, recipients: Sequence[str],
                 disclaimers: OrgDisclaimers | None = None) -> None:
        self.message = message
        self.disclaimers = disclaimers if disclaimers is not None else OrgDisclaimers()
        self.envelope = envelope
        self.ctx = ctx
        self.matcher = matcher
        self.recipients = list(recipients)
        self.spam_score = 0.0
        self.directions: dict[str, Direction] = {}
        self.memo: dict[int, tuple[bool, list[Evidence]]] = {}
        self._scam: dict[tuple[bool, str, bool], Assessment] = {}

    @cached_property
    def sender(self) -> str:
        return self.envelope.mail_from.strip().strip("<>").lower()

    @cached_property
    def correspondents(self) -> Correspondents:
        """The organisation (the directory) and the outside recipients, by address and by
        display name: whose quoted message is whose, for grading markers."""
        internal = self.ctx.directory.is_internal
        outside = frozenset(r.lower() for r in self.recipients if not internal(r))
        pairs = [(n, a) for n, a in self.message.recipient_pairs if not (a and internal(a))]
        # their display names, and the names their addresses spell (bob@…, bob.smith@…: "From: Bob Smith");
        # not the sender's own (a forward to one's own private mailbox is no reply to an outsider)
        own = {w for n in self.message.from_display_names for w in [n.casefold(), *re.split(r"[\s,;]+", n.casefold())]}
        own |= {w for a in self.message.from_addresses for w in re.split(r"[._+\-\d]+", a.split("@")[0])}
        names = frozenset(w for w in [n for n, _ in pairs if n] +
                          [w for _, a in pairs for w in re.split(r"[._+\-\d]+", a.split("@")[0]) if len(w) >= 3]
                          if w not in own)
        found = Correspondents(internal, names, outside)
        if core_subject(self.message.subject):  # a reply: whose subject it repeats
            subjects, labels = found.quoted_they_wrote(self.message.body_text)
            found = replace(found, their_subjects=frozenset(core_subject("re: " + s) for s in subjects),
                            their_labels=tuple(labels))
        return found

    @cached_property
    def subject_unit(self) -> Unit:
        return Unit("subject", self.message.subject, short=True)

    @cached_property
    def content_units(self) -> list[Unit]:
        # message.texts starts with the subject; reuse its unit so its caches are shared
        return [self.subject_unit] + [Unit(w, t) for w, t in self.message.texts[1:]]

    @cached_property
    def header_units(self) -> list[Unit]:
        return [Unit(f"header:{k}", v, short=True) for k, v in self.message.headers]

    @cached_property
    def name_units(self) -> list[Unit]:
        # "confidential_plan.xlsx": a name's underscores separate its words (same length, so
        # positions and evidence stay)
        # and a member's folders inside its archive name it too (files.zip/confidential/list.csv)
        # and a label's words joined by hyphens are the label (INTERNAL-USE-ONLY_fee_schedule.pdf;
        # a compound stays one: confidential-computing-whitepaper.pdf)
        return [Unit(f"attachment:{a.path}", _name_words(a.path if a.path.endswith(a.name) else a.name),
                     short=True) for a in self.message.attachments]

    def units(self, scope: str) -> list[Unit]:
        if scope == "headers":
            return self.header_units
        if scope in ("attachment_names", "names"):
            return self.name_units
        if scope == "subject":
            return [self.subject_unit]  # needs no body decoding
        units = self.content_units
        if scope == "body":
            return [u for u in units if u.where == "body"]
        if scope == "attachments":
            return [u for u in units if u.where.startswith("attachment:")]
        return self.any_units

    @cached_property
    def any_units(self) -> list[Unit]:
        """Everything a reader sees: subject, bodies, attachment texts and attachment names
        (a file called 机密.bin says as much as its content)."""
        return self.content_units + self.name_units if self.message.attachments else self.content_units

    def scam(self, inbound: bool, scope: str, anchors: dict[str, int], full: bool) -> Assessment:
        """The scam signals of the texts in ``scope`` (:mod:`rules.scams`), once per message
        and direction (mail from outside that is no reply is unsolicited). ``anchors``: the
        keyword list of each signal family's words (bounded to ``SCAN_LIMIT``: the keyword
        scan reads them over each text's start only); a text where none of them stands there
        is read for nothing but a sum of money, and only when a deadline was found."""
        key = (inbound, scope, full)
        found = self._scam.get(key)
        if found is None:
            m = self.message
            read: list[tuple[Unit, dict[str, list[tuple[int, int]]]]] = []
            unread: list[Unit] = []
            families: set[str] = set()
            joined: dict[int, str] = {}  # a text whose lines wrap mid-sentence, read joined (normalised)
            for u in self.units(scope):
                if u.short and u.where != "subject":
                    continue  # attachment names and headers: no sentences to read
                hits = u.keywords(self.matcher)
                spans = {family: [(h.start, h.end) for h in hits[lid] if h.start < SCAN_LIMIT]
                         for family, lid in anchors.items() if lid in hits}
                wrapped = _joined(u) if spans else None  # (a text with no anchor word is not read: no need)
                if wrapped is not None:  # (read joined: "refund the duplicate to their\naccount")
                    joined[id(u)], shift = wrapped
                    if shift is None:  # (normalising changed its length: its words looked up again, joined)
                        hits = self.matcher.find(joined[id(u)]).hits
                        spans = {family: [(h.start, h.end) for h in hits[lid] if h.start < SCAN_LIMIT]
                                 for family, lid in anchors.items() if lid in hits}
                    else:
                        spans = {family: [(shift(a), shift(b)) for a, b in at] for family, at in spans.items()}
                if spans:
                    read.append((u, spans))
                    families.update(f for f, at in spans.items() if at)
                else:
                    unread.append(u)
            if m.first_header("Reply-To"):  # a reply address counts as a private channel (parsed below)
                families.add("private_channel")
            if inbound and all(a.rsplit("@", 1)[-1].lower() in FREEMAIL for a in (*m.from_addresses, self.sender)):
                families.add("free_mail")  # (not a family of words: a windfall from free mail may weigh more)
            if inbound and "windfall" in families and any(w in u.norm_text()[:SCAN_LIMIT].lower() for u, _ in read
                                                          for w in DYING_WORDS):
                families.add("dying")  # (nor this: a dying benefactor's windfall may weigh more, from any domain)
            directory = self.ctx.directory  # (a stand-in may know no domains or people)
            people = [str(p.get("name", "")) for p in getattr(directory, "people", {}).values()]
            # (and the names their addresses spell: "Li Wei" <liwei.sh1984@outlook.com> for li.wei@example.com)
            people += [re.sub(r"[._]+", " ", a.split("@", 1)[0]) for a in getattr(directory, "people", {})
                       if re.search(r"[a-z][._][a-z]", a.split("@", 1)[0])]
            impersonating = impersonated(m.from_display_names, m.from_addresses, getattr(directory, "domains", ()),
                                         quoted_senders(m.body_text), people) if inbound else None
            if impersonating:
                # (the boss's title on free mail may make its own ask: the CEO fraud's opener)
                asks = impersonating.startswith(LOOK_ALIKE) or impersonating == EXECUTIVE_ON_FREEMAIL
                families.add("look_alike" if asks else "impersonation")
            # (a known brand's own secure-mail page may post home; anyone else's own domain is where a phisher's does)
            pages: list[tuple[str, str]] = []
            if any(a.page is not None for a in m.attachments):  # (most mail attaches no page: nothing to look up)
                senders = (a.rsplit("@", 1)[-1].lower() for a in (*m.from_addresses, self.sender) if "@" in a)
                brands_own = [d for d in senders if brand_owned(d)]
                pages = [(f"attachment:{a.path}", action) for a in m.attachments if a.page is not None
                         for action in [page_action(a.page, brands_own)] if action]
            for _where, action in pages:  # (a phishing page sent as a file: its form asks, its redirect lures)
                families.update({"personal_data"} if action == ASKS_PASSWORD else {"lure", "links"})
            if ("lure" in families or "impersonation" in families) and \
                    ("://" in m.body_text or b"href" in m.raw or b"HREF" in m.raw or _qr_links(m)):
                families.add("links")  # a call to act on a link, a brand worn: where the links lead may weigh
            if inbound:  # a boss's opener, a domain scare: rules.scam_templates reads them whole, anchors or none
                shaped = [u for u in unread if may_hold_template(fold_chinese(u.norm_text()[:SCAN_LIMIT]))]
                if shaped:
                    read += [(u, {}) for u in shaped]
                    unread = [u for u in unread if u not in shaped]
                if shaped or (not may_reach_medium(families) and
                              any(may_hold_template(fold_chinese(u.norm_text()[:SCAN_LIMIT])) for u, _ in read)):
                    families.add("template")
            if not full and not may_reach_medium(families):
                found = self._scam[key] = Assessment((), 0.0, None)  # nothing here can make medium
                return found
            reply_to = [a for _, a in getaddresses(m.header("Reply-To"))] if m.first_header("Reply-To") else []
            brand = impersonating if impersonating in BRANDS else None  # (a brand's name, not our own nor a look-alike)
            replying = bool(m.first_header("In-Reply-To") or m.first_header("References"))
            # (a reply to no message our people sent is no reply: a made-up References line wore that for free)
            unsolicited = inbound and (not replying or self.ctx.thread_known is False)
            read, skipped = _within_reading_bound(read)
            texts = [Text(u.where, fold_chinese(joined.get(id(u)) or u.norm_text()), spans) for u, spans in read]
            room = READ_LIMIT - sum(min(len(u.norm_text()), SCAN_LIMIT) for u, _ in read)
            found = assess(texts, senders=[*m.from_addresses, self.sender], reply_to=reply_to,
                           unsolicited=unsolicited, impersonating=impersonating, full=full,
                           unsolicited_why=MADE_UP_THREAD if replying else NOT_A_REPLY,
                           sums_in=lambda: (fold_chinese(u.norm_text()[:SCAN_LIMIT]) for u in _within(unread, room)),
                           elsewhere=lambda sign_in: self._links_elsewhere(sign_in, brand),
                           disguised_link=self._disguised_link, pages=pages)
            if skipped:  # fail closed: what the bound left unread may hold the ask
                found = past_reading_bound(found, skipped, len(read) + len(skipped))
                if UNREAD_FINDING not in m.findings:
                    m.findings.append(UNREAD_FINDING)
            self._scam[key] = found
        return found

    def _disguised_link(self) -> str | None:
        """A link of the HTML body that shows one of our own hosts and leads elsewhere, to a copy of it
        (:func:`rules.links.disguised`: oa.example.com shown over oa.example.com.weaver-oa-service.cn). The HTML is
        walked only where a body's words name a host of ours outside a mail address (most mail's do not: a
        message's walk costs a second parse)."""
        ours = [d.lower() for d in getattr(self.ctx.directory, "domains", ()) if d]
        if not ours or not any(_host_named(t, ours) for _, t in self.message.body_parts):
            return None
        _targets, shown = html_links(self.message.raw)
        return disguised(((s, t) for s, t in shown if any(s == d or s.endswith("." + d) for d in ours)), ours)

    def _links_elsewhere(self, sign_in: bool, from_brand: str | None = None) -> str | None:
        """Where the message's links lead instead of the service its subject and bodies say it comes via,
        or the brand its From line wears (:func:`rules.links.off_brand_link`); read only when a scam's
        personal-data ask or a lure is found, or the From line wears a brand."""
        m = self.message
        units = [u for u in self.content_units if u.where in ("subject", "body")]
        targets, shown = html_links(m.raw)  # an HTML body's links: where a click goes, and what it shows
        targets |= text_link_hosts(_qr_links(m))  # (a QR code's link is where the phone goes: a target no text shows)
        hosts = text_link_hosts(t for _, t in m.body_parts) | targets
        texts = [fold_chinese(u.norm_text()) for u in units]
        return off_brand_link(claimed_services(texts), hosts, m.from_addresses,
                              getattr(self.ctx.directory, "domains", ()), sign_in=sign_in, targets=targets or None,
                              from_brand=from_brand, password=any(PASSWORD.search(t) for t in texts),
                              shown=shown)

    def direction_of(self, rcpt: str) -> Direction:
        return self.directions.get(rcpt, Direction.INBOUND)


def _host_named(text: str, ours: list[str]) -> bool:
    """Whether ``text`` names one of ``ours`` as a host (oa.example.com/todo), not in a mail address."""
    low = text[:SCAN_LIMIT].lower()
    for domain in ours:
        at, seen = low.find(domain), 0
        while at >= 0 and seen < _HOSTS_READ:
            seen += 1
            before = low[at - 1] if at else " "
            end = at + len(domain)
            if before != "@" and not low.startswith("@", end) and (before in "./" or not before.isalnum()):
                # (a host of ours: the domain or a name under it, not inside another word nor in a mail address)
                head = max(low.rfind(" ", max(0, at - 64), at), low.rfind("\n", max(0, at - 64), at)) + 1
                if "@" not in low[max(head, at - 64):at]:
                    return True
            at = low.find(domain, end)
    return False


_HOSTS_READ = 50  # mentions of a domain of ours looked at per text (a thread quoting our addresses a thousand times)


# a line broken mid-sentence, as plain-text mail and a PDF's text wrap it: the line ends in a word, a figure or a
# comma and the next begins in a small letter or a figure ("kindly refund the duplicate to their\r\naccount", "paid
# within\n24 hours"); a list's or a form's next line begins with a capital or a mark and stays apart
_SOFT_WRAP = re.compile(r"(?<=[A-Za-z0-9,;)])[ \t]*\r?\n[ \t]*(?=[a-z0-9(])")


def _joined(u: Unit) -> tuple[str, Callable[[int], int] | None] | None:
    """The unit's normalised text with its soft wraps joined (:func:`_unwrapped`), and how a position of its
    normalised text moves there (None where normalising changed the text's length: its words must be found
    again); None when it has no soft wrap. The keyword scan is not run again: a phrase that a wrap split is not
    found, so the branches that read across wraps open on a single word ("refund")."""
    text = u.text
    if "\n" not in text:
        return None
    head = text[:SCAN_LIMIT * 2]
    cuts = [(m.start(), m.end()) for m in _SOFT_WRAP.finditer(head)]
    if not cuts:
        return None
    norm = u.norm_text()
    if len(norm) != len(text):
        return normalize(_unwrapped(text) or text), None
    pieces: list[str] = []
    ends: list[int] = []
    removed: list[int] = []
    last, gone = 0, 0
    for a, b in cuts:
        pieces += [norm[last:a], " "]
        gone += b - a - 1
        ends.append(b)
        removed.append(gone)
        last = b
    pieces.append(norm[last:])

    def shift(pos: int) -> int:
        n = bisect_right(ends, pos)
        return pos - (removed[n - 1] if n else 0)
    return "".join(pieces), shift


def _unwrapped(text: str) -> str | None:
    """``text`` with its soft line wraps joined by a space, or None when it has none. The scam patterns read a
    sentence as one line ("to their account", `[^.!?\\n]` spans) and the keyword scan finds a phrase only where
    one space parts its words: the sentences plain-text mail wraps at 72 columns were read in pieces."""
    if "\n" not in text:
        return None
    head = text[:SCAN_LIMIT * 2]  # (what is read of it, with room for the joins)
    whole = _SOFT_WRAP.sub(" ", head)
    return whole + text[len(head):] if whole != head else None


# the finding a message gets when its texts are more than the scam reading's bound (rules.scams.READ_LIMIT)
UNREAD_FINDING = "uninspectable: too much text to read for scams"


def _within(units: list[Unit], room: int) -> list[Unit]:
    """The first of ``units`` whose starts (``SCAN_LIMIT`` characters of each) fit in ``room`` characters."""
    kept: list[Unit] = []
    for u in units:
        room -= min(len(u.norm_text()), SCAN_LIMIT)
        if room < 0:
            break
        kept.append(u)
    return kept


def _within_reading_bound(read: list[tuple[Unit, dict[str, list[tuple[int, int]]]]]) -> tuple[
        list[tuple[Unit, dict[str, list[tuple[int, int]]]]], list[Unit]]:
    """The texts the scam reading reads, in order (subject, bodies, attachments), while their starts fit in
    :data:`rules.scams.READ_LIMIT` characters, and the units past it. Reading costs about a microsecond a
    character and more for hostile text: a 50 MB message of 2,500 anchor-laden attachments would take
    minutes of the gateway's CPU; the bound keeps any message to a few seconds."""
    kept = {id(u) for u in _within([u for u, _ in read], READ_LIMIT)}
    return [x for x in read if id(x[0]) in kept], [u for u, _ in read if id(u) not in kept]


def _qr_links(message: ParsedMessage) -> list[str]:
    """The texts of the QR codes in the message's pictures that hold a link (:mod:`rules.qr_codes`)."""
    return [a.text for a in message.attachments if a.text.startswith(QR_PREFIX) and "://" in a.text]
