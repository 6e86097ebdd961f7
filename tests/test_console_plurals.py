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

