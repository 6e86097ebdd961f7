"""Console paths nobody had walked, part 2 (issue 16): date filters in the reader's time zone
on the archive search, the dashboard, the queue and the audit log (an inverted or malformed
range said clearly, in both languages); saved searches per person; legal holds from a search
(placed, listed, released; what an active hold covers survives a purge); an export as a
background job (progress, download, the manifest's signature checked by the CLI). In a real
Chromium against a real gateway fed over SMTP (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa

from admin_api import tables as admin_t
from archive import tables as at
from tests.browser.support import ConsoleStack, axe, screenshot, sign_in
from tests.test_cli import mailwarden

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(900)]
PARTNER = "partner@other.org"


def tag() -> str:
    return "t" + uuid.uuid4().hex[:10]


def indexed(stack: ConsoleStack, timeout: float = 30) -> None:
    archive = stack.gateway.services.archive
    deadline = time.monotonic() + timeout
    while archive.index_pending() and time.monotonic() < deadline:
        time.sleep(0.1)


def records_with(stack: ConsoleStack, word: str) -> dict[int, float]:
    """Accepted archive records whose subject carries ``word``: id -> received_at."""
    out = {}
    for item in stack.gateway.services.archive.iter_search(f"subject:{word}"):
        if item.event == "accepted":
            out[int(item.id)] = float(item.received_at)
    return out


def result_ids(page: Any) -> list[int]:
    return sorted(int(x) for x in page.locator("#results tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.id)"))


def search(page: Any, stack: ConsoleStack, **fields: str) -> Any:
    """Fill the search form (q, after, before, direction...) and submit it; the response."""
    page.goto(stack.url("/archive"))
    for name, value in fields.items():
        field = page.locator(f"form[role=search] [name={name}]")
        if name == "direction":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_response(lambda r: r.url.startswith(stack.url("/archive?"))) as answer:
        page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_load_state()
    return answer.value


def other_day_zone() -> str:
    """A zone whose date differs from UTC's now, at least half an hour from its midnight:
    a day there is not the UTC day of the same date, so UTC days would find the wrong mail."""
    now = dt.datetime.now(dt.UTC)
    return "Pacific/Kiritimati" if now.hour * 60 + now.minute >= 10 * 60 + 30 else "Pacific/Pago_Pago"


def set_zone(page: Any, stack: ConsoleStack, zone: str) -> None:
    page.goto(stack.url("/account"))
    page.locator("#time_zone").select_option(zone)
    page.locator("form[action='/account/preferences'] button[type=submit]").click()
    page.wait_for_load_state()


def test_date_filters_are_days_where_the_reader_is_and_bad_ranges_are_said(
        stack: ConsoleStack, new_page: Any) -> None:
    zone = other_day_zone()
    word = tag()
    stack.send("erin@example.com", PARTNER, f"Zone {word}", "机密 合同草案，严禁外传。\r\n")  # held for compliance
    stack.send("carol@example.com", "dave@example.com", f"Zone note {word}", "See you.\r\n")
    stack.held(f"Zone {word}")
    time.sleep(1)    # the hold's notices are archived too
    indexed(stack)
    ids = records_with(stack, word)
    assert len(ids) == 2
    local = {dt.datetime.fromtimestamp(ts, ZoneInfo(zone)).date() for ts in ids.values()}
    utc = {dt.datetime.fromtimestamp(ts, dt.UTC).date() for ts in ids.values()}
    assert len(local) == 1 and len(utc) == 1 and local != utc
    day, utc_day = local.pop().isoformat(), utc.pop().isoformat()

    page = new_page("en-US")
    sign_in(page, stack, "heidi")
    set_zone(page, stack, zone)
    # archive search: the reader's day finds the mail (and its notices), the UTC day of the
    # same date finds nothing
    search(page, stack, q=word)
    everything = result_ids(page)
    assert set(ids) <= set(everything)
    search(page, stack, q=word, after=day, before=day)
    assert result_ids(page) == everything, page.locator("#query-text").inner_text()
    search(page, stack, q=word, after=utc_day, before=utc_day)
    assert result_ids(page) == []
    # an inverted range, a malformed date: said, with the form kept, not a 500
    next_day = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    answer = search(page, stack, q=word, after=next_day, before=day)
    assert answer.status == 422
    assert page.locator("[role=alert]").inner_text() == (
        f"The first day ({next_day}) is after the last day ({day}).")
    assert page.locator("#q").input_value() == word
    answer = page.goto(stack.url(f"/archive?q={word}&after=2026-13-45"))
    assert answer.status == 422
    assert "“2026-13-45” is not a date" in page.locator("[role=alert]").inner_text()
    axe(page)
    # a saved search keeps the reader's day: run later, it finds the same mail
    search(page, stack, q=word, after=day, before=day)
    page.locator("#save-name").fill(f"zone {word}")
    page.locator("form[action='/archive/save'] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("#saved-h + ul a", has_text=f"zone {word}").click()
    page.wait_for_load_state()
    assert result_ids(page) == everything

    # the dashboard: its days are the reader's
    start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), ZoneInfo(zone)).timestamp()
    r = at.records.c
    with stack.engine.connect() as conn:
        expected = conn.execute(sa.select(sa.func.count()).where(
            r.event == "accepted", r.received_at >= start, r.received_at < start + 86400)).scalar_one()
    page.goto(stack.url(f"/dashboard?after={day}&before={day}"))
    assert int(page.locator("#total-messages").inner_text()) == expected >= 2
    per_day = page.locator("#table-per-day tbody tr").evaluate_all(
        "rows => rows.map(r => [r.cells[0].innerText, r.cells[r.cells.length - 1].innerText])")
    assert per_day == [[day, str(expected)]]
    page.goto(stack.url("/dashboard"))                      # by default the last 7 days up to today there
    assert page.locator("#before").input_value() == dt.datetime.now(ZoneInfo(zone)).date().isoformat()
    answer = page.goto(stack.url(f"/dashboard?after={next_day}&before={day}"))
    assert answer.status == 422
    assert page.locator("#period-error").inner_text() == f"The first day ({next_day}) is after the last day ({day})."
    assert page.locator("#after").input_value() == next_day
    axe(page)
    # the queue (already in the reader's zone): an inverted range is said, not an empty table
    page.goto(stack.url(f"/queue?q={word}&after={day}&before={day}"))
    assert page.locator("table.queue tbody tr[data-id]").count() == 1
    page.goto(stack.url(f"/queue?q={word}&after={next_day}&before={day}"))
    assert f"The first day ({next_day}) is after the last day ({day})." in page.locator("[role=alert]").inner_text()
    # the audit log: the reader's day
    page.goto(stack.url(f"/audit?actor=heidi&after={day}&before={day}"))
    assert page.locator("#audit-table tbody tr").count() >= 5
    page.goto(stack.url(f"/audit?actor=heidi&after={utc_day}&before={utc_day}"))
    assert page.locator("#audit-table tbody tr").count() == 0
    answer = page.goto(stack.url(f"/audit?after={next_day}&before={day}"))
    assert answer.status == 422 and page.locator("#filter-error").is_visible()

    # the same in Chinese
    zh = new_page("zh-CN")
    sign_in(zh, stack, "heidi", path=f"/dashboard?after={next_day}&before={day}")
    text = zh.locator("#period-error").inner_text()
    assert next_day in text and day in text and "The first day" not in text, text
    zh.goto(stack.url(f"/archive?q={word}&before=31-12-2026"))
    text = zh.locator("[role=alert]").inner_text()
    assert "31-12-2026" in text and "is not a date" not in text, text
    screenshot(zh, f"archive-bad-date-zh-{stack.engine.dialect.name}")


def api(stack: ConsoleStack, who: str) -> httpx.Client:
    return httpx.Client(base_url=stack.base_url, timeout=60, headers={"Authorization": f"Bearer {stack.tokens[who]}"})


def audit_rows(stack: ConsoleStack, actor: str, action: str) -> list[sa.Row]:
    a = admin_t.audit.c
    with stack.engine.connect() as conn:
        return list(conn.execute(sa.select(a.action, a.outcome, a.record).where(a.actor == actor, a.action == action)
                                 .order_by(a.id)))


@pytest.fixture(scope="module")
def kept_and_released(stack: ConsoleStack) -> dict[str, Any]:
    """Two sets of three messages: one a hold will keep, one whose hold is released."""
    words = {"kept": tag(), "released": tag()}
    for name, word in words.items():
        for i in range(3):
            stack.send("alice@example.com", "bob@example.com", f"Matter {word} {i}", f"Minutes {i} of {name}.\r\n")
    indexed(stack)
    ids = {name: records_with(stack, word) for name, word in words.items()}
    assert all(len(v) == 3 for v in ids.values()), ids
    return {"words": words, "ids": {k: sorted(v) for k, v in ids.items()}}


def test_saved_searches_are_their_owners(stack: ConsoleStack, new_page: Any,
                                         kept_and_released: dict[str, Any]) -> None:
    word = kept_and_released["words"]["kept"]
    grace = new_page("en-US")
    sign_in(grace, stack, "grace")
    search(grace, stack, q=word, direction="internal")
    assert result_ids(grace) == kept_and_released["ids"]["kept"]
    grace.locator("#save-name").fill("Matter kept")
    grace.locator("form[action='/archive/save'] button[type=submit]").click()
    grace.wait_for_load_state()
    assert grace.locator("[role=status]").inner_text() == "Search saved."
    saved = grace.locator("#saved-h + ul li", has_text="Matter kept")
    assert saved.count() == 1
    grace.goto(stack.url("/archive"))                        # listed on a fresh visit, and runs
    grace.locator("#saved-h + ul a", has_text="Matter kept").click()
    grace.wait_for_load_state()
    assert result_ids(grace) == kept_and_released["ids"]["kept"]
    with api(stack, "grace") as client:
        [mine] = [s for s in client.get("/api/v1/archive/searches").json()["items"] if s["name"] == "Matter kept"]
    # another person never sees it, nor deletes it
    audrey = new_page("en-US")
    sign_in(audrey, stack, "audrey", path="/archive")
    assert audrey.locator("#saved-h + ul li", has_text="Matter kept").count() == 0
    with api(stack, "audrey") as client:
        assert all(s["id"] != mine["id"] for s in client.get("/api/v1/archive/searches").json()["items"])
        assert client.delete(f"/api/v1/archive/searches/{mine['id']}").status_code == 404
    csrf = audrey.locator("meta[name=csrf-token]").get_attribute("content")
    answer = audrey.request.post(stack.url(f"/archive/saved/{mine['id']}/delete"), form={"csrf": csrf},
                                 max_redirects=0)
    assert answer.status == 404
    grace.goto(stack.url("/archive"))
    assert grace.locator("#saved-h + ul li", has_text="Matter kept").count() == 1
    # the owner deletes it
    grace.locator("#saved-h + ul li", has_text="Matter kept").locator("button").click()
    grace.wait_for_load_state()
    assert grace.locator("#saved-h + ul li", has_text="Matter kept").count() == 0
    assert [r.outcome for r in audit_rows(stack, "grace", "archive.searches")][-2:] == ["ok", "ok"]


def test_legal_holds_from_a_search_listed_and_released(stack: ConsoleStack, new_page: Any,
                                                       kept_and_released: dict[str, Any]) -> None:
    grace = new_page("en-US")
    sign_in(grace, stack, "grace")
    held_ids = {}
    for name in ("kept", "released"):
        search(grace, stack, q=kept_and_released["words"][name])
        grace.locator("#hold-reason").fill(f"Litigation {name}")
        grace.locator("form[action='/archive/hold'] button[type=submit]").click()
        grace.wait_for_load_state()
        notice = grace.locator("[role=status]").inner_text()
        assert notice.startswith("Legal hold ") and notice.endswith(" placed on this search."), notice
        held_ids[name] = int(notice.split()[2])
    rows = grace.locator("#holds tbody tr")
    for name, hold_id in held_ids.items():
        row = grace.locator(f"#holds tr[data-hold='{hold_id}']")
        assert row.get_attribute("data-state") == "active"
        assert kept_and_released["words"][name] in row.inner_text() and f"Litigation {name}" in row.inner_text()
    assert rows.count() >= 2
    axe(grace)
    screenshot(grace, f"archive-holds-{stack.engine.dialect.name}")
    # an auditor sees the holds, and no form that releases one
    audrey = new_page("en-US")
    sign_in(audrey, stack, "audrey", path="/archive")
    assert audrey.locator(f"#holds tr[data-hold='{held_ids['kept']}']").count() == 1
    assert audrey.locator("form[action$='/release']").count() == 0
    csrf = audrey.locator("meta[name=csrf-token]").get_attribute("content")
    denied = audrey.request.post(stack.url(f"/archive/holds/{held_ids['released']}/release"),
                                 form={"csrf": csrf, "reason": "no"}, max_redirects=0)
    assert denied.status == 403
    # released, with a reason; releasing again is a 404; a POST without the token is refused
    released = held_ids["released"]
    assert grace.request.post(stack.url(f"/archive/holds/{released}/release"), form={"reason": "x"},
                              max_redirects=0).status == 403
    grace.locator(f"#release-{released}").fill("Case settled")
    grace.locator(f"form[action='/archive/holds/{released}/release'] button").click()
    grace.wait_for_load_state()
    assert grace.locator("[role=status]").inner_text() == f"Legal hold {released} released."
    row = grace.locator(f"#holds tr[data-hold='{released}']")
    assert row.get_attribute("data-state") == "released"
    assert "Released by grace" in row.inner_text() and "Case settled" in row.inner_text()
    csrf = grace.locator("meta[name=csrf-token]").get_attribute("content")
    again = grace.request.post(stack.url(f"/archive/holds/{released}/release"), form={"csrf": csrf, "reason": "x"},
                               max_redirects=0)
    assert again.status == 404
    records = [r.record for r in audit_rows(stack, "grace", "archive.holds.write") if r.outcome == "ok"]
    assert records == [f"hold:{held_ids['kept']}", f"hold:{released}", f"hold:{released}"], records


def test_export_as_a_background_job_downloads_a_signed_bundle(stack: ConsoleStack, new_page: Any,
                                                              kept_and_released: dict[str, Any],
                                                              tmp_path: Path) -> None:
    grace = new_page("en-US", accept_downloads=True)
    sign_in(grace, stack, "grace")
    search(grace, stack, q=kept_and_released["words"]["kept"])
    grace.locator("form[action='/archive/export'] button[type=submit]").click()
    grace.wait_for_load_state()
    assert "/archive/exports/" in grace.url
    job_id = int(grace.url.rsplit("/", 1)[1])
    seen = set()
    deadline = time.monotonic() + 120
    while True:
        state = grace.locator("#job-state").get_attribute("data-state")
        seen.add(state)
        assert grace.locator("progress").count() == 1
        if state not in ("queued", "running"):
            break
        assert time.monotonic() < deadline
        time.sleep(0.5)
        grace.reload()
    assert state == "done", grace.locator("main").inner_text()
    assert grace.locator("#job-state").inner_text().endswith("3 / 3")
    assert grace.locator("progress").get_attribute("value") == "100"
    assert "Messages exported: 3" in grace.content()
    axe(grace)
    with grace.expect_download() as download:
        grace.locator(f"a[href='/archive/exports/{job_id}/download']").click()
    bundle = tmp_path / "bundle.zip"
    download.value.save_as(bundle)
    with zipfile.ZipFile(bundle) as z:
        assert len([n for n in z.namelist() if n.endswith(".eml")]) == 3
    key = mailwarden("archive", "export-key", config=stack.gateway.config)
    assert key.returncode == 0, key.stderr
    out = mailwarden("archive", "verify-export", str(bundle), "--public-key", key.stdout.strip(),
                     config=stack.gateway.config)
    assert out.returncode == 0 and "OK" in out.stdout, (out.stdout, out.stderr)
    # another person cannot see or download it
    audrey = new_page("en-US")
    sign_in(audrey, stack, "audrey")
    assert audrey.request.get(stack.url(f"/archive/exports/{job_id}/download")).status == 404
    assert audrey.request.get(stack.url(f"/archive/exports/{job_id}")).status == 404


def test_more_results_keep_a_query_with_a_plus_in_it(stack: ConsoleStack, new_page: Any) -> None:
    """The "More results" link carried the query unencoded: a sub-address's '+' came back as a
    space, and page two searched for something else."""
    sender = f"alice+{tag()}@example.com"
    for i in range(23):
        stack.send(sender, "bob@example.com", f"Paging {i}", "Page me.\r\n")
    indexed(stack)
    page = new_page("en-US")
    sign_in(page, stack, "audrey")
    search(page, stack, q=f"from:{sender}")
    first = result_ids(page)
    assert len(first) == 20 and page.locator("#results-h").inner_text() == "Messages found: 23"
    page.locator("a", has_text="More results").click()
    page.wait_for_load_state()
    assert page.locator("#q").input_value() == f"from:{sender}"
    second = result_ids(page)
    assert len(second) == 3 and not set(first) & set(second)


def test_what_an_active_hold_covers_survives_a_purge(stack: ConsoleStack, kept_and_released: dict[str, Any]
                                                     ) -> None:
    """Last in this module: it purges everything else of this stack's archive."""
    from gateway.audit_wiring import console_services

    retention = console_services(stack.gateway.services, None)["retention"]   # the API's purge's own
    report = retention.purge(now=time.time() + 20 * 366 * 86400)
    assert report.purged > 0
    archive = stack.gateway.services.archive
    for rid in kept_and_released["ids"]["kept"]:
        assert b"Minutes" in archive.open(rid)
    for rid in kept_and_released["ids"]["released"]:
        with pytest.raises(LookupError):
            archive.open(rid)
