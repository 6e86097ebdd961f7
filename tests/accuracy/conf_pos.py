"""Confidentiality markers that must hold outbound mail: subject tags, banners in the first or
last lines, document properties and page headers, attachments and archives, every carrier."""

from __future__ import annotations

import random

from tests.accuracy import mime
from tests.accuracy.common import Sample, outbound, pick_pair, quote, signature, simple, topic
from tests.accuracy.fake import EN_EXT, EN_STAFF, ZH_EXT, ZH_STAFF

CAT = "confidential"

SUBJECT_TAGS_EN = ["[CONFIDENTIAL] ", "CONFIDENTIAL: ", "Strictly Confidential - ", "[Internal Only] ",
                   "INTERNAL USE ONLY | "]
SUBJECT_TAGS_ZH = ["【机密】", "[内部资料] ", "【绝密】", "【内部文件，严禁外传】", "【商业秘密】"]
BANNERS_EN = ["CONFIDENTIAL - FOR INTERNAL USE ONLY", "STRICTLY CONFIDENTIAL", "*** CONFIDENTIAL ***",
              "Classification: Confidential", "INTERNAL ONLY - DO NOT FORWARD", "PROPRIETARY AND CONFIDENTIAL",
              "Confidential | Do not distribute"]
BANNERS_ZH = ["机密★1年", "绝密", "内部资料 严禁外传", "【机密】本文件仅限内部使用", "密级：机密", "商业秘密 不得外传",
              "仅限内部使用"]

EN_CONTENT = [
    ("Board pack – Q3 results (draft)",
     "Q3 revenue came in at USD 48.2m, 6% below plan, mainly due to the delayed Jiangsu rollout. The board "
     "will be asked to approve a 9% headcount reduction in the hardware division, effective January."),
    ("Project Falcon – acquisition shortlist",
     "Shortlist for Project Falcon: Brightline Sensors (EV 120m, preferred), Kestrel Optics (EV 85m) and "
     "Tanaka Precision (EV 60m). Management presentation with Brightline is scheduled for 3 November."),
    ("2027 pricing strategy",
     "From 1 January list prices go up 7.5% across the board; key accounts get a maximum of 3% with a "
     "two-year commitment. Floor prices for the distributor channel are in the attached sheet."),
    ("Salary review 2026 – engineering",
     "The merit budget for engineering is 4.2% of payroll. Proposed increases per grade and the promotion "
     "list are in the attached table. Please do not discuss with the teams before 15 December."),
    ("Supplier cost breakdown – HX-220",
     "Bill of materials cost for HX-220 is CNY 1,284 per unit; our target margin is 38%. Assembly is moving "
     "from Dongguan to Hefei in Q2, which saves roughly CNY 96 per unit."),
]
ZH_CONTENT = [
    ("2027年度预算草案", "2027年度预算收入目标12.6亿元，同比增长15%；研发投入占比提高到9%。华东区计划裁撤两个办事处，"
     "相关人员安置方案见附件，请勿提前透露。"),
    ("新产品定价方案", "M5 Pro上市定价人民币3,299元，渠道底价2,450元，首批备货两万台。竞品分析和利润测算见附件。"),
    ("并购项目进展", "目标公司估值区间8至9.5亿元，尽职调查发现两项未决诉讼，预计12月底签署框架协议。"),
    ("核心配方及工艺参数", "附件为第三代涂层配方及烧结工艺参数（温度曲线、保温时间、气氛比例），请妥善保管。"),
    ("高管薪酬调整方案", "2026年高管薪酬调整方案已经董事会薪酬委员会初审，总额增加6.8%，明细见附件表格。"),
]


