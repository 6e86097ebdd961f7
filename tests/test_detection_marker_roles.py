"""A confidentiality word in running text is weighed by its role in the sentence (issue 19,
rules/markers.py): said of this mail or what it carries (the attached, these figures, 附件,
这份, "don't forward", a "Confidential:" label) it holds outbound mail; a word in a sentence
about something else (a confidential hotline, answers kept confidential, a settlement in the
news, a book title) is recorded low and the mail goes. Banners and subjects weigh as before.
The delivered cases were seen failing on old main (held: every word in running text was
medium)."""

from __future__ import annotations

import io
import zipfile

import pytest

from rules.markers import grade
from tests.test_detection_classes import enforced, mail, verdict

SIGNATURE = "\n\n-- \nAlice Chen\nFinance Manager, Example Corp"


@pytest.mark.parametrize("sentence", [
    "Our supplier code of conduct is attached. If anything worries you, our confidential ethics hotline is run by "
    "an independent provider.",
    "All answers to the customer survey are confidential and are reported only in aggregate.",
    "Did you see that the two airlines reached a confidential settlement over the slot dispute?",
    "As a partner you can also use the employee assistance programme: free, confidential counselling by phone.",
    "上次聊到的那本书叫《硅谷的秘密》，讲的是早期半导体公司的创业故事，推荐给您。",
    "看到新闻说两家车企达成和解，和解条款作为机密没有公开，不知道对明年的电芯价格有没有影响。",
])
def test_a_word_in_a_sentence_about_something_else_is_recorded_not_held(sentence: str) -> None:
    raw = mail("Hi Sarah,\n\nThanks for the call today.\n\n" + sentence + "\n\nBest regards" + SIGNATURE)
    v = verdict(raw)
    assert v["recipients"]["partner@other.org"]["action"] == "deliver", v["hits"]
    [audit] = [h for h in v["hits"] if h["rule"] == "outbound-low-confidence-findings"]
    assert audit["evidence"][0]["confidence"] == "low"
    assert audit["evidence"][0]["context"] == "running text about something else"


@pytest.mark.parametrize("sentence", [
    "Please treat the enclosed forecast as confidential until we publish the results.",
    "These figures are confidential, so please don't forward this email.",
    "Here are the confidential distributor prices for 2027 we discussed.",
    "Our plans for Suzhou are confidential - do not share them with the other bidders.",
    "下面这些是我们的机密信息，仅供贵司内部参考：明年一级代理返点上调到6%。",
    "发你的这份客户名单属于公司机密，看完请删除，千万不要外传。",
    # a press embargo
    "As discussed this is off the record and confidential - please don't publish anything before our announcement.",
    # traditional characters: the cues read them as simplified ones, and 僅供 alone is no disclaimer
    "附上明年度定價策略，此為本公司機密資料，僅供貴公司參考，請勿外傳。",
])
def test_a_marker_said_of_this_mail_in_running_text_is_held(sentence: str) -> None:
    raw = mail("Hi Sarah,\n\nThanks for the call today.\n\n" + sentence + "\n\nBest regards" + SIGNATURE)
    assert "outbound-confidential-marker" in enforced(raw)


@pytest.mark.parametrize("sentence", [
    # upper-case emphasis inside a promise is no banner, even on the last line
    "Please tell us how we did - it takes five minutes.\nYour answers will be kept STRICTLY CONFIDENTIAL and used "
    "only to improve our service.",
    # a long line wrapped just before the marker: the next line does not lead with it
    "Please tell us how we did at https://survey.example.com/2026 - it takes five minutes. Your answers will be "
    "kept\nstrictly confidential and used only to improve our service.",
    # the same, wrapped narrow
    "Your answers to the survey will be kept\nstrictly confidential and used only to improve our service.",
    # labels of three words, and a Chinese one, listed in a reminder
    "Documents marked CONFIDENTIAL, INTERNAL USE ONLY or 内部机密 must stay on the project SharePoint.",
])
def test_emphasis_and_listed_labels_are_not_held(sentence: str) -> None:
    v = verdict(mail("Dear James,\n\nThank you for working with us this year.\n" + sentence))
    assert v["recipients"]["partner@other.org"]["action"] == "deliver", v["hits"]


def test_a_banner_line_in_a_crlf_body_framed_by_a_dash_is_a_banner() -> None:
    text = ("Will finish this at home.\r\n\r\n> Example Corp \u2013 Internal Use Only\r\n> Roadmap 2027\r\n"
            "> H1: billing\r\n")
    at = text.index("Internal Use Only")
    assert grade(text, at, at + 17) == ("medium", "banner (a line of its own), in a quoted reply or below a signature")


def test_a_folder_inside_an_archive_names_its_members() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("confidential/pricing_2027.csv", "sku,floor price\nHX-220,1284\n")
    raw = mail("The files you asked for.", attachments=(("files.zip", buf.getvalue(), "application/zip"),))
    hits = {h["rule"]: h for h in verdict(raw)["hits"]}
    [ev] = [e for e in hits["outbound-confidential-marker"]["evidence"] if e["where"].startswith("attachment:")]
    assert ev["where"] == "attachment:files.zip/confidential/pricing_2027.csv" and ev["confidence"] == "high"


def test_role_grades_and_their_reasons() -> None:
    text = "Hi,\n\nThanks for the call.\n\nThis is confidential. We also run a confidential hotline for staff.\n\nBob"
    first = text.index("confidential")
    second = text.index("confidential", first + 1)
    assert grade(text, first, first + 12) == ("medium", "running text about this mail")
    assert grade(text, second, second + 12) == ("low", "running text about something else")
    # a label on what follows, in the middle of a mail
    text = "Hi,\n\nThanks.\n\nSome context first.\n\nConfidential: the plant closes in March.\n\nMore text.\n\nBob"
    at = text.index("Confidential")
    assert grade(text, at, at + 12)[0] == "medium"


def test_a_request_to_delete_in_running_text_is_no_disclaimer() -> None:
    # "看完请删除" asks the reader to delete this mail: it is no legal disclaimer around the marker
    text = "李伟您好：\n\n报价见下。\n\n发你的这份客户名单属于公司机密，看完请删除。\n\n王芳"
    at = text.index("机密")
    assert grade(text, at, at + 2)[0] == "medium"
    # a real disclaimer still is one
    text = "你好\n\n报价见下。\n\n本邮件及其附件含有机密信息，如您误收本邮件，请立即通知发件人并删除。"
    at = text.index("机密")
    assert grade(text, at, at + 2) == (None, "legal disclaimer")


@pytest.mark.timeout(30)
def test_markers_on_one_megabyte_line_are_graded_in_linear_time() -> None:
    """Hostile input: a 1.2 MB body on one line, a marker every three characters. Each marker's
    line was split into words before the length check that rules a long line out as a banner,
    so grading cost the whole line per marker: 2,000 markers took over a minute, a screened
    message of it nine seconds. The timeout is the test; the grade is checked too."""
    from rules.markers import MarkerGrader

    text = "机密 " * 150_000
    grader = MarkerGrader(text)
    grades = {grader.grade(i * 225, i * 225 + 2) for i in range(2000)}
    assert grades == {("low", "running text about something else")}
