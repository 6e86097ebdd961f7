"""Shared set-up for the console's sign-in tests (no tests here): the API test Env with
console passwords, a controllable clock, and helpers that sign in through the real forms."""

from __future__ import annotations

import re

import sqlalchemy as sa
from fastapi.testclient import TestClient

from admin_api import tables as at
from admin_api.app import create_app
from admin_api.passwords import set_password
from tests.test_api_support import Env

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Clock:
    def __init__(self, now: float = 1_900_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def console_env(engine: sa.Engine, clock: Clock | None = None) -> Env:
    """The API Env with every role user given ``PASSWORD`` (and ``clock`` as the app's clock)."""
    env = Env(engine)
    if clock is not None:
        env.services.clock = clock
        env.app = create_app(env.services)
        env.client = TestClient(env.app)
    for name in env.tokens:
        set_password(engine, name, PASSWORD)
    return env


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no form with a csrf field"
    return match.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD, next_path: str = "/", **headers: str):
    """GET the sign-in page, POST its form; the response of the POST (not followed)."""
    page = client.get(f"/signin?next={next_path}", headers=headers)
    assert page.status_code == 200, page.text
    return client.post("/signin", data={"csrf": csrf_of(page.text), "name": name, "password": password,
                                         "next": next_path}, headers=headers, follow_redirects=False)


def audit_rows(engine: sa.Engine, action: str) -> list[sa.Row]:
    with engine.connect() as conn:
        return conn.execute(sa.select(at.audit).where(at.audit.c.action == action).order_by(at.audit.c.id)).all()