def build(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []

    def add(expect_note: str, mail: mime.Mail) -> None:
        out.append(outbound(f"conf-pos-{len(out) + 1:03d}", CAT, "held", expect_note, mail))

    # subject tags, ordinary body, our disclaimer below the signature
    for i in range(6):
        lang = "zh" if i % 2 else "en"
        s, r = pick_pair(rng, lang)
        subj, body = topic(rng, lang, r)
        tag = rng.choice(SUBJECT_TAGS_ZH if lang == "zh" else SUBJECT_TAGS_EN)
        add(f"subject tag {tag.strip()!r}, plain body with disclaimer",
            simple(s, r, tag + subj, body + "\n\n" + signature(s, lang), html=i % 3 == 0))
    # banner as the first line of the body
    for i in range(7):
        lang = "zh" if i % 2 else "en"
        s, r = pick_pair(rng, lang)
        subj, content = rng.choice(ZH_CONTENT if lang == "zh" else EN_CONTENT)
        banner = rng.choice(BANNERS_ZH if lang == "zh" else BANNERS_EN)
        greet = f"{r.name}您好：" if lang == "zh" else f"Hi {r.name.split()[0]},"
        body = f"{banner}\n\n{greet}\n\n{content}\n\n" + signature(s, lang)
        cs, cte = [("utf-8", "8bit"), ("utf-8", "base64"), ("utf-8", "quoted-printable")][i % 3]
        if lang == "zh" and i == 3:
            cs = "gbk"
        add(f"first-line banner {banner!r} ({cs}, {cte})", simple(s, r, subj, body, charset=cs, cte=cte))
    # banner as the last line (how many templates end a memo)
    for i in range(5):
        lang = "en" if i % 2 else "zh"
        s, r = pick_pair(rng, lang)
        subj, content = rng.choice(ZH_CONTENT if lang == "zh" else EN_CONTENT)
        banner = rng.choice(BANNERS_ZH if lang == "zh" else BANNERS_EN)
        body = f"{content}\n\n{banner}\n\n" + signature(s, lang, disclaimer=False)
        add(f"last-line banner {banner!r}", simple(s, r, subj, body, html=i == 2))
    # the content itself said to be confidential, in running text
    running = [
        ("en", "The attached board pack is confidential and must not be shared outside the company. Please delete "
               "it after the call."),
        ("en", "Sending you the confidential draft of the merger agreement ahead of the announcement - please keep "
               "it to yourself until Monday."),
        ("zh", "附件是公司内部资料，涉及未公布的财务数据，请勿外传，阅后删除。"),
        ("zh", "这份是我们的商业秘密文件（客户名单及成交价格），仅供你参考，千万别转给别人。"),
        ("en", "Strictly confidential: we are closing the Suzhou plant in March. Nobody outside the leadership team "
               "knows yet."),
        ("zh", "以下内容属于绝密信息：董事会已决定在明年一季度启动分拆上市。"),
    ]
    for lang, sentence in running:
        s, r = pick_pair(rng, lang)
        subj, content = rng.choice(ZH_CONTENT if lang == "zh" else EN_CONTENT)
        greet = f"{r.name}：" if lang == "zh" else f"{r.name.split()[0]},"
        add("marker in running text about the content",
            simple(s, r, subj, f"{greet}\n\n{sentence}\n\n{content}\n\n" + signature(s, lang)))
    # documents: page header, properties, first paragraph; workbooks; PDFs
    for i in range(10):
        lang = "zh" if i % 2 else "en"
        s, r = pick_pair(rng, lang)
        subj, content = rng.choice(ZH_CONTENT if lang == "zh" else EN_CONTENT)
        _, cover = topic(rng, lang, r)
        banner = rng.choice(BANNERS_ZH if lang == "zh" else BANNERS_EN)
        kind = i % 5
        if kind == 0:
            att = mime.attachment(f"{subj}.docx" if lang == "zh" else "board_pack_q3.docx",
                                  mime.docx([subj, content, "1. Background", "2. Proposal"], header=banner),
                                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            how = "docx page header"
        elif kind == 1:
            props = {"title": subj, "keywords": "机密" if lang == "zh" else "Confidential"}
            att = mime.attachment("plan.docx", mime.docx([subj, content], core=props, custom={"Classification":
                                  "机密" if lang == "zh" else "Confidential"}),
                                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            how = "docx document properties (keywords, custom Classification)"
        elif kind == 2:
            att = mime.attachment("memo.docx", mime.docx([banner, subj, content]),
                                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            how = "docx first paragraph banner"
        elif kind == 3:
            rows = [[banner], ["Item", "Q1", "Q2", "Q3", "Q4"], ["Revenue", "312", "298", "341", "365"],
                    ["Headcount", "1,204", "1,188", "1,150", "1,102"]]
            att = mime.attachment("budget_2027.xlsx", mime.xlsx(rows, sheet="Budget"),
                                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            how = "xlsx banner row"
        else:
            en_subj, en_content = rng.choice(EN_CONTENT)
            lines = [rng.choice(BANNERS_EN), "", en_subj, "", *[en_content[j:j + 90] for j in range(0, len(en_content), 90)]]
            att = mime.attachment("draft.pdf", mime.pdf(lines, info={"Title": en_subj}), "application/pdf")
            how = "pdf first line banner"
        body = cover + "\n\n" + signature(s, lang)
        add(f"{how}: {banner!r}", simple(s, r, subj, body, attachments=[att]))
    # pdf classified only in its properties; zip with a marked document; docx in a zip in a zip
    s, r = EN_STAFF[0], EN_EXT[1]
    add("pdf document properties only (Subject/Keywords: Confidential)", simple(
        s, r, "Draft term sheet", "Hi James,\n\nDraft attached as discussed.\n\n" + signature(s, "en"),
        attachments=[mime.attachment("term_sheet_v3.pdf", mime.pdf(
            ["Term sheet - Series C", "Investor: Harbourline Capital", "Pre-money valuation: USD 410m"],
            info={"Title": "Term sheet", "Subject": "Strictly Confidential", "Keywords": "Confidential"}),
            "application/pdf")]))
    for i in range(4):
        lang = "zh" if i % 2 else "en"
        s, r = pick_pair(rng, lang)
        subj, content = rng.choice(ZH_CONTENT if lang == "zh" else EN_CONTENT)
        banner = rng.choice(BANNERS_ZH if lang == "zh" else BANNERS_EN)
        inner = mime.docx([banner, subj, content])
        members = {"资料/方案.docx" if lang == "zh" else "docs/proposal.docx": inner, "readme.txt": b"See proposal.\n"}
        data = mime.zip_of(members)
        if i >= 2:
            data = mime.zip_of({"package.zip": data})
        _, cover = topic(rng, lang, r)
        add(f"marked docx inside a zip{' inside a zip' if i >= 2 else ''}",
            simple(s, r, subj, cover + "\n\n" + signature(s, lang),
                   attachments=[mime.attachment("资料.zip" if lang == "zh" else "files.zip", data, "application/zip")]))
    # encodings and carriers: GB18030, Big5, HTML banner, text attachment in GBK
    s, r = ZH_STAFF[1], ZH_EXT[0]
    add("GB18030 body, banner first line", simple(
        s, r, "【机密】渠道返利政策", "机密文件，请勿外传\n\n张敏您好：\n\n明年渠道返利由3%提高到4.5%，季度考核……\n\n"
        + signature(s, "zh"), charset="gb18030", subject_charset="gb18030"))
    tw = next(p for p in ZH_EXT if p.addr.endswith(".tw"))
    add("Big5 body, traditional 機密 banner", simple(
        ZH_STAFF[0], tw, "報價單", "機密文件 請勿外傳\n\n林小姐您好：\n\n附上明年度底價表，僅供貴公司內部參考。\n\n李偉",
        charset="big5", cte="base64", subject_charset="big5"))
    s, r = EN_STAFF[2], EN_EXT[2]
    add("HTML body with a red CONFIDENTIAL banner, quoted-printable", mime.Mail(
        (s.name, s.addr), [(r.name, r.addr)], "Architecture review notes",
        [mime.text('<html><body><div style="color:#c00;font-weight:bold;text-align:center">CONFIDENTIAL</div>'
                   "<p>Hi Priya,</p><p>Notes from the architecture review: we are replacing the message bus with "
                   "Kafka in Q1 and retiring the legacy billing API.</p><p>Bob</p></body></html>",
                   "html", "utf-8", "quoted-printable")]))
    s, r = ZH_STAFF[2], ZH_EXT[3]
    add("GBK text attachment with banner", simple(
        s, r, "资料", "黄总：\n\n资料见附件。\n\n" + signature(s, "zh"),
        attachments=[mime.attachment("说明.txt", "内部资料 严禁外传\r\n\r\n明年华南区招商政策调整如下……\r\n".encode("gbk"),
                                     "text/plain", charset="gbk", name_style="rfc2047")]))
    # forwarded internal memo to a personal address
    s = EN_STAFF[3]
    r = next(p for p in EN_EXT if p.addr.endswith("gmail.com"))
    memo = ("INTERNAL USE ONLY\n\nAll hands - org changes\n\nFrom 1 December the platform and data teams merge "
            "under Tom Becker. The two open director roles will not be backfilled.")
    add("forwarded internal memo with banner to a personal address", simple(
        s, r, "Fwd: All hands - org changes", "fyi\n\n---------- Forwarded message ---------\nFrom: HR Team "
        "<hr@example.com>\nSubject: All hands - org changes\n\n" + memo))
    s, r = ZH_STAFF[3], ZH_EXT[4]
    add("reply that adds a banner above a quoted thread", simple(
        s, r, "回复：价格", "【机密】\n\n周婷：底价可以做到2,450元，不要告诉其他经销商。" + quote("请问M5 Pro最低能给到多少？", r, "zh")))
    return out

