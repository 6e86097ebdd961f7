"""Whole-text shapes of five frauds whose words alone ask nothing a genuine mail would not.

Each is read over a text only when a cheap substring test finds one of its words (most mail holds
none), and only by :mod:`rules.scams`, beside the signals it already found:

- **the codes of gift cards sent back** (:data:`GIFT_CODES`): "scratch the back and send me photos
  of the codes", 把卡密拍照发我. Whoever asks a colleague for a card's codes by mail is spending
  it: a gift card fee with its codes asked weighs as money into a "safe" account does.
- **the boss's opener** (:func:`opener`): from free mail, unasked, someone takes the reader to a
  new WeChat or QQ (a group's number or its code to scan too), or only checks the reader is at
  their desk ("Are you at your desk?", 在吗), and keeps it secret or says they cannot take calls
  ("I'm in a meeting", 先不要跟其他人讲). No money is asked yet: that comes in the chat. A genuine
  colleague's private number comes from the company's own mail, and a recruiter's does not ask
  for silence.
- **the stranger who befriends** (:func:`befriends`): a mail "to the wrong person", or "we met at the
  fair, remember me?", that offers friendship ("maybe it's fate", 交个朋友) and a messaging id. The
  pig-butchering opener asks nothing yet; the investment comes weeks later in the chat. Nobody who
  reached the wrong address by mistake offers friendship and a WhatsApp number.
- **the money mule's job** (:func:`mule_job`): parcels received at the reader's home and sent on with
  labels the "employer" emails, or payments taken into the reader's own account and passed on for a
  commission (跑分, 代收货款). No employer moves its goods or money through a stranger's home or account.
- **the domain-name scare** (:func:`domain_scare`): "we received an application from X Ltd to
  register your name as their network brand and these domain names … does your company have a
  connection with them?" (我中心收到…的申请，要求以"宜珂"为关键词注册网络品牌及域名), or as their trademark
  (本处收到「…有限公司」提交的申请，拟在香港注册「EXAMPLE CORP」商标). No registrar tells one company of another's
  application; the scare sells the names to the reader.
"""

from __future__ import annotations

import re

from rules.alternation import Alternation
from rules.scam_signals import _IM_FAST, _tried
from rules.scam_text import SCAN_LIMIT

GIFT_CODE_WORDS = ("scratch", "photo", "picture", "image", "snap", "卡密", "兑换码", "券码", "卡号和密码")
GIFT_CODES = re.compile(
    r"\bscratch (?:off )?(?:the )?(?:back|silver|strip|panel)|"
    r"\b(?:send|email|e-mail|text|forward|share)\b(?: me| them| it)?[^.!?\n]{0,40}?"
    r"\b(?:photos?|pictures?|images?|snap ?shots?|snaps)\b[^.!?\n]{0,25}?\b(?:codes?|cards?|pins?)\b|"
    r"(?:卡密|兑换码|券码|卡号和密码)[^。！？\n]{0,20}?(?:拍照|拍给|发我|发给我|发到我|发过来)")

# a move to an instant-messaging account or group, with the id given ("加一下我的新微信 czq-8869",
# "QQ工作群，群号 8873xxx21", "add me on WhatsApp +44 7700 900123")
_MOVE_WORDS = ("微信", "qq", "钉钉", "whatsapp", "telegram", "wechat", "群号", "signal", "扫码", "加我", "新号", "加v",
               "加 v", "加wx", "t.me/", "wa.me/")
_IM_WORDS = (*_MOVE_WORDS, "line", "weixin", "vx", "wx", "赖", "v信", "薇信", "viber", "skype", "kakao", "t.me/",
             "wa.me/")
_MOVE = re.compile(
    r"(?:加|添加|申请加入|加入|入)[^。！？\n]{0,8}?(?:新的?)?(?:微信|qq|钉钉)(?:号|群)?[\s:：]{0,3}"
    r"(?:号|号码)?[\s:：]{0,3}[a-z0-9][a-z0-9_-]{3,}|"
    r"群号[\s:：]{0,3}\d[\dx \-]{4,}|"
    # (the new id after "add me", the app named before it, and a task for the reader: 先用这个新号，你加我一下：
    # chenzq_gz0815 … 下午要你处理一下; a supplier's rep who changed phones gives his id and no task)
    r"(?:新号|新的号|这个号)[^。！？\n]{0,12}?加我(?:一下)?[\s:：]{1,3}[a-z][a-z0-9_-]{3,}"
    r"(?=[\s\S]{0,120}?(?:要你|需要你|让你|你帮我|帮我(?:处理|办|付|转)|交给你))|"
    # (the phone number as the id: 微信同号 13812345678, 我的微信就是手机号 138…)
    r"微信同号|(?:微信|wechat)(?:号)?(?:就是|即|=)?(?:我的)?(?:手机号|电话)(?:码)?[\s:：]{0,3}\+?\d{7,}|"
    # (the id written first: chenjg_gz0915 是我新的微信，加我一下)
    r"(?<![a-z0-9_-])[a-z][a-z0-9_-]{4,40}[\s，,]{0,3}(?:这|这个)?是我(?:的)?新(?:的)?(?:微信|qq|号)|"
    # (the new id told, not added: 这是我新的微信号 czm8862_hk，你加我一下)
    r"(?:新的?|我的)(?:微信|qq)(?:号|号码)?\s{0,3}(?:是\s{0,2})?[a-z0-9][a-z0-9_-]{3,}|"
    # (Taiwan's LINE: 加我line：meiling0707, "LINE ID 是 amy_wine520")
    r"(?:加|添加)(?:我的?|一下)?\s{0,3}(?:line|赖|wx|vx)(?![a-z0-9_])|(?<![a-z0-9_])line(?:\s{0,3}id)?\s{0,3}(?:[:：]|是)\s{0,3}[a-z0-9]|"
    # (the id on a line of its own: 微信号：cjg_hz1968; a group to scan into: 企业微信群，你扫码进一下)
    r"(?:微信|qq|wechat|whatsapp|telegram)(?:号|号码| id)?[ \t]{0,2}[:：][ \t]{0,2}[+a-z0-9][a-z0-9_-]{3,}|"
    r"(?:微信|qq|钉钉)群[^。！？\n]{0,30}?(?:扫码|进群|入群|加入|进一下)|扫码(?:进|加入|入)群|"
    # (the group's own link: t.me/freightalpha_vip2025; "join the private Telegram group")
    r"\bt\.me/[a-z0-9_+]{4,}|\bwa\.me/\d{6,}|\bjoin (?:the |our |my )?(?:private |vip |free )?"
    r"(?:telegram|whatsapp|wechat|signal|line) (?:group|channel|community)\b|"
    r"\b(?:hit me up|ping me|dm me|find me) (?:on|via|at) (?:telegram|whatsapp|wechat|signal)\b|"
    r"(?:加|添加)\s?(?:v|vx|wx|威信|薇信)[\s:：]{0,3}[a-z0-9][a-z0-9_-]{3,}|"
    r"\b(?:add|text|message|reach|contact) me (?:directly )?(?:on|via|at) (?:my (?:new |personal )?)?"
    r"(?:whatsapp|telegram|wechat|signal)\b|"
    # ("would you like to chat on WhatsApp? +44 7520 611894")
    r"\b(?:chat|talk|continue|speak) (?:with me |to me )?(?:on|via|over) (?:whatsapp|telegram|wechat|signal|line)\b"
    r"[^a-z\n]{0,6}[+@a-z0-9]|"
    r"\bmy (?:new |personal )?(?:whatsapp|telegram|wechat|signal)(?: number| id)?(?: is)?[\s:]{0,3}[+@a-z0-9]")
