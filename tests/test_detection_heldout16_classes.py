"""Error classes of detection found by the blind held-out sets 14 to 19 (written without sight of
the rules, kept outside the repository: 200 messages each) and by reviews of the fixes, in
wording of our own. Each test of a class failed on the commit named in its section; the others
guard against the opposite error. Earlier sets: tests/test_detection_heldout9_classes.py and
tests/test_detection_heldout12_classes.py.
"""

from __future__ import annotations

import pytest

from rules.secrets import find_secrets
from tests.test_detection_classes import action, crlf_mail, mail

OUT = "partner@other.org"


def _action(body: str, subject: str = "Update") -> str:
    return action(crlf_mail("alice@example.com", OUT, subject, body))


# -- left open by sets 14 and 15 (failed on bf084d5) ---------------------------------------

@pytest.mark.parametrize("body", [
    "Hi Tom,\n\nAttached are the Q4 salary figures - confidential, for your eyes only. If you received this "
    "message in error please let me know.\n\nAlice\n",
    "Tom,\n\nThe pricing below is confidential and for your eyes only. If you are not the intended recipient "
    "please delete this email.\n\nUnit A: 12.50\n\nAlice\n",
    "王先生您好，\n\n附件是本季度薪酬数据，属于机密，请严格保密。如误收本邮件请告知并删除。\n\n李伟\n",
])
def test_a_marker_the_writer_applies_stays_one_beside_a_disclaimer_like_sentence(body: str) -> None:
    # (the paragraph reads as a disclaimer, but the marker's own sentence names what is sent
    # and says nothing of "this e-mail" in general)
    assert _action(body) == "quarantine"


@pytest.mark.parametrize("footer", [
    "CONFIDENTIALITY NOTICE: The information contained in this email is confidential. It may be privileged. "
    "If you are not the intended recipient, please notify the sender and delete it.",
    "Please treat this as confidential. If you have received this communication in error, please notify the "
    "sender.",
    "Strictly confidential. Please do not forward or share. If you have received this email in error, please "
    "notify us immediately and delete it.",
    "The information in this email is\nconfidential. If you are not the intended recipient, you must not read, "
    "use or disseminate it.",
    "保密声明：此邮件内容属机密，仅供指定收件人阅读。如您误收，请立即通知发件人并删除。",
])
def test_disclaimers_whose_sentences_name_nothing_sent_stay_disclaimers(footer: str) -> None:
    body = f"Hi Tom,\n\nPlease find the updated price list for next quarter attached.\n\nDave\n\n{footer}\n"
    assert _action(body) == "deliver"


@pytest.mark.parametrize("command", [
    "mysql -h 10.20.3.14 -u report_ro -pR3p0rt#2026x reporting",
    "mysql -uroot -p'Sh3nzhen!db' -h rm-uf6.mysql.rds.aliyuncs.com",
    "PGPASSWORD=Pg_Ro_2026x psql -h 10.0.0.5 -U reader analytics",
    "sshpass -p 'Jump#Host99' ssh ops@10.1.2.3",
    "redis-cli -h 10.0.3.8 -p 6379 -a Redis2026Prod! info",
    "curl -u deploy:Dpl0y2026xx https://nexus.internal/repository/",
    "mongosh --host 10.0.0.9 -u admin -p Mongo2026Adm --authenticationDatabase admin",
])
def test_a_password_on_a_command_line_is_a_secret(command: str) -> None:
    body = f"Hi,\n\nyou can connect with:\n\n    {command}\n\nBob\n"
    assert _action(body, "db access") == "quarantine"
    assert any("command line" in m.context for m in find_secrets(body))


def test_a_command_line_password_in_a_runbook_attachment_is_a_secret() -> None:
    from tests.accuracy.mime import docx
    from tests.test_detection_classes import DOCX
    data = docx(["Runbook: nightly report export", "1. Connect:",
                 "mysql -h 10.20.3.14 -u report_ro -pR3p0rt#2026x reporting", "2. Run export.sql"])
    assert action(mail("Runbook attached.", attachments=(("runbook.docx", data, DOCX),))) == "quarantine"


@pytest.mark.parametrize("command", [
    "mysql -h 10.20.3.14 -u report_ro -p reporting",  # -p alone: asked at a prompt; the word after is the database
    "mysql -h db01 -P3306 -u reader -p",  # -P is the port
    "mysql -u root -p$MYSQL_ROOT_PASSWORD -e 'show databases'",
    "mysql -u root -p'<your password>' mydb",
    "PGPASSWORD=${PG_PASS} pg_dump -h db -U app app > app.sql",
    "sshpass -p \"$(cat ~/.pw)\" ssh host",
    "curl -u user:password https://httpbin.org/basic-auth/user/password",
    "curl -H 'Authorization: Bearer $TOKEN' https://api.partner.test/v1/orders",
])
def test_prompts_variables_and_placeholders_on_a_command_line_are_no_secrets(command: str) -> None:
    body = f"Hi,\n\nrun this:\n\n    {command}\n\nBob\n"
    assert _action(body, "db access") == "deliver"
