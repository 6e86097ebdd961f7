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
- ``payment``: a payment asked in a text that gives the account to pay (every invoice's ask: half a
  point, and only what stands beside it makes the scam);
- ``personal_data``: a request for bank or card details, codes, identity numbers, or
  several personal particulars at once (a sentence that says it will *never* ask is none),
  the reader's account to verify or unlock ("verify your Apple ID", 验证您的账户), a
  remote-control tool to install (AnyDesk, 向日葵), or a number to call about a charge the
  reader did not make (the callback lure: "If you did not authorise this, call +852 3008 6721"), or an
  attached web page's sign-in form (:mod:`rules.attached_pages`; a page that redirects is a lure);
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
- ``befriend``: a stranger's mail that confesses it reached the wrong person and offers friendship or trading,
  or recalls a meeting and speaks of its own trading with a relative or a mentor, with a messaging id (the
  pig-butchering opener, :func:`rules.scam_templates.befriends`), weighing 1½: it asks nothing yet, but nobody
  who mistyped an address offers friendship and a WhatsApp number;
- ``mule``: a job moving parcels through the reader's home or payments through the reader's own account, named
  as work, the goods re-shipped or the balance passed on (:func:`rules.scam_templates.mule_job`; not from a
  brand's own domain), or a cheque paid to the reader whose excess goes on to a third party
  (:func:`rules.scam_templates.overpaid_cheque`), weighing 2: no employer or customer pays so;
- ``accusation``: the police's or customs' accusation by mail with an officer to call and silence asked
  (:func:`rules.scam_templates.accused`), weighing 2: no police force accuses by mail and asks for silence;
- ``unsolicited``: from outside and not a reply (weighs half: most first contact is that).

Counted once each (weight 1; look-alike, off-brand link and befriend 1½; mule 2; lure and unsolicited ½).
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
Four modules share the work. The wording itself (patterns, anchor words, windows) is
:mod:`rules.scam_words`; the texts and their windows :mod:`rules.scam_text`; the finders of each
signal :mod:`rules.scam_signals`, which ask :mod:`rules.scam_advisories` whether a sentence warns
of a scam rather than makes one. This module weighs what they find and grades it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rules.attached_pages import ASKS_PASSWORD
from rules.impersonation import (
    BRANDS,
    DISGUISES,
    EXECUTIVE_ON_FREEMAIL,
    INSTITUTION_ON_FREEMAIL,
    LOOK_ALIKE,
    STATE_BODY_OUTSIDE,
    STATE_IN_DOMAIN,
    _owned,
    brand_owned,
)
from rules.links import PASSWORD, SIGN_IN
from rules.match import HIGH, LOW, MEDIUM
from rules.scam_advisories import _in_disclaimer, _warned, _warns, without_reported_forwards
from rules.scam_signals import (
    _OFFER_OR_ASK_FINDERS,
    _PAY_TO_BELOW,
    _THREAT_FAST,
    _TRANSFER_FAST,
    _URGENT_FAST,
    _asks_codes,
    _diversion,
    _never_asked,
    _private_channel,
    _secret_transfer,
    fee_named,
    payment_to_given,
    personal_payee,
)
from rules.scam_templates import (
    PAYMENT_TASK,
    PAYMENT_TASK_WORDS,
    accused,
    befriends,
    claimed_boss,
    domain_scare,
    gift_codes_asked,
    list_sold,
    locked_archive_link,
    messenger_pitch,
    moves_off_email,
    mule_job,
    opener,
    overpaid_cheque,
)
from rules.scam_text import SCAN_LIMIT, Signal, Text, anchor_words, fold, word_end
from rules.scam_words import (
    _CALLBACK,
    _LURE,
    _MONEY,
    ANCHORS,
    CALLED_BACK,
    DYING,
    FORTUNE,
    FREEMAIL,
    LISTED,
    LOAN_BAIT,
    NEW_ADDRESS,
    NEW_ADDRESS_WORDS,
    PAY_DEADLINE,
    PHONE_DOWN,
    PRETEXT,
    SAFE_ACCOUNT,
    SALARY,
    SIGNED_IS_ORDER,
    STRANGER_CHOSEN,
    VERIFY_BY_PHONE,
    WALLET,
)

__all__ = ["ANCHORS", "SCAN_LIMIT", "Assessment", "Signal", "Text", "anchor_words", "assess", "fold",
           "may_reach_medium", "word_end"]

OFFER_OR_ASK = ("windfall", "returns", "fee", "diversion", "payment", "personal_data", "look_alike", "lure", "befriend",
                "mule", "off_email", "locked_archive", "channel_pitch", "list_sold", "accusation")
WEIGHTS = {"windfall": 1.0, "returns": 1.0, "fee": 1.0, "diversion": 1.0, "payment": 0.5, "personal_data": 1.0,
           "lure": 0.5, "befriend": 1.5, "mule": 2.0, "off_email": 1.5, "locked_archive": 2.0, "channel_pitch": 1.5,
           "list_sold": 2.0, "accusation": 2.0,
           "private_channel": 1.0, "pressure": 1.0, "impersonation": 1.0, "look_alike": 1.5, "off_brand_link": 1.5,
           "unsolicited": 0.5}
MEDIUM_AT, HIGH_AT = 2.0, 2.5
# why mail counts as unsolicited (the evidence): no reply, or a reply to no message of ours (archive.threads)
NOT_A_REPLY, MADE_UP_THREAD = "from outside, not a reply", "from outside, a reply to no message our people sent"
# characters the scam reading reads per message (SCAN_LIMIT of each text, 100 full texts): a message past it
# is not waved through on what was read (past_reading_bound). Two million, not one: a bank's day of remittance
# files (250 CSVs of 4.5 KB) is 1.1 million characters of anchor words, and a review found it held
READ_LIMIT = 2_000_000
# a lure whose page asks a sign-in though its words do not say so: a share's notice, an e-signature's button
_SHARE = re.compile(r"shared|共享|分享|review (?:and sign|document)")
# the reader's mailbox spoken of: its password, its quota (what our own staff's name from outside calls to sign in to)
# the mail filters whose digests come from their own domains (rules.impersonation.BRANDS)
MAIL_FILTERS = (*BRANDS["proofpoint"], *BRANDS["mimecast"], "messaging.microsoft.com", "security.microsoft.com")
# a mail filter's digest of what it holds for the reader ("End User Digest", "placed in your personal Quarantine",
# 隔离区); from the filter's own domain it reports its list, however scam-like the subjects it quotes
QUARANTINE_DIGEST = re.compile(r"\b(?:end user digest|quarantine (?:digest|summary|report|notification)|"
                               r"(?:placed|held) in (?:your )?(?:personal )?quarantine)\b|"
                               r"隔离区|隔离摘要|隔离邮件|邮件隔离|已隔离")
_MAILBOX = re.compile(PASSWORD.pattern + r"|\bmailbox\b|\b(?:storage|mailbox) quota\b|邮箱|扩容|"
                      r"\b(?:held|messages?) in quarantine\b|\bquarantine (?:summary|digest|report)\b|邮件隔离|"
                      # (a copied digest's held mail: "4 new messages pending", "messages awaiting release", 被拦截)
                      r"\bquarantined\b|\b(?:messages?|e-?mails?) (?:are )?(?:pending|on hold|awaiting)\b|"
                      r"\bpending (?:incoming )?(?:messages?|e-?mails?)\b|被拦截的?邮件|待放行|待处理邮件")


# a fee (not a deposit) said to come back: the advance-fee promise ("refundable in your first salary", "which we
# will deduct from our final payment", 到账后退还); a hotel's refundable deposit is a deposit, and a course's fee
# "refundable if you withdraw" its cancellation terms
_FEE_WORD = re.compile(r"\b(?:fee|fees|charge|charges)\b|费")
_COMES_BACK = re.compile(r"(?<!non-)(?<!non )\brefundable\b"
                         r"(?! (?:if|should|when|in case) (?:you |participants? |applicants? )?(?:withdraw|cancel))|"
                         r"\b(?:will be|is|are) (?:fully )?refunded\b|"
                         r"\brefunded (?:in|with|on|upon|after|from)\b|\bdeduct(?:ed)? (?:it )?from\b|"
                         r"\b(?:returned|refunded) with (?:the )?(?:commission|interest|profits?)\b|连本带利|"
                         r"(?:入职|工作|上岗)满[^。！？\n]{0,6}?(?:全额)?(?:退还|返还|报销)|"
                         r"(?:入职|上岗)后[^。！？\n]{0,10}?(?:全额)?(?:退还|返还|报销)|"
                         r"\breimbursed (?:in|with|upon|after)\b|\breimburse (?:you |it )?(?:in|with|upon|after)\b|"
                         r"原路(?:退回|返还|退还)|(?:到账|放款|成功|完成)后(?:全额|一并|全部)?(?:退还|返还)|"
                         r"(?:合作|签约|下单|供货|合格)后[^。！？\n]{0,12}?(?:退还|返还)|可退还|全额退还|予以退还|从[^。！？\n]{0,12}中扣除|抵扣")
# an organisation speaking as itself (我中心, 我局, 组委会, "our committee"): whose fee goes into a person's own account
# only in a scam (a freelancer or a private landlord speaks as "I")
_ORGANISATION_VOICE = re.compile(r"我中心|本中心|我局|本局|我院|本院|我所|本所|我会|本会|组委会|招标中心|我司|"
                                 r"我公司|本公司|我单位|本单位|检测机构|\bour (?:company|firm|organi[sz]ation|office|"
                                 r"department|committee|centre|center|ministry|agency|bureau|institute)\b")
# the trap's pretext beside a signature that orders: a free entry to check, a proof (a renewal, an engagement letter
# or a sponsorship order says "by signing you agree" too, as a review found)
_PROOF = re.compile(r"\b(?:proof|free (?:basic )?(?:entry|listing|update)|check (?:the |your )?(?:details|entry|data)|"
                    r"directory|register|registry|free of charge|"
                    r"update (?:of )?(?:your |the )?(?:company |basic )?(?:data|details|entry))\b|"
                    r"信息核对|核对表|名录|免费")
# the other side's own agent or appointee paid by the reader ("our agent in Abuja handles the registration",
# 我司指定的第三方检测机构); an accredited inspector the reader chooses (SGS, Intertek) is no one's agent
_BUYERS_AGENT = re.compile(r"\b(?:our|my) (?:[\w-]+ ){0,2}agent\b|(?:我司|我方|我公司|我们|我单位)(?:会|将|已)?指定|"
                           r"\b(?:lab|laboratory|testing company|test centre|test center|agency|inspector|lawyer|"
                           r"notary) (?:that )?we (?:work|cooperate) with\b|"
                           r"(?:我司|我方|我们|我单位)(?:长期)?合作的(?:第三方)?"
                           r"(?:检测|认证|公证)?(?:机构|中心|公司|律师)")
# (the buyer's order the agent's fee stands before: a forwarder's "clearance fee to our agent at Felixstowe" is
# the shipment's own cost)
_AN_ORDER = re.compile(r"\b(?:orders?|purchase|po|lc|l/c|letter of credit|suppliers?|vendors?|registration)\b|"
                       r"订单|采购|下单|合同|供应商|供方|检测报告")
# a Chinese transfer word asked, not stated (请/须/需 … 转入): what the words of _TRANSFER say bare
_ZH_ASKED = re.compile(r"请|须|需|要求|务必|尽快|立即|马上|麻烦|帮忙|帮我|先")
# a fee sent by cash wire to a person (Western Union, MoneyGram): no business bills so
# the keynote a conference invites (no conference bills the keynote it invites; a contributed talk's registration is
# the speaker's own, and no one is "invited as keynote" to it)
_INVITED_KEYNOTE = re.compile(r"\b(?:invite|inviting|invitation)\b[^.!?\n]{0,60}?\bkeynote\b|"
                              r"\b(?:selected|chosen|invited|nominated) you to (?:headline|keynote)\b|"
                              r"\b(?:selected|chosen|invited|nominated) (?:you )?as (?:a |an |our )?"
                              r"(?:featured |keynote |"
                              r"plenary |guest |honou?red )speaker\b|"
                              r"(?:邀请|确定|选定|推选)[^。！？\n]{0,20}?(?:主旨|特邀|大会|主题)(?:演讲|发言|报告)")
# an honour held by paying for it: the vanity award's or ranking's "to confirm your inclusion, a publication fee of
# USD 1,200 applies" (a conference's "to secure your place" is a registration the reader may have asked for)
_BOUGHT_HONOUR = re.compile(r"\bto (?:confirm|secure|accept|claim) (?:your |the )?(?:award|nomination|honou?r|"
                            r"ranking)\b|(?:确认|领取)(?:入选|获奖|奖项|荣誉|排名)")
# (an inclusion confirmed by paying counts beside an award's or a ranking's words: a directory the reader ordered
# confirms its inclusion too)
_INCLUSION = re.compile(r"\bto (?:confirm|secure) your inclusion\b")
_AWARD_WORDS = re.compile(r"\b(?:awards?|top \d{1,3}|ranking|honou?rs?|winners?|trophy|selected by)\b|"
                          r"奖|排名|榜单|荣誉")
_CASH_WIRE = re.compile(r"\b(?:western union|moneygram)\b|西联汇款|速汇金")
_PERSONAL = re.compile(r"个人|私人|\bpersonal\b")


@dataclass(frozen=True)
class Assessment:
    signals: tuple[Signal, ...]
    points: float
    level: str | None  # high / medium / low, None when no signal at all

    @property
    def context(self) -> str:
        names = ", ".join(s.name.replace("_", " ") for s in self.signals)
        return f"scam signals: {names} ({self.points:g} points)"


_REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|aw|sv|antw|fw|fwd|回复|答复|回覆|答覆|转发|轉寄|转寄)\s*[:：])+")


