"""PRC resident identity numbers: with a name or the word beside them, grouped 6-8-4, in
rosters and forms (held); numbers that fail the check character, impossible dates,
placeholders, masked numbers and other 18-digit references (delivered)."""

from __future__ import annotations

import random

from tests.accuracy import mime
from tests.accuracy.common import Sample, outbound, pick_pair, signature, simple
from tests.accuracy.fake import CUSTOMERS_ZH, cn_id, cn_id_check, group_id, phone_cn, rand

CAT = "identity"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

WITH_CONTEXT = [
    "身份证号：{id}",
    "姓名：{who}\n身份证号码：{id}\n手机：{phone}",
    "{who}，公民身份号码 {id}，请协助办理入职手续。",
    "麻烦帮忙订一下机票：{who}，证件号 {id}，手机 {phone}。",
    "ID card: {id} ({who})",
    "Passenger: {who} / Chinese ID {id}",
    "开票信息：个人抬头 {who}，身份证 {id}",
    "{who} {id}",
]


def build(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []

    def add(expect: str, note: str, mail: mime.Mail) -> None:
        kind = "pos" if expect != "delivered" else "neg"
        out.append(outbound(f"id-{kind}-{len(out) + 1:03d}", CAT, expect, note, mail))

    carriers = [("utf-8", "8bit"), ("gbk", "8bit"), ("utf-8", "base64"), ("gb18030", "quoted-printable"),
                ("utf-8", "quoted-printable")]
    for i, tmpl in enumerate(WITH_CONTEXT * 2):
        s, r = pick_pair(rng, "zh")
        ident = cn_id(rng)
        if i >= len(WITH_CONTEXT) and i % 2 == 0:
            ident = group_id(ident, rng.choice([" ", "-"]))
        line = tmpl.format(id=ident, who=rng.choice(CUSTOMERS_ZH), phone=phone_cn(rng))
        cs, cte = carriers[i % len(carriers)]
        add("held", f"identity number with context{' (6-8-4)' if not ident.isalnum() else ''} ({cs}, {cte})",
            simple(s, r, "资料", f"{r.name}您好：\n\n{line}\n\n" + signature(s, "zh"), charset=cs, cte=cte,
                   html=i % 5 == 4))
    # 6-8-4 grouped without a keyword but beside a name
    for _ in range(3):
        s, r = pick_pair(rng, "zh")
        add("held", "6-8-4 grouped number beside a name", simple(
            s, r, "名单", f"{r.name}：\n\n参会人员：{rng.choice(CUSTOMERS_ZH)}（{group_id(cn_id(rng))}）\n\n{s.name}"))
    # rosters as xlsx / csv, a scanned-form PDF description
    for i in range(3):
        rows = [["姓名", "身份证号", "部门", "入职日期"]] + [
            [rng.choice(CUSTOMERS_ZH), cn_id(rng), rng.choice(["销售部", "研发部", "财务部"]), f"2026-0{rng.randint(1, 9)}-01"]
            for _ in range(6)]
        s, r = pick_pair(rng, "zh")
        if i == 1:
            att = mime.attachment("员工名单.csv", ("\n".join(",".join(x) for x in rows) + "\n").encode("gbk"),
                                  "text/csv", charset="gbk")
        else:
            att = mime.attachment("社保增员名单.xlsx", mime.xlsx(rows), XLSX)
        add("held", "employee roster with identity numbers", simple(
            s, r, "社保增员", f"{r.name}：\n\n本月社保增员名单见附件。\n\n" + signature(s, "zh"), attachments=[att]))
    s, r = pick_pair(rng, "en")
    add("held", "identity number in a zipped visa application", simple(
        s, r, "Visa invitation documents", "Hi,\n\nDocuments for the visa invitation letter are attached.\n\n" + s.name,
        attachments=[mime.attachment("visa.zip", mime.zip_of({"applicant.txt": (
            f"Name: Li Wei\nPRC ID number: {cn_id(rng)}\nPassport: E{rand(rng, 8, '0123456789')}\n").encode()}),
            "application/zip")]))
    # -- hard negatives --------------------------------------------------------------------
    for _ in range(4):
        s, r = pick_pair(rng, "zh")
        bad = cn_id(rng, valid=False)
        add("delivered", "18-digit number failing the check character beside 单号", simple(
            s, r, "物流", f"{r.name}：\n\n运单号 {bad}，已发出。\n\n{s.name}"))
    impossible = "110105" + "19881345" + "123"
    add("delivered", "impossible birth date (month 13) with a valid check character", simple(
        *pick_pair(rng, "zh"), "合同编号", f"合同编号：{impossible + cn_id_check(impossible)}，请在系统中检索。"))
    placeholders = ["身份证号：__________________（请填写）", "身份证号码：XXXXXXXXXXXXXXXXXX",
                    "身份证号：1101**********1234", "证件号码尾号 0034 的客户已完成实名认证。",
                    "身份证号码：110105YYYYMMDD123X（示例格式）"]
    for p in placeholders:
        s, r = pick_pair(rng, "zh")
        add("delivered", f"placeholder or masked number: {p[:20]!r}", simple(s, r, "表格填写说明", p + "\n\n" + s.name))
    s, r = pick_pair(rng, "en")
    add("delivered", "18-digit order references and timestamps", simple(
        s, r, "Order refs", "Order refs: 202610120930451234, 202610121002337788\nEvent time (ms): 1760235045123\n\n"
        + s.name))
    s, r = pick_pair(rng, "zh")
    add("delivered", "bank account number and unified social credit code", simple(
        s, r, "开票信息", "开票信息：\n名称：示例科技有限公司\n统一社会信用代码：91310115MA1H7XXXXX\n开户行：招商银行上海张江支行\n"
        f"账号：1219 {rand(rng, 4, '0123456789')} {rand(rng, 4, '0123456789')} 01\n电话：021-6088 5520"))
    return out
