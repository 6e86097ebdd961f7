"""Shared set-up for the admin API tests (no tests here).

The database is always real (the ``engine`` fixture: SQLite and PostgreSQL). Only the
archive/rules seam is a small stand-in: ``DictArchive`` keeps raw messages in a dict and
searches them by substring; ``StandInRules`` answers a verdict dict and can fail a reload.
"""

from __future__ import annotations

import dataclasses
import secrets
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi.testclient import TestClient

from admin_api.app import ApiServices, create_app, create_schema
from admin_api.users import add_user
from archive.chain import ChainKey
from archive.keywrap import KeyMissing
from quarantine.service import HoldRequest, QuarantineService

KEY = b"s" * 32

seam = sa.MetaData()
released_tbl = sa.Table(
    "test_api_released",
    seam,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("entry_id", sa.Integer, nullable=False),
    sa.Column("archive_id", sa.Integer, nullable=False),
    sa.Column("recipients", sa.JSON, nullable=False),
)
notices_tbl = sa.Table(
    "test_api_notices",
    seam,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("to_addr", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)

MESSAGE = (
    b"From: Alice <alice@corp.example>\r\n"
    b"To: x@ext.example, y@ext.example\r\n"
    b"Subject: Q3 numbers\r\n"
    b"Message-ID: <m1@corp.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b1"\r\n'
    b"\r\n"
    b"--b1\r\n"
    b'Content-Type: text/html; charset="utf-8"\r\n'
    b"\r\n"
    b"<html><body><p>Confidential figures attached</p><script>alert(1)</script></body></html>\r\n"
    b"--b1\r\n"
    b"Content-Type: application/pdf\r\n"
    b'Content-Disposition: attachment; filename="q3.pdf"\r\n'
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    b"JVBERi0xLjQKJcfsj6IKCg==\r\n"
    b"--b1--\r\n"
)


@dataclasses.dataclass
class SearchPage:
    items: list[dict[str, Any]]
    total: int
    next: str | None
    total_exact: bool = True


class DictArchive:
    """Stand-in for the archive seam: ``open`` and ``search`` over a dict of raw messages."""

    def __init__(self) -> None:
        self.blobs: dict[int, bytes] = {}

    def add(self, raw: bytes) -> int:
        archive_id = len(self.blobs) + 1
        self.blobs[archive_id] = raw
        return archive_id

    def open(self, archive_id: int) -> bytes:
        return self.blobs[archive_id]  # KeyError (a LookupError) when unknown

    def record_session(self, archive_id: int) -> dict[str, Any] | None:
        """No SMTP session kept with these records (as for mail the gateway made itself)."""
        self.open(archive_id)   # unknown: a LookupError, as the real archive's RecordNotFound
        return None

    def record_screening(self, archive_id: int) -> list[dict[str, Any]] | None:
        """No screening summary kept with these records (as for records archived before it was)."""
        self.open(archive_id)
        return None

    def search(self, q: str, cursor: str | None = None, limit: int = 50, exact_total: bool = False) -> SearchPage:
        if cursor is not None and not cursor.isdigit():
            raise ValueError("bad cursor")
        start = int(cursor or 0)
        hits = [i for i, raw in sorted(self.blobs.items()) if q.lower().encode() in raw.lower()]
        page = hits[start : start + limit]
        nxt = str(start + limit) if start + limit < len(hits) else None
        return SearchPage([{"id": i, "size": len(self.blobs[i])} for i in page], len(hits), nxt)


class StandInRules:
    def __init__(self) -> None:
        self.reloads = 0
        self.broken = False

    def test(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> dict[str, Any]:
        action = "quarantine" if b"confidential" in raw.lower() else "deliver"
        return {
            "action": action,
            "direction": "outbound",
            "recipients": {r: {"action": action} for r in rcpt_tos},
        }

    def reload(self) -> None:
        if self.broken:
            raise ValueError("rules.yaml:3: match: unknown detector 'ibann'")
        self.reloads += 1


def enqueue_release(conn: sa.Connection, entry: Any, recipients: list[str]) -> None:
    conn.execute(
        sa.insert(released_tbl).values(
            entry_id=entry["id"], archive_id=entry["archive_id"], recipients=list(recipients)
        )
    )


def send_notice(conn: sa.Connection, to: str, subject: str, body: str) -> None:
    conn.execute(sa.insert(notices_tbl).values(to_addr=to, subject=subject, body=body))


ROLE_USERS = {
    "admin": ("admin", ()),
    "compliance": ("compliance", ()),
    "supervisor": ("supervisor", ("finance",)),
    "supervisor_other": ("supervisor", ("sales",)),
    "auditor": ("auditor", ()),
}


class OneMasterKey:
    """A key source for ChainKey with one random master key (HKDF as KeyRing.master_derived)."""

    def __init__(self) -> None:
        self._master = secrets.token_bytes(32)
        self.active_kid = "mk-" + secrets.token_hex(6)

    def master_derived(self, purpose: str, kid: str | None = None) -> tuple[str, bytes]:
        if kid not in (None, self.active_kid):
            raise KeyMissing(f"master key {kid} missing")
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=b"mailwarden/master-derived\x00" + purpose.encode())
        return self.active_kid, hkdf.derive(self._master)


class OneConsoleKey:
    """A key source for admin_api.totp_seal (KeyRing.versions) with one random key."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def versions(self, name: str) -> list[tuple[int, str, float, bytes]]:
        return [(1, "active", float("inf"), self._key)]


class Env:
    def __init__(self, engine: sa.Engine) -> None:
        create_schema(engine)
        seam.create_all(engine)
        self.engine = engine
        self.archive = DictArchive()
        self.rules = StandInRules()
        # the audit log is keyed; the stand-in archive has no key ring (and the database may get
        # one of its own from the test), so one fixed master key serves the audit chain
        self.audit_chain = ChainKey(OneMasterKey(), "audit-chain")
        self.quarantine = QuarantineService(
            engine, enqueue_release, send_notice, lifetime_days=14, signing_key=KEY
        )
        self.services = ApiServices(
            engine=engine,
            quarantine=self.quarantine,
            archive=self.archive,
            rules_test=self.rules.test,
            rules_reload=self.rules.reload,
            metrics_text=lambda: "# TYPE mailwarden_up gauge\nmailwarden_up 1\n",
            health=lambda: {"status": "ok"},
            archive_stats=lambda after, before: {"verdict": {"delivered": 3, "quarantined": 1}},
            audit_chain=self.audit_chain,
            console_keys=OneConsoleKey(),
        )
        self.app = create_app(self.services)
        self.client = TestClient(self.app)
        self.tokens = {
            key: add_user(engine, key, role, depts, email=f"{key}@corp.example")
            for key, (role, depts) in ROLE_USERS.items()
        }

    def headers(self, who: str) -> dict[str, str]:
        if who == "none":
            return {}
        if who == "bad":
            return {"Authorization": "Bearer mw_" + "x" * 43}
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def hold(
        self, department: str = "finance", recipients: tuple[str, ...] = ("x@ext.example",), **over: Any
    ) -> list[int]:
        archive_id = self.archive.add(MESSAGE)
        req = dict(
            archive_id=archive_id,
            digest=f"{archive_id:064x}",
            mail_from="alice@corp.example",
            recipients=list(recipients),
            direction="outbound",
            department=department,
            rules=["confidential-outbound"],
            evidence=[
                {"rule": "confidential-outbound", "evidence": [{"where": "body", "snippet": "Conf******"}]}
            ],
            # routed like the gateway would: the department's supervisor, compliance and admin
            reviewers=[f"{sup}@corp.example" for sup, (_r, d) in ROLE_USERS.items() if department in d]
            + ["compliance@corp.example", "admin@corp.example"],
            review_group="finance-heads",
            message_id="<m1@corp.example>",
            subject_for_notice="Q3 numbers",
        )
        req.update(over)
        with self.engine.begin() as conn:
            return self.quarantine.hold(conn, HoldRequest(**req))

    def released(self) -> list[Any]:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(released_tbl).order_by(released_tbl.c.id)).all()

    def notices(self, to: str | None = None) -> list[Any]:
        q = sa.select(notices_tbl).order_by(notices_tbl.c.id)
        if to:
            q = q.where(notices_tbl.c.to_addr == to)
        with self.engine.connect() as conn:
            return conn.execute(q).all()
