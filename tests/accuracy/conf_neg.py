"""Hard negatives for confidentiality markers: the disclaimers on ordinary mail (ours and
other companies', in quoted replies), negations, benign compounds, news, NDA templates,
security reminders that quote the words, and internal mail (not screened for markers)."""

from __future__ import annotations

import random

from tests.accuracy import mime
from tests.accuracy.common import (
    DISCLAIMERS_EN,
    DISCLAIMERS_ZH,
    Sample,
    outbound,
    pick_pair,
    quote,
    signature,
    simple,
    topic,
)
from tests.accuracy.fake import EN_EXT, EN_STAFF, STAFF, ZH_EXT, ZH_STAFF, Person

CAT = "confidential"

NEGATIONS_EN = [
    "Nothing confidential in here - feel free to forward it to your team.",
    "This deck is not confidential; it is the same one we presented at the trade show.",
    "The price list is public, not confidential, so you can share it with your customers.",
    "None of this is confidential - it is all on our website already.",
    "Not confidential: this is the published product roadmap from the investor day.",
]
NEGATIONS_ZH = [
    "这份资料不是机密，可以直接转给贵司的同事。",
    "这个不算机密，官网上都能下载到。",
    "没有什么秘密，就是常规的产品介绍材料，欢迎转发。",
    "这不是什么内部资料，是展会上公开发放的宣传册。",
    "价格表并非机密信息，可以提供给您的客户参考。",
]
COMPOUNDS = [
    ("en", "Invitation: Confidential Computing webinar",
     "Hi {to},\n\nWe are co-hosting a webinar on Confidential Computing with Intel on 12 November: how trusted "
     "execution environments (SGX, TDX, AMD SEV) protect data in use, and how Azure Confidential Computing "
     "VMs fit in. Registration link below; it is free for partners.\n\nhttps://events.example.com/cc-webinar"),
    ("en", "Your new customer portal account",
     "Dear {to},\n\nYour account on the Example Corp customer portal is ready. For your security, keep your "
     "password confidential and never share it with anyone, including our staff - we will never ask for it "
     "by email or phone.\n\nLog in at https://portal.example.com"),
    ("en", "Privacy notice update",
     "Dear {to},\n\nWe have updated our privacy notice. We keep your personal data confidential and process it "
     "only for the purposes described, in line with GDPR and China's PIPL. No action is needed on your side."),
    ("zh", "信息安全培训通知",
     "{to}您好：\n\n下周二下午举办ISO 27001信息安全意识培训，内容包括信息的机密性、完整性和可用性，以及钓鱼邮件"
     "识别。欢迎贵司驻场同事一起参加。"),
    ("zh", "周五团建晚餐地点",
     "{to}：\n\n周五团建晚餐订在“秘密花园”西餐厅（静安寺店），晚上六点半，大家直接过去。贵司两位同事也一起来吧。"),
    ("zh", "客户案例分享",
     "{to}您好：\n\n附上我们与某连锁药店合作的案例。客户说得好：提高效率没有什么秘密，关键是把数据打通。"
     "欢迎转发给您的团队参考。"),
    ("zh", "转发：前员工窃取商业机密案一审宣判",
     "{to}律师您好：\n\n转发一篇新闻供参考，和我们上次讨论的竞业限制问题相关。\n\n【新闻】某科技公司前研发人员"
     "因跳槽时拷贝源代码，被法院以侵犯商业秘密罪判处有期徒刑三年。法院认定被告违反保密义务，造成损失逾千万元。"),
    ("en", "Article: trade secret theft case",
     "Hi {to},\n\nInteresting read for Thursday's session - a former engineer was sentenced for stealing trade "
     "secrets from his employer before joining a competitor. The court focused on whether the company took "
     "reasonable steps to keep the information confidential.\n\nhttps://news.example.net/trade-secret-ruling"),
    ("en", "Secret Santa 2026",
     "Hi {to},\n\nThanks for joining our Secret Santa exchange with the Harbourline team! Budget is GBP 20, gifts "
     "to the reception desk by 18 December. Your match is in the attached list."),
    ("zh", "关于秘书处联系方式变更",
     "{to}您好：\n\n协会秘书处自11月起迁至浦东新区，联系电话不变。年会报名请联系秘书处王老师。"),
    ("en", "Re: confidentiality clause",
     "Hi {to},\n\nOn the confidentiality clause: we can accept a three-year survival period, but not perpetual. "
     "Everything else in section 7 is fine with us.\n\nBest"),
    ("zh", "关于保密条款的意见",
     "{to}您好：\n\n关于合同第七条保密条款，我方同意保密期限为合同终止后三年，但不接受“永久保密”的表述。"),
]
NDA_EN = [
    "MUTUAL NON-DISCLOSURE AGREEMENT",
    "This Agreement is entered into between Example Corp and ____________________ (the \"Parties\").",
    "1. Definition. \"Confidential Information\" means any non-public business, technical or financial "
    "information disclosed by one Party to the other, whether orally or in writing, that is marked "
    "confidential or would reasonably be understood to be confidential.",
    "2. Obligations. The receiving Party shall keep the Confidential Information strictly confidential and "
    "use it only to evaluate the proposed business relationship.",
    "3. Term. The obligations survive for three (3) years after disclosure.",
    "Signed: ____________________  Date: ______________",
]
NDA_ZH = [
    "保密协议",
    "甲方：示例科技有限公司    乙方：____________________",
    "第一条 保密信息：本协议所称保密信息，是指一方披露给另一方的、不为公众所知悉的技术信息和经营信息，包括但不限于"
    "商业秘密、客户名单、价格体系。",
    "第二条 保密义务：接收方应对保密信息严格保密，不得向任何第三方披露，仅可用于双方合作评估之目的。",
    "第三条 保密期限：本协议项下的保密义务自签署之日起三年内有效。",
    "甲方（盖章）：__________    乙方（盖章）：__________",
]
REMINDERS = [
    ("en", "Reminder: handling classified documents",
     "Hi {to},\n\nAs you start on-site next week, a reminder of our information handling rules: documents "
     "labelled CONFIDENTIAL, STRICTLY CONFIDENTIAL or INTERNAL ONLY must never be emailed to external "
     "addresses or uploaded to personal cloud storage. Use the secure file portal instead.\n\nIT Security"),
    ("zh", "信息安全提醒：涉密文件的处理",
     "{to}您好：\n\n贵司驻场人员请注意：标有“机密”“绝密”“内部资料”字样的文件，一律不得通过外部邮箱发送或上传至"
     "个人网盘，如需传递请使用公司安全文件平台。\n\n信息安全部"),
    ("en", "Phishing awareness: what our labels mean",
     "Dear {to},\n\nA quick guide for our suppliers: we label documents Public, Internal, Confidential or "
     "Strictly Confidential. You will only ever receive Public documents by email from us; if something "
     "claiming to be Confidential arrives by email, please report it to security@example.com."),
]


