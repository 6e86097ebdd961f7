"""Markers in attachment and archive-member names (content itself unmarked): held; ordinary
names, and names with benign compounds or NDA templates: delivered."""

from __future__ import annotations

import random

from tests.accuracy import mime
from tests.accuracy.common import Sample, outbound, pick_pair, signature, simple, topic

CAT = "names"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []

    def add(expect: str, note: str, name: str | None, data: bytes, ctype: str, *, lang: str = "en",
            name_style: str = "rfc2231", charset: str | None = None, zipped: str | None = None) -> None:
        s, r = pick_pair(rng, lang)
        subj, body = topic(rng, lang, r)
        if zipped:
            data, name, ctype = mime.zip_of({zipped: data, "说明.txt" if lang == "zh" else "notes.txt": b"v2\n"}), name, \
                "application/zip"
        att = mime.attachment(name or "file", data, ctype, name_style=name_style, charset=charset)
        kind = "pos" if expect == "held" else "neg"
        out.append(outbound(f"name-{kind}-{len(out) + 1:03d}", CAT, expect, note,
                            simple(s, r, subj, body + "\n\n" + signature(s, lang, disclaimer=kind == "neg"),
                                   attachments=[att])))

    plain_doc = mime.docx(["Meeting notes", "Agenda: pricing, delivery, next steps."])
    zh_doc = mime.docx(["会议纪要", "议题：价格、交期、下一步安排。"])
    sheet = mime.xlsx([["Item", "Qty"], ["HX-220", "120"]])
    binary = bytes(rng.randbytes(2048))
    # -- positives ---------------------------------------------------------------------------
    add("held", "CONFIDENTIAL_plan.bin attachment", "CONFIDENTIAL_plan.bin", binary, "application/octet-stream")
    add("held", "机密.docx inside a zip", "资料.zip", zh_doc, DOCX, lang="zh", zipped="机密.docx")
    add("held", "Strictly Confidential in a PDF name", "Strictly Confidential - Board Minutes Oct 2026.pdf",
        mime.pdf(["Minutes of the meeting held on 9 October 2026"]), "application/pdf")
    add("held", "机密 name, RFC 2231 UTF-8", "机密-2027年预算.xlsx", sheet, XLSX, lang="zh")
    add("held", "内部资料 name, RFC 2047 GBK", "内部资料-报价体系.docx", zh_doc, DOCX, lang="zh", name_style="rfc2047",
        charset="gbk")
    add("held", "绝密 name, RFC 2047 UTF-8", "绝密_并购方案.docx", zh_doc, DOCX, lang="zh", name_style="rfc2047")
    add("held", "INTERNAL ONLY in a zip member name", "docs.zip", plain_doc, DOCX, zipped="INTERNAL ONLY - roadmap 2027.docx")
    add("held", "Confidential in an xlsx name", "Salary_Review_2026_CONFIDENTIAL.xlsx", sheet, XLSX)
    add("held", "商业秘密 in a zip member name", "文件.zip", zh_doc, DOCX, lang="zh", zipped="客户清单（商业秘密）.docx")
    add("held", "严禁外传 in a GB18030 RFC 2231 name", "严禁外传_渠道价格.xlsx", sheet, XLSX, lang="zh", charset="gb18030")
    add("held", "Big5 RFC 2047 機密 name", "機密報價單.docx", zh_doc, DOCX, lang="zh", name_style="rfc2047", charset="big5")
    add("held", "Confidential in a nested zip member", "outer.zip",
        mime.zip_of({"Q3/confidential_forecast.xlsx": sheet}), "application/zip", zipped="inner.zip")
    add("held", "do not distribute in a txt name", "DO NOT DISTRIBUTE - pricing.txt", b"HX-220 floor price: 1,284\n",
        "text/plain")
    add("held", "仅限内部 in a pdf name", "仅限内部使用-产品路线图.pdf", mime.pdf(["Roadmap 2027"]), "application/pdf", lang="zh")
    # -- negatives ---------------------------------------------------------------------------
    add("delivered", "ordinary document names", "Meeting_notes_2026-10-09.docx", plain_doc, DOCX)
    add("delivered", "Chinese ordinary name", "会议纪要-10月9日.docx", zh_doc, DOCX, lang="zh")
    add("delivered", "NDA template file name", "Mutual_NDA_template.docx", plain_doc, DOCX)
    add("delivered", "保密协议 file name", "保密协议（模板）.docx", zh_doc, DOCX, lang="zh")
    add("delivered", "Secret Santa list", "Secret_Santa_2026.xlsx", sheet, XLSX)
    add("delivered", "机密性 compound in a name", "信息安全-机密性完整性可用性培训.pdf", mime.pdf(["ISO 27001 awareness"]),
        "application/pdf", lang="zh")
    add("delivered", "Confidential Computing whitepaper", "Confidential_Computing_Whitepaper.pdf",
        mime.pdf(["Confidential Computing protects data in use."]), "application/pdf")
    add("delivered", "public price list in a zip", "catalogue.zip", sheet, XLSX, zipped="Public_Price_List_2027.xlsx")
    add("delivered", "confidentiality agreement signed copy", "Confidentiality_Agreement_signed.pdf",
        mime.pdf(["Signed by both parties on 12 October 2026"]), "application/pdf")
    add("delivered", "秘密花园 in a name", "秘密花园-团建菜单.docx", zh_doc, DOCX, lang="zh")
    return out
