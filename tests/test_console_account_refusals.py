"""Why the directory (or the account rules) refused an account, said in the reader's language on
the users page, in English by the API and the CLI (SQLite and PostgreSQL through ``engine``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from admin_api.refusals import ENGLISH, AccountRefused, refusal_text
from gateway.account_check import account_check
from gateway.directory import Directory
from tests.test_api_support import Env
from tests.test_console_review_pages import csrf_of, signed_in

DIRECTORY = """\
domains: [corp.example]
groups: {compliance-team: [compliance@corp.example]}
default_review_group: compliance-team
departments:
  finance: {members: [alice@corp.example], supervisors: [%s]}
"""


def _env(engine: sa.Engine, tmp_path: Path) -> tuple[Env, dict[str, Directory]]:
    path = tmp_path / "directory.yaml"
    path.write_text(DIRECTORY % "supervisor@corp.example", encoding="utf-8")
    live = {"directory": Directory.load(path)}
    env = Env(engine)
    env.services.account_check = account_check(lambda: live["directory"])   # as gateway/audit_wiring.py
    return env, live


def test_the_directorys_refusals_are_in_chinese_on_a_chinese_page(engine: sa.Engine, tmp_path: Path) -> None:
    """Seen failing on old code: the zh-CN users page showed "unknown department 'finanse'
    (directory.yaml has: finance)" and "none of … is a supervisor of finance …" in English."""
    env, _live = _env(engine, tmp_path)
    admin = signed_in(env, "admin", "zh-CN")
    token = csrf_of(admin.get("/users").text)
    new = {"name": "sam", "role": "supervisor", "addresses": "alice@corp.example", "password": "x" * 16,
           "csrf": token}
    unknown = admin.post("/users", data={**new, "departments": "finanse"})
    assert unknown.status_code == 422
    assert "未知部门“finanse”（directory.yaml 中有：finance）" in unknown.text
    assert "unknown department" not in unknown.text
    not_head = admin.post("/users", data={**new, "departments": "finance"})
    assert not_head.status_code == 422
    assert ("alice@corp.example 都不是 directory.yaml 中 finance 的主管"
            "（其主管：supervisor@corp.example）") in not_head.text
    assert "is a supervisor of" not in not_head.text
    # the account rules too, with the role in the reader's words
    needs = admin.post("/users", data={**new, "role": "compliance", "addresses": "", "departments": ""})
    assert needs.status_code == 422 and "合规专员需要 --email" in needs.text and "needs --email" not in needs.text
    # an edit is refused the same way, and an English reader reads English
    edit = admin.post("/users/supervisor/edit", data={"role": "supervisor", "departments": "finanse",
                                                      "addresses": "supervisor@corp.example", "csrf": token})
    assert edit.status_code == 422 and "未知部门“finanse”" in edit.text
    english = signed_in(env, "admin", "en")
    page = english.post("/users/supervisor/edit", data={"role": "supervisor", "departments": "finanse",
                                                        "addresses": "supervisor@corp.example",
                                                        "csrf": csrf_of(english.get("/users").text)})
    assert "unknown department &#39;finanse&#39; (directory.yaml has: finance)" in page.text
    # the JSON API keeps English, and names the field
    api = env.client.post("/api/v1/users", headers=env.headers("admin"),
                          json={"name": "sam", "role": "supervisor", "departments": ["finanse"],
                                "addresses": ["alice@corp.example"]})
    assert api.status_code == 422
    [problem] = api.json()["detail"]
    assert problem["loc"] == ["body", "departments"]
    assert problem["msg"] == "unknown department 'finanse' (directory.yaml has: finance)"
    again = env.client.post("/api/v1/users", headers=env.headers("admin"),
                            json={"name": "admin", "role": "auditor"})
    assert again.status_code == 409 and again.json()["detail"] == "user 'admin' exists"


def test_the_check_follows_the_live_directory(engine: sa.Engine, tmp_path: Path) -> None:
    """Seen failing on old code: the API's check kept the directory of the gateway's start, so a
    supervisor added by a reload could not get an account until a restart."""
    env, live = _env(engine, tmp_path)
    body = {"name": "cfo2", "role": "supervisor", "departments": ["finance"], "addresses": ["cfo2@corp.example"]}
    assert env.client.post("/api/v1/users", headers=env.headers("admin"), json=body).status_code == 422
    path = tmp_path / "directory.yaml"
    path.write_text(DIRECTORY % "supervisor@corp.example, cfo2@corp.example", encoding="utf-8")
    live["directory"] = Directory.load(path)
    assert env.client.post("/api/v1/users", headers=env.headers("admin"), json=body).status_code == 201


@pytest.mark.parametrize("code", sorted(ENGLISH))
def test_every_refusal_has_its_chinese_sentence(code: str) -> None:
    """Every code's sentence is in the zh-CN catalog with the same parameters."""
    import re

    from admin_api.i18n import translations

    params = dict.fromkeys(re.findall(r"%\((\w+)\)s", ENGLISH[code]), "X")
    exc = AccountRefused(code, "name", **params)
    zh = refusal_text(translations("zh_CN").gettext, exc)
    assert zh != str(exc) and re.search(r"[\u4e00-\u9fff]", zh), zh