_MOVE_FAST = Alternation(_MOVE)  # (searched branch by branch: rules.alternation)
# kept from others, or the phone that cannot be answered: what a boss's opener adds
_HUSH_WORDS = ("不要", "别", "先别", "唔好", "保密", "不方便", "开会", "接电话", "静音", "meeting", "call", "tell",
               "between us", "confidential", "discreet", "anyone", "anybody", "talk")
_HUSH = re.compile(
    r"(?:不要|别|先别|唔好)(?:告诉|声张|说话|(?:跟|和|对|同)[^，。！？,\n]{1,10}?(?:说|讲|提))|(?:此事|这件事|这个事情?)[^。！？\n]{0,6}保密|"
    r"不方便(?:接|打)?电话|(?:正在|在外面?|在)开会|在[^，。！？\n]{1,10}?开会|手机(?:静音|没电|关机)|"
    r"(?:无法|不能|没法)接(?:听)?电话|"
    r"\bi[’']?m in (?:a (?:board |client )?meeting|meetings)\b|\bi am in (?:a (?:board |client )?meeting|meetings)\b|"
    r"\b(?:tied up|stuck) in (?:a )?(?:board |client )?meetings?\b|\bback[- ]to[- ]back meetings\b|"
    r"\b(?:can[’']t|cannot|can not|unable to) (?:talk|take (?:any )?calls|answer (?:the |my )?phone)\b|"
    r"\bkeep (?:this|it) (?:strictly )?(?:between (?:the two of )?us|to yourself|confidential|quiet)\b|"
    r"\b(?:don[’']t|do not) (?:tell|(?:mention|discuss|share) (?:this |it )?(?:with |to )?)"
    r"(?:anyone|anybody|the others|the team)\b|\bdiscreet(?:ly)?\b")

# the boss's first line, before any channel: is the reader there, now (with _HUSH: "I'm in a meeting and can't talk")
_DESK_WORDS = ("desk", "available", "在吗", "在公司", "在办公室", "在不在", "收到请回", "get this")
_DESK = re.compile(r"\bare you (?:at|on|near) your desk\b|"
                   r"\bare you (?:available|around|in the office)(?: right)?(?: now)?\?|"
                   r"在公司吗|在办公室吗|在不在|^\W{0,3}\w{0,6}[，,]?\s{0,2}在吗|"
                   # (or asks for a reply before anything is said: 收到请回复, "let me know when you get this")
                   r"收到请回(?:复|覆|个话)|"
                   r"\b(?:let me know|reply|get back to me) (?:as soon as|when|once) you get this\b")

DOMAIN_SCARE_WORDS = ("domain", "域名", "网络品牌", "通用网址", "network brand", "internet keyword", "online brand",
                      "trademark", "trade mark", "商标")
# a trademark claimed: a scare only with its question (is the applicant your agent? file a "protective" registration);
# a trademark agent's watch notice reports an application too, and proposes an opposition
_TRADEMARK_ONLY = re.compile(r"\btrade ?marks?\b|商标")
_SCARE_QUESTION = re.compile(r"(?:是否|是不是)[^。！？\n]{0,30}?(?:授权|代理|合作伙伴|关联)|"
                             r"(?:如|若)(?:该|此)?(?:公司)?(?:并)?非"
                             r"(?:贵公司|贵司)?(?:的)?(?:授权|代理|合作)|保护性(?:注册|申请)|"
                             r"\bwhether\b[^.!?\n]{0,60}?\b(?:agent|partner|authori[sz]ed|affiliated|distributor)\b|"
                             r"\bprotective (?:registration|filing)\b")
# read in two steps, each bounded (one pattern with four lazy gaps in a row backtracked for seconds over a
# hostile 收到…申请 repeated): the application received from another company, then what it is to register
# (its lines wrapped anywhere, and "formally" or "that" as the registrars' English has it)
_SCARE_APPLICATION = re.compile(r"\b(?:received|got|have)\s{1,3}an?\s{1,3}(?:formal\s{1,3})?(?:application|request)"
                                r"(?:\s{1,3}formally)?\s{1,3}(?:from|by|of|that)\b(?!\s{1,3}you\b)|(?:收到|接到)了?(?:一家|名为|[^。！？\n]{0,24}?公司|[^。！？\n]{0,24}?企业)|"
                                r"\bapplying to (?:us|our (?:center|centre|office|company))(?= to (?:use|register)\b)")
_SCARE_CLAIM = re.compile(r"(?:\bregister\w*\b|\brequest\w*\b|\bappl(?:y|ied|ying) for\b|\bto use\b|注册|登记)"
                          r"[^\n]{0,120}?"
                          r"(?:\bdomain names?\b|\b(?:net|network) brand\b|"
                          r"\binternet keywords?\b|\bonline brand\b|网络品牌|通用网址|网络关键词|关键词|域名|"
                          r"\btrade ?marks?\b|商标)|"
                          # (the name first: 希望以“example”为网络品牌及域名在互联网上注册)
                          r"(?:网络品牌|通用网址|网络关键词|域名|商标)[^\n。]{0,40}?注册")
_SCARE_ATTEMPTS = 5  # applications looked at per text


def gift_codes_asked(text: str, lo: int, hi: int) -> bool:
    """Whether the codes (photos, 卡密) of gift cards are asked between ``lo`` and ``hi``."""
    part = text[max(0, lo):hi]
    return any(w in part for w in GIFT_CODE_WORDS) and GIFT_CODES.search(part) is not None