def build(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []

    def add(note: str, mail: mime.Mail) -> None:
        out.append(outbound(f"conf-neg-{len(out) + 1:03d}", CAT, "delivered", note, mail))

    carriers = [("utf-8", "8bit", False), ("utf-8", "base64", False), ("utf-8", "quoted-printable", True),
                ("utf-8", "8bit", True), ("gbk", "8bit", False), ("gb18030", "base64", False)]
    # ordinary mail with our own disclaimer
    for i in range(12):
        lang = "zh" if i % 2 else "en"
        s, r = pick_pair(rng, lang)
        subj, body = topic(rng, lang, r)
        cs, cte, html = carriers[i % len(carriers)]
        if lang == "en" and cs != "utf-8":
            cs = "utf-8"
        add(f"ordinary mail with our disclaimer ({cs}, {cte}{', html' if html else ''})",
            simple(s, r, subj, body + "\n\n" + signature(s, lang, separator=i % 3 != 0), charset=cs, cte=cte,
                   html=html, subject_charset=cs if lang == "zh" else "utf-8"))
    # replies quoting other companies' disclaimers (and ours twice, as threads grow)
    for i in range(10):
        lang = "zh" if i % 2 else "en"
        s, r = pick_pair(rng, lang)
        subj, theirs = topic(rng, lang, s)
        disc = rng.choice(DISCLAIMERS_ZH if lang == "zh" else DISCLAIMERS_EN)
        their_sig = f"{r.name}\n{r.title}, {r.company}\n\n{disc}" if lang == "en" else f"{r.name}\n{r.company}\n\n{disc}"
        reply = ("好的，收到，谢谢！我们下周给您回复。" if lang == "zh" else "Thanks, received. We will come back to you next week.")
        body = reply + "\n\n" + signature(s, lang) + quote(theirs + "\n\n" + their_sig, r, lang)
        if i >= 6:   # a longer thread: our earlier message with its disclaimer is quoted too
            body += quote(topic(rng, lang, r)[1] + "\n\n" + signature(s, lang), s, lang, "Mon, 5 Oct 2026 at 09:10")
        add("reply quoting the other side's disclaimer" + (" and an earlier one of ours" if i >= 6 else ""),
            simple(s, r, ("回复：" if lang == "zh" else "Re: ") + subj, body, html=i % 4 == 1))
    # negations
    for i, sentence in enumerate(NEGATIONS_EN + NEGATIONS_ZH):
        lang = "zh" if i >= len(NEGATIONS_EN) else "en"
        s, r = pick_pair(rng, lang)
        subj, body = topic(rng, lang, r)
        add(f"negation: {sentence[:40]!r}", simple(s, r, subj, body + "\n\n" + sentence + "\n\n" + signature(s, lang)))
    # benign compounds, news and clauses
    for lang, subj, body in COMPOUNDS:
        s, r = pick_pair(rng, lang)
        first = r.name.split()[0] if lang == "en" else r.name
        add(f"benign use: {subj}", simple(s, r, subj, body.format(to=first) + "\n\n" + signature(s, lang),
                                           html=lang == "en" and rng.random() < 0.4))
    # NDA templates sent for signature, in the body and as documents
    s, r = EN_STAFF[5], EN_EXT[4]
    add("NDA template in the body for signature", simple(
        s, r, "NDA for signature", "Hi Michael,\n\nAs discussed, here is our standard mutual NDA. Please fill in "
        "your company details and sign.\n\n" + "\n\n".join(NDA_EN) + "\n\n" + signature(s, "en")))
    add("NDA template as a docx for signature", simple(
        s, EN_EXT[0], "Mutual NDA – Example Corp / Brightwater", "Hi Sarah,\n\nPlease find our mutual NDA "
        "attached for signature.\n\n" + signature(s, "en"),
        attachments=[mime.attachment("Mutual_NDA_template.docx", mime.docx(NDA_EN, core={"title": "Mutual NDA"}),
                                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]))
    s, r = ZH_STAFF[0], ZH_EXT[2]
    add("Chinese NDA template (保密协议) as a docx", simple(
        s, r, "保密协议（请签署）", "陈经理您好：\n\n附件是我司标准保密协议模板，请填写贵司信息后盖章回传。\n\n" + signature(s, "zh"),
        attachments=[mime.attachment("保密协议模板.docx", mime.docx(NDA_ZH),
                                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]))
    add("Chinese NDA template in the body (GBK)", simple(
        s, ZH_EXT[3], "保密协议", "黄总您好：\n\n保密协议条款如下，请审阅：\n\n" + "\n".join(NDA_ZH) + "\n\n" + signature(s, "zh"),
        charset="gbk"))
    add("NDA as a PDF", simple(
        EN_STAFF[5], EN_EXT[2], "NDA", "Hi Priya,\n\nNDA attached.\n\nErin",
        attachments=[mime.attachment("NDA_NexaWorks.pdf", mime.pdf(NDA_EN[:4]), "application/pdf")]))
    # security reminders that quote the marker words
    for lang, subj, body in REMINDERS:
        s, r = pick_pair(rng, lang)
        first = r.name.split()[0] if lang == "en" else r.name
        add(f"security reminder quoting the labels: {subj}", simple(s, r, subj, body.format(to=first)))
    # internal mail is not screened for markers: the banner stays inside the company
    for i in range(3):
        lang = "zh" if i == 1 else "en"
        s = rng.choice(ZH_STAFF if lang == "zh" else EN_STAFF)
        r = next(p for p in STAFF if p is not s and (p.name.isascii() == (lang == "en")))
        banner = "机密★1年" if lang == "zh" else "STRICTLY CONFIDENTIAL"
        mail = simple(s, r, "Budget 2027" if lang == "en" else "2027预算", f"{banner}\n\n" + topic(rng, lang, r)[1])
        out.append(Sample(f"conf-neg-{len(out) + 1:03d}", CAT, "delivered", "internal mail with a banner", mail,
                          s.addr, [r.addr], "internal"))
    # a banner-looking word that is not one: "Confidential" as a company product name list
    s, r = pick_pair(rng, "en")
    add("disclaimer only, HTML footer in grey small print", mime.Mail(
        (s.name, s.addr), [(r.name, r.addr)], "Lunch next week?",
        [mime.text("<html><body><p>Hi " + r.name.split()[0] + ",</p><p>Are you free for lunch on Wednesday?</p>"
                   f"<p>{s.name}</p><p style=\"font-size:8pt;color:#888\">{DISCLAIMERS_EN[2]}</p></body></html>",
                   "html")]))
    p = Person("Nora Quinn", "nora.quinn@harbourline.co.uk", "Harbourline Freight Ltd", "Buyer")
    add("forward of a supplier mail whose footer carries a Big5 disclaimer", simple(
        ZH_STAFF[1], p, "Fwd: 報價", "Nora, see below.\n\n---------- Forwarded message ---------\n"
        "寄件人: 林佳怡 <jiayi.lin@formosa-parts.com.tw>\n\n附上報價單，請參考。\n\n" + DISCLAIMERS_ZH[3], charset="big5"))
    return out
