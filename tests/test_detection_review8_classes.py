"""Outbound readings review set 8 got wrong (/work/review8: 70 outbound mails written by a helper
against this session's glossary, quoted-label, sample-row, passport and sensitivity-label changes;
on 84f0ff9: precision 0.800, recall 0.914). Each test fails on 84f0ff9; guards say so.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from tests.test_detection_classes import OUT, action, mail

DELIVERED = [
    # a glossary whose columns are set apart by full-width spaces (gl-02)
    "陈老师您好，\n下面是定稿的术语对照：\n\n费用报销\u3000\u3000Expense reimbursement\n"
    "预付款\u3000\u3000\u3000Prepayment\n"
    "备用金\u3000\u3000\u3000Petty cash\n机密\u3000\u3000\u3000\u3000Confidential\n秘密\u3000\u3000\u3000\u3000Secret\n"
    "审批权限\u3000\u3000Approval authority\n",
    # a markdown table with a note column (gl-03)
    "Answers to your queries below:\n\n| English (source) | Chinese (target) | Note |\n|---|---|---|\n"
    "| Pull request | 合并请求 | not 拉取请求 |\n| Code review | 代码评审 | |\n| Confidential | 机密 | |\n"
    "| Internal Use Only | 内部资料 | |\n",
    # a table of the levels alone, in traditional characters (gl-05, gl-16)
    "請依下表統一用語：\n\n公開\tPublic\n內部\tInternal\n機密\tConfidential\n極機密\tTop Secret\n",
    # the words themselves spoken of (gl-04)
    '需要注意的是：\n2. "绝密""机密"两个词只出现在附件三的分级对照表里，其他地方不要用；\n',
    # a table's example row set apart by bars (id-05)
    "Confirming the import format:\n| Employee No | Name | ID type | ID number | Hire date |\n"
    "|---|---|---|---|---|\n| Example | 李明 | PRC ID | 320506198809214174 | 2026-01-01 |\n",
]


@pytest.mark.parametrize("body", DELIVERED, ids=["fullwidth-glossary", "markdown-glossary", "levels-table-traditional",
                                                 "the-words-themselves", "piped-example-row"])
def test_glossaries_and_example_rows_are_delivered(body: str) -> None:
    assert action(mail(body, "术语 / format")) == "deliver"


HELD = [
    # a label set in corner quotes (qt-11)
    "各位：\n本文件列為「機密」，僅供貴司內部評估使用，請勿轉寄。\n價格表如下。\n",
    # listed files with their labels (eg-08, eg-10)
    "Hi Lars,\n\nGood talking to you this morning. As agreed, the documents for your board meeting:\n\nEnclosed:\n"
    "- Pricing schedule v3.pdf (Confidential)\n- EMX-400 datasheet.pdf (Public)\n"
    "- Rebate terms 2026.pdf (Confidential)\n"
    "\nThe draft distribution agreement comes from our legal team on Monday.\n\nCheers,\nDave\n",
    'Jonathan,\nThe papers for Thursday are in the shared folder:\n  Board pack Dec-25.pdf - "Strictly Confidential"\n'
    '  Press Q&A draft.docx - "Internal"\n',
    # a banner over a form is a banner (held on b007a3c; 84f0ff9's first glossary reading took the form's rows
    # for a glossary's)
    "机密  CONFIDENTIAL\n项目名称  苏州中心\n报价金额  1,200万\n",
]


@pytest.mark.parametrize("body", HELD, ids=["corner-quotes-applied", "file-list-parentheses", "file-list-dash-quoted",
                                            "banner-over-form"])
def test_applied_labels_are_held(body: str) -> None:
    assert action(mail(body, "Documents")) == "quarantine"


def test_an_html_glossary_table_is_read_row_by_row() -> None:
    """gl-05: the HTML table's cells were each a line of their own, 機密 a banner line."""
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "alice@example.com", OUT, "繁中用語對照"
    m["Message-ID"], m["Date"] = "<g@example.com>", "Thu, 03 Dec 2026 10:00:00 +0000"
    m.set_content("請依下表統一用語。\n")
    rows = [("經銷商入口網站", "Distributor Portal"), ("下載中心", "Download Center"), ("報價單", "Quotation"),
            ("機密", "Confidential"), ("使用者帳號", "User account")]
    table = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
    m.add_alternative(f"<html><body><p>請依下表統一用語。</p><table>{table}</table></body></html>", subtype="html")
    assert action(m.as_bytes()) == "deliver"


def test_a_purview_label_not_in_force_is_not_held() -> None:
    """hd-14: the label's _Enabled=false; and "Public - Not Confidential" says it is none."""
    for value in ("MSIP_Label_1a2b-3c_Enabled=false; MSIP_Label_1a2b-3c_Name=Confidential;",
                  "MSIP_Label_1a2b-3c_Enabled=true; MSIP_Label_1a2b-3c_Name=Public - Not Confidential;"):
        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = "alice@example.com", OUT, "Terms"
        m["Message-ID"], m["Date"] = "<h@example.com>", "Thu, 03 Dec 2026 10:00:00 +0000"
        m["msip_labels"] = value
        m.set_content("Helena,\n\nTo confirm what we agreed.\n")
        assert action(m.as_bytes()) == "deliver", value
