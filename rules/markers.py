"""How much a confidentiality marker found in a text says: banner, running text, or noise.

The word "confidential" is on nearly every business mail, in the legal disclaimer at its
foot ("This e-mail and any attachments are confidential and intended solely for the
addressee…", "本邮件及其附件含有保密信息…"). A marker is graded where it stands:

- excluded: inside a legal disclaimer paragraph; negated ("not confidential", 不是机密,
  没有什么秘密); part of another word or term (机密性, 秘密花园, Confidential Computing, "keep
  your password confidential");
- low: quoted or talked about rather than applied (a security reminder: documents marked
  "Confidential" must not…; news about 商业机密 theft; an NDA template's defined terms);
- high: a classification banner — the subject, a header, an attachment's name, the first or
  last lines of a text, or a short line that is mostly the marker (``【机密】``, ``CONFIDENTIAL``);
- medium: in running text, said of this mail or what it carries (the attached, enclosed,
  following, this or these…, 附件, 以下, 这份…; a handling instruction such as "don't forward",
  请勿外传; the marker as a label: "Confidential:");
- low: in running text, a word in a sentence about something else (a confidential hotline,
  answers kept confidential, a confidential settlement in the news, 《硅谷的秘密》);

and one level lower below a signature separator (``-- ``) or in a quoted reply, where the
footers of earlier messages repeat. Rules choose the minimum they act on.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from rules.chinese_variants import traditional_folder
from rules.context import sentence_span
from rules.marker_layout import (
    FRAME,
    LABEL_DASH,
    banner_place,
    in_prose_quotes,
    in_term_table,
    label_lead,
    line_bounds,
    set_as_label,
)
from rules.match import HIGH, LOW, MEDIUM, raise_level

_DISCLAIMER = re.compile(
    r"intended (?:solely |only |exclusively )?for the (?:sole )?(?:use of the )?(?:addressee|recipient|named|"
    r"individual|person|entity|exclusive)|not the (?:intended|named) (?:recipient|addressee)|"
    r"may (?:also )?(?:contain|be) (?:legally )?privileged|received this (?:e-?mail|message|"
    r"communication|transmission) in error|(?:disclaimer|confidentiality notice|legal notice)\s*:|"
    r"please (?:notify the sender|delete (?:it|this (?:e-?mail|message)) (?:immediately|from your system))|"
    r"vertraulichkeitshinweis|ausschließlich für den (?:bezeichneten |genannten )?(?:adressaten|empfänger)|"
    r"nicht der (?:richtige|beabsichtigte|vorgesehene) (?:adressat|empfänger)|"
    r"[本此该](?:邮件|电邮)(?:及其|及|和|连同)?(?:任何)?附件|仅供(?:指定|预期|上述)?收件人|仅限(?:于)?收件人|"
    r"(?:如果|如|若)(?:您|你)?(?:不是|并非|非)(?:本邮件的?)?(?:指定|预期|上述|授权)?收件人|误收|错误(?:地)?收到|"
    r"请(?:您)?(?:立即|即)?(?:[^。\n]{0,8})?通知(?:发件人|寄件人)|(?:请|并)(?:您)?立即删除|删除(?:本|此|该)(?:邮件|郵件|電郵|电邮)|"
    r"免责声明|保密声明|法律声明"
)
_PROHIBITED = re.compile(r"(?:review|use|disclosure|dissemination|distribution|copying)[^.]{0,60}prohibited")
# words one of which every disclaimer above holds: a paragraph without any is not read further
_DISCLAIMER_HINTS = ("intended", "in error", "disclaimer", "notice", "prohibited", "notify", "addressee", "recipient",
                     "privileged", "邮件", "电邮", "收件人", "误收", "收到", "删除", "声明", "vertraulich", "adressat",
                     "empfänger")


_CJK_WRAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r]*\n[ \t\r]*(?=[\u3000-\u9fff\uff00-\uffef])")


def is_disclaimer(paragraph: str) -> bool:
    """Whether a paragraph is a legal disclaimer (by its wording, English, German or Chinese,
    in simplified or traditional characters; however its lines are wrapped)."""
    # (a wrapped line: "intended solely for\nthe addressee"; 本邮\n件 joined without a space)
    low = " ".join(_CJK_WRAP.sub("", fold(paragraph.casefold())).split())
    if not any(h in low for h in _DISCLAIMER_HINTS):
        return False
    return _DISCLAIMER.search(low) is not None or ("prohibited" in low and _PROHIBITED.search(low) is not None)
_NEGATION_BEFORE = re.compile(
    r"(?i)(?:\b(?:not|non|no longer|isn't|aren't|wasn't|never|nothing|none of (?:this|it|these|them) (?:is|are)|"
    # ("Nothing in the attached agenda is confidential", "nothing here is")
    # (not "nothing except the attached is", "nothing but the appendix is": those say what is)
    r"nothing (?:(?:in|on|here|of|from|about) )?(?:(?!(?:except|but|besides|save|apart|other)\b)[\w'-]+ ){0,4}"
    r"(?:is|are|was))"
    r"[\s-]*(?:(?:very|really|particularly|considered|deemed|classified as|marked as|treated as|that|so|at all|"
    r"in any way|anything|any)\s+){0,2}|"
    # ("there is no need to treat them as confidential", "they need not be kept confidential")
    r"\b(?:no need to|need not|needn't|(?:do|does) not need to|don't need to|doesn't need to)\s+(?:be\s+)?"
    r"(?:treat(?:ed)?|keep|kept|consider(?:ed)?|handled?|mark(?:ed)?)(?:\s+(?:them|it|this|these|those))?"
    r"(?:\s+as)?\s+|"
    r"(?:不是|并非|并不|不太|不属于|不算|不涉及|不含|不包含|没有什么|没什么|无任何|没有|并无|无|非|毫无|谈不上|算不上)\s*"
    r"(?:什么|任何|所谓的?)?\s*)$"
)
_COMPOUND_AFTER = re.compile(
    r"(?i)^(?:性|计算|运算|花园|花園|基地|武器|通道|情报局|[一二三四五六七八九十][：:]|"
    r"[\s_\-]*(?:computing|compute|vms?|containers?|space|ledger|"
    r"transactions?|clients?|consortium|gke|nodes?|informants?|disclosure (?:agreements?|undertakings?)|"
    # a job title ("Confidential Secretary to the CEO", 機要秘書's English name)
    r"(?:secretary|secretaries)(?! (?:notes?|minutes|files?|reports?|papers?|memos?|documents?|records?|drafts?))|"
    # records management (confidential waste is paper for the shredder) and software settings
    # (an issue's "confidential" flag; "confidential fields" or "parameters" may be the deal's own)
    r"waste|shredding|shred|destruction|disposal|bins?|sacks?|consoles?|flags?|checkbox(?:es)?|toggles?|"
    r"(?:documents?|papers?|files?|records?|media|materials?) (?:shredding|shred|destruction|disposal|bins?)|"
    # a definition of the term in an agreement ("Confidential Information means …")
    r"information (?:means|shall mean|includes|refers to|is defined))\b|"
    # (机密文件销毁: paper for the shredder; 仅限内部员工参加: who may come to an event)
    r"(?:文件|资料|档案|纸张)?(?:上门)?(?:销毁|粉碎|碎纸)|"
    r"(?:员工|同事)(?:及家属)?(?:参加|报名|入场|购买|选购)|"
    # keep your own password secret (注意保密您的登录密码): advice on the reader's credentials
    r"(?:好)?(?:您的|你的|个人)?(?:登录|账户|账号|帐号)?(?:密码|口令|验证码))"
)
# what was confidential until a day now past ("the draft was confidential until publication; this is public")
_WAS_BEFORE = re.compile(r"(?i)\b(?:was|were|had been|remained)\s+(?:\w+\s+)?$|(?:曾|此前|之前)[^。\n]{0,6}$")
_UNTIL_AFTER = re.compile(r"(?i)\s*(?:until|till|up to|prior to|before)\s+(?:the\s+|its\s+|today|now|this|publication|"
                          r"release|announcement|launch)|\s*(?:至|直到)")
# a promise that something will be kept confidential, not a label on what is sent: 您的回答将被严格保密,
# "your answers will be kept strictly confidential"
_PROMISE_BEFORE = re.compile(r"(?i)(?:将|会|均将|都会|一律|承诺)(?:被|予以)?\s*$|"
                             r"(?:我们|我方|我司|本公司)(?:一定|会|将|均将|都会|也会)?\s*$|"
                             r"\b(?:will|shall) be (?:kept|treated|held) (?:\w+ )?$|"
                             r"\b(?:we|we'll|we will|i will|i'll)\b[^.\n]{0,60}\b(?:keep|treat|hold)\b[^.\n]{0,60}$")
# a promise or an instruction about keeping something confidential, not a label on this mail
_COMPOUND_BEFORE = re.compile(
    r"(?i)(?:keep|kept|keeping|keeps|remain|remains|treat|treated|held|hold)\s+"
    r"(?:(?:your|the|their|all|such|any|our|personal|customer|client|customers'|clients')\s+)*"
    r"(?:(?:login|log-in|sign-in|account|portal|user)\s+)?"
    r"(?:passwords?|pins?|passcodes?|credentials?|login details|one-time codes?|personal data|data|information|"
    r"details|records)\s+(?:strictly\s+)?$"
    r"|(?:小|公开的|不是什么|有什么)$"   # 小秘密, 公开的秘密: figures of speech
    r"|(?:[一二三四五六七八九十几两\d]+|哪些|几)个\s*[“\"「『]?$"   # 冷链运输的三个“秘密”: a feature's headline
    # leave given to circulate within the reader's own company (均可在贵司内部传阅): ours to share, no restriction
    # (not 仅可在贵司内部传阅: only there, which is the restriction)
    r"|(?<![仅只])(?:可|可以|均可|都可以|欢迎)(?:在|于)(?:贵司|贵公司|贵方|贵单位|你司|你们公司|你们)$"
)
# the marker is what a sentence talks about: "documents labelled CONFIDENTIAL, STRICTLY
# CONFIDENTIAL or INTERNAL ONLY must…", 标有“机密”“绝密”字样, news of 窃取商业机密
# (labels of up to three words; the last one may lead into the marker: STRICTLY CONFIDENTIAL, 内部机密)
_LIST_EN = (r"(?:[\"'“‘]?(?:[A-Za-z]+(?: [A-Za-z]+){0,2}|[\u4e00-\u9fff]{1,6})[\"'”’]?(?:, | or | and |, or |/|、|，))*"
            r"(?:[\"'“‘]?[A-Za-z]+ |[\u4e00-\u9fff]{1,3})?")
_LIST_ZH = r"(?:[“\"「『][^”\"」』\n]{1,8}[”\"」』]\s*(?:[、，,和或及/]|or|and)?\s*)*"
_TOPIC = re.compile(
    r"(?i)(?:marked|labell?ed|labels?(?: (?:documents?|files?|them|it))?|classified as|stamped|tagged|"
    r"the words?|such as|e\.g\.|theft of|stealing|misappropriat\w+ of|claiming to be|claims to be|so-called|"
    r"licen[cs]ed\s*[\"'“‘](?:for|as)?|what (?:is|are|counts as|makes)|什么是|什么叫|何为|何谓|"
    r"是否构成|是否属于|"
    r"标有|标注为|标为|标注|标记为|标记|注明|带有|侵犯|窃取|盗窃|涉嫌|泄露了?|保护|关于)\s*"
    r"(?:" + _LIST_EN + r"|" + _LIST_ZH + r")[\"'“‘「『《【(（]?\s*$"
)
# the labels listed after a colon: "the right label: PUBLIC, INTERNAL USE ONLY, CONFIDENTIAL or
# STRICTLY CONFIDENTIAL", 同样的密级（内部资料 / 机密 / 绝密）; one label after the colon is the
# label itself (Sensitivity label: Confidential, 密级：机密), so a list must be before or after it
_LABEL_LIST_LEAD = re.compile(
    r"(?i)(?:labels?|levels?|categories|classifications?|markings?|密级|等级|级别|分级|标签|"
    r"(?:分为|分成)[\u4e00-\u9fff\d]{0,3}(?:级|类|档))"
    r"(?:[\u4e00-\u9fff]{0,4}|(?: \w+){0,8})\s*[:：(（]\s*"
    r"((?:[\"'“‘]?[A-Za-z]+(?: [A-Za-z]+){0,2}[\"'”’]?(?:, | or | and |, or |\s?/\s?))+(?:[A-Za-z]+ )?|"
    r"(?:[\u4e00-\u9fff]{1,6}\s*[、，,/]\s*)+)?$")
# another label after it (not another field: 密级：机密，保密期限：五年; "Internal Use Only / Do not forward")
_LABEL_WORD = (r"(?:strictly |highly |company )?(?:public|internal|restricted|confidential|secret|sensitive)\b|"
               r"公开|内部|秘密|机密|绝密")
_LIST_FOLLOWS = re.compile(r"\s*(?:,|、|，|/|\bor\b|\band\b|或|和)\s*[\"'“‘]?(?i:" + _LABEL_WORD + ")")


# one item of a list of classification levels, each defined ("- 机密：价格、成本", "Confidential: pricing, costs")
_LEVEL_NAME = (r"(?im)^[ \t>]*(?:[-*•·]|\d{1,2}[.、)）])?[ \t]*[\"“「【\[]?"
               r"(?P<level>公开|内部|秘密|机密|绝密|核心|普通|一般|public|internal(?: use)?(?: only)?|confidential|"
               r"restricted|secret|top secret|highly confidential|strictly confidential)[\"”」】\]]?[ \t]*")
_LEVEL_ITEM = re.compile(_LEVEL_NAME + r"[:：（(]")
# (or with a dash, "CONFIDENTIAL – patient data, contracts": read so only in a run of three naming two levels or more,
# none of them a handling instruction - two banners stacked, "CONFIDENTIAL – do not forward\nRESTRICTED – board
# only", label a document, and so do three lines each "CONFIDENTIAL – …", an index of marked documents)
_LEVEL_DASH_ITEM = re.compile(_LEVEL_NAME + r"[–—-][ \t]+(?!(?:do not|don't|not for|not to be|for |only\b|board|"
                              r"internal|restricted|strictly|请勿|不得|禁止|仅限|仅供|严禁))")


def _line_at(text: str, start: int) -> tuple[int, int]:
    end = text.find("\n", start)
    return start, len(text) if end < 0 else end


def _in_a_list_of_levels(text: str, pos: int) -> bool:
    """Whether the marker heads an item of a list of levels, one defined per line: its own line
    and the one above or below it each start with a level and its definition (a training's
    outline of the scheme labels nothing); with a dash, three such lines in a row."""
    ls = text.rfind("\n", 0, pos) + 1
    ls, le = _line_at(text, ls)
    above = text.rfind("\n", 0, max(0, ls - 1)) + 1
    below = _line_at(text, le + 1) if le < len(text) else None
    if _LEVEL_ITEM.match(text, ls, le):
        return (ls > 0 and _LEVEL_ITEM.match(text, above, ls) is not None) or \
            (below is not None and _LEVEL_ITEM.match(text, *below) is not None)
    if not _LEVEL_DASH_ITEM.match(text, ls, le):
        return False
    lines = [(ls, le)]
    for _ in range(2):  # (two above, then two below)
        first = lines[0][0]
        if first == 0:
            break
        prev = _line_at(text, text.rfind("\n", 0, first - 1) + 1)
        if not _LEVEL_DASH_ITEM.match(text, *prev):
            break
        lines.insert(0, prev)
    for _ in range(2):
        last = lines[-1][1]
        if last >= len(text):
            break
        nxt = _line_at(text, last + 1)
        if not _LEVEL_DASH_ITEM.match(text, *nxt):
            break
        lines.append(nxt)
    levels = {m.group("level").casefold() for a, b in lines for m in [_LEVEL_DASH_ITEM.match(text, a, b)] if m}
    return len(lines) >= 3 and len(levels) >= 2


def _listed_label(text: str, start: int, end: int) -> bool:
    """Whether the marker is one of several labels listed after a colon (:data:`_LABEL_LIST_LEAD`):
    a label listed before it, or another label after it."""
    item = start  # (the list's item may begin before the marker: 请勿外传 holds 勿外传)
    while item > start - 6 and item > 0 and "\u4e00" <= text[item - 1] <= "\u9fff":
        item -= 1
    lead = _LABEL_LIST_LEAD.search(text, max(0, item - 80), item)
    return lead is not None and (bool(lead.group(1)) or _LIST_FOLLOWS.match(text, end) is not None)


_TOPIC_AFTER = re.compile(
    # (a definition's subject: 商业秘密是企业的核心竞争力, 机密是指…; not 机密，是否可以外发)
    r"(?i)^(?:保护|案|罪|纠纷|诉讼|法|侵权|判决|司法解释|司法|民事|刑事|犯罪|案例|判例|立法|条例|是(?!否)|"
    r"的?(?:认定|定义|界定|构成|概念|含义|分类|种类|类型|要件|特征|判断|识别|管理(?:制度|办法|规定)|条款|规定|相关规定)|"
    r"的(?:关系|条件|案件|纠纷|判决|保护)|"
    r"\s*(?:theft|case|law|laws|lawsuit|litigation|protection|definitions?|"
    r"misappropriation|dispute|verdicts?|rulings?|judge?ments?|suits?|infringements?|courts?)\b|"
    # a licence's or a contract's term in quotes: "the 'internal use only' licence scope"
    r"[\"'”’]\s*(?:licen[cs]es?|clauses?|provisions?|scope)\b|"
    r"(?:[”\"」』]\s*[、，,和或及]?\s*[“\"「『][^”\"」』\n]{1,8})*[”\"'’」』》]?\s*(?:字样|标识|标记|labels?|markings?)|"
    # (the words themselves: "绝密""机密"两个词, “机密”一词)
    r"(?:[”\"」』]\s*[、，,和或及]?\s*[“\"「『][^”\"」』\n]{1,8})*[”\"」』]\s*(?:[两三几这那一]个?)?(?:词|字眼|术语|词语|说法))"
)
_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_QUOTED_SENDER = re.compile(r"(?im)^[ \t>]*(?:from|发件人|寄件者|寄件人)[ \t]*[:：][ \t]*([^\n<>]{1,80})")


def _names(name: str, text: str) -> bool:
    """Whether ``text`` names ``name``: as a word where it is ASCII ("Li" is not in "client")."""
    if len(name) < 2:
        return False
    if name.isascii():
        return re.search(r"(?<![a-z0-9])" + re.escape(name) + r"(?![a-z0-9])", text) is not None
    return name in text


@dataclass(frozen=True)
class Correspondents:
    """Who a mail is between, for telling whose quoted message is whose: ``is_ours`` says
    whether an address is the organisation's (the directory's); ``their_names`` and
    ``their_addresses`` are the display names and addresses of the mail's outside
    recipients (casefolded)."""

    is_ours: Callable[[str], bool]
    their_names: frozenset[str] = frozenset()
    their_addresses: frozenset[str] = frozenset()
    # the subjects (core_subject) of the quoted messages the recipients wrote, in this mail's
    # body, and the text of those messages (casefolded)
    their_subjects: frozenset[str] = frozenset()
    their_labels: tuple[str, ...] = ()

    def subject_is_theirs(self, subject: str, marker: str) -> bool:
        """Whether ``subject`` is a reply ("RE: …", 回复：…) to a message the recipients wrote,
        quoted below, whose subject it repeats or whose own label line carries the same
        ``marker`` (their label on their own message, as "On …, Rachel wrote: > NEXAPLAY
        CONFIDENTIAL"; not a word in their footer: a label new in our subject is ours)."""
        core = core_subject(subject)
        if not core:
            return False
        if core in self.their_subjects:
            return True
        low = marker.casefold()
        return any(low in line for line in self.their_labels)

    def wrote(self, header: str) -> bool:
        """Whether the reply header ``header`` introduces a message one of our people wrote
        that this mail's recipients have not seen: its sender's line names one of our
        addresses ("From: Dave <dave@example.com>", "On …, dave@example.com wrote:") or names
        its sender without an address, as Outlook writes a colleague ("发件人： 吴敏"), in a
        header naming no address at all; and
        none of this mail's recipients, by address or name, is in the header (a partner's own
        mail quoted back to them, or our earlier mail to them, is theirs already)."""
        low = header.casefold()
        if any(a in low for a in self.their_addresses) or any(_names(n, low) for n in self.their_names):
            return False  # it went to (or came from) this mail's recipients already: theirs to see
        sender = _QUOTED_SENDER.search(header)
        if sender is not None:  # "From: Name <address>" / "发件人： 吴敏": the sender's own line
            line = header[sender.start():header.find("\n", sender.start()) % (len(header) + 1)]
            address = _ADDRESS.search(line)
            if address is not None:
                return self.is_ours(address.group())
            # a name alone, and no address anywhere in the header: Outlook's colleague ("发件人： 吴敏",
            # "收件人： 孙浩; 陈静"); a header naming an address beside a bare name may be anyone's
            return bool(sender.group(1).strip().strip("\"'")) and _ADDRESS.search(header) is None
        address = _ADDRESS.search(header)  # "On …, dave@example.com wrote:"
        return address is not None and self.is_ours(address.group())

    def written_by_them(self, header: str) -> bool:
        """Whether the reply header ``header`` introduces a message this mail's outside
        recipients wrote: its sender's line ("From: Martin Cho <martin@harbourtrust…>", "发件人:
        李经理", "On …, Martin Cho wrote:") names one of them by address or display name. Their
        own marked mail quoted back to them tells them nothing they did not write."""
        sender = _QUOTED_SENDER.search(header)
        if sender is not None:
            line = header[sender.start():header.find("\n", sender.start()) % (len(header) + 1)]
        else:
            wrote = _WROTE_LINE.search(header)
            if wrote is None:
                return False
            line = wrote.group()
        low = line.casefold()
        address = _ADDRESS.search(line)
        if address is not None:  # an address decides alone (a colleague may share a recipient's name)
            return address.group().casefold() in self.their_addresses
        return any(_names(n, low) for n in self.their_names)

    def quoted_they_wrote(self, text: str) -> tuple[list[str], list[str]]:
        """The subject lines and the label lines (short lines of their own: "CONFIDENTIAL -
        HARBOUR TRUST", 【机密】; casefolded) of the quoted messages in ``text`` that this mail's
        recipients wrote (a reply's subject repeats theirs: "RE: CONFIDENTIAL - term sheet"),
        each message read up to the next reply header (at most 5,000 characters)."""
        subjects, labels = [], []
        heads = [m.start() for m in _QUOTE_HEADER.finditer(text, 0, 200_000)]
        for i, at in enumerate(heads):
            if not self.written_by_them(text[at:at + 400]):
                continue
            end = min(heads[i + 1] if i + 1 < len(heads) else len(text), at + 5000)
            subject = _QUOTED_SUBJECT.search(text, at, min(end, at + 800))
            if subject is not None:
                subjects.append(" ".join(subject.group(1).split()).casefold())
            for line in text[at:end].split("\n"):
                label = line.strip(FRAME + ">").strip().rstrip("。.")
                if label and len(label) <= 60 and not _SAYS_SOMETHING.search(label):
                    labels.append(label.casefold())
                elif label:  # a label heading a line: 【机密】以下为我所的初步意见…
                    labels.append(line.strip(" \t>").casefold()[:12])
        return subjects, labels


# a line that says something (a sentence), not a label: 本邮件内容属机密, "this email is confidential"
_SAYS_SOMETHING = re.compile(r"(?i)[。！？!?，,]|属|是|为|请|本邮件|此邮件|\b(?:is|are|this|please|these)\b")
_WROTE_LINE = re.compile(r"(?im)^[ \t>]*on .{5,200} wrote:|^.{0,120}(?:写道|寫道)[:：]")
_QUOTED_SUBJECT = re.compile(r"(?im)^[ \t>]*(?:subject|主题|主旨|標題|标题)[ \t]*[:：][ \t]*(.{1,200})$")
_REPLY_PREFIX = re.compile(r"(?i)^(?:\s*(?:re|aw|sv|antw|vs|回复|答复|回覆|答覆)\s*(?:\[\d+\])?\s*[:：])+\s*")


def core_subject(subject: str) -> str:
    """A subject without its reply prefixes ("RE: 回复: …"), whitespace collapsed, casefolded;
    empty when it is no reply."""
    m = _REPLY_PREFIX.match(subject)
    return " ".join(subject[m.end():].split()).casefold() if m else ""
_NDA = re.compile(r"(?i)disclosing party|receiving party|non-disclosure agreement|保密协议|披露方|接收方")
# (a header may stand quoted itself, "> On …, Rachel wrote:", as an HTML reply's blockquote comes out)
_QUOTE_HEADER = re.compile(r"(?im)^[ \t>]*(?:-{2,} ?original message ?-{2,}|-{2,} ?原始邮件 ?-{2,}|on .{5,200} wrote:|"
                           r".{5,200}(?:写道|寫道)[:：]|"
                           r"(?:from|发件人|寄件者)\s*[:：].*\n(?:[ \t>]*.*\n){0,2}"
                           r"[ \t>]*.*(?:sent|date|发送时间|日期)\s*[:：]|"
                           r"_{20,})")


# What makes a marker in running text say something about this mail: the sentence points at
# what the mail carries, tells the reader how to handle it, or the marker labels what follows.
_APPLIED = re.compile(
    r"(?i)\b(?:attached|attachment|enclosed|enclosing|below|following|herein|hereby|here (?:is|are)|here's|"
    r"sending you|send you|find (?:attached|enclosed|below)|"
    r"(?:this|these) (?:e-?mails?|messages?|mail|documents?|files?|decks?|drafts?|reports?|memos?|sheets?|"
    r"spreadsheets?|lists?|information|data|presentations?|packs?|notes?|threads?|versions?|proposals?|plans?|letters?|figures?|"
    r"numbers?|prices?|pricing|quotes?|quotations?|slides?|materials?|terms|details|contents?)|"
    r"(?:keep|keeping|treat|treating|consider|handle|hold) (?:this|these|it|them)\b|"
    r"anbei|beigefügt|\bhier (?:die|das|der|sind|ist)\b|bitte nicht (?:weiterleiten|weitergeben|an dritte)|"
    r"nur für (?:sie|dich|ihre augen)|"
    r"(?:do not|don't|must not|mustn't|should not|please don't|not to|never) (?:be )?(?:share|shared|forward|forwarded|"
    r"distribute|distributed|circulate|circulated|disclose|disclosed|pass|passed|discuss|show|shown)\b|"
    r"keep (?:it|this|them) to yourself|for your eyes only|between (?:us|ourselves|the two of us)|"
    r"delete (?:it|this|them) after|"
    r"not for (?:distribution|circulation|forwarding|publication|attribution)|internal (?:use )?only|"
    r"off the record|embargo(?:ed)?|"
    r"(?:do not|don't|must not|please don't) (?:use|publish|quote|cite|release|print|repeat)\b|"
    r"before (?:the|our) (?:official )?(?:announcement|release|publication)|"
    r"until (?:we|it is|it's|they are|they're|this is) (?:publicly )?(?:announce|announced|publish|published|"
    r"release|released|public|made public|out)\b|until (?:the |our )?(?:official )?(?:announcement|release|"
    r"publication|launch)\b)|"
    r"附件|附上|随附|附表|以下|下面|如下|本邮件|本文件|此邮件|此文件|该文件|这份|这封|这些|此文档|本文档|本资料|本方案|"
    r"本报告|发你的|发给你的|给你的|"
    r"(?:请勿|不要|不得|严禁|禁止|切勿|别|勿)(?:对外)?(?:外传|转发|转给|外泄|透露|泄露|告诉|扩散|传阅)|阅后(?:即)?删除|"
    r"看完(?:请|后)?删除|仅供(?:你|您|贵司|贵方)?(?:内部)?参考|注意保密|仅限内部|内部使用|"
    r"(?:请|务必|一定要?|千万要?)(?:您|你)?(?:这边|那边)?(?:严格|绝对|一定|务必)?(?:注意)?保密|请(?:对此|替我)保密|"
    r"不得引用|请勿(?:公开|引用|发表)|不要(?:公开|引用|发表)|暂不对外|(?:公布|发布|官宣)前|"
    r"你知我知|(?:千万|一定)?(?:别|不要)(?:说|讲|传)出去|仅限你我"
)
# "this is confidential", "it's strictly confidential", 这是机密: the marker is said of "this"
_PREDICATE = re.compile(r"(?i)(?:\b(?:this|these|it|they)(?: \w+){0,2} (?:is|are|'s|'re|remains?|stays?|must stay) "
                        r"(?:\w+ )?(?:\w+ ?[/／] ?)?|"
                        # (an instruction to keep it so: "this must be kept confidential until the announcement")
                        r"\b(?:must|should|shall|is to|are to|has to|have to)\s+be\s+(?:kept|treated\s+as|handled\s+as|"
                        r"regarded\s+as|considered)\s+(?:\w+\s+)?|"
                        r"(?:这|此|本)(?:个|些|份|封)?(?:都)?(?:是|属于|为)|(?:这|此|本)[^\n，。！？]{1,6}?(?:属于|属|为)|"
                        r"(?:须|必须|应|应当|务必)(?:按|作为|视为|当作))[\"“「]?(?:商业|商業|公司|严格|高度)?$")


_SENTENCE_END = re.compile(r"[!?。！？\n;；]|\.(?!\d)")


def _applied(text: str, start: int, end: int) -> bool:
    """Whether the sentence holding the marker says it of this mail (see ``_APPLIED``), or
    the marker labels what follows it ("Confidential: …", 机密：…)."""
    if text[end:end + 3].lstrip(" )]）】")[:1] in (":", "："):
        return True  # ("Confidential:", "vertraulich (CONFIDENTIAL):")
    if LABEL_DASH.match(text, end) and not label_lead(text, line_bounds(text, start)[0], start, end):
        return True  # it heads its line: "绝密 —— 收购方案要点", "Confidential - Project Heron terms"
    if _FILE_LABELLED.search(text, max(line_bounds(text, start)[0], start - 200), start):
        return True  # a listed file's label: "Pricing schedule v3.pdf (Confidential)", "Board pack.pdf - "Internal""
    s, e = sentence_span(text, start, end, _SENTENCE_END)
    if _APPLIED.search(text, s, e) is not None or _APPLIED.search(text[start:end]) is not None or \
            _PREDICATE.search(text[s:start]) is not None:
        return True
    # (a sentence wrapped before the marker: "As agreed, this must be kept\r\nconfidential until …")
    before = text[max(0, start - 120):start]
    ends = [m.end() for m in _PROSE_END.finditer(before)]
    return _PREDICATE.search(re.sub(r"\s+", " ", before[ends[-1] if ends else 0:])) is not None


# a file's name right before the marker, the label set on it: "v3.pdf (Confidential)", "deck.pptx - "Strictly"
_FILE_LABELLED = re.compile(r"(?i)\S\.(?:pdf|docx?|xlsx?|xlsm|pptx?|csv|zip|rar|7z|txt|rtf|odt|ods|dwg|eml|msg)"
                            r"[ \t]*(?:[(（\[【][ \t]*|[-–—:：|][ \t]*[\"“「]?)(?:strictly |highly |company )?$")
# the end of a prose sentence (a line break is none: a disclaimer is wrapped mid-sentence)
_PROSE_END = re.compile(r"[!?。！？;；]|\.(?!\d)|\n[ \t\r]*\n")
# a disclaimer speaks of the mail in general: "this e-mail", "the information contained", 本邮件
_MAIL_IN_GENERAL = re.compile(
    r"(?i)\b(?:this|the|such) (?:e-?mail|message|communication|transmission|correspondence)s?\b|"
    r"\bthe information (?:contained|in|transmitted|herein)|\b(?:any|its) attachments?\b|contents? of this\b|"
    r"[本此该这](?:封)?(?:邮件|电邮|信息|讯息|通讯|郵件|電郵)|邮件(?:及其?|和)?(?:任何)?(?:附件|内容)|所(?:含|载)(?:的)?信息")


# what a writer sends, named ("Attached are the Q4 salary figures", 附件是…): a footer's "Please
# treat this as confidential" names nothing and stays part of its disclaimer
_CONTENT_NAMED = re.compile(
    r"(?i)\b(?:attached|attachments? (?:is|are|has|have)|enclosed|below|following|here (?:is|are)|here's|sending you|"
    r"(?:these|those|the) (?:\w+ )?(?:documents?|files?|decks?|drafts?|reports?|figures|numbers|prices|pricing|quotes?|"
    r"plans?|slides|terms|results|lists?|minutes|salar(?:y|ies)))\b|附件[是为中里]|附上|随附|以下|如下|这份|这些|上述")


def _marked_beside_disclaimer(text: str, start: int, end: int) -> bool:
    """Whether a marker in a paragraph read as a disclaimer is the writer's own, applied to
    what they send: its sentence applies it (``_applied``: "the Q4 salary figures -
    confidential, for your eyes only", 附件…请严格保密) and speaks neither of the mail in
    general nor as a disclaimer does, though a disclaimer-like sentence shares its paragraph
    ("If you received this message in error please let me know")."""
    s, e = sentence_span(text, start, end, _PROSE_END, reach=300)
    sentence = text[s:e]
    return _CONTENT_NAMED.search(sentence) is not None and _MAIL_IN_GENERAL.search(sentence) is None and \
        not is_disclaimer(sentence) and _applied(text, start, end)


_FOLD: Callable[[str], str] | None = None


def fold(text: str) -> str:
    """``text`` with the traditional spellings of the characters the patterns of this module
    are written in replaced by the simplified ones (same length: positions hold)."""
    global _FOLD
    if text.isascii():
        return text
    if _FOLD is None:
        patterns = (_DISCLAIMER, _NEGATION_BEFORE, _COMPOUND_AFTER, _COMPOUND_BEFORE, _TOPIC, _TOPIC_AFTER, _NDA,
                    _QUOTE_HEADER, _APPLIED, _PREDICATE, _MAIL_IN_GENERAL, _CONTENT_NAMED)
        _FOLD = traditional_folder("".join(p.pattern for p in patterns) + "".join(_DISCLAIMER_HINTS))
    return _FOLD(text)


_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


def _paragraph(text: str, pos: int) -> tuple[int, int]:
    """The paragraph holding ``pos``: between blank lines (CRLF or LF), at most 1,500
    characters either way."""
    lo = max(0, pos - 1500)
    start = lo
    for m in _BLANK_LINE.finditer(text, lo, pos):
        start = m.end()
    m = _BLANK_LINE.search(text, pos, pos + 1500)
    return start, m.start() if m else min(len(text), pos + 1500)


class MarkerGrader:
    """Grades the markers of one text; what is shared between them (where the quoted part
    begins, which paragraphs are disclaimers) is worked out once."""

    def __init__(self, text: str, short: bool = False, ours: Correspondents | None = None) -> None:
        self.text = fold(text)
        self.short = short  # a subject, a header, a name: the unit is the banner
        self._ours = ours  # who is the organisation and who the mail goes to
        self._quote_headers: list[int] | None = None
        self._footer: int | None = None
        self._disclaimer: dict[tuple[int, int], bool] = {}
        self._nda: bool | None = None

    def footer_start(self) -> int:
        """Where the part below a signature separator or under a reply header begins."""
        if self._footer is None:
            t = self.text
            cut = [len(t)]
            sig = t.find("\n-- \n")
            if sig >= 0 or t.startswith("-- \n"):
                cut.append(max(sig, 0))
            q = _QUOTE_HEADER.search(t)
            if q is not None:
                cut.append(q.start())
            self._footer = min(cut)
        return self._footer

    def _reply_header_above(self, pos: int, reach: int) -> str | None:
        """The nearest reply header above ``pos`` (at most ``reach`` characters of it, not past
        ``pos``), or None when ``pos`` is in no quoted message or nobody is known."""
        if self._ours is None:
            return None
        if self._quote_headers is None:
            self._quote_headers = [m.start() for m in _QUOTE_HEADER.finditer(self.text)]
        at = bisect_right(self._quote_headers, pos) - 1
        if at < 0:
            return None
        head = self._quote_headers[at]
        return self.text[head:min(pos, head + reach)]

    def quoted_from_us(self, pos: int) -> bool:
        """Whether ``pos`` lies in a quoted message that one of our own people wrote, by the
        nearest reply header above it (:meth:`Correspondents.wrote`). Another company's
        quoted mail is weighted down; our own internal thread quoted to an outsider is what
        leaks."""
        header = self._reply_header_above(pos, 600)
        return header is not None and self._ours is not None and self._ours.wrote(header)

    def quoted_from_them(self, pos: int) -> bool:
        """Whether ``pos`` lies in a quoted message this mail's recipients wrote
        (:meth:`Correspondents.written_by_them`), by the nearest reply header above it."""
        header = self._reply_header_above(pos, 400)
        return header is not None and self._ours is not None and self._ours.written_by_them(header)

    def in_disclaimer(self, pos: int) -> bool:
        span = _paragraph(self.text, pos)
        found = self._disclaimer.get(span)
        if found is None:
            found = self._disclaimer[span] = is_disclaimer(self.text[span[0]:span[1]])
        return found

    def _set_nda(self) -> bool:
        self._nda = _NDA.search(self.text, 0, 5000) is not None
        return self._nda

    def grade(self, start: int, end: int) -> tuple[str | None, str]:
        """The confidence of the marker at ``[start, end)`` and why; None when the marker is
        excluded (a disclaimer, a negation, part of another term)."""
        text = self.text
        if text[start:end].casefold() in _BARE_LEVELS and not set_as_label(text, start, end):
            return None, "the word, not a label (internal audit, 内部审核)"
        before = text[max(0, start - 40):start]
        after = text[end:end + 30]
        if start >= 2 and text[start - 1] == "." and text[start - 2].isascii() and \
                (text[start - 2].isalnum() or text[start - 2] == "_"):
            return None, "a name in code (metadata.confidential, a field of an object)"
        if _NEGATION_BEFORE.search(before):
            return None, "negated"
        if _WAS_BEFORE.search(before) and _UNTIL_AFTER.match(text, end):
            return LOW, "confidential until then, no longer (was confidential until publication)"
        if _PROMISE_BEFORE.search(text, max(text.rfind("\n", 0, start) + 1, start - 120), start):
            return LOW, "a promise to keep it (您的回答将被严格保密)"
        ls = text.rfind("\n", 0, start) + 1
        le = text.find("\n", end)
        applied_in_quotes = _PREDICATE.search(text[max(ls, start - 40):start]) is not None  # 本文件列为「机密」
        if not applied_in_quotes and (text.count("“", ls, start) > text.count("”", ls, start) or
                                      text.count("「", ls, start) > text.count("」", ls, start)) or \
                in_prose_quotes(text, ls, start, end, le if le >= 0 else len(text)):
            return LOW, "in quotation marks (副标题用“你知我知…”, subjects like \"CONFIDENTIAL - urgent payment\")"
        qualified = text[start:end].lower().startswith(("strictly", "highly"))  # no "strictly confidential waste"
        if (_COMPOUND_AFTER.search(after) and not qualified) or _COMPOUND_BEFORE.search(text[max(0, start - 60):start]):
            return None, "part of another term"
        topic = _TOPIC.search(text[max(0, start - 80):start]) or _TOPIC_AFTER.search(after) or \
            _listed_label(text, start, end) or _in_a_list_of_levels(text, start) or in_term_table(text, start)
        if self.short:
            if not topic and _HANDLING.search(text, max(0, start - 40), start):
                return LOW, "a kind of data a title speaks of (Handling confidential data at scale)"
            return (LOW, "talked about") if topic else (HIGH, "banner (subject, header or name)")
        banner = banner_place(text, start, end)
        if banner != "a line of its own" and self.in_disclaimer(start) and \
                not _marked_beside_disclaimer(text, start, end):
            return None, "legal disclaimer"
        if topic:
            level, why = LOW, "quoted or talked about"
        elif banner is not None:
            level, why = HIGH, f"banner ({banner})"
        elif self._nda if self._nda is not None else self._set_nda():
            level, why = LOW, "agreement template wording"
        elif _applied(text, start, end):
            level, why = MEDIUM, "running text about this mail"
        else:
            level, why = LOW, "running text about something else"
        ls = text.rfind("\n", 0, start) + 1
        if start >= self.footer_start() or text.startswith(">", ls):
            if self.quoted_from_us(start):
                why += ", in our own mail quoted"
            elif self.quoted_from_them(start):
                level, why = LOW, why + ", in their own mail quoted back to them"
            else:
                level, why = raise_level(level, -1), why + ", in a quoted reply or below a signature"
        return level, why


# a subject or a name that speaks of the care of such data, as a talk's or a course's title does: "Handling
# confidential payroll data at scale", "How to store confidential files"; no label ("Sharing confidential
# figures" is no title of that kind: the mail may be doing it)
_HANDLING = re.compile(r"(?i)\b(?:handling|protecting|managing|securing|storing|classifying|labell?ing|"
                       r"disposing of|safeguarding|encrypting|"
                       r"how to (?:handle|protect|manage|secure|store|classify|label|dispose of)|"
                       r"best practices for|guidelines? (?:for|on))\s+(?:of\s+)?"
                       r"(?:the\s+|our\s+|your\s+|customers?'?\s+|sensitive(?: and)?\s+)?$")


# levels that are everyday words too ("internal audit", "the secret of good coatings"): a label only
# where set as one
_BARE_LEVELS = frozenset({"internal", "secret"})


def grade(text: str, start: int, end: int, short_unit: bool = False,
          ours: Correspondents | None = None) -> tuple[str | None, str]:
    """:meth:`MarkerGrader.grade` for one marker."""
    return MarkerGrader(text, short_unit, ours).grade(start, end)