# the errand the boss's opener names before the channel: a quick payment for me today (from any domain: with the
# desk check and a meeting, the opener is the CEO fraud's whole first mail)
PAYMENT_TASK = re.compile(r"\b(?:handle|process|make|arrange|send|do|take care of) (?:a |an )?(?:quick |urgent |small |"
                          r"confidential )?(?:bank |wire |vendor |supplier )?(?:payment|wire|transfer|task) for me\b|"
                          r"(?:你|您)?(?:帮我|替我)(?:处理|付|转|汇)一笔(?:款|钱|账)")
PAYMENT_TASK_WORDS = ("for me", "帮我", "替我")  # (looked for first: most texts hold none)
# (a client paying us, a broker's duties: "I'd like to make a quick payment of your invoice", 我们今天要付一笔款给贵司 -
# the errand for me is the boss's)

# who writes to be known, or to many, is no boss in disguise: a recruiter who introduces herself ("my name is",
# "found your profile on LinkedIn", 我是…猎头), a class committee's notice to all (请大家, "Dear all")
_NOT_THE_BOSS = re.compile(r"\bmy name is\b|\blinkedin\b|\bi(?:'m| am) (?:a|an|the) [\w -]{2,30}? (?:at|with|from)\b|"
                           r"\bwe(?:'re| are) (?:a|an) \w+|"
                           r"\b(?:dear|hi|hello) (?:all|everyone|members|colleagues|friends)\b|"
                           r"我是[^，,。！？\n]{1,20}?(?:的|公司|猎头|顾问|招聘)|我叫|我们是|请大家|各位|大家好|"
                           # (a rep naming his company after a comma: 我是小王，华达电子销售部的)
                           r"我是[^，,。！？\n]{1,8}?[，,][^。！？\n]{0,16}?(?:公司|销售|业务|部的|厂|集团)")


def opener(text: str) -> tuple[int, int] | None:
    """The span of a move to a messaging account or group, or of the desk check ("Are you at your
    desk?", 在吗), where the same text keeps it quiet or cannot take a call (the boss's opener), or None."""
    head = text[:SCAN_LIMIT]
    if not any(w in head for w in _HUSH_WORDS):
        return None
    move = _MOVE_FAST.search(head) if any(w in head for w in _MOVE_WORDS) else None
    if move is None and any(w in head for w in _DESK_WORDS):
        move = _DESK.search(head)
    if move is None or _HUSH.search(head) is None or _NOT_THE_BOSS.search(head):
        return None
    return move.span()


# the stranger who befriends (the "pig-butchering" opener), one of two ways. A message that confesses it reached the
# wrong person ("sorry, I think I have the wrong person", 好像发错人了, 寄錯信箱) and turns it into friendship ("maybe
# it's fate, let's be friends", 相遇就是缘分，交个朋友) or into trading talk; or one that recalls a meeting ("we met
# at the fair, do you remember me?") and turns it into the writer's own trading with a relative or a mentor ("my aunt
# and I do short-term gold and crypto trading", 跟着我舅舅做黄金和数字货币的短线，收益还不错). Either way a messaging
# id follows (WhatsApp, WeChat, LINE). No money yet: the investment comes weeks later in the chat. A review wrote
# genuine follow-ups from jewellery, forex and crypto fairs, cold sales openers (冒昧打扰…认识一下) and a recruiter's
# "apologies if I have the wrong person": a fair and a trade's own market are business, so the meeting needs the
# personal trading, and the confession must be one
_STRANGER_WORDS = ("wrong", "mistake", "met", "remember", "talked", "exchanged", "swapped", "错", "记得", "认识",
                   "见过", "印象", "交流", "聊", "名片")
_WRONG = re.compile(
    r"(?<!\bif )(?<!\bif i )(?<!\bin case )\b(?:i (?:think |guess |might |may )?(?:have |had |got )?(?:the )?)?"
    r"(?:wrong (?:person|number|e-?mail(?: address)?|address|inbox|contact|recipient|mr\.?|ms\.?)|"
    r"(?:sent|send|sending|typed|wrote) (?:this |it |my message |your address )?(?:to the wrong|by mistake)|"
    r"not the (?:person|one) i (?:was looking for|meant))\b|"
    r"(?:发|加|认|找|搞|打|寄|弄)错(?:人|了|号|邮箱|地址|信箱)")
_MET = re.compile(
    r"\b(?:we met at|i met you at|met (?:you )?(?:at|during) the|we (?:talked|spoke|chatted) (?:for )?[^.!?\n]{0,40}?"
    r"\b(?:at|near|during) (?:the )?)|\b(?:do you |you )?(?:still )?remember me\b|"
    r"还记得我|(?:您|你)记得我|(?:还有没有|有没有|还有)印象|"
    # (the cards swapped at a show: "I think we exchanged cards at the Munich show", 加过您名片)
    r"\b(?:we |i )?(?:exchanged|swapped) (?:business |name )?(?:cards|namecards|contacts)\b|"
    r"(?:加过|交换过|换过|留过)(?:您|你)?的?名片|"
    r"(?:上次|之前|那天|上个月|上周|我们在)[^。！？\n]{0,30}?(?:认识|见过|聊过|交流过|聊了|加过)")
_FRIEND_WORDS = ("friend", "fate", "destiny", "know each other", "缘", "朋友", "gold", "crypto", "bitcoin", "invest",
                 "数字资产", "加密货币", "理财",
                 "digital asset", "digital currenc", "forex", "黄金", "数字货币", "虚拟币", "外汇", "比特币", "期货")
_FRIEND = re.compile(r"\b(?:be|become|make|stay) (?:good )?friends\b|\bfate\b|\bdestiny\b|"
                     r"\b(?:get to |)know each other\b|缘分|有缘|(?:交|做|成为)(?:个)?朋友")
