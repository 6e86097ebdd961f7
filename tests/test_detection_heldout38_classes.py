"""Scams the blind set 38 (freight forwarding; written by a helper, measured blind on 6705bca:
scams 1.000 / 0.700) delivered, by class. Each scam test fails on 6705bca; the guards (genuine
mail of the same shape) pass there too and say so.
"""

from __future__ import annotations

from tests.test_detection_heldout16_classes import _inbound_verdict, inbound_action

US = "alice@example.com"


def _action(display: str, address: str, subject: str, body: str, html: str | None = None,
            people: dict[str, dict[str, str]] | None = None) -> str:
    return inbound_action(display, address, subject, body, html, people)

# The From line wears a brand, and a link wears it too: no call to act in words ("Open" is the button),
# yet the link is the lure (scam-002, scam-025).
def test_a_brand_worn_in_the_from_line_and_by_the_link_is_held_with_no_words_calling_to_act() -> None:
    html = ('<p>Frank Baumann shared a file with you</p><p><b>Invoice_Q3_2024.pdf</b></p><p><a href="https://'
            'onedrive-docs-view-7731.web.app/?login=jonas@example.com">Open</a></p><p>Microsoft respects your '
            "privacy.</p>")
    assert _action("OneDrive", "no-reply@onedrive-share-notify.com", 'Frank Baumann shared "Invoice_Q3_2024.pdf"',
                   "Frank Baumann shared a file with you.\n", html) == "quarantine"
    body = ("尊敬的客户：\n\n由于系统侦测到阁下的商业理财户口有异常登入，户口已被暂时冻结。\n"
            "请于 24 小时内以下连结完成身份验证，否则户口将被永久停用：\n\nhttps://hsbc-hk-secure.com/business/verify\n")
    assert _action("滙豐銀行", "service@hsbc-hk-secure.com", "【滙豐】閣下的商業戶口已被暫停使用", body) == "quarantine"


def test_a_brand_named_by_a_reseller_whose_links_are_its_own_is_delivered() -> None:
    """Guard (delivered on 6705bca too): the brand in the From line with links to the sender's own
    site is a reseller's newsletter, not a lure."""
    html = '<p>New Copilot licences are available this month.</p><p><a href="https://cloudhaus-it.test/m365">Details</a></p>'
    assert _action("Microsoft 365 Team", "news@cloudhaus-it.test", "Copilot licences",
                   "New Copilot licences are available this month.\n", html) == "deliver"


# Our person's name as their address spells it ("Li Wei" for li.wei@example.com), on free mail, moving the
# salary to a new account (scam-001): the payroll diversion.
def test_a_salary_moved_to_a_new_account_by_one_of_our_people_from_free_mail_is_held() -> None:
    body = ("张敏你好，\n\n我的工资卡换了，麻烦从这个月开始把工资打到下面这个新账户，旧卡已经注销了：\n\n"
            "户名：李伟\n开户行：中信银行上海分行\n账号：6217 6802 1148 3327 915\n\n"
            "我这几天在汉堡出差，有问题直接回邮件就可以。\n")
    people = {"li.wei@example.com": {"name": "李伟"}}
    assert _action("Li Wei", "liwei.sh1984@outlook.com", "更新工资卡 / salary account change", body,
                   people=people) == "quarantine"
    # the salary alone from free mail weighs as a diversion with its pretext, whoever the name is
    assert _action("Zhang Hua", "zhanghua1990@163.com", "工资卡变更", body) == "quarantine"


def test_a_supplier_giving_its_new_account_from_its_own_domain_is_delivered() -> None:
    """Guard (delivered on 6705bca too): a company's own change notice, from its own domain,
    with nothing about wages."""
    body = ("Dear customer,\n\nPlease note our new bank account for payments from January: Bank of China Shanghai, "
            "account 4563 0021 9988. Please call your usual contact to confirm.\n")
    assert _action("Huaxin Trading AR", "ar@huaxin-trading.test", "Bank details", body) == "deliver"


# An offer to make out VAT invoices for someone else's trade (代开发票), from free mail with a QQ (scam-010).
def test_an_offer_of_invoices_made_out_for_others_is_held() -> None:
    body = ("贵公司（财务）负责人：\n\n本公司因进项较多，现可代开各地区增值税专用发票、普通发票（运输、仓储、服务等），"
            "点数优惠，可验证后付款。\n\n联系人：张经理  QQ：2875519043\n")
    v = _inbound_verdict("税务代理", "dkfp_2025@126.com", "贵司财务负责人：可代开各地增值税专用发票", body)
    assert v.to_json()["recipients"][US]["action"] == "quarantine"


def test_the_tax_offices_own_invoice_service_named_is_no_offer() -> None:
    """Guard (delivered on 6705bca too): an accountant telling the reader where to get an invoice."""
    body = ("王经理您好，\n\n个人劳务报酬需要去税务局代开发票，您带身份证到办税服务厅即可，"
            "有问题加我微信 wx_acc2024。\n")
    v = _inbound_verdict("李会计", "li.kj@hengtai-cpa.test", "代开发票流程", body)
    assert v.to_json()["recipients"][US]["action"] == "deliver"


# A sign-in asked with its threat in the "failure to confirm … will result in" form (scam-038).
def test_a_sign_in_with_failure_to_confirm_will_result_in_is_held() -> None:
    html = ("<p>Dear Valued Customer,</p><p>The original Bill of Lading OLNK2501SHA4471 is ready for release. Due to "
            "our new security system you must confirm your e-mail account before downloading the document.</p>"
            '<p><a href="http://oceanlink-lines-bl.com/secure/login.php">VIEW AND RELEASE B/L</a></p>'
            "<p>Failure to confirm within 24 hours will result in storage charges.</p>")
    assert _action("Oceanlink Documentation", "documentation@oceanlink-lines-bl.com",
                   "Original B/L OLNK2501SHA4471 ready - sign in to release", "See the HTML part.\n", html) \
        == "quarantine"
