"""Realistic names, companies and well-formed numbers for the corpus (seeded by the caller).

Card numbers follow the issuers' prefixes and lengths and are Luhn-complete; PRC identity
numbers carry a real area code, a plausible birth date and the GB 11643 check character;
tokens have the shapes their vendors document. None is a real person's or a real key.
"""

from __future__ import annotations

import base64
import random
import string
import zlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    name: str
    addr: str
    company: str = ""
    title: str = ""


# our side: addresses the shipped directory.yaml knows (example.com and its subdomains)
STAFF = [
    Person("Alice Chen", "alice@example.com", "Example Corp", "Finance Manager"),
    Person("李伟", "li.wei@example.com", "Example Corp", "财务主管"),
    Person("Bob Turner", "bob@example.com", "Example Corp", "Senior Engineer"),
    Person("Carol Wu", "carol@example.com", "Example Corp", "DevOps Lead"),
    Person("Dave Morris", "dave@example.com", "Example Corp", "Account Executive"),
    Person("Erin Walsh", "erin@example.com", "Example Corp", "Legal Counsel"),
    Person("王芳", "wang.fang@sales.example.com", "Example Corp", "销售经理"),
    Person("赵磊", "zhao.lei@eng.example.com", "Example Corp", "后端工程师"),
    Person("孙丽", "sun.li@finance.example.com", "Example Corp", "会计"),
    Person("陈静", "chen.jing@sales.example.com", "Example Corp", "大客户经理"),
    Person("Tom Becker", "tom.becker@eng.example.com", "Example Corp", "Site Reliability Engineer"),
]
EN_STAFF = [p for p in STAFF if p.name.isascii()]
ZH_STAFF = [p for p in STAFF if not p.name.isascii()]

EXTERNAL = [
    Person("张敏", "zhang.min@huaxin-trading.com.cn", "上海华信贸易有限公司", "采购经理"),
    Person("刘洋", "liuyang@dongfang-logistics.cn", "东方物流", "客户经理"),
    Person("陈晓红", "xiaohong.chen@tianyu-tech.com", "天宇科技", "项目经理"),
    Person("黄志强", "huang.zq@pearlriver-elec.com", "珠江电子有限公司", "总经理"),
    Person("周婷", "zhouting@163.com", "", ""),
    Person("吴刚", "wugang1983@qq.com", "", ""),
    Person("林佳怡", "jiayi.lin@formosa-parts.com.tw", "台塑零件股份有限公司", "業務專員"),
    Person("Sarah Mitchell", "s.mitchell@brightwater-consulting.com", "Brightwater Consulting LLP", "Partner"),
    Person("James O'Connor", "james.oconnor@harbourline.co.uk", "Harbourline Freight Ltd", "Operations Director"),
    Person("Priya Raman", "priya.raman@nexaworks.io", "NexaWorks Inc.", "Solutions Architect"),
    Person("Michael Grant", "mgrant@grant-associates.com", "Grant & Associates", "Attorney"),
    Person("Laura Fischer", "laura.fischer@alpenbank.de", "AlpenBank AG", "Relationship Manager"),
    Person("Kevin Lee", "kevin.lee@gmail.com", "", ""),
    Person("Emily Zhang", "emily.zhang@outlook.com", "", ""),
    Person("Daniel Novak", "d.novak@vistaprint-partners.com", "Vista Print Partners", "Account Manager"),
    Person("Hannah Brooks", "hannah@brooks-events.com", "Brooks Events", "Event Coordinator"),
]
EN_EXT = [p for p in EXTERNAL if p.name.isascii()]
ZH_EXT = [p for p in EXTERNAL if not p.name.isascii()]

CUSTOMERS_EN = ["Olivia Parker", "Liam Johnson", "Sophia Martinez", "Noah Williams", "Emma Robinson",
                "Mason Clarke", "Ava Thompson", "Lucas Bennett", "Mia Hughes", "Ethan Ward"]