# the trading the stranger does for itself, with a relative or a mentor, and its returns
_OWN_TRADING = re.compile(
    r"\b(?:my|our) (?:uncle|aunt|auntie|cousin|mentor|teacher|brother|sister)\b[^.!?\n]{0,80}?\b(?:gold|crypto\w*|"
    r"bitcoin|btc|digital (?:assets?|currenc\w+)|forex|trading|(?:short-term |trading )signals)\b|"
    # (her income from it, her gains on it: "most of my income comes from digital asset trading", "last month I made
    # 38% on BTC/USDT contracts")
    r"\b(?:my )?income comes from (?:\w+ ){0,2}(?:trading|crypto\w*|gold|forex|digital assets?)\b|"
    r"\bi (?:made|earned|gained) \d{1,3}(?:\.\d)?\s?% (?:on|in|from) (?:\w+ ){0,2}(?:btc|bitcoin|eth|usdt|crypto\w*|"
    r"gold|forex|contracts?|trades?)\b|"
    r"\b(?:gold|crypto\w*|bitcoin|digital (?:assets?|currenc\w+)|forex)\b[^.!?\n]{0,60}?"
    r"\bshort[- ]term (?:trad\w+|trades)\b|"
    r"\b(?:i|we) (?:do|make|made|have made)\b[^.!?\n]{0,30}?\b(?:gold|crypto\w*|bitcoin|forex)\b[^.!?\n]{0,40}?"
    r"\b(?:profits?|returns?|gains)\b|"
    # (the trading mentioned in passing: "and also some investment on the side")
    r"\b(?:some |a little )?invest(?:ment|ing)s? on the side\b|"
    r"跟着?(?:我)?(?:的)?(?:舅舅|叔叔|阿姨|姑姑|表哥|表姐|老师|导师)[^。！？\n]{0,20}?(?:黄金|数字货币|数字资产|加密货币|虚拟币|"
    r"外汇|比特币|期货|炒)|"
    r"(?:黄金|数字货币|数字资产|加密货币|虚拟币|外汇|比特币|期货)[^。！？\n]{0,20}?(?:短线|带单)|"
    r"(?:黄金|数字货币|数字资产|加密货币|虚拟币|外汇|比特币)"
    r"[^。！？\n]{0,40}?收益(?:很|也|一直|都|还)?(?:还不错|很好|不错|稳定|可观)")


# a stranger's reason to leave e-mail for a messaging app ("Email is not convenient because of our company firewall.
# Please add my WeChat", "email is slow for me. My WhatsApp is …", 邮件不太方便聊，您加一下我微信): the move the
# contact-me-privately lure makes before anything is asked. A correspondent who gives a WeChat id beside his e-mail,
# or in a thread, gives no reason to leave it
_OFF_EMAIL_WORDS = ("mail", "firewall", "active", "spam", "邮件", "邮箱")
_OFF_EMAIL = re.compile(
    r"\b(?:e-?mails?|mail(?:box)?)\b (?:is|are|gets?|can be) (?:\w+ ){0,2}?(?:not convenient|inconvenient|slow|blocked|"
    r"filtered|not safe|not secure|unreliable|not checked|not easy|not good)\b|"
    r"\b(?:rarely|seldom|hardly|barely|don't|do not|cannot|can't|can not|unable to) "
    r"(?:often |always |regularly |ever )?(?:check|use|read|access|open) (?:my |our |this |the )?(?:company |work )?"
    r"(?:e-?mails?|mailbox|inbox)\b|"
    r"\bbecause of (?:our|the|my) (?:company(?:'s)? |office )?firewall\b|"
    # ("my emails often go to spam on your side", 我这边邮件经常进垃圾箱)
    r"\b(?:my|our) e-?mails? (?:often |always |sometimes |usually )?(?:go|goes|end up|land) (?:in|to|into) (?:your )?"
    r"(?:spam|junk)\b|(?:邮件|邮箱)[^。！？\n]{0,6}?(?:进|到|被当成?)(?:了)?(?:垃圾箱|垃圾邮件)|"
    # ("I'm not very active here, would you like to chat on WhatsApp?")
    r"\bi(?:'m| am) not (?:very |that |so |really )?active (?:here|on (?:e-?mail|this (?:e-?mail|account|app)))\b|"
    r"(?:邮件|邮箱)(?:里|上)?(?:不太|不是很|不怎么|不)(?:方便|好用|安全)|(?:邮件|邮箱)(?:不常用|不常看|很少看|很少用|不怎么看|"
    r"经常收不到|回复慢|太慢|比较慢|不及时)")
_OFF_EMAIL_FAST = Alternation(_OFF_EMAIL)  # (searched branch by branch: rules.alternation)


def moves_off_email(text: str) -> tuple[int, int] | None:
    """The span of a messaging id or the move to one given after a reason to leave e-mail, or None."""
    head = text[:SCAN_LIMIT]
    if not any(w in head for w in _OFF_EMAIL_WORDS) or not any(w in head for w in _IM_WORDS):
        return None
    for reason, past in _tried(_OFF_EMAIL_FAST.finditer(head)):
        move = _MOVE_FAST.search(head, reason.start(), reason.end() + 300)
        if past:
            return move.span() if move is not None else reason.span()
        if move is not None and not _ONLY_IF.search(head, reason.end(), move.start()):
            return move.span()
    return None


# the messaging app offered only as a fallback ("so if you do not get my reply within one day please add my WeChat"):
# a supplier's courtesy, not a move off e-mail
_ONLY_IF = re.compile(r"\bif (?:you |i |we )?(?:do not|don't|did not|didn't|can't|cannot|can not|fail to) "
                      r"(?:get|receive|hear|reply|respond|answer)|"
                      r"如(?:果)?(?:我|我们|您|你)?(?:没有?|未)(?:能)?(?:及时)?(?:收到|看到|回复|回)")


# a link to an archive or a program with the password to open it ("please find our order confirmation in the
# protected archive below. Password: 2024 https://…/orderconf.zip"): the encrypted attachment a gateway refuses,
# sent as a link so that no gateway opens it, from someone the reader never wrote to
_LOCKED_WORDS = ("password", "passcode", "pwd", "unlock code", "extraction code", "archive key", "zip key", "pass:",
                 "pass :", "密码", "口令", "解压码")
_PAYLOAD_LINK = re.compile(r"\bhttps?://[^\s\"'<>]{3,300}?\.(?:zip|rar|7z|iso|img|exe|scr|js|vbs|msi|cab|ace)"
                           r"(?=[.,;:!]?(?:[\s\"'<>)]|$)|[?#])")
_PASSWORD_GIVEN = re.compile(r"(?:\b(?:password|passcode|pwd|unlock code|extraction code|archive key|zip key|"
                             r"pass(?=\s?[:：]))|解压密码|解压码|密码|口令)\s?"
                             # (no separator: only a token with a figure, "password 2024"; not "password will follow")
                             r"(?:(?:is|for the (?:archive|file|zip) is|[:：]|为|是|[-–—])\s?[\"'“]?[^\s\"'”]{2,}|"
                             r"[\"'“]?(?=[^\s\"'”]*\d)[^\s\"'”]{2,})")


def locked_archive_link(text: str) -> tuple[int, int] | None:
    """The span of a link to an archive or a program given with its password (within 300 characters), or None."""
    head = text[:SCAN_LIMIT]
    if "://" not in head or not any(w in head for w in _LOCKED_WORDS):
        return None
    for link, past in _tried(_PAYLOAD_LINK.finditer(head)):
        if past or _PASSWORD_GIVEN.search(head, max(0, link.start() - 300), link.end() + 300):
            return link.span()
    return None


