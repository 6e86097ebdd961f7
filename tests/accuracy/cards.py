"""Payment cards: numbers with context in both languages, in bodies, tables and attachments
(held); one bare well-formed number (recorded at low confidence, delivered); order ids,
serials and IMEIs under their column headers, public test cards, last-four references and
look-alike numbers (delivered)."""

from __future__ import annotations

import random

from tests.accuracy import mime
from tests.accuracy.common import Sample, outbound, pick_pair, signature, simple
from tests.accuracy.fake import (
    CUSTOMERS_EN,
    CUSTOMERS_ZH,
    EN_EXT,
    EN_STAFF,
    ZH_EXT,
    ZH_STAFF,
    card,
    expiry,
    group_card,
    luhn_number,
    not_luhn_number,
    rand,
)

CAT = "cards"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EN_CONTEXT = [
    "Please charge the deposit to my Visa card {n}, expiry {exp}.",
    "Card number: {n}\nExpiry: {exp}\nCVV: {cvv}\nName on card: {who}",
    "You can use the company Amex for the hotel: American Express {n}, valid thru {exp}.",
    "Mastercard {n} exp {exp} - billing address is our Shanghai office.",
    "Hotel guarantee: credit card {n} ({exp}), cardholder {who}.",
    "Corporate card details for the booking: {n}  {exp}  CVC {cvv}",
    "Here is the card for the conference registration: {n} valid thru {exp} security code {cvv}",
    "Pls book the flights on the Amex {n}",
]
ZH_CONTEXT = [
    "请从我的信用卡扣款，卡号：{n}，有效期：{exp}。",
    "卡号 {n}\n有效期 {exp}\n持卡人 {who}",
    "银行卡号：{n}（{who}），用于退款。",
    "订金请刷这张卡：{n}，有效期{exp}，背面三位码{cvv}。",
    "酒店担保用的信用卡是 {n} 有效期至{exp}",
    "麻烦用公司的银联卡付一下：{n}",
]
FILLER = ["2026-10-{d:02d}", "HX-220", "M5 Pro", "{q}", "{q}0.00", "已发货", "Shanghai", "Bob Turner",
          "2027-06-{d:02d}", "In stock", "华东仓", "active"]
BRANDS_EN = ["visa", "mastercard", "amex", "jcb", "discover"]
BRANDS_ZH = ["unionpay", "unionpay19", "visa", "mastercard"]


def fmt(rng: random.Random, number: str) -> str:
    style = rng.choice(["space", "space", "dash", "plain"])
    return {"space": group_card(number), "dash": group_card(number, "-"), "plain": number}[style]