def _without_reply_prefix(item: Text) -> Text:
    """A subject with its reply prefixes blanked (same length: positions hold): 回复： is no
    request to reply ("回复：网银U盾到期" asks nothing)."""
    if item.where != "subject":
        return item
    m = _REPLY_PREFIX.match(item.text)
    return Text(item.where, " " * m.end() + item.text[m.end():], item.anchors) if m else item


# the reader's work mailbox asked as the login to a page ("The PO is hosted on our secure portal, please log in with
# your business email to view"): what harvests the mailbox's password; a service's own notice comes from its domain
# (to open a document there, not to join a service: Coupa's and Zoom's invitations ask a sign-in with the work
# e-mail to register, and come unasked too)
_WORK_SIGN_IN = re.compile(r"\b(?:log|sign)[- ]?in (?:with|using) your (?:business|work|corporate|company|office) "
                           r"e-?mail(?: (?:address|account))? to (?:view|open|access|download|read|see|review)"
                           r"(?: (?:the|this|your|our|it|them))?(?: (?:document|documents|file|files|po|purchase order|"
                           r"order|invoice|quotation|quote|rfq|attachment|fax|scan|message|statement|contract|drawing)s?)?"
                           r"(?=\s*(?:[:.,;]|$))|"
                           r"(?:使用|用)(?:您的|你的)?(?:企业|公司|工作)邮箱(?:账号|帐号)?(?:登录|登陆)(?:后)?(?:查看|下载|打开)|"
                           # (查看订舱确认书（需使用企业邮箱登录）)
                           r"(?:查看|下载|打开)[^。！？\n]{0,20}?(?:需|须|请)(?:使用|用)(?:您的|你的)?(?:企业|公司|工作)邮箱"
                           r"(?:账号|帐号)?(?:登录|登陆)|"
                           # (a protected document opened with the reader's mailbox login: "please open it with your
                           # Microsoft 365 login to view the quantities"; the password said to be the mailbox's own:
                           # 密码为企业邮箱密码)
                           r"\b(?:open|view|access|read|download|unlock)\w* (?:it|them|this|the (?:[\w-]+ )?"
                           r"(?:document|file|po|order|invoice|attachment|drawing|quotation|statement)s?) "
                           r"(?:with|using) your (?:office ?365|microsoft 365|m365|outlook|e-?mail|mailbox) "
                           r"(?:e-?mail )?(?:login|log-in|sign-in|credentials|password|account)\b|"
                           r"(?:密码|登录密码)(?:为|是|即|就是)(?:您的|你的|贵司|贵公司)?(?:的)?(?:企业|公司|工作)?邮箱(?:的)?"
                           r"(?:登录)?密码")