CUSTOMERS_ZH = ["王建国", "李秀英", "张伟", "刘芳", "陈磊", "杨洋", "赵敏", "黄婷", "周杰", "吴静", "徐明", "孙浩"]

# real GB/T 2260 area codes
AREAS = ["110105", "310104", "440305", "330106", "510107", "320102", "420106", "610113", "370202", "350203"]


def luhn_check_digit(partial: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return luhn_check_digit(number[:-1]) == number[-1]


PUBLIC_TEST_CARDS = {"4242424242424242", "4111111111111111", "5555555555554444", "378282246310005",
                     "4000056655665556", "5105105105105100", "371449635398431", "6011111111111117",
                     "4012888888881881", "3530111333300000"}

BRANDS = {
    "visa": (["4"], 16),
    "mastercard": (["51", "52", "53", "54", "55", "2221", "2367", "2720"], 16),
    "amex": (["34", "37"], 15),
    "unionpay": (["6212", "6217", "6222", "6228", "6259", "6282"], 16),
    "unionpay19": (["6217", "6228", "6230"], 19),
    "jcb": (["3528", "3541", "3566", "3589"], 16),
    "discover": (["6011", "6445", "65"], 16),
}


def card(rng: random.Random, brand: str) -> str:
    prefixes, length = BRANDS[brand]
    while True:
        p = rng.choice(prefixes)
        body = p + "".join(rng.choice(string.digits) for _ in range(length - len(p) - 1))
        number = body + luhn_check_digit(body)
        if number not in PUBLIC_TEST_CARDS and len(set(number)) > 4:
            return number


def group_card(number: str, sep: str = " ") -> str:
    if len(number) == 15:                       # Amex 4-6-5
        return sep.join([number[:4], number[4:10], number[10:]])
    if len(number) == 19:
        return sep.join([number[i:i + 4] for i in range(0, 16, 4)] + [number[16:]])
    return sep.join(number[i:i + 4] for i in range(0, len(number), 4))


def luhn_number(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return body + luhn_check_digit(body)


def not_luhn_number(rng: random.Random, prefix: str, length: int) -> str:
    n = luhn_number(rng, prefix, length)
    return n[:-1] + str((int(n[-1]) + rng.randint(1, 9)) % 10)


def expiry(rng: random.Random) -> str:
    return f"{rng.randint(1, 12):02d}/{rng.randint(27, 31)}"


_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_id_check(first17: str) -> str:
    s = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[s % 11]


def cn_id(rng: random.Random, *, valid: bool = True) -> str:
    area = rng.choice(AREAS)
    birth = f"{rng.randint(1965, 2002)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    seq = f"{rng.randint(0, 999):03d}"
    first = area + birth + seq
    check = cn_id_check(first)
    if not valid:
        check = rng.choice([c for c in "0123456789X" if c != check])
    return first + check


def group_id(number: str, sep: str = " ") -> str:
    return sep.join([number[:6], number[6:14], number[14:]])


B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def rand(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def github_token(rng: random.Random, prefix: str = "ghp_") -> str:
    """A token with GitHub's documented shape: 30 random base62 characters and a 6-character
    base62 CRC32 of them."""
    body = rand(rng, 30, B62)
    crc = zlib.crc32(body.encode())
    tail = ""
    while crc:
        crc, r = divmod(crc, 62)
        tail = B62[r] + tail
    return prefix + body + tail.rjust(6, "0")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64_block(rng: random.Random, nbytes: int, width: int = 64) -> str:
    enc = base64.b64encode(rng.randbytes(nbytes)).decode("ascii")
    return "\n".join(enc[i:i + width] for i in range(0, len(enc), width))


def money_cny(rng: random.Random, lo: int, hi: int) -> str:
    return f"{rng.randint(lo, hi) * 100:,}"


def phone_cn(rng: random.Random) -> str:
    return rng.choice(["138", "139", "186", "135", "152", "177"]) + rand(rng, 8, string.digits)