def build(rng: random.Random) -> list[Sample]:
    out: list[Sample] = []

    def add(expect: str, note: str, mail: mime.Mail, *, recorded: bool = False) -> None:
        kind = "pos" if expect != "delivered" else "neg"
        out.append(outbound(f"card-{kind}-{len(out) + 1:03d}", CAT, expect, note, mail, recorded=recorded))

    carriers = [("utf-8", "8bit", False), ("utf-8", "base64", False), ("utf-8", "quoted-printable", True),
                ("gbk", "8bit", False), ("utf-8", "8bit", True), ("gb18030", "base64", False)]
    # a card with context, EN and ZH, every carrier
    for i in range(24):
        lang = "zh" if i % 3 == 1 else "en"
        s, r = pick_pair(rng, lang)
        brand = rng.choice(BRANDS_ZH if lang == "zh" else BRANDS_EN)
        tmpl = (ZH_CONTEXT if lang == "zh" else EN_CONTEXT)[i % len(ZH_CONTEXT if lang == "zh" else EN_CONTEXT)]
        if "Amex" in tmpl or "American Express" in tmpl:
            brand = "amex"
        who = rng.choice(CUSTOMERS_ZH if lang == "zh" else CUSTOMERS_EN)
        line = tmpl.format(n=fmt(rng, card(rng, brand)), exp=expiry(rng), cvv=rand(rng, 3, "0123456789"), who=who)
        cs, cte, html = carriers[i % len(carriers)]
        if lang == "en":
            cs = "utf-8"
        greet = f"{r.name}您好：" if lang == "zh" else f"Hi {r.name.split()[0]},"
        body = f"{greet}\n\n{line}\n\n" + signature(s, lang, disclaimer=False)
        add("held", f"{brand} with context ({cs}, {cte}{', html' if html else ''})",
            simple(s, r, "预订" if lang == "zh" else "Booking", body, charset=cs, cte=cte, html=html))
    # a number directly followed by its expiry, and MM/YY beside it as the only context
    for i in range(6):
        s, r = pick_pair(rng, "en")
        n = card(rng, rng.choice(["visa", "mastercard"]))
        e = expiry(rng)
        line = [f"{group_card(n)} {e}", f"{n} {e.replace('/', '')}", f"{group_card(n)}  {e}  {rand(rng, 3, '0123456789')}",
                f"{group_card(n, '-')} {e}", f"{group_card(n)}\n{e}", f"{n} exp{e}"][i]
        add("held", "card number followed by its expiry", simple(
            s, r, "Re: payment", f"{r.name.split()[0]},\n\nas requested:\n{line}\n\n{s.name}"))
    # customer card lists as CSV and xlsx
    for i in range(4):
        header = ["Customer", "Card Number", "Expiry", "Amount"] if i % 2 == 0 else ["客户", "卡号", "有效期", "金额"]
        names = CUSTOMERS_EN if i % 2 == 0 else CUSTOMERS_ZH
        rows = [header] + [[names[j], group_card(card(rng, rng.choice(BRANDS_ZH[:3]))), expiry(rng),
                            f"{rng.randint(100, 9000)}.00"] for j in range(5)]
        s, r = pick_pair(rng, "en" if i % 2 == 0 else "zh")
        if i < 2:
            data = ("\n".join(",".join(row) for row in rows) + "\n").encode("utf-8-sig" if i == 1 else "utf-8")
            att = mime.attachment("refunds.csv" if i == 0 else "退款明细.csv", data, "text/csv", charset="utf-8")
        else:
            att = mime.attachment("chargebacks.xlsx" if i == 2 else "扣款清单.xlsx", mime.xlsx(rows), XLSX)
        add("held", f"customer card list ({att.headers[0][1].split(';')[0]})",
            simple(s, r, "Refund list" if i % 2 == 0 else "退款清单", "See attached.\n\n" + s.name, attachments=[att]))
    # a card in an HTML table, a card in a zipped text file
    s, r = EN_STAFF[4], EN_EXT[5]
    n = card(rng, "visa")
    add("held", "card in an HTML table with Expiry column", mime.Mail(
        (s.name, s.addr), [(r.name, r.addr)], "Payment details", [mime.text(
            "<html><body><p>Hi Laura,</p><table border=1><tr><th>Cardholder</th><th>Card</th><th>Expiry</th></tr>"
            f"<tr><td>Dave Morris</td><td>{group_card(n)}</td><td>{expiry(rng)}</td></tr></table></body></html>",
            "html", "utf-8", "quoted-printable")]))
    s, r = ZH_STAFF[2], ZH_EXT[1]
    data = mime.zip_of({"付款信息.txt": f"信用卡号：{group_card(card(rng, 'unionpay'))}\n有效期：{expiry(rng)}\n".encode("gbk")})
    add("held", "card with context in a GBK text file inside a zip", simple(
        s, r, "付款资料", "刘经理：\n\n付款资料见压缩包。\n\n" + signature(s, "zh", disclaimer=False),
        attachments=[mime.attachment("付款.zip", data, "application/zip")]))
    # a single well-formed card with no context: recorded at low confidence, not held
    for i in range(4):
        lang = "zh" if i % 2 else "en"
        s, r = pick_pair(rng, lang)
        n = group_card(card(rng, rng.choice(["visa", "mastercard"])))
        body = (f"{r.name}：\n\n号码是 {n}，麻烦核对一下。\n\n{s.name}" if lang == "zh" else
                f"Hi {r.name.split()[0]},\n\nThe number is {n} - could you double-check it on your side?\n\n{s.name}")
        add("delivered", "one bare well-formed card number: low confidence, recorded", simple(
            s, r, "号码" if lang == "zh" else "Number", body), recorded=True)
    # -- hard negatives --------------------------------------------------------------------
    # Luhn-valid order ids / serials / IMEIs under explicit column headers
    tables = [
        (["Order ID", "Date", "SKU", "Qty", "Amount"], lambda: luhn_number(rng, "4" + rand(rng, 3, "0123456789"), 16)),
        (["订单号", "下单日期", "商品", "数量", "金额"], lambda: luhn_number(rng, "5" + rand(rng, 2, "0123456789"), 16)),
        (["Serial", "Model", "Location", "Status"], lambda: luhn_number(rng, "4", 16)),
        (["Serial No.", "Device", "Owner", "Warranty"], lambda: luhn_number(rng, "35", 15)),
        (["IMEI", "Phone model", "Employee", "Issued"], lambda: luhn_number(rng, "86", 15)),
        (["订单编号", "客户", "金额", "状态"], lambda: luhn_number(rng, "6", 16)),
        (["Order ID", "Customer", "Total"], lambda: luhn_number(rng, "37", 15)),
        (["设备序列号", "型号", "使用部门"], lambda: luhn_number(rng, "5", 16)),
    ]
    for i, (header, gen) in enumerate(tables):
        rows = [header]
        for _ in range(rng.randint(6, 12)):
            row = [gen()] + [rng.choice(FILLER).format(d=rng.randint(1, 28), q=rng.randint(1, 40))
                             for _ in header[1:]]
            rows.append(row)
        lang = "zh" if any(ord(c) > 127 for c in header[0]) else "en"
        s, r = pick_pair(rng, lang)
        if i % 2 == 0:
            data = ("\n".join(",".join(row) for row in rows) + "\n").encode("utf-8" if lang == "en" else "gbk")
            att = mime.attachment("orders.csv" if lang == "en" else "订单.csv", data, "text/csv",
                                  charset="utf-8" if lang == "en" else "gbk")
        else:
            att = mime.attachment("export.xlsx" if lang == "en" else "导出.xlsx", mime.xlsx(rows), XLSX)
        add("delivered", f"Luhn-valid values under column {header[0]!r}", simple(
            s, r, "Order export" if lang == "en" else "订单导出", "Export attached.\n\n" + s.name, attachments=[att]))
    # the same in a tab-separated body table
    s, r = pick_pair(rng, "en")
    rows = "\n".join(f"{luhn_number(rng, '4', 16)}\t{rng.randint(1, 9)}\tshipped" for _ in range(5))
    add("delivered", "Order ID column in a tab-separated body", simple(
        s, r, "Shipped orders", f"Hi {r.name.split()[0]},\n\nOrder ID\tQty\tStatus\n{rows}\n\n{s.name}"))
    # public test cards in a developer's mail
    dev = [
        "For the sandbox, use Stripe's test card 4242 4242 4242 4242 with any future expiry (e.g. 12/34) and any CVC.",
        "Test cards: Visa 4111 1111 1111 1111, Mastercard 5555 5555 5555 4444, Amex 3782 822463 10005.",
        "测试环境请用测试卡号 4242424242424242，有效期任意未来日期，CVV 任意三位。",
        "Payment QA checklist: 1) 4000 0566 5566 5556 (debit) 2) 5105 1051 0510 5100 3) decline flow",
        "Webhook payload example: {\"card\": {\"number\": \"4242424242424242\", \"exp\": \"12/34\"}}",
    ]
    for i, line in enumerate(dev):
        s = EN_STAFF[2] if i % 2 == 0 else ZH_STAFF[3]
        r = EN_EXT[2]
        add("delivered", "public test card numbers in a developer's mail",
            simple(s, r, "Sandbox payments", f"Hi Priya,\n\n{line}\n\nThanks"))
    # last four digits, look-alikes without Luhn, other long numbers
    looks = [
        ("en", "Your order was charged to Visa ending in 4821. Receipt attached."),
        ("en", "Membership card no. {nl} - please bring it to the reception."),
        ("zh", "会员卡号 {nl}，积分已到账。"),
        ("en", "Tracking number {trk} (DHL). Customs invoice number {inv}."),
        ("zh", "银行回单流水号 {nl}，转账金额人民币 58,000.00 元。"),
        ("en", "Please wire to IBAN DE89 3704 0044 0532 0130 00 (BIC COBADEFFXXX)."),
        ("en", "Ticket 1696 4032 1188 5502 was merged into 1696 4032 1188 5519."),
        ("zh", "快递单号 {trk}，电话 021-6088 5520，请查收。"),
        ("en", "Reference {nl} / card type: gift card (not a payment card)."),
    ]
    for lang, line in looks:
        s, r = pick_pair(rng, lang)
        text = line.format(nl=group_card(not_luhn_number(rng, rng.choice(["4", "5", "62"]), 16)),
                           trk=rand(rng, 10, "0123456789"), inv=rand(rng, 8, "0123456789"))
        add("delivered", "look-alike: last four, non-Luhn number, IBAN, tracking",
            simple(s, r, "信息" if lang == "zh" else "Info", text + "\n\n" + signature(s, lang)))
    # financial words without a number
    s, r = pick_pair(rng, "zh")
    add("delivered", "card words, no number", simple(
        s, r, "付款方式", "张经理：\n\n我们支持信用卡（Visa、Mastercard、银联）和对公转账，有效期内的报价单可直接付款。\n\n" + s.name))
    return out
