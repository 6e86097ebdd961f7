"""Console pages that guard an administrator's own mistakes: filters that survive their links,
and no self-demotion (SQLite and PostgreSQL through the ``engine`` fixture)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.test_api_support import Env
from tests.test_console_review_pages import signed_in


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