# a pitch of crypto, trading tips or a finance staff's group, moved to a messaging app by a stranger ("our OTC desk
# offers USDT settlement … Message me on Telegram", 财务人员内部交流群…请添加QQ群): the investment scam's and the
# fake boss's group, where the ask comes later
_PITCH_WORDS = ("usdt", "bitcoin", "btc", "crypto", "otc", "signal", "stock tip", "stock pick", "数字货币", "虚拟币",
                "币圈", "泰达币", "炒币", "荐股", "股票", "炒股", "财务", "会计", "出纳")
_PITCH = re.compile(r"\b(?:usdt|bitcoin|btc|crypto(?:currency|currencies)?|otc desk|"
                    r"(?:forex|trading|vip|crypto) signals?|signals (?:group|channel)|stock (?:tips?|picks?))\b|"
                    r"数字货币|虚拟币|币圈|泰达币|炒币|荐股|股票(?:交流|学习|内部)?社?群|炒股|牛股")
# a finance staff's group: the fake boss's, from free mail (an accounting society's study group and a supplier's
# reconciliation group write from their own domains)
_FINANCE_GROUP = re.compile(r"(?:财务|会计|出纳)(?:人员)?(?:内部)?(?:交流|学习|工作)?群")
# a brand's own community, named so ("Join our Telegram community", "official Telegram channel")
_OFFICIAL_CHANNEL = re.compile(r"\bofficial\b|\bcommunity\b|官方")
_PITCH_FAST = Alternation(_PITCH)  # (searched branch by branch: rules.alternation)


def messenger_pitch(text: str, free_sender: bool = False) -> tuple[int, int] | None:
    """The span of the move to a messaging app in a text that pitches crypto or trading tips (or, from free mail, a
    finance staff's group), or None; a move to a community named official is a brand's own."""
    head = text[:SCAN_LIMIT]
    if not any(w in head for w in _PITCH_WORDS) or not any(w in head for w in _MOVE_WORDS) or \
            (_PITCH_FAST.search(head) is None and not (free_sender and _FINANCE_GROUP.search(head))):
        return None
    move = _MOVE_FAST.search(head)
    if move is None or _OFFICIAL_CHANNEL.search(head, max(0, move.start() - 60), move.end() + 30):
        return None
    return move.span()


# a stranger who says the reader's own boss sent him, about money ("I have been instructed by your CEO to coordinate
# the escrow deposit", 你们老板让我联系你付一笔定金): the CEO fraud's second voice, the "lawyer" or "consultant"
_BOSS_WORDS = ("your ceo", "your cfo", "your boss", "your managing", "your chairman", "your president", "your director",
               "your general manager", "your chief", "your owner", "老板", "总经理", "董事长", "总裁", "领导")
_CLAIMED_BOSS = re.compile(
    r"\b(?:instructed|asked|authori[sz]ed|mandated|appointed|engaged|retained|sent) by your (?:ceo|cfo|chief executive"
    r"(?: officer)?|chief financial officer|managing director|md|director|chairman|president|boss|general manager|gm|"
    r"owner)\b|\byour (?:ceo|cfo|managing director|chairman|president|boss|general manager) (?:has )?"
    r"(?:asked|instructed|authori[sz]ed|told|sent) (?:me|us)\b|"
    r"(?:你们|贵司|贵公司|您|你)的?(?:老板|总经理|董事长|总裁|ceo|领导)(?:让我|委托我|安排我|交代我|授权我|让我们|委托我们)|"
    r"受(?:贵司|贵公司|你们|您|你)?的?(?:老板|总经理|董事长|总裁|领导)(?:的)?委托")
_BOSS_MONEY_WORDS = ("wire", "transfer", "payment", "escrow", "deposit", "remit", "funds", "汇款", "转账", "打款",
                     "付款", "定金", "保证金")
_BOSS_MONEY = re.compile(r"\b(?:wire|transfer|payment|escrow|deposit|remit\w*|funds)\b|汇款|转账|打款|付款|定金|保证金")
# (and hushed or hurried, as the fraud always is: an auditor "your CFO asked us" to write sends an engagement letter)
_BOSS_HUSH = re.compile(r"\b(?:confidential|discreet|discretion|no one|nobody|secret|today|urgent(?:ly)?|asap|"
                        r"immediately)\b|保密|不要告诉|别告诉|不要声张|今天|尽快|马上|立即")
# (and the reader asked to pay or to act: a lawyer's notice that "completion funds will be transferred" asks nothing)
_BOSS_ASK = re.compile(r"\b(?:must reach|must be (?:sent|wired|transferred|paid)|(?:you|your team) (?:must|need to|"
                       r"should|will need to) (?:send|wire|transfer|pay|process|arrange)|please (?:confirm you|process|"
                       r"arrange|send|wire|transfer|make)|i will send (?:you )?the (?:wire|bank|payment) "
                       r"(?:details|instructions))\b|"
                       r"请(?:您|你)?(?:支付|汇款|转账|安排|处理|打款)|需要(?:您|你)?(?:支付|汇款|转账|打款)|今天需要支付")


def claimed_boss(text: str) -> tuple[int, int] | None:
    """The span of a stranger's claim that the reader's boss sent him, in a text about money that is hushed or
    hurried, or None."""
    head = text[:SCAN_LIMIT]
    if not any(w in head for w in _BOSS_WORDS):
        return None
    claim = _CLAIMED_BOSS.search(head)
    return claim.span() if claim is not None and _BOSS_MONEY.search(head) is not None and \
        _BOSS_HUSH.search(head) is not None and _BOSS_ASK.search(head) is not None else None


# an event's or a trade's contact list offered for sale ("Would you be interested in acquiring the TOC Europe 2025
# attendees list? Count: 7,840 verified contacts", 出售展会参展商名录): the list seller's spam; an organiser tells its
# own exhibitors where their list is, and asks no price for it
# (the cheap test: a role of the list's people, as each branch below names one; not 数据 or 联系方式 alone, which
# half of all Chinese mail holds)
_LIST_WORDS = ("attendee", "visitor", "delegate", "exhibitor", "buyer", "decision maker", "registrant", "member",
               "participant", "contact list", "contact details", "contact data", "参展商", "采购商", "展商", "买家",
               "观众", "参会")
