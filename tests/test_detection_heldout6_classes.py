"""The error classes a blind held-out set (276 messages written on 2026-12-06 without sight of
the rules, kept outside the repository) found in the shipped rules, in wording of our own:
precision and recall 0.971 there. Each test of a class below failed on a9263a3 (17); the
others guard against the opposite error (a real card, a literal password, a bank's rate).

- Stripe's scenario test cards (3-D Secure, declines) in a developer's mail were held as cards;
- "confidential waste bins" and an API's "confidential" flag in a subject were banners;
- "Company Confidential - Example Corp" at the foot of every page of a PDF was running text;
- a Terraform ``password = var.db_password`` was a password;
- a boss asking in Chinese for gift cards bought and their codes sent, and for the reader's
  bank card number in a 把 sentence (the verb after what is asked: 把卡号发我), had no ask;
- a guaranteed yearly rate and "capital protection" were no promised return;
- 先汇入开户管理费 (an account-opening fee remitted first) was no fee.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from rules.cards import PUBLIC_TEST_CARDS, luhn_ok
from rules.content import parse
from rules.engine import EvaluationContext
from rules.model import Direction, Envelope
from tests.test_detection_classes import SHIPPED, _Dir, action, mail, verdict
from tests.test_detection_scams import US
from tests.test_detection_scams import inbound as inbound_mail


def inbound_action(body: str, subject: str, sender: str = "stranger@mailbox.test") -> str:
    return inbound_mail(body, subject=subject, sender=sender)["recipients"][US]["action"]


# -- cards ---------------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["4000 0027 6000 3184", "4000 0000 0000 9987", "4100 0000 0000 0019",
                                    "6200 0000 0000 0005"])
def test_stripe_scenario_test_cards_in_a_developer_mail_are_not_held(number: str) -> None:
    body = (f"For the QA run on the checkout page, use card {number} with any future expiry date "
            "(e.g. 12/34) and any CVC. Expect the 3DS challenge screen or the decline message.")
    assert action(mail(body, subject="Checkout QA cards")) == "deliver"


def test_the_test_cards_all_pass_luhn() -> None:
    assert all(luhn_ok(n) for n in PUBLIC_TEST_CARDS)


def test_a_real_looking_card_beside_them_is_still_held() -> None:
    body = "Card number 4556 7375 8689 9855, expiry 08/28, CVV 331 - please charge the deposit."
    assert luhn_ok("4556737586899855") and action(mail(body)) == "quarantine"


# -- confidentiality markers ---------------------------------------------------------------

@pytest.mark.parametrize("subject", ["Confidential waste collection on Friday", "Two more confidential bins, 3/F",
                                     "Bug: confidential flag lost when an issue is moved"])
def test_records_management_and_software_compounds_are_not_banners(subject: str) -> None:
    body = "Hi, details as discussed on the phone. Thanks, Alice"
    assert action(mail(body, subject=subject)) == "deliver"


def test_a_qualified_label_at_the_foot_of_each_page_is_held() -> None:
    pages = ["Pricing Model - FY2027\nDiscount bands by partner tier.\nCompany Confidential - Example Corp   "
             "Page 1 of 2", "Worked example for the Gold tier.\nCompany Confidential - Example Corp   Page 2 of 2"]
    body = "Hi Kevin, the pricing model we discussed is attached. Regards, Alice"
    raw = mail(body, subject="Pricing model", attachments=(("pricing.txt", "\n".join(pages).encode(), "text/plain"),))
    assert action(raw) == "quarantine"
    hit = [h for h in verdict(raw)["hits"] if h["rule"] == "outbound-confidential-marker"]
    assert hit and hit[0]["evidence"][0]["confidence"] in ("high", "medium")


def test_company_confidential_inside_a_sentence_stays_running_text() -> None:
    body = "We discussed what counts as company confidential information at the training today."
    assert action(mail(body)) == "deliver"


# (the review of a66add0: a qualifier heads a label only where the label ends its line or a dash
# or colon follows; "&" qualifies too; business nouns after the marker are no compound)
@pytest.mark.parametrize("body", ["Thanks.\n\nPrivate and confidential counselling is available to all staff.",
                                  "Thanks.\n\nStrictly confidential: the bank agreed a 3.1% margin."])
def test_a_qualified_marker_is_a_label_only_where_it_labels(body: str) -> None:
    assert action(mail(body)) == ("deliver" if "counselling" in body else "quarantine")


@pytest.mark.parametrize("body", ["Strictly Private & Confidential - Addressee only\n\nDear Ms Lee, the offer:",
                                  "Strictly confidential between the two of us, the bank has agreed to the margin.",
                                  "The confidential parameters of the deal (price, timing) are in the attached deck."])
def test_labels_and_deal_terms_that_were_missed_are_held(body: str) -> None:
    assert action(mail(body)) == "quarantine"


# -- secrets -------------------------------------------------------------------------------

@pytest.mark.parametrize("line", ["password = var.db_password", "master_password = local.admin_pw",
                                  "db_password = data.aws_secretsmanager_secret_version.db.secret_string",
                                  "password: .Values.postgres.password"])
def test_a_reference_to_where_the_secret_lives_is_not_a_secret(line: str) -> None:
    body = f"The module reads it from the vault:\n\nresource \"x\" \"y\" {{\n  {line}\n}}\n"
    assert action(mail(body, subject="Terraform module")) == "deliver"


@pytest.mark.parametrize("line", ['password = "var.Tq7vR2mLp9"', "password = Tq7!vR2m#Lp9var",
                                  "db_password: data.Warehouse2024", "DB_PASSWORD=secrets.Prod_2026x",
                                  "password = local.Admin-77", "api_secret = data.a8Fk2LmQ9xZr7TbW3yHv"])
def test_a_quoted_or_literal_value_is_still_a_secret(line: str) -> None:
    assert action(mail(f"config:\n{line}\n", subject="db config")) == "quarantine"


# -- scams ---------------------------------------------------------------------------------

def test_a_boss_asking_for_gift_cards_and_their_codes_in_chinese_is_held() -> None:
    body = ("小张，我在外面见客户，不方便接电话。客户那边急要几张沃尔玛购物卡，你先帮我买五张，每张500元。"
            "买好后把卡密拍照发给我，今天下午三点前要。")
    assert inbound_action(body, subject="急事") == "quarantine"


def test_an_ask_for_bank_details_with_its_verb_after_them_is_an_ask() -> None:
    body = "恭喜您在周年庆抽奖中获得二等奖，奖金8000元。请把您的银行卡号和开户行发给我们，以便发放奖金。"
    v = inbound_mail(body, subject="中奖通知", sender="event@prize-center.test")
    signals = next(h for h in v["hits"] if h["rule"] == "scam-structure")["evidence"][0]["context"]
    assert "personal data" in signals and v["recipients"][US]["action"] == "quarantine"


def test_a_guaranteed_yearly_rate_with_a_private_channel_is_held() -> None:
    body = ("Our bond programme pays a guaranteed 16% per annum with full capital protection. "
            "Text me on WhatsApp +44 7700 900555 for the term sheet.")
    assert inbound_action(body, subject="Fixed income opportunity") == "quarantine"


def test_a_banks_fixed_rate_notice_alone_is_not_a_scam() -> None:
    body = ("Your 12-month fixed-rate bond matures on 30 December. Renew today for a guaranteed 4.1% per annum; "
            "see the terms in online banking.")
    v = inbound_mail(body, subject="Your bond is maturing", sender="notices@bank.test")
    assert v["recipients"][US]["action"] == "deliver" and not any(h["rule"].startswith("scam") for h in v["hits"])


def test_an_account_opening_fee_remitted_first_is_a_fee() -> None:
    body = "本基金保证每月收益 6%。参与前须先汇入开户管理费 8,000 元，到账后即可开始计息。"
    assert inbound_action(body, subject="稳健收益计划") == "quarantine"


@pytest.mark.parametrize("body", [
    "报价说明：手续费按当日汇率计算，货款 50,000 美元须于今天内确认，确认后即可发货。",
    "本月运费明细已汇总，合计 3,200 元，请今天内确认，确认后安排发货。",
    "贵司订购的京东E卡200张（每张500元）已发货，卡号及卡密清单见附件，请于今日内确认签收。",
])
def test_trade_mail_with_exchange_rates_totals_and_delivered_card_lists_is_no_scam(body: str) -> None:
    # (the review of a66add0: 汇 alone read 汇率 and 汇总 as paying, and a card list as codes asked)
    v = inbound_mail(body, subject="订单确认", sender="sales@supplier.test")
    assert v["recipients"][US]["action"] == "deliver", v["hits"]


def test_an_internal_notice_about_meal_card_top_ups_is_no_scam() -> None:
    # a card word with 买 and codes in ordinary internal mail: one signal at most, delivered
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "hr@example.com", "all@example.com", "饭卡充值"
    m["Message-ID"], m["Date"] = "<h@example.com>", "Thu, 03 Dec 2026 10:00:00 +0000"
    m.set_content("各位同事：食堂充值卡可在前台购买，福利礼品卡的卡密已发到各部门秘书处，请按名单领取。")
    v = SHIPPED.evaluate(parse(m.as_bytes()), Envelope("hr@example.com", ("all@example.com",)),
                         EvaluationContext({"all@example.com": Direction.INTERNAL}, _Dir())).to_json()
    assert v["recipients"]["all@example.com"]["action"] == "deliver"




# -- a second blind set (214 messages, 2026-12-06): precision 0.915, recall 0.964 -----------

def test_numbers_heading_the_rows_of_a_space_aligned_order_table_are_not_cards_or_ids() -> None:
    # (a column lined up with spaces, its header the first cell of the table's first line: the
    # header reader knew CSV, tab and pipe tables only; each failed on aef9c29)
    rows = ["4556737586899855", "5425233430109903", "4716108999716531"]
    table = "Waybill No.         Consignee        Pieces  Status\n" + \
        "\n".join(f"{n}    Hofer Logistik      {i + 2}  In transit" for i, n in enumerate(rows))
    assert action(mail("Where your shipments stand:\n\n" + table + "\n\nRegards, Alice")) == "deliver"
    ids = ["11010519491231002X", "440524188001010014"]
    table = "订单号              下单日期     商品        数量\n" + \
        "\n".join(f"{n}  2026-11-2{i}  电动牙刷     {i + 1}" for i, n in enumerate(ids))
    assert action(mail("以下订单状态不一致，请核对：\n\n" + table + "\n\n谢谢")) == "deliver"


def test_a_card_heading_a_line_of_prose_is_still_held() -> None:
    body = "Please charge this card for the deposit:\n4556 7375 8689 9855  exp 08/28  cvv 331\nThanks"
    assert action(mail(body)) == "quarantine"
    body = "Order details\n4556737586899855  Visa  exp 08/28  cvv 331"  # a label line, not a table header
    assert action(mail(body)) == "quarantine"


def test_a_list_of_test_cards_introduced_once_is_not_held() -> None:
    body = ("For Wednesday's sandbox run, use the processor's test cards only:\n\n"
            + "\n".join(f"  {n}  - scenario {i}" for i, n in enumerate(
                ["4242 4242 4242 4242", "4000 0025 0000 3155", "4000 0000 0000 9995", "5555 5555 5555 4444",
                 "3782 822463 10005", "6011 1111 1111 1117"]))
            + "\n\nUse 12/34 as expiry and 123 as CVC.")
    assert action(mail(body)) == "deliver"


def test_an_env_template_with_empty_values_holds_no_secret() -> None:
    # (a value assigned to a secret's name was read across the line break: DB_PASSWORD= took the
    # next line's ALIYUN_ACCESS_KEY_ID= for its value)
    env = b"DB_USER=\nDB_PASSWORD=\nALIYUN_ACCESS_KEY_ID=<AccessKeyId>\nSMTP_PASSWORD=\n"
    raw = mail("The template is attached; operations fill in the values.", subject="env template",
               attachments=((".env.example", env, "text/plain"),))
    assert action(raw) == "deliver"


@pytest.mark.parametrize("body", ["附件报价是公司特批的价格，请注意保密，不要给其他供应商看。",
                                  "这份名单请务必保密，周五前不要对外说。"])
def test_a_chinese_request_to_keep_this_mail_confidential_is_held(body: str) -> None:
    assert action(mail(body, subject="报价")) == "quarantine"


def test_a_reminder_quoting_chinese_labels_joined_by_or_is_talked_about() -> None:
    body = ("Reminder for the support team: if a customer sends you something marked \"机密\" or \"内部资料\", "
            "do not forward it; attach it to the ticket instead.")
    assert action(mail(body, subject="Handling labelled documents")) == "deliver"


def test_a_dormant_crypto_balance_with_an_activation_fee_is_held() -> None:
    body = ("A dormant balance of 1.8 BTC is credited to your account from our 2022 programme. To withdraw it, "
            "an activation fee of 300 USDT must be paid before the first withdrawal.")
    assert inbound_action(body, subject="Your balance is ready") == "quarantine"


def test_an_approved_refund_alone_is_no_scam() -> None:
    # (an approved refund is not read as a windfall: a real refund notice with a WhatsApp
    # support line would have made three signals)
    body = "Your refund of USD 860.00 has been approved and will reach your card within 5 working days."
    v = inbound_mail(body, subject="Refund approved", sender="billing@vendor.test")
    assert not any(h["rule"].startswith("scam") for h in v["hits"])


def test_a_card_under_a_single_labelled_line_is_still_held() -> None:
    # (one line under a label is a form, not a column of order numbers)
    body = "Invoice no.   INV-2291\n4556 7375 8689 9855   08/28   331\n\nPlease charge the deposit."
    assert action(mail(body)) == "quarantine"


@pytest.mark.timeout(60)
def test_a_long_aligned_order_table_is_read_once_not_per_row() -> None:
    # (each value walked up to its table's first line and down to its last: a table of n rows
    # cost n² line reads; 20,000 rows under "Order ID", each a Luhn-valid card-like number)
    from rules.cards import find_payment_cards, luhn_ok

    numbers = []
    k = 4556737586890000
    while len(numbers) < 20_000:
        k += 1
        if luhn_ok(str(k)):
            numbers.append(str(k))
    text = "Order ID           Qty  Status\n" + "\n".join(f"{n}   {i % 9 + 1}    shipped" for i, n in
                                                       enumerate(numbers))
    assert find_payment_cards(text) == []


@pytest.mark.timeout(60)
def test_many_well_known_test_cards_are_read_in_linear_time() -> None:
    # (90bd8e7 looked for "test" words in the whole text once per such card: 20,000 of them
    # took 306 s; now the text is asked once)
    from rules.cards import find_payment_cards

    assert len(find_payment_cards("card: 4111 1111 1111 1111 exp 09/29\n" * 20_000)) == 20_000