def _first_span(items: list[Text],
                find: Callable[[str], tuple[int, int] | None]) -> tuple[Text, tuple[int, int]] | None:
    """The first text and span where ``find`` finds its template, not inside a warning's example."""
    return next(((item, span) for item in items for span in [find(item.text)]
                 if span and not _warned(item.text, span[0])), None)


def _benefactor_chose(items: list[Text]) -> bool:
    """Whether a dying benefactor chose a stranger ("a widow … I want to donate this fund to an honest person")."""
    return any(DYING.search(x.text, 0, SCAN_LIMIT) and STRANGER_CHOSEN.search(x.text, 0, SCAN_LIMIT) for x in items)


def _weight(signal: Signal, items: list[Text], free_sender: bool = False, fee_asked: bool = False,
            own_brand: bool = False) -> float:
    """A signal's points: its family's weight, more where it says more — a diversion with its
    pretext (an audit, a frozen account: audits freeze no bank account; an overpayment whose refund goes
    elsewhere), into a personal account, or
    of a salary asked from free mail (our people write from our own domain: the payroll diversion);
    personal data that asks for the codes no genuine sender asks for by mail (a CVV, a PIN, 卡密, the
    U盾 password), or an attached page's sign-in form; a fee paid into a "safe" account (国家安全账户)
    or to a crypto wallet's address; a fee by cash wire (Western Union) or a gift card's codes asked back;
    another company's "application" for the reader's name as domains (rules.scam_templates); a windfall of
    millions offered from free mail."""
    if signal.name == "windfall" and not free_sender and not fee_asked and LOAN_BAIT.match(signal.text, signal.start):
        return 0.5  # (a lender's bait from a company's own domain with no fee asked: fintechs market "no collateral")
    if signal.name == "windfall" and (free_sender or _benefactor_chose(items)) and \
            any(FORTUNE.search(x.text, 0, SCAN_LIMIT) for x in items):
        # (a stranger's millions from free mail: the widow's, the diplomat's, the investor's; no business. Or a
        # dying benefactor's millions from any domain: "a widow … only few months to live … EUR 6.2 million")
        return 2.0
    if signal.name == "diversion" and any(PRETEXT.search(x.text, 0, SCAN_LIMIT) for x in items):
        return 2.0
    if signal.name == "diversion" and _PERSONAL.search(signal.text, signal.start, signal.end):
        return 2.0  # (a company's money re-routed into someone's own account: 请汇入主编个人账户)
    if signal.name == "diversion" and free_sender and \
            SALARY.search(signal.text, max(0, signal.start - 200), signal.end + 200):
        return 2.0
    around = (max(0, signal.start - 160), signal.end + 160)
    if signal.name == "personal_data" and (_asks_codes(signal.text, *around) or signal.text.endswith(ASKS_PASSWORD) or
                                           not own_brand and _WORK_SIGN_IN.search(signal.text, *around)):
        return 2.0  # (or the reader's work mailbox as a stranger's page's login: "log in with your business email")
    if signal.name == "fee" and _FEE_WORD.search(signal.text, signal.start, signal.end) and \
            _COMES_BACK.search(signal.text, max(0, signal.start - 100), signal.end + 120):
        return 2.0  # (a fee said to come back, "refundable in your first salary", "deducted from the payout")
    if signal.name == "fee" and any(_INVITED_KEYNOTE.search(x.text, 0, SCAN_LIMIT) for x in items):
        return 2.0  # (the invited keynote's "speaker registration")
    if signal.name == "fee" and (_BOUGHT_HONOUR.search(signal.text, max(0, signal.start - 150), signal.end + 150) or
                                 _INCLUSION.search(signal.text, max(0, signal.start - 150), signal.end + 150) and
                                 _AWARD_WORDS.search(signal.text, 0, SCAN_LIMIT)):
        return 2.0  # (an award or a ranking's place confirmed by paying: "to confirm your inclusion, a fee applies")
    if signal.name == "fee" and _BUYERS_AGENT.search(signal.text, max(0, signal.start - 200), signal.end + 200) and \
            _AN_ORDER.search(signal.text, max(0, signal.start - 300), signal.end + 300):
        return 2.0  # (a fee to the other side's own agent: the fake buyer's "our agent handles the registration")
    if signal.name == "fee" and any(personal_payee(x.text, 0, SCAN_LIMIT) and
                                    _ORGANISATION_VOICE.search(x.text, 0, SCAN_LIMIT) for x in items):
        return 2.0  # (an organisation's fee into its clerk's own account: 我中心…收款账户：张涛（项目经办人）)
    if signal.name == "fee" and (LISTED.match(signal.text, signal.start) or
                                 LISTED.search(signal.text, max(0, signal.start - 150), signal.start) or
                                 SIGNED_IS_ORDER.search(signal.text, max(0, signal.start - 300), signal.end + 300) and
                                 _PROOF.search(signal.text, 0, SCAN_LIMIT)):
        return 2.0  # (a listing in a "register" billed unasked: the form signed unread; directories bill who ordered)
    if signal.name == "fee" and (gift_codes_asked(signal.text, signal.start - 200, signal.end + 300) or
                                 _CASH_WIRE.search(signal.text, max(0, signal.start - 100), signal.end + 150) or
                                 domain_scare(signal.text) == (signal.start, signal.end)):
        # (a card's codes asked back by mail, a fee by cash wire: whoever asks is spending it; a registrar's scare)
        return 2.0
    if signal.name == "fee" and ((SAFE_ACCOUNT.search(signal.text, signal.start, signal.end + 20) and
                                  not _warns(signal.text)) or
                                 WALLET.search(signal.text, max(0, signal.start - 200), signal.end + 300)):
        # (money to a "safe" account, or to a wallet's address: no genuine payee is paid so; a bank's newsletter
        # on "the 'safe account' scam" names one)
        return 2.0
    return WEIGHTS[signal.name]


