"""Issue 15: a sign-in link mailed by the gateway must not be usable by someone who reads the
archive. The real gateway (SMTP, delivery, API) on SQLite and PostgreSQL mails an invitation
and a reset link to a sink; an auditor then reads the archived copy every way the product lets
them (API view, raw download, signed export) and tries every link-looking thing in it. Only the
copy the person received carries a working link."""

from __future__ import annotations

import argparse
import email
import email.policy
import io
import quopri
import re
import time
import urllib.parse
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from admin_api import tables as at
from admin_api import users
from admin_api.account_links import LinkMail
from archive import bundle
from gateway.tables import live_copies
from gateway.tables import queue as queue_table
from gateway.withheld import WithheldError
from tests.console_support import csrf_of
from tests.harness import InProcessGateway, Sink, free_port, write_config

pytestmark = pytest.mark.postgres

TOKEN = re.compile(r"mwl_[A-Za-z0-9_\-]{20,}")


@pytest.fixture
def gateway(tmp_path: Path, database_url: str) -> Iterator[tuple[InProcessGateway, Sink]]:
    sink = Sink().start()
    config = write_config(tmp_path / "gw", database_url=database_url, next_hop=f"127.0.0.1:{sink.port}",
                          smtp_port=free_port(), api_port=free_port())
    gw = InProcessGateway(config).start()
    try:
        yield gw, sink
    finally:
        gw.stop()
        sink.stop()


def _invite(gw: InProcessGateway, name: str, *, reset: bool = False) -> None:
    """``mailwarden user invite NAME [--reset]``, the command's own function on the live services."""
    from gateway.link_commands import invite

    args = argparse.Namespace(name=name, reset=reset, language=None)
    assert invite(gw.services, gw.services.settings, args) == 0


def _every_reading(raw: bytes) -> str:
    """Everything a reader can get out of ``raw``: the bytes, each part decoded, and all of it
    again quoted-printable-, base64- and URL-decoded."""
    texts = [raw.decode("utf-8", "replace"), quopri.decodestring(raw).decode("utf-8", "replace")]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for part in msg.walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=True) or b""
            texts.append(payload.decode("utf-8", "replace"))
    texts += [urllib.parse.unquote(t) for t in texts]
    return "\n".join(texts)


def _live_token(raw: bytes) -> str:
    """The token in a delivered mail (the longest match: a soft line break cuts the raw one)."""
    found = TOKEN.findall(_every_reading(raw))
    assert found, "the delivered mail carries no link"
    return max(found, key=len)


def _redeemable(client: httpx.Client, token: str) -> bool:
    """Whether the link's page offers to set a password (what a thief needs)."""
    return client.get("/password", params={"token": token}).status_code == 200


def _redeem(client: httpx.Client, token: str, password: str) -> int:
    page = client.get("/password", params={"token": token})
    if page.status_code != 200:
        return page.status_code
    done = client.post("/password", data={"csrf": csrf_of(page.text), "token": token, "password": password,
                                          "repeat": password})
    return done.status_code


def _archived(api: httpx.Client, query: str, count: int) -> list[int]:
    deadline = time.monotonic() + 30
    while True:
        found = api.get("/api/v1/archive/search", params={"q": query}).json()
        ids = sorted(i["id"] for i in found["items"])
        if len(ids) >= count or time.monotonic() > deadline:
            return ids
        time.sleep(0.2)


def _export(api: httpx.Client, query: str) -> zipfile.ZipFile:
    job = api.post("/api/v1/archive/exports", json={"q": query})
    assert job.status_code == 202, job.text
    job_id = job.json()["id"]
    deadline = time.monotonic() + 60
    while api.get(f"/api/v1/archive/exports/{job_id}").json()["state"] != "done":
        assert time.monotonic() < deadline, "export did not finish"
        time.sleep(0.2)
    data = api.get(f"/api/v1/archive/exports/{job_id}/download")
    assert data.status_code == 200
    return zipfile.ZipFile(io.BytesIO(data.content))


