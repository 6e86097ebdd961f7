"""What every class of the corpus shares: the labelled sample, ordinary business bodies,
signatures, the disclaimers real mail carries, and quoted replies."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tests.accuracy import mime
from tests.accuracy.fake import EN_EXT, EN_STAFF, ZH_EXT, ZH_STAFF, Person


@dataclass
class Sample:
    """One labelled message. ``expect`` is the outcome the shipped rules should reach:
    held (quarantine/warn), delivered, tagged (delivered with the spam subject prefix) or
    refused; ``recorded`` means an audit-mode hit must record it although it is delivered."""

    id: str
    category: str
    expect: str
    note: str
    mail: mime.Mail
    mail_from: str = ""
    rcpt_tos: list[str] = field(default_factory=list)
    direction: str = "outbound"
    recorded: bool = False


def pick_pair(rng: random.Random, lang: str) -> tuple[Person, Person]:
    """A sender of ours and an outside correspondent, speaking ``lang`` (en | zh)."""
    if lang == "zh":
        return rng.choice(ZH_STAFF), rng.choice(ZH_EXT)
    return rng.choice(EN_STAFF), rng.choice(EN_EXT)


OUR_DISCLAIMER_EN = (
    "This e-mail and any attachments are confidential and intended solely for the addressee. "
    "If you have received it in error, please notify the sender and delete it. Example Corp "
    "accepts no liability for any damage caused by this e-mail.")
OUR_DISCLAIMER_ZH = ("本邮件及其附件含有保密信息，仅供指定收件人使用。如您误收本邮件，请立即通知发件人并删除，"
                     "不得使用、复制或向任何人披露。")

# disclaimers other companies append (seen in quoted replies and forwarded mail)
DISCLAIMERS_EN = [
    "CONFIDENTIALITY NOTICE: The information contained in this email message is intended only for the "
    "personal and confidential use of the recipient(s) named above. If the reader of this message is not "
    "the intended recipient, you are hereby notified that any review, dissemination, distribution or "
    "copying of this message is strictly prohibited.",
    "This message contains confidential information and is intended only for the individual named. If you "
    "are not the named addressee you should not disseminate, distribute or copy this e-mail.",
    "The information in this email is confidential and may be legally privileged. It is intended solely for "
    "the addressee. Access to this email by anyone else is unauthorised.",
    "Privileged/Confidential Information may be contained in this message. If you are not the addressee "
    "indicated in this message (or responsible for delivery of the message to such person), you may not "
    "copy or deliver this message to anyone. Please consider the environment before printing this e-mail.",
    "Disclaimer: This email and its attachments may be confidential and are intended solely for the use of "
    "the individual to whom it is addressed. Any views or opinions expressed are solely those of the author "
    "and do not necessarily represent those of Harbourline Freight Ltd.",
]
DISCLAIMERS_ZH = [
    "免责声明：本邮件及其附件可能包含机密信息，仅限于发送给上面地址中列出的个人或群组。禁止任何其他人以任何形式"
    "使用（包括但不限于全部或部分地泄露、复制或散发）本邮件中的信息。如果您错收了本邮件，请您立即电话或邮件通知"
    "发件人并删除本邮件！",
    "本邮件（包括附件）可能含有保密内容，仅供指定收件人阅读。若您并非指定收件人，请勿阅读、转发或使用其中任何内容，"
    "并请立即删除。谢谢合作。",
    "【保密声明】此电子邮件及其附件包含的信息属于机密信息，仅供收件人使用。未经授权，任何人不得披露、复制或传播。",
    "本郵件及其附件含有機密資料，僅供指定收件人使用。如閣下並非指定收件人，請即通知寄件人並刪除本郵件。",
]


def signature(p: Person, lang: str, *, disclaimer: bool = True, separator: bool = True) -> str:
    """Sign-off, the company block and (as Example Corp's mail server adds it) the disclaimer."""
    sep = "-- \n" if separator else ""
    if lang == "zh":
        block = f"{sep}{p.name}\n{p.title} | Example Corp 示例科技\n电话：+86 21 6088 {abs(hash_name(p.name)) % 9000 + 1000}"
        return block + ("\n\n" + OUR_DISCLAIMER_ZH if disclaimer else "")
    block = f"{sep}{p.name}\n{p.title}, Example Corp\nT +86 21 6088 {abs(hash_name(p.name)) % 9000 + 1000}"
    return block + ("\n\n" + OUR_DISCLAIMER_EN if disclaimer else "")


def hash_name(name: str) -> int:
    """A stable small number from a name (``hash()`` is salted per process)."""
    return sum(ord(c) * (i + 1) for i, c in enumerate(name))


def quote(text: str, who: Person, lang: str, when: str = "") -> str:
    """A reply's quoted original, in the two styles clients write."""
    if lang == "zh":
        head = (f"\n\n------------------ 原始邮件 ------------------\n发件人: {who.name} <{who.addr}>\n"
                f"发送时间: {when or '2026年10月9日 14:32'}\n主题: 回复\n\n")
        return head + text
    lines = "\n".join("> " + line if line else ">" for line in text.split("\n"))
    return f"\n\nOn {when or 'Fri, 9 Oct 2026 at 14:32'}, {who.name} <{who.addr}> wrote:\n{lines}"


EN_TOPICS = [
    ("Quotation for {qty} units of model {model}",
     "Hi {to},\n\nThanks for your call this morning. Please find our quotation for {qty} units of model {model} "
     "below. Unit price is USD {price} FOB Shanghai, lead time {weeks} weeks after deposit. The offer is valid "
     "until the end of the month.\n\nLet me know if you need a revised delivery schedule."),
    ("Shipment {ref} – revised ETA",
     "Dear {to},\n\nShipment {ref} left Ningbo on Monday. The vessel was delayed by the typhoon, so the new "
     "ETA at Felixstowe is {day} October. Customs documents (commercial invoice, packing list, B/L copy) will "
     "follow once the carrier releases them.\n\nApologies for the inconvenience."),
    ("Follow-up: {day} Oct meeting",
     "Hi {to},\n\nGood to meet you on {day} October. As agreed, we will send the pilot plan by Friday and "
     "schedule a technical workshop with your team in early November. Could you share two or three dates that "
     "work on your side?\n\nBest regards"),
    ("Invoice INV-2026-{inv}",
     "Dear {to},\n\nPlease find attached invoice INV-2026-{inv} for the October services, total USD {price}. "
     "Payment terms are 30 days net. Kindly confirm receipt.\n\nMany thanks"),
    ("Re: contract renewal",
     "Hi {to},\n\nOur legal team has reviewed the renewal draft. We are fine with the pricing schedule but "
     "would like to keep the 60-day termination notice from the current agreement. I have marked the change "
     "in clause 9.\n\nHappy to discuss on a call."),
    ("Project Orion status – week {week}",
     "Hi {to},\n\nQuick update for week {week}: integration testing is 80% complete, two open defects on the "
     "reporting module, UAT still planned for {day} November. No change to the go-live date.\n\nCheers"),
    ("Booth plan for the Canton Fair",
     "Hi {to},\n\nAttached is the booth layout for the Canton Fair (hall 9.2). We need the banner artwork by "
     "{day} October and the shipping address for the sample boxes.\n\nThanks!"),
]
ZH_TOPICS = [
    ("关于{model}型号的报价",
     "{to}您好：\n\n感谢您的询价。{model}型号{qty}台，含税单价人民币{price}元，交货期为收到预付款后{weeks}周，"
     "报价有效期至本月底。如需调整付款方式请随时联系。\n\n谢谢！"),
    ("发货通知 {ref}",
     "{to}您好：\n\n贵司订购的货物已于今日从苏州仓库发出，物流单号{ref}，预计{day}日送达。请注意查收，"
     "如有破损请在签收时注明。\n\n祝好"),
    ("会议纪要（{day}日）",
     "{to}您好：\n\n附上{day}日会议纪要，主要结论如下：一、双方确认第二期合同范围；二、我方在下周五前提交"
     "实施计划；三、贵方安排测试环境。如有遗漏请指正。\n\n此致\n敬礼"),
    ("十月份对账单",
     "{to}您好：\n\n附件是十月份的对账单，本月共开具发票{inv}张，合计人民币{price}元。请核对，如无异议请在"
     "本周内回签。\n\n谢谢配合"),
    ("回复：合同续签事宜",
     "{to}您好：\n\n我们法务已经看过续签合同草稿，价格条款没有问题，但希望保留原合同中60天的解约通知期，"
     "已在第九条修订。方便的话本周电话沟通一下。\n\n祝好"),
    ("项目进度周报（第{week}周）",
     "各位好：\n\n本周进展：接口联调完成80%，报表模块还有两个缺陷待修复，用户验收测试仍计划在11月{day}日开始，"
     "上线时间不变。\n\n谢谢"),
    ("广交会展位安排",
     "{to}您好：\n\n附件为广交会（9.2馆）展位平面图，请在{day}日前提供横幅设计稿，并告知样品寄送地址。\n\n谢谢！"),
]


def topic(rng: random.Random, lang: str, to: Person) -> tuple[str, str]:
    subj, body = rng.choice(ZH_TOPICS if lang == "zh" else EN_TOPICS)
    first = to.name.split()[0] if lang == "en" else to.name
    vals = {"to": first, "qty": rng.choice([50, 120, 200, 500, 1200]), "model": rng.choice(["HX-220", "TR-80S", "M5 Pro", "AC-3000"]),
            "price": f"{rng.randint(12, 980) * 10:,}", "weeks": rng.randint(3, 8), "ref": f"SF{rng.randint(10**9, 10**10 - 1)}",
            "day": rng.randint(10, 28), "inv": rng.randint(3, 12) * 10 + rng.randint(0, 9), "week": rng.randint(38, 46)}
    return subj.format(**vals), body.format(**vals)


def outbound(sid: str, category: str, expect: str, note: str, mail: mime.Mail, *, recorded: bool = False) -> Sample:
    return Sample(sid, category, expect, note, mail, mail.sender[1], [a for _, a in mail.to + mail.cc],
                  "outbound", recorded)


def simple(sender: Person, to: Person, subject: str, body: str, *, lang: str = "en", charset: str = "utf-8",
           cte: str = "8bit", html: bool = False, attachments: list[mime.Part] | None = None,
           subject_charset: str = "utf-8") -> mime.Mail:
    """A plain or HTML message, optionally with attachments."""
    if html:
        paras = "".join(f"<p>{esc(p).replace(chr(10), '<br>')}</p>" for p in body.split("\n\n"))
        html_doc = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head>'
                    f'<body style="font-family:Calibri,Arial,sans-serif;font-size:11pt">{paras}</body></html>')
        parts = [mime.text(body, "plain", charset, cte), mime.text(html_doc, "html", charset, cte)]
        return mime.Mail((sender.name, sender.addr), [(to.name, to.addr)], subject, parts + (attachments or []),
                         subject_charset=subject_charset, alternative=True)
    parts = [mime.text(body, "plain", charset, cte)] + (attachments or [])
    return mime.Mail((sender.name, sender.addr), [(to.name, to.addr)], subject, parts, subject_charset=subject_charset)


def esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
