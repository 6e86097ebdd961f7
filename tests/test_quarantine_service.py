"""QuarantineService against a real database (SQLite and PostgreSQL via the ``engine`` fixture).

``enqueue_release`` and ``send_notice`` are the gateway's seams; here they write rows into real
tables of the same database, inside the transaction quarantine hands them.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from quarantine import tables as qt
from quarantine.service import (
    AlreadyDecided,
    CommentRequired,
    DuplicateApproval,
    EntryNotFound,
    HoldRequest,
    InvalidRecipients,
    InvalidToken,
    QuarantineService,
)

seam = sa.MetaData()
released_tbl = sa.Table(
    "test_released",
    seam,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("entry_id", sa.Integer, nullable=False),
    sa.Column("archive_id", sa.Integer, nullable=False),
    sa.Column("recipients", sa.JSON, nullable=False),
    sa.Column("bypass", sa.JSON, nullable=False),
)
notices_tbl = sa.Table(
    "test_notices",
    seam,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("to_addr", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)

KEY = b"k" * 32


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def enqueue_release(conn: sa.Connection, entry: Any, recipients: list[str]) -> None:
    conn.execute(
        sa.insert(released_tbl).values(
            entry_id=entry["id"],
            archive_id=entry["archive_id"],
            recipients=list(recipients),
            bypass=list(entry["rules"]),
        )
    )


def send_notice(conn: sa.Connection, to: str, subject: str, body: str) -> None:
    conn.execute(sa.insert(notices_tbl).values(to_addr=to, subject=subject, body=body))


def make_service(engine: sa.Engine, clock: Clock | None = None) -> QuarantineService:
    qt.metadata.create_all(engine)
    seam.create_all(engine)
    return QuarantineService(
        engine, enqueue_release, send_notice, clock=clock or Clock(), lifetime_days=14, signing_key=KEY
    )


def hold(svc: QuarantineService, **over: Any) -> list[int]:
    req = dict(
        archive_id=7,
        digest="ab" * 32,
        mail_from="alice@corp.example",
        recipients=["x@ext.example", "y@ext.example", "z@ext.example"],
        direction="outbound",
        department="finance",
        rules=["confidential-outbound"],
        evidence=[
            {"rule": "confidential-outbound", "evidence": [{"where": "body", "snippet": "IBAN DE** ****"}]}
        ],
        reviewers=["boss@corp.example"],
        review_group="finance-heads",
        message_id="<m1@corp.example>",
        subject_for_notice="Q3 numbers",
    )
    req.update(over)
    with svc.engine.begin() as conn:
        return svc.hold(conn, HoldRequest(**req))


def released(engine: sa.Engine) -> list[Any]:
    with engine.connect() as conn:
        return conn.execute(sa.select(released_tbl).order_by(released_tbl.c.id)).all()


def notices(engine: sa.Engine, to: str | None = None) -> list[Any]:
    with engine.connect() as conn:
        q = sa.select(notices_tbl).order_by(notices_tbl.c.id)
        if to:
            q = q.where(notices_tbl.c.to_addr == to)
        return conn.execute(q).all()


def test_hold_per_recipient_and_notices(engine: sa.Engine) -> None:
    svc = make_service(engine)
    ids = hold(svc)
    assert len(ids) == 3
    with engine.connect() as conn:
        rows = conn.execute(sa.select(qt.entries).order_by(qt.entries.c.id)).all()
    assert [r.recipient for r in rows] == ["x@ext.example", "y@ext.example", "z@ext.example"]
    assert {r.archive_id for r in rows} == {7} and {r.status for r in rows} == {"held"}
    assert rows[0].expires_at == pytest.approx(1_800_000_000.0 + 14 * 86400)
    # the subject is not stored anywhere in the quarantine tables
    with engine.connect() as conn:
        for table in qt.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                assert "Q3 numbers" not in repr(tuple(row))
    boss = notices(engine, "boss@corp.example")
    assert len(boss) == 1  # one email per held message, not per recipient
    assert "IBAN DE** ****" in boss[0].body and f"/quarantine/{ids[0]}\n" in boss[0].body
    sender = notices(engine, "alice@corp.example")
    assert len(sender) == 1 and "held" in sender[0].subject.lower()
    assert "sender-release" not in sender[0].body
    entry = svc.get(ids[0])
    assert [h["action"] for h in entry["history"]] == ["held"]
    assert entry["reviewers"] == ["boss@corp.example"] and entry["rules"] == ["confidential-outbound"]


def test_hold_does_not_commit_callers_transaction(engine: sa.Engine) -> None:
    svc = make_service(engine)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        svc.hold(conn, HoldRequest(1, "d", "a@b", ["c@d"], "outbound", None, ["r"]))
        raise RuntimeError("acceptance failed")
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(qt.entries)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(notices_tbl)).scalar() == 0


def test_release_requeues_only_released_recipients(engine: sa.Engine) -> None:
    svc = make_service(engine)
    ids = hold(svc)
    d = svc.release(ids[0], "boss@corp.example", "ok", recipients=["x@ext.example", "Z@ext.example"])
    assert d.status == "released" and set(d.recipients) == {"x@ext.example", "z@ext.example"}
    rel = released(engine)
    assert len(rel) == 1 and sorted(rel[0].recipients) == ["x@ext.example", "z@ext.example"]
    assert rel[0].bypass == ["confidential-outbound"]
    assert svc.get(ids[1])["status"] == "held"
    assert svc.get(ids[2])["status"] == "released"
    with pytest.raises(AlreadyDecided):
        svc.release(ids[0], "other@corp.example", "again")
    with pytest.raises(InvalidRecipients):
        svc.release(ids[1], "boss@corp.example", "x", recipients=["nobody@ext.example"])
    with pytest.raises(AlreadyDecided):
        svc.release(ids[1], "boss@corp.example", "x", recipients=["y@ext.example", "x@ext.example"])
    svc.release(ids[1], "boss@corp.example", "fine")
    assert [r.recipients for r in released(engine)][1] == ["y@ext.example"]
    assert len(released(engine)) == 2
    with pytest.raises(EntryNotFound):
        svc.release(99999, "boss@corp.example", "x")


def test_reject_notice_silent_and_comment_required(engine: sa.Engine) -> None:
    svc = make_service(engine)
    ids = hold(svc, comment_required=True)
    with pytest.raises(CommentRequired):
        svc.reject(ids[0], "boss@corp.example", "  ")
    with pytest.raises(CommentRequired):
        svc.release(ids[0], "boss@corp.example", None)
    before = len(notices(engine, "alice@corp.example"))
    d = svc.reject(ids[0], "boss@corp.example", "contains client data")
    assert d.status == "rejected" and d.action == "reject"
    dsn = notices(engine, "alice@corp.example")[before:]
    assert len(dsn) == 1 and "contains client data" in dsn[0].body and "x@ext.example" in dsn[0].body
    svc.reject(ids[1], "boss@corp.example", "quietly", silent=True)
    assert len(notices(engine, "alice@corp.example")) == before + 1
    assert released(engine) == []
    hist = svc.history(ids[0])
    assert [(h["action"], h["actor"], h["comment"]) for h in hist][-1] == (
        "reject",
        "boss@corp.example",
        "contains client data",
    )


def test_four_eyes(engine: sa.Engine) -> None:
    svc = make_service(engine)
    ids = hold(svc, recipients=["x@ext.example"], required_approvals=2,
               reviewers=["boss@corp.example", "cfo@corp.example"])
    d1 = svc.release(ids[0], "boss@corp.example", "ok by me")
    assert d1.action == "approve" and d1.status == "held" and d1.pending_approvals == 1
    assert released(engine) == []
    with pytest.raises(DuplicateApproval):
        svc.release(ids[0], "boss@corp.example", "me again")
    d2 = svc.release(ids[0], "cfo@corp.example", "second pair of eyes")
    assert (
        d2.action == "release"
        and d2.status == "released"
        and d2.approvals == ("boss@corp.example", "cfo@corp.example")
    )
    assert len(released(engine)) == 1
    assert [h["action"] for h in svc.history(ids[0])] == ["held", "approve", "release"]


def test_expiry(engine: sa.Engine) -> None:
    clock = Clock()
    svc = make_service(engine, clock)
    rej = hold(svc, archive_id=1, recipients=["x@ext.example"])
    rel = hold(svc, archive_id=2, recipients=["y@ext.example"], expire_action="release")
    assert svc.expire(clock.now + 13 * 86400) == 0
    assert svc.expire(clock.now + 15 * 86400) == 2
    assert svc.get(rej[0])["status"] == "expired"
    assert svc.search(status="expired").total == 1
    assert svc.get(rel[0])["status"] == "released"
    assert svc.history(rej[0])[-1]["action"] == "expired"
    assert [r.recipients for r in released(engine)] == [["y@ext.example"]]
    assert sum("expired" in n.subject for n in notices(engine, "alice@corp.example")) == 2
    assert svc.expire(clock.now + 16 * 86400) == 0


def test_sender_self_release_token(engine: sa.Engine) -> None:
    clock = Clock()
    svc = make_service(engine, clock)
    ids = hold(svc, recipients=["x@ext.example", "y@ext.example"], sender_may_release=True)
    body = notices(engine, "alice@corp.example")[0].body
    token = body.split("token=")[1].split()[0]
    assert svc.verify_sender_token(token) == ids[0]
    # tampered: other entry id, other expiry, other signature
    eid, exp, sig = token.split(".")
    for bad in (
        f"{int(eid) + 1}.{exp}.{sig}",
        f"{eid}.{int(exp) + 999}.{sig}",
        f"{eid}.{exp}.{sig[:-1]}0",
        "x",
    ):
        with pytest.raises(InvalidToken):
            svc.confirm_by_sender(bad, "customer asked")
    # expired
    short = svc.make_sender_token(ids[0], clock.now + 60)
    clock.now += 61
    with pytest.raises(InvalidToken):
        svc.confirm_by_sender(short, "too late")
    with pytest.raises(CommentRequired):
        svc.confirm_by_sender(token, "")
    d = svc.confirm_by_sender(token, "customer asked for the quote")
    assert d.status == "released" and d.action == "sender-release"
    assert d.actor == "sender:alice@corp.example"
    assert sorted(released(engine)[0].recipients) == ["x@ext.example", "y@ext.example"]
    assert svc.history(ids[1])[-1]["comment"] == "customer asked for the quote"
    # the reviewer hears that the sender released it, so nobody reviews it again
    told = [n for n in notices(engine, "boss@corp.example") if "Decided by alice@corp.example" in n.subject]
    assert len(told) == 1 and "released (by its sender)" in told[0].body
    with pytest.raises(AlreadyDecided):
        svc.confirm_by_sender(token, "again")


def test_sender_token_refused_without_warn(engine: sa.Engine) -> None:
    svc = make_service(engine)
    ids = hold(svc, recipients=["x@ext.example"])
    token = svc.make_sender_token(ids[0], svc.clock() + 3600)
    with pytest.raises(InvalidToken):
        svc.confirm_by_sender(token, "please")


def test_digest_preferences(engine: sa.Engine) -> None:
    clock = Clock()
    svc = make_service(engine, clock)
    svc.set_reviewer_preference("boss@corp.example", "hourly")
    assert svc.reviewer_preference("boss@corp.example") == "hourly"
    with pytest.raises(ValueError):
        svc.set_reviewer_preference("boss@corp.example", "weekly")
    hold(svc, archive_id=9, recipients=["w@ext.example"], reviewers=["now@corp.example"])  # ids != item ids
    hold(svc, archive_id=1)
    hold(svc, archive_id=2, recipients=["q@ext.example"])
    assert notices(engine, "boss@corp.example") == []
    assert svc.send_digests(clock.now) == 1
    digest = notices(engine, "boss@corp.example")
    assert len(digest) == 1 and digest[0].body.count("/quarantine/") == 4
    # the digest lists (and links) the quarantine entries' own ids
    held_ids = [e["id"] for e in svc.search(limit=10).items if "boss@corp.example" in e["reviewers"]]
    assert len(held_ids) == 4
    for eid in held_ids:
        assert f"#{eid} " in digest[0].body and f"/quarantine/{eid}\n" in digest[0].body
    hold(svc, archive_id=3, recipients=["r@ext.example"])
    assert svc.send_digests(clock.now + 60) == 0  # within the hour
    assert svc.send_digests(clock.now + 3601) == 1
    assert svc.send_digests(clock.now + 9000) == 0  # nothing new


def test_concurrent_release_one_delivery(engine: sa.Engine) -> None:
    svc = make_service(engine)
    ids = hold(svc, recipients=["x@ext.example"], reviewers=["a@corp.example", "b@corp.example"])
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker(actor: str) -> None:
        barrier.wait()
        try:
            svc.release(ids[0], actor, "go")
            results.append("ok")
        except AlreadyDecided:
            results.append("conflict")

    threads = [threading.Thread(target=worker, args=(a,)) for a in ("a@corp.example", "b@corp.example")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == ["conflict", "ok"]
    assert len(released(engine)) == 1


def test_search_filters_and_pagination(engine: sa.Engine) -> None:
    clock = Clock()
    svc = make_service(engine, clock)
    hold(svc, archive_id=1)  # 3 finance entries
    clock.now += 86400
    hold(svc, archive_id=2, recipients=["q@ext.example"], department="sales", rules=["spam-ish"])
    page = svc.search(limit=2)
    assert page.total == 4 and len(page.items) == 2 and page.next
    page2 = svc.search(limit=2, cursor=page.next)
    assert len(page2.items) == 2 and page2.next is None
    assert {i["id"] for i in page.items} | {i["id"] for i in page2.items} == {
        i["id"] for i in svc.search().items
    }
    assert svc.search(department="sales").total == 1
    assert svc.search(rule="confidential-outbound").total == 3
    assert svc.search(sender="ALICE@corp.example").total == 4
    assert svc.search(recipient="q@ext.example").total == 1
    assert svc.search(after=clock.now - 10).total == 1
    assert svc.search(before=clock.now - 10).total == 3
    assert svc.search(departments={"sales"}).total == 1
    assert svc.search(departments=set()).total == 0
    s = svc.summary()
    assert s["department"] == {"finance": 3, "sales": 1} and s["rule"]["spam-ish"] == 1
    with pytest.raises(ValueError):
        svc.search(cursor="abc")


def test_search_scope_includes_assigned_reviewer(engine: sa.Engine) -> None:
    svc = make_service(engine)
    mine = hold(
        svc, archive_id=1, recipients=["x@ext.example"], department="legal", reviewers=["Rita@corp.example"]
    )
    hold(svc, archive_id=2, recipients=["y@ext.example"], department="legal")
    assert [i["id"] for i in svc.search(departments=set(), reviewer="rita@corp.example").items] == mine
    assert svc.search(departments={"legal"}, reviewer="rita@corp.example").total == 2
    assert svc.search(departments=set(), reviewer=None).total == 0


def test_hold_accepts_long_header_and_address_values(engine: sa.Engine) -> None:
    """A hold runs inside the acceptance transaction: odd but legal values must not fail it."""
    svc = make_service(engine)
    long_rcpt = "r" * 300 + "@" + "d" * 200 + ".example"
    ids = hold(
        svc,
        recipients=[long_rcpt],
        mail_from="s" * 400 + "@corp.example",
        message_id="<" + "m" * 2000 + "@corp.example>",
        department="D" * 500,
        review_group="g" * 500,
        rules=["r" * 300],
        reviewers=["v" * 400 + "@corp.example", "boss@corp.example"],
        direction="outbound",
    )
    entry = svc.get(ids[0])
    assert entry["recipient"] == long_rcpt and len(entry["message_id"]) > 2000
    assert svc.reject(ids[0], "boss@corp.example", "no").status == "rejected"
