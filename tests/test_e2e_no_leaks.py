"""No unmasked sensitive value leaves the screening (issue 12): every value detector's positive
examples, plus the regions no detector reports whole (the AWS secret beside its key id, a URL's
password, a private key's body), sent over real SMTP in the subject and the body of held mail.
Afterwards no value appears in any database row, any notice mailed to reviewers or the sender,
any log record (all levels, the gateway's JSON format), or the quarantine API's listing and detail.

Before the fix the AWS secret key and the URL password were shown in clear in the evidence,
the first four digits of cards and identity numbers too, and the reviewers' notice subject and
the quarantine listing repeated the message subject with the card number in it.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from admin_api.users import add_user
from gateway.logs import JsonFormatter
from tests import bypass_mail as bm
from tests.harness import InProcessGateway, Sink, free_port, send, write_config


def _luhn_complete(prefix: str) -> str:
    for d in "0123456789":
        digits = prefix + d
        total = sum((int(c) * 2 - 9 if int(c) * 2 > 9 else int(c) * 2) if i % 2 else int(c)
                    for i, c in enumerate(reversed(digits)))
        if total % 10 == 0:
            return digits
    raise AssertionError(prefix)


def _private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


CARD = "4111 1111 1111 1111"
BANK_CARD = _luhn_complete("622202" + "".join(secrets.choice("0123456789") for _ in range(12)))
CN_ID = "310104198503120048"
IBAN = "DE89370400440532013000"
MOBILE = "13912345678"
AWS_ID, AWS_SECRET = "AKIAQ3EGRCYV5TNHX2LM", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Xk2LmQp"
GITHUB = "ghp_" + secrets.token_hex(18)
API_KEY = "Zx9Qm2Lr8Tn4Vb6Kc1Hd3Fg5Js7Pw0Ey"
URL_PASSWORD = "Pa55w0rd-Secret"
PEM = _private_key()
PEM_BODY_LINES = [line for line in PEM.splitlines() if "-----" not in line]

# what must never be seen: each value, and the parts a mask must hide
NEVER = {
    "card": [CARD, CARD.replace(" ", ""), "4111 1111 1111"],
    "bank card": [BANK_CARD, BANK_CARD[:12]],
    "identity number": [CN_ID, CN_ID[:14]],
    "iban": [IBAN, IBAN[4:18]],
    "mobile": [MOBILE],
    "aws secret": [AWS_SECRET, AWS_SECRET[:12], AWS_ID[4:]],
    "github token": [GITHUB[4:]],
    "api key": [API_KEY, API_KEY[4:]],
    "url password": [URL_PASSWORD],
    "private key body": PEM_BODY_LINES,
}
SUBJECT = f"Card {CARD} for ID {CN_ID}"
BODY = (f"Customer's 信用卡 card {CARD}, exp 12/29.\r\n"
        f"身份证 {CN_ID}\r\n"
        f"银行卡 UnionPay {BANK_CARD} 工资卡\r\n"
        f"IBAN {IBAN} for the transfer\r\n"
        f"手机 {MOBILE}\r\n"
        f"aws_access_key_id {AWS_ID} aws_secret_access_key {AWS_SECRET}\r\n"
        f"token {GITHUB}\r\n"
        f"api_key = '{API_KEY}'\r\n"
        f"database https://admin:{URL_PASSWORD}@db.example.org/prod\r\n"
        f"\r\nkey:\r\n{PEM}\r\n")

EXTRA_RULES = """
  - name: leak-test-{name}
    priority: 600
    when: {{detector: {{name: {name}}}}}
    action: quarantine
    review: group:compliance-team
"""
URL_RULE = """
  - name: leak-test-url
    priority: 600
    when: {keywords: {terms: [db.example.org]}}
    action: quarantine
    review: group:compliance-team
"""


@pytest.fixture
def stack(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink, str]]:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port())
    rules = config.parent / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + "".join(
        EXTRA_RULES.format(name=n) for n in ("iban", "cn_mobile", "cn_bank_card")) + URL_RULE, encoding="utf-8")
    gateway = InProcessGateway(config, with_api=True).start()
    yield gateway, sink, f"http://127.0.0.1:{gateway.api_port}"
    gateway.stop()
    sink.stop()


@pytest.fixture
def log_records() -> Iterator[list[str]]:
    """Every log record of the run, at every level, formatted as the gateway writes them."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep(logging.DEBUG)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)


def _leaks(where: str, text: str) -> list[str]:
    return [f"{what} in {where}" for what, values in NEVER.items() for v in values if v in text]


def _database_text(engine: sa.Engine) -> str:
    """Every value of every row of every table, bytes as Latin-1 (a plaintext value shows)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    out = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name.endswith("_fts"):
                continue  # SQLite's contentless full-text index: its content is in its shadow tables
            for row in conn.execute(sa.select(table)):
                for value in row:
                    if isinstance(value, memoryview):
                        value = bytes(value)
                    out.append(value.decode("latin-1") if isinstance(value, bytes) else str(value))
    return "\n".join(out)


def _notice_text(raw: bytes) -> str:
    msg = message_from_bytes(raw, policy=policy.default)
    parts = [str(msg["Subject"])]
    for part in msg.walk():
        if not part.is_multipart():
            parts.append(part.get_content() if part.get_content_maintype() == "text" else "")
    return "\n".join(parts)


def _wait_for_entry(http: httpx.Client) -> dict:
    deadline = time.monotonic() + 30
    listing = http.get("/api/v1/quarantine").json()
    while not listing.get("total") and time.monotonic() < deadline:
        time.sleep(0.1)
        listing = http.get("/api/v1/quarantine").json()
    return listing


def test_no_unmasked_value_reaches_database_notices_logs_or_api(stack, log_records) -> None:  # noqa: ANN001
    gateway, sink, base = stack
    compliance = add_user(gateway.services.engine, "comp", "compliance", email="compliance@example.com")
    head = bm.headers(subject=SUBJECT).replace(f"<{SUBJECT}@", "<leak-test@")
    raw = (head + "Content-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\n").encode() + BODY.encode()
    assert send(gateway.smtp_port, "alice@example.com", ["partner@other.org"], raw) == {}

    with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {compliance}"}) as http:
        [item] = _wait_for_entry(http)["items"]
        detail = http.get(f"/api/v1/quarantine/{item['id']}")
        assert detail.status_code == 200
        rules = {hit["rule"] for hit in detail.json()["evidence"]}
        # every value was found and quoted in the evidence, masked
        assert {"outbound-payment-cards", "outbound-cn-identity-numbers", "outbound-secrets",
                "leak-test-iban", "leak-test-cn_mobile", "leak-test-cn_bank_card", "leak-test-url"} <= rules
        assert "**** **** **** 1111" in detail.json()["subject"]
        api_text = http.get("/api/v1/quarantine").text + detail.text
        reviewers = detail.json()["reviewers"]
    for reviewer in reviewers:  # the compliance team and the sender's supervisor
        sink.handler.wait_to(reviewer)
    notices = [m for m in sink.messages if "partner@other.org" not in m.rcpt_tos]
    assert "**** **** **** 1111" in "\n".join(_notice_text(m.data) for m in notices)
    assert not [m for m in sink.messages if "partner@other.org" in m.rcpt_tos]  # held, not delivered

    leaks = _leaks("the API", api_text)
    for m in notices:
        leaks += _leaks(f"the notice to {m.rcpt_tos}", _notice_text(m.data))
    leaks += _leaks("the database", _database_text(gateway.services.engine))
    leaks += _leaks("the logs", "\n".join(log_records))
    assert not leaks, leaks
