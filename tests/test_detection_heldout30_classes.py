"""Error classes of the outbound categories in blind sets 26-31 (insurance, e-commerce, medical
devices, coatings, an IP law firm), in wording of our own. Each test of a class failed on 57f790d;
the guards (ordinary uses of the same words) passed there too.
"""

from __future__ import annotations

import pytest

from tests.accuracy.mime import xlsx
from tests.test_detection_classes import action, mail

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_card_given_with_its_expiry_and_code_is_held_whatever_its_prefix() -> None:
    body = ("Hello,\n\nPlease charge our catering order (EUR 1,860.00) to the following Mastercard:\n\n"
            "5990 7369 3704 4337, valid thru 11/26, security code 472, name on card Marco Rossi.\n")
    assert action(mail(body, "Catering order payment")) == "quarantine"


def test_a_card_in_a_key_value_form_is_held_whatever_the_first_rows_value_says() -> None:
    """The form's first row ("Client | Ridgeway Lin & Partners") read as the column's header: its
    "Partners" held "part", a part number's column, and the row's own label "Card number" was
    looked for case-sensitively."""
    rows = [["Client", "Ridgeway Lin & Partners"], ["Cardholder name", "TRACY LEUNG"], ["Card type", "Visa"],
            ["Card number", "4918 1108 7300 6522"], ["Expiry (MM/YY)", "06/28"], ["CVV", "905"]]
    att = (("Card_Authorisation_Form.xlsx", xlsx(rows), XLSX),)
    assert action(mail("Please find attached the signed card authorisation form.", "Card form", att)) == "quarantine"


def test_a_number_without_a_known_issuer_and_nothing_card_like_is_no_card() -> None:
    assert action(mail("Order 5990 7369 3704 4337 ships on 11/26 from Ningbo.", "Shipping")) == "deliver"


@pytest.mark.parametrize(("subject", "body", "attachments"), [
    ("INTERNAL: Incident report - solvent release (draft)", "Ms Zhou,\n\nBelow is our draft incident report.\n", ()),
    ("[Internal] Supplier ranking Q3", "Hi,\n\nthe ranking with all scores is below.\n", ()),
    ("【内部】供应商评分", "王经理：\n\n评分结果如下。\n", ()),
    ("Q2 margin review", "Please see attached.", (("INTERNAL_margin_review_Q2.txt", b"Margins by product line.\n",
                                                    "text/plain"),)),
])
def test_a_bare_internal_set_as_a_label_is_held(subject: str, body: str,
                                               attachments: tuple[tuple[str, bytes, str], ...]) -> None:
    assert action(mail(body, subject, attachments)) == "quarantine"


@pytest.mark.parametrize(("subject", "body", "attachments"), [
    ("Internal audit schedule", "Dear Tom,\n\nour internal audit is in May; the internal tank surfaces are fine.\n",
     ()),
    ("Coating spec", "Cargo holds (internal): EP-320 2 x 125 um.\n", ()),
    ("内部审核计划", "您好：\n\n我司内部审核安排在五月。\n", ()),
    ("Lining spec", "Attached.", (("Internal_tank_lining_spec.txt", b"EP-320 2 x 125 um.\n", "text/plain"),)),
    ("经销商平台账号", "您好：\n\n初始密码已通过短信发送。请妥善保管并注意保密您的登录密码，不要告知他人。\n", ()),
])
def test_internal_as_a_word_and_advice_to_keep_ones_password_are_delivered(
        subject: str, body: str, attachments: tuple[tuple[str, bytes, str], ...]) -> None:
    assert action(mail(body, subject, attachments)) == "deliver"


