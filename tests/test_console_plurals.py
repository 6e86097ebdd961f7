"""Counted strings in the console (issue 15): English says "1 message" and "2 messages",
zh-CN has its one form; the catalogs carry them as gettext plural entries (ngettext).
Pages over HTTP with the real sign-in, SQLite and PostgreSQL."""

from __future__ import annotations

import re

import sqlalchemy as sa

from admin_api import catalogs, i18n
from tests.test_api_support import Env
from tests.test_console_review_pages import signed_in

# "%(n)d messages": a count followed by an English plural noun, in a string with one form only
_COUNTED = re.compile(r"%\(\w+\)d(?:\s+\w+)?\s+(?:[a-z]+s|entries)\b")


def test_no_counted_string_has_only_one_form() -> None:
    """Old main had "%(n)d messages", "%(n)d entries" and eight more as plain strings."""
    plain = [m for m in catalogs.extract() if isinstance(m, str) and _COUNTED.search(m)]
    assert plain == []
    plurals = [m for m in catalogs.extract() if isinstance(m, tuple)]
    assert len(plurals) >= 10
    en, zh = i18n.translations("en"), i18n.translations("zh_CN")
    for singular, plural in plurals:
        assert en.ngettext(singular, plural, 1) == singular and en.ngettext(singular, plural, 2) == plural
        one, two = zh.ngettext(singular, plural, 1), zh.ngettext(singular, plural, 2)
        assert one == two and one not in (singular, plural) and re.search(r"[\u4e00-\u9fff]", one)


def test_a_plural_without_its_chinese_form_is_noticed(monkeypatch) -> None:  # noqa: ANN001
    found = catalogs.extract()
    monkeypatch.setattr(catalogs, "extract", lambda: {**found, ("%(num)d apple", "%(num)d apples"): [("x.py", 1)]})
    problems = catalogs.problems()
    assert any("apple" in p and p.startswith("zh_CN") for p in problems), problems


def _chain_state(client) -> str:  # noqa: ANN001
    return re.search(r'id="chain-state">([^<]*)<', client.get("/audit").text).group(1)


def test_counts_of_one_and_two_on_the_pages(engine: sa.Engine) -> None:
    env = Env(engine)
    [first] = env.hold(required_approvals=1)
    sup = signed_in(env, "supervisor")
    queue = sup.get("/queue").text
    assert "1 message<" in queue and "1 messages" not in queue
    entry = sup.get(f"/quarantine/{first}").text
    assert "0 of 1 approval<" in entry
    [second] = env.hold(required_approvals=2, recipients=("y@ext.example",))
    assert "2 messages<" in sup.get("/queue").text
    assert "0 of 2 approvals<" in sup.get(f"/quarantine/{second}").text
    zh = signed_in(env, "compliance", "zh-CN")
    assert "共 2 封邮件" in zh.get("/queue").text
    assert "需 1<" in zh.get(f"/quarantine/{first}").text
    # the audit log's chain: "N entries" (the sign-ins above made more than one)
    state = _chain_state(signed_in(env, "auditor"))
    n = int(re.search(r"(\d+) entr", state).group(1))
    assert n > 1 and f"{n} entries, none changed" in state


def test_the_audit_pages_links_keep_filters_with_plus_and_ampersand(engine: sa.Engine) -> None:
    """The CSV export and 'older entries' links carry the page's filters: a record or actor with
    '+' or '&' (a sub-address, a search) came back as a space or a second parameter."""
    import html
    import urllib.parse

    env = Env(engine)
    auditor = signed_in(env, "auditor")
    page = auditor.get("/audit", params={"record": "alice+x@example.com&outcome=ok", "action": "a b"})
    assert page.status_code == 200
    [href] = re.findall(r'href="/audit\.csv\?([^"]*)"', page.text)
    assert urllib.parse.parse_qs(html.unescape(href)) == {"record": ["alice+x@example.com&outcome=ok"],
                                                          "action": ["a b"]}


def test_an_admin_cannot_change_their_own_role(engine: sa.Engine) -> None:
    """Demoting oneself could leave no admin to undo it (as disabling oneself is refused); the
    change is refused on the page and through the API, and audited as failed."""
    env = Env(engine)
    admin = signed_in(env, "admin", "zh-CN")
    users = admin.get("/users").text
    token = re.search(r'name="csrf" value="([^"]+)"', users).group(1)
    page = admin.post("/users/admin/edit", data={"role": "auditor", "departments": "", "addresses": "",
                                                 "csrf": token})
    assert page.status_code == 409 and "不能更改自己的角色" in page.text
    api = env.client.patch("/api/v1/users/admin", json={"role": "auditor"}, headers=env.headers("admin"))
    assert api.status_code == 409 and "your own role" in api.json()["detail"]
    assert env.client.get("/api/v1/users/admin", headers=env.headers("admin")).json()["role"] == "admin"
    # another admin's role is changed as before
    other = env.client.patch("/api/v1/users/compliance", json={"role": "auditor"}, headers=env.headers("admin"))
    assert other.status_code == 200 and other.json()["role"] == "auditor"
