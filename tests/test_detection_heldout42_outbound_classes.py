"""Outbound classes a blind set got wrong (/work/heldout42: an architecture firm's mail, 200
messages written blind from the policy; measured on b007a3c: confidential 0.889 / 0.960, identity
0.750 / 0.900). Each test fails on b007a3c; guards (same shape, the other answer) say so.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from tests.test_detection_classes import OUT, action, mail, verdict

GLOSSARY = (
    "Hi Joanna,\n\nFor the translation of the Suzhou correspondence, please use the glossary\nbelow:\n\n"
    "  图纸会审        design review meeting (drawing review)\n"
    "  施工图          construction drawings\n"
    "  审图机构        drawing-review authority\n"
    "  机密            Confidential\n"
    "  绝密            Top Secret\n"
    "  内部资料        Internal use only\n"
    "  商业秘密        trade secret\n"
    "  容积率          plot ratio (FAR)\n\nThanks!\nCarol\n"
)
REMINDER = (
    "Hi Kasia,\n\nA quick reminder of the information handling protocol everyone signed up to:\n\n"
    '- Documents marked "Confidential" or "Internal Use Only" by the client must\n'
    "  not be uploaded to any platform other than the project CDE.\n"
    '- Don\'t forward anything marked "Strictly Confidential" to personal email\n'
    "  or to subcontractors without written approval from the client's PM.\n\nThanks,\nBob\n"
)
BANNER_EXAMPLES = (
    "Hi both,\n\nSlide 9 has the examples we discussed of how the client wants its classification\n"
    "banners shown on title blocks:\n\n"
    '  e.g.  "OFFICIAL"                  - standard drawings\n'
    '        "CONFIDENTIAL - TENANT A"   - tenant fit-out drawings\n'
    '        "INTERNAL USE ONLY"         - design team working files\n\n'
    "Your CAD template just needs the attribute field.\n\nTom\n"
)
SAMPLE_ROW = (
    "您好：\n\n请贵司按附件模板填写幕墙驻场人员信息，第一行为填写示例，提交时请删除：\n\n"
    "序号  姓名    性别  身份证号              岗位\n"
    "示例  张三    男    11010519491231002X    幕墙技术员\n1\n2\n3\n\n身份证号请填写 18 位，末位为 X 的请大写。\n"
)


@pytest.mark.parametrize("body", [GLOSSARY, REMINDER, BANNER_EXAMPLES, SAMPLE_ROW],
                         ids=["glossary-rows", "marked-quoted-qualifier", "quoted-banners-with-gloss",
                              "sample-row-first-cell"])
def test_markers_talked_about_and_a_sample_rows_id_are_delivered(body: str) -> None:
    assert action(mail(body, "Note")) == "deliver"


def test_a_glossary_row_is_low_with_its_reason_and_a_labelled_table_row_still_holds() -> None:
    """The glossary's rows pair a level with its translation among ordinary terms; a table row
    that names the label (密级    机密) among ordinary rows is applied (guard: held on b007a3c too)."""
    hits = {h["rule"]: h for h in verdict(mail(GLOSSARY, "术语表"))["hits"]}
    assert "outbound-confidential-marker" not in hits
    assert "outbound-low-confidence-findings" in hits
    labelled = ("项目信息：\n\n  项目名称        苏州中心\n  密级            机密\n  日期            2025-09-01\n"
                "  负责人          王芳\n")
    assert action(mail(labelled, "项目信息")) == "quarantine"


def test_a_passport_column_beside_a_name_column_naming_the_passport_is_read() -> None:
    """id-020: the header's first cell "Name (as in passport)" was taken for the passport column,
    so the numbers under "Passport No." stood under no passport header."""
    body = ("Hi Lucy,\n\nThe hotel needs passport numbers at booking for overseas guests:\n\n"
            "  Name (as in passport)    Passport No.    Nationality   DOB\n"
            "  CHEN HAO                 E81449316       CHN           11/09/1987\n"
            "  ZHANG KE                 EA3302769       CHN           02/05/1989\n"
            "  LI WEI                   ED1312635       CHN           23/12/1984\n\nThanks,\nDave\n")
    hits = {h["rule"]: h for h in verdict(mail(body, "Shanghai delegation"))["hits"]}
    assert "outbound-passport-numbers" in hits
    assert "under 'passport no.'" in str(hits["outbound-passport-numbers"]["evidence"])


def _labelled(header: str, value: str) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "alice@example.com", OUT, "Project Kestrel - next steps"
    m["Message-ID"], m["Date"] = "<k@example.com>", "Thu, 03 Dec 2026 10:00:00 +0000"
    m[header] = value
    m.set_content("Helena,\n\nTo confirm what we agreed: an indicative range of 6.5-7.5x EBITDA.\n\nRichard\n")
    return m.as_bytes()


@pytest.mark.parametrize(("header", "value", "expected"), [
    ("Sensitivity", "Company-Confidential", "quarantine"),
    ("msip_labels", "MSIP_Label_3f6b2c1e-8d4a_Enabled=true; MSIP_Label_3f6b2c1e-8d4a_Name=Highly Confidential; "
                    "MSIP_Label_3f6b2c1e-8d4a_SiteId=8a1b2c3d;", "quarantine"),
    ("Sensitivity", "Personal", "deliver"),          # guards: about the sender, or a public label
    ("msip_labels", "MSIP_Label_1a2b_Enabled=true; MSIP_Label_1a2b_Name=General;", "deliver"),
], ids=["outlook-company-confidential", "purview-highly-confidential", "outlook-personal", "purview-general"])
def test_a_label_set_by_the_senders_mail_client_holds(header: str, value: str, expected: str) -> None:
    """conf-023: the message's only label was Outlook's Sensitivity header."""
    assert action(_labelled(header, value)) == expected