def may_reach_medium(families: Iterable[str]) -> bool:
    """Whether signals of these families (the ones whose words a message holds) could make
    medium: an offer or an ask and one more family (unsolicited adds only half); a brand worn
    with links (``links``: a link off the brand is the lure)."""
    found = set(families)
    if {"impersonation", "links"} <= found or "template" in found:
        return True  # (a template of rules.scam_templates: its words were found, its shape is read in full)
    # (a fee or personal data alone may weigh more: a diversion with its pretext, a CVV asked; so may a windfall
    # from free mail: a stranger's millions)
    return bool(found & set(OFFER_OR_ASK)) and (len(found) >= 2 or bool(found & {"fee", "personal_data"}) or
                                                {"windfall", "free_mail"} <= found or {"windfall", "dying"} <= found)


def assess(texts: Iterable[Text | tuple[str, str]], *, senders: Iterable[str] = (), reply_to: Iterable[str] = (),
           unsolicited: bool = False, impersonating: str | None = None, full: bool = True,
           sums_in: Callable[[], Iterable[str]] = tuple,
           elsewhere: Callable[[bool], str | None] | None = None,
           disguised_link: Callable[[], str | None] | None = None,
           pages: Iterable[tuple[str, str]] = (), unsolicited_why: str = "") -> Assessment:
    """The signals in ``texts`` (subject, bodies, attachment texts; normalised) given who sent
    it (``senders``: header From and envelope sender), where replies go (``reply_to``) and
    whether it came unasked from outside; ``impersonating``: the brand its From line wears
    without owning it (:func:`rules.impersonation.impersonated`; a look-alike of the thread's
    own correspondent counts as ``look_alike``). With ``full=False`` a message with no offer and no
    ask stops there (its level is at most low, which is all a medium or high rule needs).
    ``unsolicited_why``: what the evidence says made it unsolicited (no reply, or a made-up thread).
    ``sums_in``: the message's other texts (normalised, :func:`fold`-ed), where no anchor word stands:
    a deadline's sum of money counts wherever the message names it, so they are read for one, and
    made only when a deadline is found and ``texts`` name no sum. ``pages``: ``(where, what it
    does)`` for each attached web page that does something when opened
    (:func:`rules.attached_pages.page_action`): a sign-in form is the ask for a password, a page
    that sends the browser elsewhere is a lure whose link leads off. ``disguised_link``: a link that shows one address
    and leads to a copy of it (:func:`rules.links.disguised`), asked only where a sign-in is spoken of and nothing
    else offers or asks."""
    items, reported = without_reported_forwards(
        [_without_reply_prefix(x if isinstance(x, Text) else Text(x[0], fold(x[1]))) for x in texts])
    if reported and impersonating and impersonating.startswith(LOOK_ALIKE):
        impersonating = None  # (the look-alike is the reported fraudster's, quoted: "有人冒用本公司名义")
    who = frozenset(s.lower() for s in senders if s)
    domains = frozenset(s.rsplit("@", 1)[-1] for s in who)
    free_sender = bool(domains) and all(d in FREEMAIL for d in domains)
    if domains and all(_owned(d, MAIL_FILTERS) and d not in FREEMAIL for d in domains) and \
            any(QUARANTINE_DIGEST.search(x.text, 0, SCAN_LIMIT) for x in items):
        # a mail filter's own quarantine digest lists the scams it held (their subjects, their senders): reported
        # (the filters' own domains only: any brand's relay, Amazon SES's, is where a phisher may write from)
        return Assessment((), 0.0, None)
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
    if "fee" not in found and impersonating in (STATE_IN_DOMAIN, STATE_BODY_OUTSIDE, INSTITUTION_ON_FREEMAIL):
        # (the state's name worn is the fee's tie: no office bills from outside its government's domains)
        billed = next(((item, span) for item in items for span in [fee_named(item.text, item.windows("fee"))] if span),
                      None)
        if billed is not None:
            found["fee"] = Signal("fee", billed[0].where, billed[0].text, *billed[1])
    for where, action in pages:  # a phishing page sent as a file: its form asks, its redirect lures
        if action == ASKS_PASSWORD:  # (over a sentence's weaker ask: the page's form is the password asked)
            found["personal_data"] = Signal("personal_data", where, f"the attached page {action}", 0, 0)
        elif "lure" not in found:
            found["lure"] = Signal("lure", where, f"the attached page {action}", 0, 0)
            found.setdefault("off_brand_link", Signal("off_brand_link", where, f"the attached page {action}", 0, 0))
    asked = found.get("personal_data")
    if asked is not None and domains and all(brand_owned(d) and d not in FREEMAIL for d in domains) and \
            _CALLBACK.match(asked.text, asked.start):
        del found["personal_data"]  # (a bank's own alert gives its number to call: "If this wasn't you, call us on …")
    if "fee" not in found:
        for item in items:
            span = _secret_transfer(item.text, item.windows("fee"))
            if span:
                found["fee"] = Signal("fee", item.where, item.text, *span)
                break
    if "fee" not in found and impersonating and not impersonating.startswith(LOOK_ALIKE) and \
            impersonating not in DISGUISES:
        # a payment to an account asked under a brand's or a state's name the sender does not own (a brand bills
        # from its own domains: "settle the invoice by bank transfer to the collection account")
        for item in items:
            # (asked: not a never-ask, "我行不会要求您将资金转入任何个人账户", nor a statement, 长期不动户将转入久悬户)
            m = next((m for lo, hi in item.windows("fee") for m in _TRANSFER_FAST.finditer(item.text, lo, hi)
                      if not _warned(item.text, m.start()) and not _never_asked(item.text, m.start()) and
                      (m.group().isascii() or _ZH_ASKED.search(item.text, max(0, m.start() - 30), m.start()))),
                     None) or _PAY_TO_BELOW.search(item.text, 0, SCAN_LIMIT)
            if m and not _warned(item.text, m.start()):
                found["fee"] = Signal("fee", item.where, item.text, *m.span())
                break
    if "fee" not in found and who and all(s.rsplit("@", 1)[-1] in FREEMAIL for s in who):
        # a payment to the account below asked from free mail (a company invoices from its own domain)
        for item in items:
            m = _PAY_TO_BELOW.search(item.text, 0, SCAN_LIMIT)
            if m and not _warned(item.text, m.start()):
                found["fee"] = Signal("fee", item.where, item.text, *m.span())
                break
    if "fee" not in found:  # a payment asked to an account the mail gives: every invoice's ask, half a point
        for item in items:
            span = payment_to_given(item.text)
            if span:
                found["payment"] = Signal("payment", item.where, item.text, *span)
                break
    div = found.get("fee")
    if div is not None and div.name == "diversion" and div.where == "subject" and \
            any(VERIFY_BY_PHONE.search(x.text, 0, SCAN_LIMIT) for x in items if x.where != "subject"):
        del found["fee"]  # (the subject announces the change; the body has it checked on the number on file)
    if impersonating and impersonating.startswith(LOOK_ALIKE):  # the hijacker's thread: an ask in itself
        found["look_alike"] = Signal("look_alike", "header:From", f"wears the name {impersonating!r}", 0, 0)

    if not any(n in found for n in OFFER_OR_ASK if n != "look_alike"):
        # no offer and no ask but a call to act on a link (sign in, open the document): a lure where the
        # sender is in disguise (a brand's name it does not own, links off the brand it claims, a copy of a
        # domain it writes as)
        lure = next((Signal("lure", item.where, item.text, *m.span()) for item in items
                     for lo, hi in item.windows("lure") for m in [_LURE.search(item.text, lo, hi)] if m), None)
        if lure is not None:
            # (the sign-in a lure asks may be a sentence from its button: "Open the documents … Sign in to view";
            # a share's notice opens a page that asks one)
            shared = _SHARE.search(lure.text, lure.start, lure.end) is not None
            off = elsewhere(shared or SIGN_IN.search(lure.text, 0, SCAN_LIMIT) is not None) if elsewhere else None
            if off:
                found["off_brand_link"] = Signal("off_brand_link", "links", off, 0, 0)
            # (a brand's name worn, not one of our own: a partner called example-logistics, a vendor's
            # "IT Support" on gmail, a namesake of one of our people call to act as every notice does; but
            # our own staff's name from outside calling to sign in with the reader's mailbox is the quota lure)
            # (or our own name in its domain: example-corp-helpdesk.com's "keep your current password")
            ours_for_mailbox = impersonating in ("our own staff", "our own name") and \
                any(_MAILBOX.search(x.text, 0, SCAN_LIMIT) for x in items)
            if off or ours_for_mailbox or (impersonating and impersonating not in DISGUISES):
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
        elif disguised_link is not None and unsolicited and \
                any(SIGN_IN.search(x.text, 0, SCAN_LIMIT) for x in items):
            # no call to act in words, but a sign-in spoken of and a link that shows one address and leads to a
            # copy of it (oa.example.com shown over oa.example.com.weaver-oa-service.cn): the link is the lure
            off = disguised_link()
            if off:
                found["off_brand_link"] = Signal("off_brand_link", "links", off, 0, 0)
                found["lure"] = Signal("lure", "links", off, 0, 0)
    if not any(n in found for n in OFFER_OR_ASK) and unsolicited and \
            (free_sender or any(any(w in x.text for w in PAYMENT_TASK_WORDS) and
                                PAYMENT_TASK.search(x.text, 0, SCAN_LIMIT) for x in items)):
        # the boss's opener from free mail: to a new WeChat or QQ, quietly ("I'm in a meeting", 先不要跟其他人讲);
        # from any domain where it names the errand ("handle a quick payment for me today")
        moved = next(((item, span) for item in items for span in [opener(item.text)]
                      if span and not _warned(item.text, span[0])), None)
        if moved is not None:
            found["look_alike"] = Signal("look_alike", moved[0].where, moved[0].text, *moved[1])
            found.setdefault("private_channel", Signal("private_channel", moved[0].where, moved[0].text, *moved[1]))
    if unsolicited and not (domains and all(brand_owned(d) and d not in FREEMAIL for d in domains)):
        # a job that moves goods or money through the reader's home or account (the mule's; not a platform's own
        # notice of its payouts, nor a bank's own warning against lending an account)
        mule = next(((item, span) for item in items for span in [mule_job(item.text)]
                     if span and not _warned(item.text, span[0])), None)
        if mule is not None:
            found["mule"] = Signal("mule", mule[0].where, mule[0].text, *mule[1])
    if not any(n in found for n in OFFER_OR_ASK) and unsolicited:
        # the stranger's opener: "sorry, wrong person … maybe it's fate, let's be friends", and a WhatsApp id
        met = next(((item, span) for item in items for span in [befriends(item.text)]
                    if span and not _warned(item.text, span[0])), None)
        if met is not None:
            found["befriend"] = Signal("befriend", met[0].where, met[0].text, *met[1])
            found.setdefault("private_channel", Signal("private_channel", met[0].where, met[0].text, *met[1]))
    if unsolicited:
        # the stranger's templates, read whole where nothing else offers or asks (rules.scam_templates): a reason to
        # leave e-mail and the messaging id to go to; an archive by link with its password (the encrypted attachment
        # the gateway refuses, sent where it cannot open it); a stranger sent by the reader's own boss about money
        # (the CEO fraud's second voice wears the boss's authority as the opener wears his name); an event's contact
        # list for sale
        for name, find, channel in (("off_email", moves_off_email, True),
                                    ("locked_archive", locked_archive_link, False),
                                    ("look_alike", claimed_boss, False), ("list_sold", list_sold, False),
                                    ("accusation", accused, False), ("mule", overpaid_cheque, False)):
            if any(n in found for n in OFFER_OR_ASK):
                break
            hit = _first_span(items, find)
            if hit is not None:
                found[name] = Signal(name, hit[0].where, hit[0].text, *hit[1])
                if channel:
                    found.setdefault("private_channel", Signal("private_channel", hit[0].where, hit[0].text, *hit[1]))
    if not any(n in found for n in OFFER_OR_ASK if n not in ("returns", "windfall")) and unsolicited and \
            not (domains and all(brand_owned(d) and d not in FREEMAIL for d in domains)):
        # crypto, trading tips (beside the returns it promises: 每天分享牛股) or a finance staff's group pitched by a
        # stranger, and the messaging app to go to (an exchange's own notice of its community comes from its domain)
        pitched = _first_span(items, lambda text: messenger_pitch(text, free_sender))
        if pitched is not None:
            found["channel_pitch"] = Signal("channel_pitch", pitched[0].where, pitched[0].text, *pitched[1])
            found.setdefault("private_channel",
                             Signal("private_channel", pitched[0].where, pitched[0].text, *pitched[1]))
    if "fee" not in found and unsolicited:  # another company's "application" for the reader's name as domains
        scare = next(((item, span) for item in items for span in [domain_scare(item.text)]
                      if span and not _warned(item.text, span[0])), None)
        if scare is not None:
            found["fee"] = Signal("fee", scare[0].where, scare[0].text, *scare[1])
    if not found and not full and impersonating != EXECUTIVE_ON_FREEMAIL:  # (the boss's opener asks nothing yet)
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
    if "private_channel" not in found:  # another address than the writer's usual one: 我换了新邮箱
        moved = next(((item, m) for item in items if any(w in item.text for w in NEW_ADDRESS_WORDS)
                      for m in [NEW_ADDRESS.search(item.text, 0, SCAN_LIMIT)]
                      if m and not _warned(item.text, m.start())), None)
        if moved is not None:
            found["private_channel"] = Signal("private_channel", moved[0].where, moved[0].text, *moved[1].span())
    if impersonating == EXECUTIVE_ON_FREEMAIL and "private_channel" in found and \
            not any(n in found for n in OFFER_OR_ASK):
        # the CEO fraud's opener: the boss's title on free mail taking the reader somewhere private (在开会不方便说话,
        # 加我新微信; "I'm in a meeting, reply here") is an ask in itself, as a look-alike's thread is
        found["look_alike"] = Signal("look_alike", "header:From",
                                     f"{impersonating}, taking the reader somewhere private", 0, 0)
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
    if impersonating and found and not impersonating.startswith(LOOK_ALIKE) and "look_alike" not in found:
        found["impersonation"] = Signal("impersonation", "header:From", f"wears the name {impersonating!r}", 0, 0)
    if unsolicited and found:
        found["unsolicited"] = Signal("unsolicited", "headers", unsolicited_why or NOT_A_REPLY, 0, 0)
    order = {n: i for i, n in enumerate(WEIGHTS)}
    signals = tuple(sorted(found.values(), key=lambda s: order[s.name]))
    own_brand = bool(domains) and all(brand_owned(d) and d not in FREEMAIL for d in domains)
    points = sum(_weight(s, items, free_sender, "fee" in found, own_brand) for s in signals)
    if not signals:
        return Assessment((), 0.0, None)
    if not any(s.name in OFFER_OR_ASK for s in signals) or points < MEDIUM_AT:
        level = LOW
    else:
        level = HIGH if points >= HIGH_AT else MEDIUM
    return Assessment(signals, points, level)


def past_reading_bound(found: Assessment, skipped: list[object], total: int) -> Assessment:
    """``found`` with the texts past :data:`READ_LIMIT` counted against the message: high, whatever was read
    (a scam's ask could stand in the texts left unread behind a hundred decoys; a message with that much text
    to read is rare enough to be held for a person)."""
    unread = Signal("unread", "message", f"{len(skipped)} of {total} texts past the scam reading's bound "
                    f"of {READ_LIMIT:,} characters not read", 0, 0)
    return Assessment((*found.signals, unread), max(found.points, HIGH_AT), HIGH)