_LIST_SOLD = re.compile(
    r"\b(?:acquir\w*|purchas\w*|buy(?:ing)?|interested in (?:getting |receiving |obtaining )?)\b[^.!?\n]{0,60}?"
    r"\b(?:attendees?|visitors?|delegates?|exhibitors?|buyers?|decision makers?|members?|participants?)(?:'s?)? "
    r"(?:e-?mail )?(?:list|lists|database|contacts|data|leads)\b|"
    r"\b(?:attendees?|visitors?|delegates?|exhibitors?|buyers?|decision makers?|registrants?)(?:'s?)? (?:e-?mail )?"
    r"(?:list|lists|database|contacts)\b[^!?\n]{0,200}?(?:\bverified contacts\b|\b\d[\d,]* (?:verified )?(?:contacts|"
    r"records|leads|e-?mails)\b)|"
    r"\bcontact (?:list|details|data) of (?:the |all )?[^.!?\n]{0,40}?\b(?:attendees|visitors|exhibitors|buyers|"
    r"registrants|delegates)\b|"
    r"(?:出售|购买)[^。！？\n]{0,20}?(?:参展商|参会|观众|买家|采购商|展商)(?:名录|名单|数据|通讯录|联系方式)|"
    r"(?:参展商|采购商|买家|观众|展商)(?:的)?(?:全部)?(?:联系方式|通讯录|名录|数据)[^。！？\n]{0,10}?\d+(?:万)?条")
_LIST_SOLD_FAST = Alternation(_LIST_SOLD)  # (searched branch by branch: rules.alternation)


def list_sold(text: str) -> tuple[int, int] | None:
    """The span of a contact list of an event or a trade offered for sale, or None."""
    head = text[:SCAN_LIMIT]
    if not any(w in head for w in _LIST_WORDS):
        return None
    m = _LIST_SOLD_FAST.search(head)
    return m.span() if m is not None else None


# the police's, the prosecutor's or the customs' accusation by mail (公检法): the reader "involved" in laundering or
# smuggling, told to call the officer or "cooperate" and to tell nobody. No police force accuses by mail and asks for
# silence; its next step is the "safe account". A police force's own warning quotes the same words (read as a warning)
_ACCUSED_WORDS = ("涉嫌", "涉案", "嫌疑", "洗钱", "走私", "通缉", "逮捕", "money laundering", "arrest warrant",
                  "suspect", "smuggling")
_ACCUSED = re.compile(r"涉嫌|涉案|嫌疑人|(?:帮助|参与|协助)?(?<!反)洗钱|(?<!反)走私|通缉|逮捕|拘留|冻结令|"
                      r"\b(?<!anti-)(?<!anti )(?:money laundering|arrest warrant|warrant (?:for|of) (?:your )?arrest|"
                      r"smuggling|"
                      r"(?:named|listed|identified) as a suspect)\b")
_OFFICER = re.compile(r"(?:办案|经侦|缉私|刑侦)(?:民警|警官|人员|局|科)|(?:民警|警官|检察官|法官)|"
                      r"配合(?:调查|警方|进行)|资金(?:清查|核查|核验)|(?:清查|核查)资金|"
                      r"\b(?:contact|call|phone) (?:the )?(?:investigating |case )?"
                      r"(?:officer|inspector|detective|prosecutor|agent)\b|"
                      r"\bcooperate with (?:the |our )?investigation\b")
_TELL_NOBODY = re.compile(r"(?:请勿|切勿|不要|不得|不准)[^。！？\n]{0,6}?(?:告知|透露|告诉|泄露)|保密案件|"
                          r"本案(?:属于|系)?保密|"
                          r"\b(?:do not|don't|must not) (?:tell|inform|discuss (?:this )?with|disclose (?:this )?to) "
                          r"(?:anyone|anybody|your (?:family|colleagues|bank|employer))\b|"
                          r"\b(?:must|should) not be (?:shared|discussed) with (?:anyone|anybody|"
                          r"your (?:colleagues|family|bank|employer))\b|(?:不要|别|请勿)声张|"
                          r"\bstrictly confidential investigation\b")


_TELL_WORDS = ("请勿", "切勿", "不要", "不得", "不准", "保密", "声张", "do not", "don't", "must not", "confidential")


# (a charge denied: a lawyer's "there is no allegation of smuggling", 并未认定贵司涉嫌走私)
_NOT_ACCUSED = re.compile(r"(?:并未|没有|尚未|未|不(?!法|明)|无(?!锡)|并非)[^。！？\n]{0,8}$|"
                          r"\b(?:no|not|never|nor)\b(?: \w+){0,3} (?:of |in |for )?$")


# (the officer to be called now: a number given, or today; a broker relaying a real inquiry says the officers "may
# contact you")
_CALL_NOW = re.compile(r"\d[\d \t()-]{6,}\d|今日|今天|立即|马上|尽快|\d{1,2}\s?小时|\btoday\b|\bimmediately\b|"
                       r"\bwithin \d{1,2} hours\b|\burgent")


def accused(text: str) -> tuple[int, int] | None:
    """The span of an accusation of crime by mail with an officer to call now and silence asked (the fake police's
    or customs' opener), or None."""
    head = text[:SCAN_LIMIT]
    if not any(w in head for w in _ACCUSED_WORDS) or not any(w in head for w in _TELL_WORDS):
        return None
    if _OFFICER.search(head) is None or _TELL_NOBODY.search(head) is None or _CALL_NOW.search(head) is None:
        return None
    for n, charge in enumerate(_ACCUSED.finditer(head)):
        if n >= _SCARE_ATTEMPTS:
            break
        if not _NOT_ACCUSED.search(head, max(0, charge.start() - 24), charge.start()):
            return charge.span()
    return None


# the overpaid cheque: a cheque for more than is owed, the rest to be passed to a third party (a homestay family,
# "our certified vendor", the shipper). The cheque bounces after the money has gone. A supplier's "quality check"
# and its "balance of 70%", a solicitor returning the excess to the client, are no such thing: the cheque is paid to
# the reader, and the excess goes to someone the writer names, not back to the writer or the reader
_CHEQUE_WORDS = ("cheque", "check")
_CHEQUE = re.compile(r"\b(?:by|a|an|the|my|our|his|her|their|this|certified|cashier'?s|company|personal|bank|business)"
                     r" (?:certified |cashier'?s |company |personal |bank )?(?:cheque|check)\b"
                     r"(?<!quality check)(?<!final check)(?<!random check)(?<!spot check)(?<!quick check)")
_THIRD_PARTY = (r"(?:vendor|shipper|mover|movers|agent|family|homestay|driver|landlord|supplier|courier|"
                r"freight forwarder|forwarder|caterer|contractor|decorator|transporter|logistics company)")
