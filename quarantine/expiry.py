"""Held entries nobody decided in time: each ends as its rule said (``on_expiry``)."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.store import Store, row

log = logging.getLogger("mailwarden.quarantine")


class Expiry(Store):
    def expire(self, now: float | None = None) -> int:
        """Expire held entries past ``expires_at``: status becomes ``expired`` (or ``released``
        when the rule said ``on_expiry: release``); history records ``expired``."""
        now = self.clock() if now is None else now
        with self.engine.connect() as conn:
            due = [
                row(r)
                for r in conn.execute(
                    sa.select(t.entries)
                    .where(t.entries.c.status == "held", t.entries.c.expires_at <= now)
                    .order_by(t.entries.c.archive_id, t.entries.c.id)
                )
            ]
        groups: dict[int, list[dict[str, Any]]] = {}
        for e in due:
            groups.setdefault(e["archive_id"], []).append(e)
        count = 0
        for group in groups.values():
            with self.engine.begin() as conn:
                done: list[dict[str, Any]] = []
                for e in group:
                    status = "released" if e["expire_action"] == "release" else "expired"
                    res = conn.execute(
                        sa.update(t.entries)
                        .where(
                            t.entries.c.id == e["id"],
                            t.entries.c.status == "held",
                            t.entries.c.version == e["version"],
                        )
                        .values(
                            status=status,
                            decided_at=now,
                            decided_by=self.system_actor,
                            version=e["version"] + 1,
                        )
                    )
                    if res.rowcount != 1:
                        continue  # decided meanwhile
                    self._record(
                        conn,
                        e["id"],
                        self.system_actor,
                        "expired",
                        f"expired: {status}",
                        [e["recipient"]],
                        now,
                    )
                    done.append({**e, "status": status})
                released = [e for e in done if e["status"] == "released"]
                if released:
                    self.enqueue_release(conn, released[0], [e["recipient"] for e in released])
                if done:
                    self.notices.expired(conn, done, released=[e["recipient"] for e in released],
                                         expired=[e["recipient"] for e in done if e["status"] == "expired"])
                for e in done:  # expiry is a decision too: one JSON log line each, like a reviewer's
                    log.info("quarantine decision", extra={
                        "event": "quarantine.decision", "actor": self.system_actor, "role": None, "entry": e["id"],
                        "entries": [e["id"]], "action": "expired", "outcome": e["status"],
                        "recipients": [e["recipient"]], "override": False, "pending_approvals": 0,
                        "commented": False})
                count += len(done)
        return count
