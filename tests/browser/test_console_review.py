"""Issue 15's review console in a real Chromium against a real gateway fed over SMTP:
the triage queue, the entry page and the sender's policy-tip page (SQLite and PostgreSQL).

What each test shows is what the issue's "What it must show" lists: a supervisor filters,
opens, sees the highlighted evidence and releases with a comment (the sink receives it exactly
once); a bulk reject of 20 under one comment; four-eyes by two people in two browsers; the
sender justifies (delivered) or withdraws (rejected); another department's entry is not
found; Chinese and English pages; axe-core on every page; screenshots in both languages."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from tests.browser.support import ConsoleStack, axe, screenshot, sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(900)]
PARTNER = "partner@other.org"


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def delivered(stack: ConsoleStack, subject: str, to: str = PARTNER, wait: float = 0.0) -> int:
    """How many copies of the message with ``subject`` reached ``to`` at the sink."""
    deadline = time.monotonic() + wait
    while True:
        n = sum(1 for m in stack.sink.messages if to in m.rcpt_tos and subject.encode() in m.data)
        if n or time.monotonic() >= deadline:
            return n
        time.sleep(0.1)


def status_of(stack: ConsoleStack, entry_id: int) -> str:
    return stack.gateway.services.quarantine.get(entry_id)["status"]


def test_supervisor_filters_opens_sees_evidence_releases_once(stack: ConsoleStack, new_page: Any) -> None:
    subject = unique("Q3 plan")
    stack.send("alice@example.com", PARTNER, subject, "机密 合同草案，严禁外传。\r\n")
    [entry] = stack.held(subject)
    page = new_page("en-US")
    sign_in(page, stack, "cfo", path="/queue")
    assert page.url.endswith("/queue")
    page.locator("#rule").select_option("outbound-confidential-marker")
    page.locator("#q").fill(subject.split()[-1])
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    rows = page.locator("table.queue tbody tr[data-id]")
    assert rows.count() == 1
    screenshot(page, "queue-en")
    axe(page)
    rows.first.locator("a.open").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/quarantine/{entry['id']}")
    marks = page.locator(".evidence mark").all_inner_texts()
    assert "机密" in marks or "严禁外传" in marks, marks
    screenshot(page, "entry-en")
    axe(page)
    page.locator("#comment").fill("Checked with the partner contract: fine to send.")
    page.locator("form[action$='/decide'] button[value=release]").click()
    page.wait_for_load_state()
    assert "Released to" in page.locator("p.notice").inner_text()
    assert delivered(stack, subject, wait=20) == 1
    time.sleep(1.0)  # nothing arrives twice
    assert delivered(stack, subject) == 1


def test_bulk_reject_twenty_with_one_comment(stack: ConsoleStack, new_page: Any) -> None:
    tag = uuid.uuid4().hex[:8]
    subjects = [f"Bulk {tag} {i:02d}" for i in range(20)]
    for s in subjects:
        stack.send("alice@example.com", PARTNER, s, "内部资料 机密 不得外传\r\n")
    ids = [stack.held(s)[0]["id"] for s in subjects]
    page = new_page("en-US")
    sign_in(page, stack, "cfo", path=f"/queue?q={tag}&per_page=25")
    boxes = page.locator("table.queue input[name=ids]")
    assert boxes.count() == 20
    for i in range(20):
        boxes.nth(i).check()
    page.locator("#bulk-comment").fill("Marketing test run, not to be sent.")
    page.locator("#bulk-reject").click()
    page.wait_for_load_state()
    assert "Rejected: 20 of 20." in page.locator("p.notice").inner_text()
    assert {status_of(stack, i) for i in ids} == {"rejected"}
    svc = stack.gateway.services.quarantine
    comments = {h["comment"] for i in ids for h in svc.history(i) if h["action"] == "reject"}
    assert comments == {"Marketing test run, not to be sent."}
    assert all(delivered(stack, s) == 0 for s in subjects)


def test_keyboard_shortcuts_select_and_reject(stack: ConsoleStack, new_page: Any) -> None:
    subject = unique("Keys")
    stack.send("alice@example.com", PARTNER, subject, "机密\r\n")
    [entry] = stack.held(subject)
    page = new_page("en-US")
    sign_in(page, stack, "cfo", path=f"/queue?q={subject.split()[-1]}")
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.locator("table.queue input[name=ids]").first.is_checked()
    page.keyboard.press("d")  # no comment yet: the cursor goes to the comment
    assert page.evaluate("document.activeElement.id") == "bulk-comment"
    page.keyboard.type("Not for outside.")
    page.locator("#bulk-reject").click()
    page.wait_for_load_state()
    assert status_of(stack, entry["id"]) == "rejected"


def test_four_eyes_two_people_two_browsers(stack: ConsoleStack, new_page: Any) -> None:
    subject = unique("Board")
    stack.send("alice@example.com", PARTNER, subject, "机密★ 董事会决议草案\r\n")
    [entry] = stack.held(subject)
    cfo, grace = new_page("en-US"), new_page("en-US")
    sign_in(cfo, stack, "cfo", path=f"/quarantine/{entry['id']}")
    sign_in(grace, stack, "grace", path=f"/quarantine/{entry['id']}")
    assert "0 of 2 approvals" in cfo.locator("#approvals-h + p").inner_text()
    cfo.locator("#comment").fill("Department head: approved.")
    cfo.locator("form[action$='/decide'] button[value=release]").click()
    cfo.wait_for_load_state()
    assert "1 more needed" in cfo.locator("p.notice").inner_text()
    assert status_of(stack, entry["id"]) == "held" and delivered(stack, subject) == 0
    grace.reload()
    assert "1 of 2 approvals" in grace.locator("#approvals-h + p").inner_text()
    grace.locator("#comment").fill("Compliance: approved.")
    grace.locator("form[action$='/decide'] button[value=release]").click()
    grace.wait_for_load_state()
    assert status_of(stack, entry["id"]) == "released"
    assert delivered(stack, subject, wait=20) == 1


def _sender_link(stack: ConsoleStack, subject: str) -> tuple[int, str]:
    [entry] = stack.held(subject)
    svc = stack.gateway.services.quarantine
    return entry["id"], stack.url(f"/sender?token={svc.make_sender_token(entry['id'], entry['expires_at'])}")


def test_sender_justifies_then_delivered_and_withdraw_rejects(stack: ConsoleStack, new_page: Any) -> None:
    sent, withdrawn = unique("Offer"), unique("Draft")
    for s in (sent, withdrawn):
        stack.send("frank@example.com", PARTNER, s, "Here is the offer.\r\n")
    sent_id, sent_link = _sender_link(stack, sent)
    gone_id, gone_link = _sender_link(stack, withdrawn)
    page = new_page("en-US", phone=True)
    page.goto(sent_link)
    assert PARTNER in page.locator("dl.facts").inner_text()
    screenshot(page, "sender-en-phone")
    axe(page)
    page.locator("#justification").fill("   ")
    page.locator("form[action='/sender/release'] button").click()
    page.wait_for_load_state()
    assert page.locator("#error").is_visible() and page.locator("#justification").input_value() == "   "
    assert status_of(stack, sent_id) == "held"
    page.locator("#justification").fill("The customer asked for it today.")
    page.locator("form[action='/sender/release'] button").click()
    page.wait_for_load_state()
    assert "on its way" in page.locator("h1").inner_text()
    assert delivered(stack, sent, wait=20) == 1
    page.goto(gone_link)
    page.locator("form[action='/sender/withdraw'] button").click()
    page.wait_for_load_state()
    assert "withdrawn" in page.locator("h1").inner_text()
    assert status_of(stack, gone_id) == "rejected" and delivered(stack, withdrawn) == 0


def test_other_department_not_found(stack: ConsoleStack, new_page: Any) -> None:
    subject = unique("Finance only")
    stack.send("alice@example.com", PARTNER, subject, "机密\r\n")
    [entry] = stack.held(subject)
    page = new_page("en-US")
    sign_in(page, stack, "cto", path=f"/quarantine/{entry['id']}")
    assert page.locator("h1").inner_text() == "Not found"
    page.goto(stack.url(f"/queue?q={subject.split()[-1]}"))
    assert page.locator("table.queue tbody tr[data-id]").count() == 0


@pytest.mark.parametrize(("locale", "words"), [("zh-CN", ("审核队列", "拦截原因", "您的邮件已被拦截")),
                                               ("en-US", ("Review queue", "Why it was held", "Your message is held"))])
def test_pages_in_both_languages_axe_and_screenshots(stack: ConsoleStack, new_page: Any, locale: str,
                                                     words: tuple[str, str, str]) -> None:
    subject = unique("Language")
    stack.send("alice@example.com", PARTNER, subject, "机密 合同\r\n")
    [entry] = stack.held(subject)
    warned = unique("Warned")
    stack.send("frank@example.com", PARTNER, warned, "hello\r\n")
    _id, link = _sender_link(stack, warned)
    lang = "zh" if locale.startswith("zh") else "en"
    page = new_page(locale)
    sign_in(page, stack, "cfo", path="/queue")
    assert words[0] in page.locator("h1").inner_text()
    axe(page)
    screenshot(page, f"queue-{lang}")
    page.goto(stack.url(f"/quarantine/{entry['id']}"))
    assert words[1] in page.locator("#rules-h").inner_text()
    if lang == "zh":
        assert "外发邮件中含有保密标记" in page.content()  # the rule's description in Chinese
    axe(page)
    screenshot(page, f"entry-{lang}")
    sender = new_page(locale, phone=True)
    sender.goto(link)
    assert words[2] in sender.locator("h1").inner_text()
    axe(sender)
    screenshot(sender, f"sender-{lang}")


def _logged(stack: ConsoleStack, recipient: str) -> list[str]:
    """The results logged so far for ``recipient`` (gateway/attempts.py), oldest first."""
    import sqlalchemy as sa

    from gateway.tables import delivery_attempts as t

    with stack.engine.connect() as conn:
        return list(conn.execute(sa.select(t.c.result).where(t.c.recipient == recipient).order_by(t.c.id)).scalars())


def test_released_copy_deferred_then_delivered_shows_both_attempts(stack: ConsoleStack, new_page: Any) -> None:
    """Issues 15 and 16: each delivery attempt and its result, on the entry page (Chinese) and
    on the archive's message page (English): the next hop's 451, then its 250, with the hop and
    its TLS. Old main showed one line, the last reply and a count."""
    tag = uuid.uuid4().hex[:8]
    subject, to = unique("Retry plan"), f"retry-{tag}@other.org"
    stack.sink.handler.refuse_once[f"retry-{tag}@"] = "451 4.3.0 Try again later"   # then 250 on the retry
    stack.send("alice@example.com", to, subject, "机密 合同草案，严禁外传。\r\n")
    [entry] = stack.held(subject)
    page = new_page("zh-CN")
    sign_in(page, stack, "cfo", path=f"/quarantine/{entry['id']}")
    page.locator("#comment").fill("可以发送。")
    page.locator("form[action$='/decide'] button[value=release]").click()
    page.wait_for_load_state()
    assert delivered(stack, subject, to=to, wait=30) == 1
    deadline = time.monotonic() + 30
    while _logged(stack, to) != ["deferred", "delivered"] and time.monotonic() < deadline:
        time.sleep(0.1)
    page.goto(stack.url(f"/quarantine/{entry['id']}"))
    tried = page.locator("#timeline .attempt[data-result=deferred], #timeline .attempt[data-result=delivered]")
    texts = tried.all_inner_texts()
    assert len(texts) == 2, texts
    assert "第 1 次尝试" in texts[0] and "已推迟" in texts[0] and "451 4.3.0 Try again later" in texts[0]
    assert "第 2 次尝试" in texts[1] and "已投递" in texts[1] and "250 2.0.0 OK stored" in texts[1]
    hops = page.locator("#timeline .hop").all_inner_texts()
    assert any(f"下一跳：127.0.0.1 [127.0.0.1]:{stack.sink.port}" in h and "未加密" in h for h in hops), hops
    axe(page)
    screenshot(page, "entry-attempts-zh")

    auditor = new_page("en-US")
    sign_in(auditor, stack, "audrey", path=f"/archive/{entry['archive_id']}")
    items = auditor.locator("#timeline li[data-kind=delivery] .attempt[data-result=deferred], "
                            "#timeline li[data-kind=delivery] .attempt[data-result=delivered]").all_inner_texts()
    assert len(items) == 2, items
    assert "attempt 1" in items[0] and "deferred" in items[0] and "451 4.3.0 Try again later" in items[0]
    assert "attempt 2" in items[1] and "250 2.0.0 OK stored" in items[1] and "released copy" in items[1]
    assert "no TLS (TLS policy: may)" in auditor.locator("#timeline .hop").first.inner_text()
    axe(auditor)
    screenshot(auditor, "archive-attempts-en")