def test_an_auditor_cannot_take_over_an_account_with_a_link_read_in_the_archive(
        gateway: tuple[InProcessGateway, Sink], capsys: pytest.CaptureFixture[str]) -> None:
    """Old main: the archived invitation carried the live token; the auditor's copy signed in."""
    gw, sink = gateway
    engine = gw.services.engine
    users.add_user(engine, "ann", "admin", [], addresses=["ann@example.com"])
    audit_token = users.add_user(engine, "audrey", "auditor", [])
    _invite(gw, "ann")
    delivered = sink.handler.wait_to("ann@example.com", 1)[0]

    base = f"http://127.0.0.1:{gw.api_port}"
    with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {audit_token}"}) as api, \
            httpx.Client(base_url=base, timeout=30) as thief:
        ids = _archived(api, "to:ann@example.com", 1)
        assert len(ids) == 1
        readings = [
            str(api.get(f"/api/v1/archive/{ids[0]}").json()),
            _every_reading(api.get(f"/api/v1/archive/{ids[0]}/raw").content),
        ]
        export = _export(api, "to:ann@example.com")
        bundle.verify(export)                    # the export of the redacted record still verifies
        eml = [n for n in export.namelist() if n.endswith(".eml")]
        assert len(eml) == 1
        readings.append(_every_reading(export.read(eml[0])))
        archived = "\n".join(readings)
        for token in set(TOKEN.findall(archived)):
            assert _redeem(thief, token, "the auditor's own password") == 410
        assert TOKEN.search(archived) is None
        assert "[sign-in link withheld from the archive]" in archived

        # the person it was meant for received a working link, and the archive can prove which
        live = [_live_token(delivered.data)]
        assert live[0] not in archived
        from admin_api.account_links import archive_digest
        from gateway.link_commands import link_digest

        assert archive_digest(gw.services.archive.keyring, live[0]) in archived
        # `mailwarden user link-digest LINK`: what an administrator compares with the archived header
        assert link_digest(gw.services, argparse.Namespace(link=f"{base}/password?token={live[0]}", kid=None)) == 0
        printed = capsys.readouterr().out.strip().splitlines()[-1]
        assert printed == archive_digest(gw.services.archive.keyring, live[0]) and printed in archived
        assert link_digest(gw.services, argparse.Namespace(link=live[0], kid=None)) == 0
        assert capsys.readouterr().out.strip() == printed
        assert link_digest(gw.services, argparse.Namespace(link="mwl_someone_elses", kid=None)) == 0
        assert capsys.readouterr().out.strip() not in archived
        assert _redeem(thief, live[0], "ann's brand new passphrase") == 200
        assert _redeem(thief, live[0], "a second passphrase") == 410           # once

    assert gw.services.archive.verify().ok                  # the chain holds with the redacted copy


def test_a_reset_link_is_withheld_and_a_later_link_ends_the_earlier_one(
        gateway: tuple[InProcessGateway, Sink]) -> None:
    """Old main: the reset mail was archived with its token, and two links for one account
    both worked (only redeeming one ended the other)."""
    gw, sink = gateway
    engine = gw.services.engine
    users.add_user(engine, "bo", "compliance", [], addresses=["bo@example.com"])
    audit_token = users.add_user(engine, "audrey", "auditor", [])
    _invite(gw, "bo", reset=True)
    _invite(gw, "bo", reset=True)
    first, second = sink.handler.wait_to("bo@example.com", 2)
    tokens = [_live_token(m.data) for m in (first, second)]
    base = f"http://127.0.0.1:{gw.api_port}"
    with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {audit_token}"}) as api, \
            httpx.Client(base_url=base, timeout=30) as person:
        ids = _archived(api, "to:bo@example.com", 2)
        archived = "\n".join(_every_reading(api.get(f"/api/v1/archive/{i}/raw").content) for i in ids)
        assert TOKEN.search(archived) is None
        # the sink may see them in either order: the newer link is the one issued last
        newer = [t for t in tokens if _redeemable(person, t)]
        assert len(newer) == 1
        assert _redeem(person, newer[0], "bo's brand new passphrase") == 200
        assert not any(_redeemable(person, t) for t in tokens)


def _queue_rows(gw: InProcessGateway, address: str) -> list[sa.Row]:
    q = queue_table.c
    with gw.services.engine.connect() as conn:
        return conn.execute(sa.select(q.archive_id, q.status, q.origin, q.last_error)
                            .where(q.recipient == address).order_by(q.id)).all()


def _wait_finished(gw: InProcessGateway, address: str, count: int) -> list[sa.Row]:
    deadline = time.monotonic() + 30
    while True:
        rows = _queue_rows(gw, address)
        if len(rows) >= count and all(r.status in ("delivered", "failed") for r in rows):
            return rows
        assert time.monotonic() < deadline, rows
        time.sleep(0.1)


def test_the_live_copy_is_sealed_gone_once_delivered_and_never_sent_past_its_link(
        gateway: tuple[InProcessGateway, Sink], tmp_path: Path, database_url: str) -> None:
    gw, sink = gateway
    notifier = gw.services.notifier
    now = time.time()
    stale = LinkMail(to="cy@example.com", subject="old link", body="Here: https://gw/password?token=mwl_" + "s" * 43,
                     link="https://gw/password?token=mwl_" + "s" * 43, token="mwl_" + "s" * 43, expires_at=now - 1)
    fresh = LinkMail(to="cy@example.com", subject="new link", body="Here: https://gw/password?token=mwl_" + "f" * 43,
                     link="https://gw/password?token=mwl_" + "f" * 43, token="mwl_" + "f" * 43,
                     expires_at=now + 3600)
    with gw.services.engine.begin() as conn:
        notifier.send_link(conn, stale)
    with gw.services.engine.begin() as conn:
        notifier.send_link(conn, fresh)
        # while it waits, the live copy is sealed: the token is nowhere in its row
        rows = conn.execute(sa.select(live_copies)).all()
        assert rows and all(fresh.token.encode() not in bytes(r.sealed) for r in rows)
    stale_row, fresh_row = _wait_finished(gw, "cy@example.com", 2)
    assert (stale_row.status, stale_row.origin) == ("failed", "link")
    assert "expired" in stale_row.last_error
    assert fresh_row.status == "delivered"
    received = sink.handler.wait_to("cy@example.com", 1)
    time.sleep(0.5)
    assert len(sink.handler.to("cy@example.com")) == 1          # the expired one never left
    assert fresh.token in _every_reading(received[0].data)
    with gw.services.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(live_copies)).scalar() == 0
    if database_url.startswith("sqlite"):        # nothing at rest carries either token in plaintext
        for path in tmp_path.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert fresh.token.encode() not in data and stale.token.encode() not in data, path
    # a secret the composed copy would still show (here: in the subject): nothing is queued
    with pytest.raises(WithheldError), gw.services.engine.begin() as conn:
        notifier.send_link(conn, LinkMail(to="cy@example.com", subject="mwl_" + "x" * 43, body="b",
                                          link="l", token="mwl_" + "x" * 43, expires_at=now + 60))
    assert len(_queue_rows(gw, "cy@example.com")) == 2


