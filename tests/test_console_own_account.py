"""An administrator's own account and the last administrator (SQLite and PostgreSQL through the
``engine`` fixture): the users page offers no action the server refuses on one's own row, the
server refuses disabling oneself (page and API, audited as failed), and no change -- from any
admin, even two at once -- leaves the console without an enabled administrator."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from admin_api.tables import audit
from admin_api.user_admin import LastAdmin, get_user, set_disabled, update_user
from admin_api.users import add_user
from tests.test_api_support import Env
from tests.test_console_review_pages import csrf_of, signed_in


def _row(page: str, name: str) -> str:
    match = re.search(rf'<tr data-user="{re.escape(name)}">(.*?)</tr>', page, re.S)
    assert match, name
    return match.group(1)


def _audited(env: Env, record: str) -> list[tuple[str, str, int]]:
    a = audit.c
    with env.engine.connect() as conn:
        return [(r.action, r.outcome, r.status_code) for r in conn.execute(
            sa.select(a.action, a.outcome, a.status_code).where(a.record == record, a.action == "users.write")
            .order_by(a.id))]


def test_the_users_page_offers_no_disable_or_role_change_on_ones_own_row(engine: sa.Engine) -> None:
    """Seen failing on old code: the admin's own row had a Disable button and a role menu,
    both refused by the server when used."""
    env = Env(engine)
    admin = signed_in(env, "admin")
    page = admin.get("/users").text
    own = _row(page, "admin")
    assert 'action="/users/admin/disable"' not in own
    assert '<select' not in own and 'name="role" value="admin"' in own     # the role stays as it is
    assert 'action="/users/admin/edit"' in own                             # departments, addresses: still
    other = _row(page, "auditor")
    assert 'action="/users/auditor/disable"' in other and '<select' in other
    # saving one's own row (addresses) works: the role it carries is one's own
    done = admin.post("/users/admin/edit", data={"role": "admin", "departments": "",
                                                 "addresses": "admin@corp.example", "csrf": csrf_of(page)},
                      follow_redirects=False)
    assert done.status_code == 303


def test_disabling_oneself_is_refused_with_the_reason_in_the_readers_language(engine: sa.Engine) -> None:
    env = Env(engine)
    admin = signed_in(env, "admin", "zh-CN")
    token = csrf_of(admin.get("/users").text)
    page = admin.post("/users/admin/disable", data={"csrf": token})
    assert page.status_code == 409 and "不能停用自己的账户" in page.text
    api = env.client.post("/api/v1/users/admin/disable", headers=env.headers("admin"))
    assert api.status_code == 409 and "your own account" in api.json()["detail"]
    assert not get_user(engine, "admin")["disabled"]
    assert _audited(env, "admin") == [("users.write", "failed", 409)] * 2


def test_the_last_enabled_administrator_is_never_disabled_or_demoted(engine: sa.Engine) -> None:
    """Seen failing on old code: the account functions disabled and demoted the only admin."""
    Env(engine)
    with pytest.raises(LastAdmin):
        set_disabled(engine, "admin", True)
    with pytest.raises(LastAdmin):
        update_user(engine, "admin", role="compliance", addresses=["admin@corp.example"])
    assert get_user(engine, "admin")["role"] == "admin" and not get_user(engine, "admin")["disabled"]
    # with a second admin, either may go -- then the other is the last one
    add_user(engine, "root2", "admin", email="root2@corp.example")
    assert set_disabled(engine, "root2", True)["disabled"]
    with pytest.raises(LastAdmin):
        set_disabled(engine, "admin", True)
    assert set_disabled(engine, "root2", False)["disabled"] is False
    assert update_user(engine, "root2", role="auditor")["role"] == "auditor"
    with pytest.raises(LastAdmin):
        update_user(engine, "admin", role="auditor")


def test_two_admins_disabling_each_other_at_once_leave_one(engine: sa.Engine) -> None:
    """Seen failing on old code: both changes went through and no administrator was left."""
    Env(engine)
    add_user(engine, "root2", "admin", email="root2@corp.example")
    for attempt in range(5):
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}
        threads = [threading.Thread(target=_disable_at_once, args=(engine, n, barrier, outcomes))
                   for n in ("admin", "root2")]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert sorted(outcomes.values()) == ["disabled", "refused"], (attempt, outcomes)
        for name in ("admin", "root2"):
            set_disabled(engine, name, False)


def _disable_at_once(engine: sa.Engine, name: str, barrier: threading.Barrier, outcomes: dict[str, str]) -> None:
    barrier.wait()
    try:
        set_disabled(engine, name, True)
        outcomes[name] = "disabled"
    except LastAdmin:
        outcomes[name] = "refused"