@pytest.mark.parametrize("body", [
    # the label's "Temporary" read as a RAR archive's password (a password for the reader to open a file)
    "Hi Priya,\n\nhttps://portal.example.com\nUsername: priya.menon@harborviewbio.test\nTemporary password: "
    "Hv-Portal!0425\n",
    # a full-width colon after the name
    "刘工：\n\n接口参数如下：\n\napp_id：PP817180974927\napp_secret：92de64d01d4cc55930de227f186268ac\n",
    # an API key's Chinese label (金鑰)
    "陳先生：\n\n接口地址：https://declare.example.com/api/v1\n"
    "API 金鑰：hbk_live_fLO8vlh72YWhSGLeMWEdn3c6Epd6ng3RtD90Yqxu\n",
    # a storage key of little variety for a named account
    "DefaultEndpointsProtocol=https;AccountName=hbclaimsprod;AccountKey="
    + "SkpK" * 21 + "Sg==;EndpointSuffix=core.windows.net\n",
    # a firewall's configuration sent for support
    "hostname bj-fw01\nusername admin privilege 15 secret 0 RLP@bjfwjCRo\ncrypto isakmp key RLPbj@VpnW2kPom address "
    "203.0.113.18\n",
])
def test_credentials_the_blind_sets_found_delivered_are_held(body: str) -> None:
    assert action(mail(body, "Access")) == "quarantine"


@pytest.mark.parametrize("body", [
    "The password to the zip file is in the next mail.\n",
    "示例中 AppSecret 请替换为贵司在开放平台申请的密钥，例如 your_app_secret，勿写入代码仓库。\n",
    "DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey="
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==\n",
    "username ops privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\nenable secret 0 <password>\n",
])
def test_examples_hashes_and_the_emulators_key_are_delivered(body: str) -> None:
    assert action(mail(body, "Setup")) == "deliver"


# -- blind sets 33-34 (semiconductor equipment, renewable-energy EPC), failed on 685bafb -------------

CSV = "text/csv"


@pytest.mark.parametrize(("body", "attachments"), [
    # passports under a CSV's passport_no column, the mail saying "passports"
    ("The applications are in the attached CSV; scans of the passports will follow.",
     (("applicants.csv", b"surname_given,sex,date_of_birth,nationality,passport_no,passport_expiry\r\n"
                         b"LIU Qiang,M,1979-05-02,CHN,EG9673544,2030-01-01\r\n", CSV),)),
    # a storage key not of a key's exact length
    ("DefaultEndpointsProtocol=https;AccountName=exnedronestore;AccountKey=u7Kq2Xv9pLm3Tz8Rw1Nc5Yb4Hj6Gf0DsA2eQ7iO9kP3"
     "rT5yW8zX1cV4bN6mL0jH2gF5dS8aE3uR7tY9wQ1xZ==;EndpointSuffix=core.windows.net", ()),
    # a device list's "admin / password"
    ("Core switch   SW-CORE-01  10.60.0.1   admin / Kd#Core2024!\nFirewall  FW-01  10.60.0.254  fwadmin / "
     "Fg7$kD-2024wall\n", ()),
])
def test_passport_lists_storage_keys_and_device_passwords_are_held(
        body: str, attachments: tuple[tuple[str, bytes, str], ...]) -> None:
    assert action(mail(body, "Site data", attachments)) == "quarantine"


def test_a_secret_subject_tag_is_held() -> None:
    assert action(mail("Project list below.", "SECRET - acquisition targets 2025")) == "quarantine"


@pytest.mark.parametrize(("subject", "body"), [
    ("Portal access", "Your account is personal; please keep your login credentials confidential and do not share "
                      "the account with colleagues.\n"),
    ("Q1 results", "The draft some of you saw during the pre-briefing was confidential until publication; the "
                   "attached final version is public.\n"),
    ("Trademark specimens", "Attached are the SECRET GARDEN specimens for the filing.\n"),
    ("Stripe test keys", "Use Stripe's documented test keys until our account is approved:\nSecret: "
                         "sk_test_4eC39HqLyjWDarjtT1zdp7dc\n"),
    ("Login", "Please login as admin / your usual password.\n"),
])
def test_advice_a_past_label_a_brand_and_a_keys_label_are_delivered(subject: str, body: str) -> None:
    assert action(mail(body, subject)) == "deliver"