_BALANCE_ON = re.compile(r"\b(?:send|wire|forward|transfer|remit|pay|refund|return)\w*\b (?:the )?(?:balance|surplus|"
                         r"excess|difference|rest|extra|remaining(?: amount)?)\b[^.!?\n]{0,20}?\bto (?:them|him|her)\b|"
                         r"\b(?:send|wire|forward|transfer|remit|pay|refund|return)\w*\b (?:them|him|her|the "
                         + _THIRD_PARTY + r"|our " + _THIRD_PARTY + r"|my " + _THIRD_PARTY + r")\b[^.!?\n]{0,30}?"
                         r"\b(?:the )?(?:balance|remaining|excess|difference|rest|extra|surplus)\b|"
                         r"\b(?:balance|remaining amount|excess|difference|rest|extra)\b[^.!?\n]{0,40}?\b(?:sent|wired|"
                         r"forwarded|paid|transferred|returned|send|wire|forward|pay|transfer) (?:back )?to "
                         r"(?:the|our|my|"
                         r"his|her|their) (?:certified )?" + _THIRD_PARTY + r"\b|"
                         r"\bpay (?:the )?(?:extra|excess|difference|balance|remaining)\b[^.!?\n]{0,40}?\bto "
                         r"(?:the|our|my|"
                         r"his|their) " + _THIRD_PARTY + r"\b")


_BALANCE_WORDS = ("balance", "remaining", "excess", "difference", "rest", "extra", "surplus")
_CHEQUES_READ = 8


def overpaid_cheque(text: str) -> tuple[int, int] | None:
    """The span of a cheque whose excess is to be sent on (the overpayment scam), or None."""
    head = text[:SCAN_LIMIT]
    if not any(w in head for w in _CHEQUE_WORDS) or not any(w in head for w in _BALANCE_WORDS):
        return None
    for n, cheque in enumerate(_CHEQUE.finditer(head)):
        if n >= _CHEQUES_READ:
            break  # (a text of a thousand "a check" is no cheque sent; the first few are read)
        on = _BALANCE_ON.search(head, cheque.end(), cheque.end() + 400)
        if on is not None:
            return cheque.start(), on.end()
    return None


# the romance opener: a stranger who "saw your profile" and writes of loneliness or the reader's smile, and gives a
# messaging id or a private address ("I saw your profile on LinkedIn and your smile made me want to say hello … here is
# my private mail", 我是在领英上看到您的资料…一个人在外面有时候挺孤单的…加我的WhatsApp). A recruiter saw the profile
# too, and writes of a role, not of being alone
_ADMIRER_WORDS = ("lonely", "your smile", "your eyes", "handsome", "soulmate", "new life", "living alone",
                  "someone to talk to", "孤单", "孤独", "寂寞", "单身", "颜值", "很帅")
_PROFILE_SEEN = re.compile(r"\b(?:saw|seen|found|came across|noticed|viewed) (?:your|ur) (?:linkedin |facebook )?"
                           r"(?:profile|photos?|pictures?|page)\b|(?:看到|看了|看过|刷到)(?:您|你)的?(?:个人)?(?:资料|照片|简介|主页)")
_ADMIRER = re.compile(r"\bi(?:'m| am| feel| get| was| often feel| sometimes feel)(?: \w+){0,2} lonely\b|"
                      r"\blonely (?:heart|life|nights?|woman|man|lady|soul)\b|\byour (?:smile|eyes)\b|"
                      r"\bhandsome\b|\bsoulmate\b|\bnew life\b|\bliving alone\b|\bsomeone to talk to\b|"
                      r"(?:挺|很|有点|有些|比较|特别|好)?(?:孤单|孤独|寂寞)|我(?:还是|目前|现在)?单身|颜值|很帅")
_PRIVATE_MAIL = re.compile(r"\bmy (?:private|personal) (?:e-?mail|mail|address)\b|我的私人邮箱")


def befriends(text: str) -> tuple[int, int] | None:
    """The span of a stranger's move to a messaging app where the same text confesses it reached the wrong person
    and offers friendship or trading, or recalls a meeting and speaks of its own trading (the pig-butchering
    opener), or of a stranger who saw the reader's profile and writes of loneliness, with a messaging id or a
    private address (the romance opener), or None."""
    head = text[:SCAN_LIMIT]
    if any(w in head for w in _ADMIRER_WORDS):
        seen = _PROFILE_SEEN.search(head)
        if seen and _ADMIRER.search(head) and (_IM_FAST.search(head) or _PRIVATE_MAIL.search(head)):
            return seen.span()
    if not any(w in head for w in _FRIEND_WORDS) or not any(w in head for w in _STRANGER_WORDS) or \
            not any(w in head for w in _IM_WORDS):
        return None
    move = _MOVE_FAST.search(head) or _IM_FAST.search(head)
    if move is None:
        return None
    trading = _OWN_TRADING.search(head) is not None
    if _WRONG.search(head) and (trading or _FRIEND.search(head)) or _MET.search(head) and trading:
        return move.span()
    return None


# the money mule's job: parcels received at the reader's home and sent on with the "employer's" labels ("receive
# parcels for our customers at your home address … re-pack them and attach the prepaid labels we email you",
# 以您的住址代收包裹…寄往海外), or payments taken into the reader's own account and passed on for a cut ("keep 10% as
# your commission and forward the balance", 用您本人的支付宝代收货款, 跑分), offered as work. No employer moves its
# goods or money through a stranger's home or account. A review found the shop's returns label, the courier's
# redirection, the platform's payouts ("we look forward to"), the courier's cash on delivery (代收货款) and the banks'
# own warnings against lending an account: the job is named, the goods re-shipped or the balance passed on, and no
# "do not" stands before it
_MULE_WORDS = ("reship", "re-ship", "relabel", "re-label", "repack", "re-pack", "label", "forward", "the rest",
               "remainder", "balance", "keep", "the funds", "转寄", "跑分", "走账", "出租", "收购", "寄往", "重新包装",
               "代收")
_JOB = re.compile(r"\b(?:jobs?|positions?|roles?|vacanc\w+|hiring|salary|per month|"
                  r"per (?:package|parcel|transaction)|"
                  r"commission|part[- ]time|work from home|home[- ]based|applicants?|candidates?|probation)\b|"
                  r"招聘|招募|兼职|岗位|职位|月薪|日结|佣金|返佣|工作内容|在家工作")
