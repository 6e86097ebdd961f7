"""The finders of scam signals (issue 19): each reads one family of wording (:mod:`rules.scam_words`)
in its windows of a text and returns where it first stands as an offer or an ask of the reader,
or None. What makes a find count is here: not the writer's own account, not a fee said paid
already, not an advisory's example (:mod:`rules.scam_advisories`). Weighing and grading the
signals is :mod:`rules.scams`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from rules.alternation import Alternation
from rules.context import sentence_span
from rules.scam_advisories import _warned
from rules.scam_framing import _PAYEE, _SENTENCE_START, PAYEE_WORDS
from rules.scam_text import SCAN_LIMIT, Spans, word_end
from rules.scam_words import (
    _ASK,
    _ASK_AFTER,
    _ASK_LIST,
    _BA,
    _CALLBACK,
    _CHARGED,
    _CONGRATS,
    _CONTACT_VERB,
    _DATA_FLAT,
    _DATA_STRONG_BRANCHES,
    _DIVERSION,
    _EMAIL,
    _EMAIL_CHARS,
    _FEE,
    _FEE_TIE,
    _IM,
    _IM_ID,
    _KEEP_SECRET,
    _MONEY_IN_VIEW,
    _NEVER_ASK,
    _NO_PROMISE,
    _PAY,
    _PRICE,
    _REMOTE,
    _RETURNS,
    _SECRECY,
    _SET_OWN,
    _THREAT,
    _TRANSFER,
    _UNTRACEABLE,
    _URGENT,
    _VERIFY_ACCOUNT,
    _WINDFALL,
    DISABLE_AV,
    FAST_PUBLICATION,
    FOR_DELIVERY,
    FREEMAIL,
    PERSONAL_PAYEE,
    SECRET_CODES,
    VERIFY_BY_PHONE,
)

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
# (the diversion's ask is the longest family and was read as one pattern: a fifth of a scam's screening)
_DIVERSION_FAST = Alternation(_DIVERSION)
_TRANSFER_FAST = Alternation(_TRANSFER)
_VERIFY_ACCOUNT_FAST = Alternation(_VERIFY_ACCOUNT)
_IM_FAST = Alternation(_IM)


MAX_TRIED = 40  # candidates of one family looked at in full per text; one more past them counts as found


def _tried(found: Iterable[re.Match[str]]) -> Iterator[tuple[re.Match[str], bool]]:
    """``(candidate, past)`` for the first :data:`MAX_TRIED` of ``found``, then the next with ``past`` true,
    which the finder counts as found. Each candidate costs a look at its sentence (whether it warns, never
    asks, was paid): a hostile text of nothing but rejected candidates (不法分子冒充免抵押 repeated over 20
    attachments from free mail) cost 90 s before the bound. Failing closed past it: 40 rejected decoys of a
    family in front of a real ask ("不法分子冒充银行称您中奖。" 45 times, then the prize and its fee) hid the ask
    when the candidates past the bound were simply not read."""
    for n, m in enumerate(found):
        yield m, n >= MAX_TRIED
        if n >= MAX_TRIED:
            return


def _windfall(t: str, spans: Spans) -> tuple[int, int] | None:
    if spans and "congratulations" in t:
        m = _CONGRATS.search(t, 0, SCAN_LIMIT)
        if m:
            return m.span()
    for m, past in _tried(m for lo, hi in spans for m in _WINDFALL_FAST.finditer(t, lo, hi)):
        if past or not (m.group().endswith(("%", "percent")) and _PRICE.match(t, m.end())) and \
                not _warned(t, m.start()) and not _never_asked(t, m.start()):  # (…也不会通过微信群办理"税收补贴")
            return m.span()
    return None


def _returns(t: str, spans: Spans) -> tuple[int, int] | None:
    for m, past in _tried(m for lo, hi in spans for m in _RETURNS_FAST.finditer(t, lo, hi)):
        before = max(0, m.start() - 40)
        if past or not (_NO_PROMISE.search(t, before, m.start()) or _CHARGED.search(t, before, m.start())) and \
                not _warned(t, m.start()):
            return m.span()
    return None


# a fee said not to be due ("您无需缴纳任何费用", "no fee is required", "duty prepaid")
# (不收取任何手续费, 提前还款无手续费, 毋须; a price that includes it: 含运费)
# (无 as "none": not 无法, 无效, 无人 - "因无法联系您，请先缴纳手续费" asks it)
_NO_FEE = re.compile(r"(?:无需|不需|不用|免|不收取?|不会收取|毋须|毋需|无须|"
                     r"无(?!论|法|效|人|误|意|关|奈|疑|数|限|线|犯罪|罪)|"
                     r"\bno\b|\bnot\b|\bwithout\b|\bfree of\b)[^。！？.!?\n]{0,20}$|(?<!包)含$|"
                     # (the writer pays it: 由我司先行垫付)
                     r"(?:我司|我们|我方|本公司)(?:先行|先|会|将)?$")


# a fee said paid already or by someone else ("duties & taxes: paid by shipper (DDP)", 参会费用：2,800元（已支付）)
_FEE_PAID = re.compile(r"[^.!?。！？\n]{0,30}?(?:(?<!\bnot )(?<!n't )"
                       r"\bpaid by (?:the )?(?:shipper|sender|consignor|seller)\b|\bprepaid\b|"
                       r"\bddp\b|\bwaived\b|\b(?:already|has been|have been|was|were) paid\b|已(?:预)?(?:支)?付|"
                       # (预付 as prepaid, not as to be paid ahead: 按年预付, 需预付)
                       r"(?<!按年)(?<!按季)(?<!按月)(?<![需须请应])预付|"
                       r"已代垫|已垫付|代垫|"
                       # (borne by anyone but the reader's side: 由我方承担; the fake buyer's 由供货方承担 is the
                       # reader's)
                       r"由(?!供货方|供应商|供方|卖方|贵司|贵方|贵公司|贵单位|您|你|乙方|中标|投标|报名|参展|获奖|收件)"
                       r"[^。！？\n]{0,10}?(?:承担|负担)|\bsubsid\w*|\brebate\b|"
                       r"已由[^。！？]{0,18}?(?:汇入|支付|付|缴|转入|缴纳)|"
                       r"\b(?:covered|borne|paid) by (?:us|the organi[sz]ers?|the sender|the shipper|our company)\b|"
                       # (covered by anyone but the reader: "any import duties are covered by ASCS Events")
                       r"(?<!\bnot )\b(?:covered|borne|met) by (?!you\b|yourself\b|(?:the )?(?:lucky )?"
                       r"(?:winner|recipient|beneficiary|consignee|claimant|receiver|applicant|candidate|customer)s?\b)|"
                       r"由寄件人|免收|已缴|"
                       # (taken out of the loan itself: nothing is paid before it, "deducted from the disbursement")
                       r"\bdeducted from (?:the |your )?(?:loan |first )?(?:disbursement|approved (?:loan )?amount|"
                       r"loan amount|loan proceeds|amount disbursed)\b)|"
                       # paid through the state's own system, not to anyone in the mail (在单一窗口缴纳, 通过电子税务局
                       # 扣款，不需要转给我们; "through HMRC's online service")
                       # (or a tender's bond through the public trading platform: 通过交易平台在线申请保函)
                       r"[\s\S]{0,300}?(?:(?:通过|在|登录|经|以)(?:国家|国际贸易)?(?:电子税务局|单一窗口|税务局网站|国库|"
                       r"(?:公共资源|电子招标投标)?交易(?:服务)?平台|政府采购网)|"
                       r"不需要转给我们|无需转给我们|不用转给我们|不经过我们)")


_WRAP = re.compile(r"(?<![\n\r])\r?\n(?![\r\n])")


def _never_asked(t: str, pos: int) -> bool:
    """Whether the sentence before ``pos`` says it will never ask this, its lines wrapped or not ("We'll never
    ask you … to move money to a\n"safe account"": a single line break is wrapping, a blank line ends it)."""
    before = _WRAP.sub(" ", t[max(0, pos - 160):pos])
    # (a negation of another clause negates nothing here: "I do not have any child and I want to donate this fund";
    # read from the last clause with its own subject)
    cut = max((c.end() for c in _NEW_CLAUSE.finditer(before)), default=0)
    return _NEVER_ASK.search(before, cut) is not None


# a new clause with its own subject: "… and I want to", "but we", ", so you"
_NEW_CLAUSE = re.compile(r"\b(?:and|but|so|yet|because)\s+(?:i|we|you|he|she|they|it)\b|而且我|但是我|所以我|因此我")


# paid through the state's own system, said before the fee (通过国家税务总局电子税务局完成增值税及附加税费申报)
_STATE_SYSTEM_BEFORE = re.compile(r"(?:通过|在|登录|经)[^。！？\n]{0,20}?(?:电子税务局|单一窗口|税务局网站|国库)"
                                  r"[^。！？\n]{0,60}$")


# a fee the writer says was paid ("I've paid the deposit already", 我已交了押金), or a deposit that times
# something ("lead time 4 weeks after deposit"): nothing asked
_PAID_BEFORE = re.compile(r"\b(?:i've|i have|we've|we have|already|has|have|had) (?:already )?paid "
                          r"(?:the |a |my |our |his |her |their )?$|已(?:经)?(?:付|交|缴|支付|缴纳)(?:了|过)?(?:的)?$")
_TIMED_BY = re.compile(r"\b(?:after|upon|on receipt of|once we receive|against) (?:the |your |a |our )?$")


def _asked_fee(t: str, m: re.Match[str]) -> bool:
    """Whether the fee named at ``m`` is asked to be paid: a pay word beside it, and neither a warning's
    example, a fee said waived or already paid (or paid through the state's own system), nor one "never asked"."""
    return _PAY.search(t, max(0, m.start() - 120), m.end() + 120) is not None and not _warned(t, m.start()) and \
        not _NO_FEE.search(t, max(0, m.start() - 30), m.start()) and not _FEE_PAID.match(t, m.end()) and \
        not _PAID_BEFORE.search(t, max(0, m.start() - 30), m.start()) and \
        not (m.group().startswith("deposit") and _TIMED_BY.search(t, max(0, m.start() - 30), m.start())) and \
        not _never_asked(t, m.start()) and not _STATE_SYSTEM_BEFORE.search(t, max(0, m.start() - 100), m.start())


def fee_named(t: str, spans: Spans) -> tuple[int, int] | None:
    """A fee named and asked to be paid, with no tie: read only where the mail wears the state's name
    without being the state's, whose name is the tie ("繳付巡查及處理費用 HK$ 4,850" from 食物環境衞生署 at
    a .org)."""
    for m, past in _tried(m for lo, hi in spans for m in _FEE_FAST.finditer(t, lo, hi)):
        if past or _asked_fee(t, m):
            return m.span()
    return None


# a payee refused or the payer's side, not a payee given: 不接受个人账户转账, 请勿向个人账户汇款, 通过公司账户或个人账户
# 汇款, "we never ask you to pay into a personal account"
# (a 不 of another phrase refuses nothing: 元（不含税）。收款账户：刘洋)
_REFUSED = re.compile(r"(?:不接受|不接收|不收取?|请勿|切勿|勿|禁止|不要|不得|不会|不向|不可|非)"
                      r"(?:向|往|转入|汇入|转至|汇至|以|用)?(?:任何)?$|"
                      # (the payer's own account, not the payee's: 可通过公司账户或个人账户汇款至会务组; 以下 is the
                      # payee's: 转至以下个人账户)
                      r"(?:通过|用|以(?!下)|从|使用)[^，。！？\n]{0,8}$|或$|\b(?:not|never|no)\b[^.!?\n]{0,24}$|n't\b[^.!?\n]{0,24}$")


def personal_payee(t: str, lo: int, hi: int) -> bool:
    """Whether a person's own account is given as the payee between ``lo`` and ``hi`` (PERSONAL_PAYEE), not
    refused, never asked, nor a warning's example. Past the bound of candidates read (:func:`_tried`), the next
    counts as given (fails closed: decoys of "不接受个人账户" in front hide nothing)."""
    for m, past in _tried(PERSONAL_PAYEE.finditer(t, lo, hi)):
        if past:
            return True
        if not _REFUSED.search(t, max(0, m.start() - 30), m.start()) and not _never_asked(t, m.start()) and \
                not _warned(t, m.start()):
            return True
    return False


# an invitation to submit, answered with publication in days: the predatory journal, whose "article processing
# charge" is the fee (a journal's own charge after a submission's review is a publisher's price, not tied)
_INVITED_TO_SUBMIT = re.compile(r"\b(?:invite|inviting|invitation)\b[^.!?\n]{0,80}?\b(?:submit|contribut|publish)\w*|"
                                r"\bcall for (?:papers|manuscripts|submissions)\b|约稿|征稿")


def _predatory_journal(t: str) -> bool:
    return FAST_PUBLICATION.search(t, 0, SCAN_LIMIT) is not None and \
        _INVITED_TO_SUBMIT.search(t, 0, SCAN_LIMIT) is not None


def _fee(t: str, spans: Spans) -> tuple[int, int] | None:
    for m, past in _tried(m for lo, hi in spans for m in _FEE_FAST.finditer(t, lo, hi)):
        # (a fee's own name may tie it, "processing fee", as advance-fee scams name it; a journal's "article
        # processing charge" is a publisher's price: blind set 48 lost three scams when no name could tie)
        if past or (_FEE_TIE.search(t, max(0, m.start() - 120), m.end() + 120) or
                    personal_payee(t, max(0, m.start() - 120), m.end() + 200)) and \
                not (t.endswith("article ", 0, m.start()) and not _predatory_journal(t)) and \
                _asked_fee(t, m):
            return m.span()
    # gift cards … the codes, a few sentences on (but not past what is read at all); not "never buy gift cards"
    for m, past in _tried(m for lo, hi in spans
                          for m in _UNTRACEABLE_FAST.finditer(t, lo, word_end(t, hi + 200, SCAN_LIMIT))):
        if past or not _warned(t, m.start()) and not _warned(t, m.end() - 1) and \
                not _never_asked(t, m.start()):
            # (a "never" reaches as far as a fee's: "we will never ask you for your login codes, PIN or to
            # transfer money to a 'safe account'")
            return m.span()  # (the codes asked only inside an advisory's quoted example: "Gift cards – “… photos”")
    return None


# a request told of as one the reader might get ("如接到要求变更收款账户的电话或邮件，请立即核实", "if anyone asks
# you to change the account"): the advice of a genuine notice, no request
_IF_ASKED = re.compile(r"(?:如果?|若|一旦)(?:您|你|贵司)?(?:接到|收到|遇到|有人)[^。！？\n]{0,30}?"
                       r"(?:要求|让您|让你|请您)|"
                       # (a change to come, to be checked: 若日后收到任何本公司变更帐户的通知，请先致电…确认)
                       r"(?:如果?|若|一旦|倘若)(?:您|你|贵司)?(?:日后|今后|将来|以后)?(?:接到|收到)(?:任何)?"
                       r"[^。！？；;\n]{0,12}$|"
                       r"\bif (?:you (?:ever )?(?:receive|get)|anyone|someone|somebody)\b[^.!?\n]{0,60}?"
                       r"\b(?:asks?|asking|requests?|requesting|tells?|telling)\b")


# what forbids the move it precedes: 请勿转入任何个人账户
_FORBIDDEN_BEFORE = re.compile(r"(?:勿|不要|不得|禁止|严禁|不会|切勿|不准)$")


# the new account is the payer's own, money sent from it ("today's payment came from our new ANZ account")
_PAID_FROM = re.compile(r"\b(?:came|comes|come|sent|paid|made|transferred|remitted|wired) from (?:our|my) "
                        r"(?:new|other)\b|"
                        # ("going forward we will pay you from our BNZ account")
                        r"\b(?:pay|paying|remit|send|transfer)\w* (?:you |it |them )?from (?:our|my) (?:[\w-]+ ){0,2}"
                        r"account\b|"
                        r"(?:从|由)(?:我司|我们|我方)?(?:的)?新(?:的)?(?:账户|帐户|账号)(?:支付|汇出|转出|付款)")


def _diversion(t: str, spans: Spans) -> tuple[int, int] | None:
    """Money asked to a new, changed or re-routed account (the payment-diversion ask)."""
    for lo, hi in spans:
        for m, past in _tried(_DIVERSION_FAST.finditer(t, lo, word_end(t, hi + 200, SCAN_LIMIT))):
            if not past and _PAID_FROM.search(t, *sentence_span(t, m.start(), m.end(), _SENTENCE_START, reach=200)):
                continue
            if past or not _warned(t, m.start()) and not _NOT_SO.search(t, max(0, m.start() - 40), m.start()) and \
                    not _never_asked(t, m.start()) and \
                    not _FORBIDDEN_BEFORE.search(t, max(0, m.start() - 3), m.start()) and \
                    not _IF_ASKED.search(t, sentence_span(t, m.start(), m.end(), _SENTENCE_START, reach=200)[0],
                                         m.start()) and \
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
# (or a date written out: "Expiry date:   6 January 2027" in a registrar's renewal notice states it)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?"
_GIVEN = re.compile(r"[^\S\n]*(?:(?:is|为|是)[^\S\n]*)?(?:[:：]|(?<=[为是]))(?:[^\S\n]*\r?\n){0,2}[^\S\n]*"
                    r"(?:(?=[a-z*#-]{0,12}[0-9])[a-z0-9][a-z0-9*#-]{5,}|\d{1,2} " + _MONTH + r",? \d{4}|" + _MONTH +
                    r" \d{1,2},? \d{4}|\d{4}年\d{1,2}月)|"
                    # (or right after it, letters and figures mixed: "enter the security code 9F3C2D1A7B")
                    r"[^\S\n]+(?=[a-z]{0,12}[0-9])(?=[0-9]{0,12}[a-z])[a-z0-9]{6,}\b")
# a secret the reader keeps of their own (a password, a code), not a channel kept private
_OWN_SECRET = re.compile(r"(?:密码|验证码|口令|password|passcode|pin|code)[^。！？.!?\n]{0,15}$")
# papers brought to a branch, or details entered in the bank's own app: nothing asked by mail
_IN_PERSON = re.compile(r"[^。！？.!?\n]{0,25}?(?:原件|复印件至|至(?:开户)?网点|到(?:开户)?网点|至柜台|到柜台|"
                        r"签到|现场|会场|前台|\bin person\b|\bon site\b|"
                        r"\bat (?:the )?(?:reception|registration desk|front desk)\b|"
                        r"\bat (?:a|any|your) branch\b)")
# details the mail states where they are ("the bank details are printed on the PDF", 银行账户见发票): given, not asked
_STATED = re.compile(r"\s(?:are|is) (?:printed|shown|given|listed|included|stated|set out|quoted|on|in|below|above|"
                     r"attached|unchanged)\b|\s?(?:见|详见|印在|附在|列在)|"
                     # (said unchanged: 账户信息无变更, "remain unchanged")
                     r"\s?(?:无变更|未变更|不变|没有变化|保持不变)|\s(?:remains?|stays?) (?:the same|unchanged)\b|"
                     # (以我司正式发票所载为准: the account stands where the writer's invoice gives it)
                     r"\s?以[^。！？\n]{0,20}?为准")
# the reader's account already on file with the writer (通过已签约的银行账户进行税费支付): nothing asked
_ON_FILE = re.compile(r"(?:已签约|已绑定|已登记|已备案|签约)的?\s?$|\b(?:on file|registered|existing|linked)\s$|"
                      # (the channel, not the data: 通过企业网银办理国际收支申报)
                      r"(?:通过|登录|在|使用)(?:企业|个人)?$")
# the writer's own details given, not the reader's asked for
_WRITERS_OWN = re.compile(r"(?:我司|我方|本公司|我们的|我公司|\bour|\bmy)\s?(?:的)?(?:公司)?(?:\w+ )?$")



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
        for m in _TRANSFER_FAST.finditer(t, lo, hi):
            if not _warned(t, m.start()) and _KEEP_SECRET.search(t, max(0, m.start() - 400), m.end() + 400):
                return m.span()
    return None


# a courier's particulars (a name, an address, a phone), and what no courier needs (a birth date, an employer, an ID):
# "姓名、地址、电话、出生日期、工作单位…以顺丰寄出" asks who the reader is
_WHERE_TO = re.compile(r"name|address|phone|number|姓名|全名|住址|地址|手机号|电话号码")
_WHO = re.compile(r"\b(?:date of birth|birth ?date|occupation|employer|your age|id card|passport)\b|"
                  r"出生|年龄|职业|工作单位|身份证|身分证")


# what the reader may have given already, in an advisory's advice ("如已输入信用卡资料，请立即联系发卡银行",
# "if you have already entered your card details, call your bank")
_IF_GIVEN = re.compile(r"(?:如|如果|若|倘若)(?:您|你)?(?:已|已经|曾|不慎)(?:输入|提供|填写|泄露|透露|提交)了?$|"
                       r"\bif you (?:have |'ve )?(?:already |accidentally )?(?:entered|provided|shared|given|gave|"
                       r"submitted|disclosed|typed) (?:your |any )?$")


# a code named as how the reader signs in to the sender's own app, not asked for ("登录方式为手机号加短信验证码",
# "log in with your mobile number and the SMS code"): a payroll provider's notice says so
_LOGIN_BY = re.compile(r"(?:登录方式|登入方式|验证方式|登录|登入)(?:为|是|采用|使用|通过)[^。！？\n]{0,12}$|"
                       # (a code received on the reader's own phone to sign in: 手机号接收短信验证码,
                       # 输入发送至管理员手机的短信验证码, 账号密码+短信验证码登录; 登录平台时，在输入账号密码后)
                       r"(?:接收|收取|收到的?|发送至[^。！？\n]{0,12}?的|发送到[^。！？\n]{0,12}?的|\+)\s?(?:短信|手机)?$|"
                       r"(?:登录|登入)[^。！？\n]{0,12}?时[，,]?\s?(?:在)?(?:输入)?$|"
                       r"\b(?:log|sign) ?in (?:with|using|via) (?:your )?(?:mobile|phone)(?: number)?(?: and| \+)? "
                       r"(?:an? |the )?$")


# the way of signing in said retired, not the password asked: 原账号密码登录方式停用 (an "old password" asked
# stays an ask)
_RETIRED = re.compile(r"(?:登录|登入)?方式(?:将|已|于[^。，！？\n]{0,12}?)?(?:停用|作废|失效|取消|废止)|"
                      r"\s?(?:log-?in|sign-in)s? (?:will be|is|are|has been|have been) "
                      r"(?:retired|disabled|discontinued)")


def _personal_data(t: str, spans: Spans) -> tuple[int, int] | None:
    for lo, hi in spans:
        weak: list[tuple[int, int, str]] = []
        for m, past in _tried(_DATA_FAST.finditer(t, lo, hi)):
            if past:
                return m.span()
            if _WRITERS_OWN.search(t, max(0, m.start() - 12), m.start()) or _IN_PERSON.match(t, m.end()) or \
                    _ON_FILE.search(t, max(0, m.start() - 8), m.start()) or \
                    _SET_OWN.search(t, max(0, m.start() - 30), m.start()) or _GIVEN.match(t, m.end()) or \
                    _STATED.match(t, m.end()) or _IF_GIVEN.search(t, max(0, m.start() - 40), m.start()) or \
                    _LOGIN_BY.search(t, max(0, m.start() - 30), m.start()) or _RETIRED.match(t, m.end()):
                continue  # the writer's own account (提供我司收款账户), papers to a branch, a password to set
            before = t[max(0, m.start() - 100):m.start()]
            asked_after = _BA.search(before) is not None and _ASK_AFTER.match(t, m.end()) is not None
            if not (_ASK.search(before) or asked_after or _asks_in_a_list(t, m.start())) or _NEVER_ASK.search(before) \
                    or _never_asked(t, m.start()) or _warned(t, m.start()) or \
                    VERIFY_BY_PHONE.search(t, *sentence_span(t, m.start(), m.end(), _SENTENCE_START, reach=200)):
                continue  # (bank details updated only after a call back to the number on file: the writer's process)
            if _DATA_FAST.branch_of(m) < _DATA_STRONG_BRANCHES:  # a strong word (card number, 密码)
                return m.span()
            if _WHERE_TO.search(m.group()) and \
                    FOR_DELIVERY.search(t, max(0, m.start() - 150), m.end() + 150) and \
                    not _WHO.search(t, max(0, m.start() - 150), m.end() + 150):
                continue  # (a name and an address for the courier: where a prize goes, not who the reader is)
            if weak and weak[-1][2] == m.group():
                weak = [(*m.span(), m.group())]  # (the same particular twice is one: two phones bound to accounts)
                continue
            weak.append((*m.span(), m.group()))
            if len(weak) >= 2 and weak[-1][0] - weak[0][0] < 120:
                return weak[0][0], weak[-1][1]
            weak = weak[-1:]
        # the account to verify or unlock (the phishing ask: "verify your account within 24 hours")
        for m in _VERIFY_ACCOUNT_FAST.finditer(t, lo, hi):
            if not _warned(t, m.start()) and not _NEVER_ASK.search(t, max(0, m.start() - 80), m.start()):
                return m.span()
        # a number to call about a charge the reader did not make (the callback lure)
        for m in _CALLBACK.finditer(t, lo, word_end(t, hi + 120, SCAN_LIMIT)):
            if not _warned(t, m.start()):
                return m.span()
        # security software to switch off for an install (the dropper's "安装时请关闭杀毒软件")
        for m in DISABLE_AV.finditer(t, lo, hi):
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
        for m, past in _tried(_SECRECY_FAST.finditer(t, lo, hi)):
            # (keep your own password to yourself: 妥善保管您的密码，不要告诉他人; an advisory's quoted example)
            # ("genuine bank staff will never tell you to keep it secret": what a scam says, not this mail)
            if past or not _OWN_SECRET.search(t, max(0, m.start() - 20), m.start()) and \
                    not _warned(t, m.start()) and not _never_asked(t, m.start()):
                return m.span()
        for m, past in _tried(_IM_FAST.finditer(t, lo, hi)):
            if past:
                return m.span()
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


# a payment asked ("please pay the attached invoice today", 请于…付款, 缴至本院案款专户): an ask of half a point, and
# only in a text that gives the account to pay (_PAYEE: 账号：6217…, "Account 11937042"). Every invoice asks this
# much; what stands beside it tells the scam: a deadline today, secrecy, a threat, a name worn, free mail
_PAYMENT_ASK = re.compile(r"\b(?:pay|remit|wire|settle)\b(?! (?:attention|close attention|a visit|tribute))|"
                          r"\btransfer (?:the|this|it|these|that|all|\w+ (?:to|into))\b|"
                          r"(?:请|须|需|要|应|务必|尽快|必须)[^。！？\n]{0,20}?(?:付款|支付|汇款|转账|缴纳|打款|付清|结清)|"
                          r"付出去|缴至|付至|汇至|转至|付到|汇到|转到|打到|汇入|转入|存入")


def payment_to_given(t: str) -> tuple[int, int] | None:
    """A payment asked in ``t`` where ``t`` also gives the account to pay (see :data:`_PAYMENT_ASK`)."""
    head = t[:SCAN_LIMIT]
    # (a few substring tests first: most texts name no account at all, and the pattern reads every position)
    if not any(w in head for w in PAYEE_WORDS) or _PAYEE.search(t, 0, SCAN_LIMIT) is None:
        return None
    for m in _PAYMENT_ASK.finditer(t, 0, SCAN_LIMIT):
        if not _warned(t, m.start()) and not _never_asked(t, m.start()) and \
                not _NOT_SO.search(t, max(0, m.start() - 40), m.start()) and \
                not _ALREADY_PAID.search(t, max(0, m.start() - 80), m.start()) and \
                not _AS_BEFORE.search(t, m.start(), m.end() + 300):
            return m.span()
    return None


# the account to pay said to be the one paid before ("A/C 4425 … (as on all previous invoices)", 收款账户不变): an
# invoice's reassurance, no new payee
_AS_BEFORE = re.compile(r"\bas (?:on|in) (?:all |our |the )?(?:previous|earlier|past|prior|last) "
                        r"(?:invoices?|statements?|payments?|orders?)\b|"
                        r"\b(?:same|usual) (?:bank )?account as (?:before|always|usual)\b|"
                        r"\b(?:bank )?(?:details|account) (?:are|is|remain) unchanged\b|"
                        r"(?:账户|帐户|账号)(?:信息)?(?:不变|未变|无变化|与以往相同|同前)")


_OFFER_OR_ASK_FINDERS = (("windfall", _windfall), ("returns", _returns), ("fee", _fee),
                         ("personal_data", _personal_data))


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