def test_an_admin_mails_a_reset_link_through_the_api_limited_per_account(
        gateway: tuple[InProcessGateway, Sink]) -> None:
    """Issue 16: old main had no way for an admin to mail a reset link from the API (404)."""
    gw, sink = gateway
    engine = gw.services.engine
    admin_token = users.add_user(engine, "root", "admin", [])
    audit_token = users.add_user(engine, "audrey", "auditor", [])
    users.add_user(engine, "dee", "supervisor", ["finance"], addresses=["cfo@example.com"])
    users.add_user(engine, "nomail", "auditor", [])
    base = f"http://127.0.0.1:{gw.api_port}"
    with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {admin_token}"}) as api, \
            httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {audit_token}"}) as auditor, \
            httpx.Client(base_url=base, timeout=30) as person:
        assert auditor.post("/api/v1/users/dee/reset-link").status_code == 403
        assert api.post("/api/v1/users/nobody/reset-link").status_code == 404
        assert api.post("/api/v1/users/nomail/reset-link").status_code == 422
        sent = api.post("/api/v1/users/dee/reset-link")
        assert sent.status_code == 202, sent.text
        assert sent.json()["sent_to"] == "cfo@example.com"
        token = _live_token(sink.handler.wait_to("cfo@example.com", 1)[0].data)
        assert f"{base}/password?token={token}" in _every_reading(sink.handler.to("cfo@example.com")[0].data)
        ids = _archived(auditor, "to:cfo@example.com", 1)
        assert TOKEN.search(_every_reading(auditor.get(f"/api/v1/archive/{ids[0]}/raw").content)) is None
        assert api.post("/api/v1/users/dee/reset-link").status_code == 202
        assert api.post("/api/v1/users/dee/reset-link").status_code == 202
        refused = api.post("/api/v1/users/dee/reset-link")          # the fourth within the hour
        assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 3600
        assert api.post("/api/v1/users/nomail/reset-link").status_code == 422   # per account, not global
        tokens = [_live_token(m.data) for m in sink.handler.wait_to("cfo@example.com", 3)]
        assert sum(_redeemable(person, t) for t in tokens) == 1      # only the newest one works
    with engine.connect() as conn:
        rows = conn.execute(sa.select(at.audit.c.actor, at.audit.c.record, at.audit.c.outcome)
                            .where(at.audit.c.action == "users.write", at.audit.c.record == "dee")
                            .order_by(at.audit.c.id)).all()
    assert [r.actor for r in rows] == ["root"] * 4
    assert [r.outcome for r in rows][-1] != "ok"


def test_the_senders_release_link_is_withheld_from_the_archive_too(gateway: tuple[InProcessGateway, Sink]) -> None:
    """Old main archived the held-mail notice with the sender's release link: an auditor could
    release held mail to the outside as the sender (seen failing: the token was in the raw copy)."""
    from tests.harness import send, simple_message

    gw, sink = gateway
    audit_token = users.add_user(gw.services.engine, "audrey", "auditor", [])
    message = simple_message(subject="plans for partner", body="Our plans.\r\n", sender="intern@example.com",
                             to="someone@partner.org")
    assert send(gw.smtp_port, "intern@example.com", ["someone@partner.org"], message) == {}
    notice = sink.handler.wait_to("intern@example.com", 1)[0]
    release = re.compile(r"/sender\?token=([\w.\-]+)")
    live = max(release.findall(_every_reading(notice.data)), key=len)
    base = f"http://127.0.0.1:{gw.api_port}"
    with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {audit_token}"}) as api, \
            httpx.Client(base_url=base, timeout=30) as sender:
        ids = _archived(api, "to:intern@example.com", 1)
        archived = "\n".join(_every_reading(api.get(f"/api/v1/archive/{i}/raw").content) for i in ids)
        assert live not in archived and not release.search(archived)
        assert "[release link withheld from the archive]" in archived
        assert sender.get("/sender", params={"token": live}).status_code == 200     # the sender's copy works
    assert gw.services.archive.verify().ok