_JOB_FAST = Alternation(_JOB)  # (searched branch by branch: rules.alternation)
_MULE_GOODS = re.compile(
    r"\b(?:receiv|accept|take in|takes in|taking in)\w*\b[^.!?\n]{0,60}?\b(?:parcels?|packages?|shipments?|goods|items|"
    r"merchandise|deliveries)\b[^.!?\n]{0,60}?\b(?:at|to) (?:your|their) (?:own )?(?:home|house|residence|"
    r"(?:home |residential |own )?address)\b|"
    r"\b(?:receiv|accept|take in|takes in|taking in)\w*\b[^.!?\n]{0,60}?\b(?:parcels?|packages?|shipments?|goods|"
    r"deliveries)\b[^.!?\n]{0,30}?\bat home\b|"
    r"(?:以|用|使用)(?:您|你)(?:的|本人的?)?(?:住址|地址|家庭住址|住处)(?:代收|收取|接收)")
_MULE_ON = re.compile(r"\b(?:re-?ship\w*|re-?pack\w*|re-?label\w*|"
                      r"forward (?:them|the (?:parcels?|packages?|items|goods))|"
                      r"(?:prepaid |shipping )labels? (?:we|that we|you will) (?:e-?mail|send|receive))\b|"
                      r"转寄|重新包装|寄往(?:海外|国外|境外)|转运")
_MULE_MONEY = re.compile(
    r"\breceiv\w*\b[^.!?\n]{0,60}?\b(?:payments?|funds|money|transfers?|deposits)\b[^.!?\n]{0,60}?"
    r"\b(?:in|into|to|on|through|via) your (?:own |personal |private |company |business )?"
    r"(?:or (?:company|business|personal|own) )?(?:bank\s+)?accounts?\b|"
    # (or taken in and passed on: "receive payments from our clients and forward them to us")
    r"\breceiv\w*\b[^.!?\n]{0,30}?\b(?:payments?|funds|money|transfers?)\b[^.!?\n]{0,40}?"
    r"\band (?:forward|transfer|send|remit|wire|pass)\w* (?:them|it|the (?:money|funds|payments?))\b")
_MULE_PASSED = re.compile(r"\b(?:forward|transfer|send|remit|wire)\w*\b[^.!?\n]{0,30}?"
                          r"\b(?:the )?(?:balance|rest|remainder|funds (?:on )?(?:the same day|within)|"
                          r"remaining (?:funds|amount|money))\b|\bkeep (?:\d{1,2}\s?%(?!\w)|(?:a |your )?commission\b)")
_MULE_ZH = re.compile(r"(?:用|使用|借用?|提供)(?:您|你)(?:本人)?的?(?:支付宝|微信|银行卡|账户|帐户|收款码)"
                      r"[^。！？\n]{0,12}?"
                      r"(?:收款|代收|走账|过账|流水)|跑分|出租(?:银行卡|账户|帐户)|"
                      r"(?:收购|出售)(?:银行卡|对公账户|对公帐户)")
# a warning against it (请勿出租银行卡, "never agree to receive payments … and forward them")
_MULE_REFUSED = re.compile(r"(?:不要|请勿|切勿|勿|严禁|禁止|拒绝|警惕|谨防|不得|以免|避免)[^。！？\n]{0,12}$|"
                           r"\b(?:never|not|don't|do not|refuse to|avoid|beware of|warning)\b[^.!?\n]{0,40}$")


def _mule_at(head: str, found: re.Pattern[str], then: re.Pattern[str] | None, reach: int) -> tuple[int, int] | None:
    """The span of a mule's job found by ``found`` (and ``then`` within ``reach`` after it), not refused; past the
    bound of candidates read (rules.scam_signals._tried), the next counts as found: decoys in front hide nothing."""
    for m, past in _tried(found.finditer(head)):
        if past:
            return m.span()
        if _MULE_REFUSED.search(head, max(0, m.start() - 60), m.start()):
            continue
        if then is None:
            return m.span()
        after = then.search(head, m.end(), m.end() + reach)
        if after is not None:
            return m.start(), after.end()
    return None


def mule_job(text: str) -> tuple[int, int] | None:
    """The span of a job that moves goods or money through the reader's home or account, or None."""
    head = text[:SCAN_LIMIT]
    if not any(w in head for w in _MULE_WORDS) or _JOB_FAST.search(head) is None:
        return None
    return _mule_at(head, _MULE_GOODS, _MULE_ON, 400) or _mule_at(head, _MULE_MONEY, _MULE_PASSED, 300) or \
        _mule_at(head, _MULE_ZH, None, 0)


def domain_scare(text: str) -> tuple[int, int] | None:
    """The span of another company's "application" for the reader's name as domains, or None."""
    head = text[:SCAN_LIMIT]
    if not any(w in head for w in DOMAIN_SCARE_WORDS):
        return None
    for n, m in enumerate(_SCARE_APPLICATION.finditer(head)):
        if n >= _SCARE_ATTEMPTS:
            break
        # (a trademark claim counts with the scare's question; a name's domains further on count whatever comes
        # first: 与贵公司名称及商标相同 … 亚洲域名注册)
        for k, claim in enumerate(_SCARE_CLAIM.finditer(head, m.end(), m.end() + 300)):
            if k >= _SCARE_ATTEMPTS:
                break
            if not _TRADEMARK_ONLY.search(claim.group()) or _SCARE_QUESTION.search(head):
                return m.start(), claim.end()
    return None


def may_hold_one(text: str) -> bool:
    """Whether ``text`` holds a word of a template above (the cheap test that decides whether a
    message whose other words could not make a medium level is read at all)."""
    head = text[:SCAN_LIMIT]
    return any(w in head for w in DOMAIN_SCARE_WORDS) or any(w in head for w in _ADMIRER_WORDS) or \
        any(w in head for w in _ACCUSED_WORDS) and any(w in head for w in _TELL_WORDS) or \
        any(w in head for w in _CHEQUE_WORDS) and any(w in head for w in _BALANCE_WORDS) or (
        any(w in head for w in _HUSH_WORDS) and any(w in head for w in (*_MOVE_WORDS, *_DESK_WORDS))) or (
        any(w in head for w in _FRIEND_WORDS) and any(w in head for w in _STRANGER_WORDS) and
        any(w in head for w in _IM_WORDS)) or any(w in head for w in _MULE_WORDS) or (
        any(w in head for w in _OFF_EMAIL_WORDS) and any(w in head for w in _IM_WORDS)) or (
        "://" in head and any(w in head for w in _LOCKED_WORDS)) or (
        any(w in head for w in _PITCH_WORDS) and any(w in head for w in _MOVE_WORDS)) or \
        any(w in head for w in _BOSS_WORDS) and any(w in head for w in _BOSS_MONEY_WORDS) or \
        any(w in head for w in _LIST_WORDS)
