"""Reviewers who asked for a digest instead of one notice per held message."""

from __future__ import annotations

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.store import Store

FREQUENCIES = ("immediate", "hourly", "daily")
_PERIOD = {"hourly": 3600.0, "daily": 86400.0, "immediate": 0.0}


class Digests(Store):
    def set_reviewer_preference(self, address: str, frequency: str) -> None:
        if frequency not in FREQUENCIES:
            raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}")
        with self.engine.begin() as conn:
            res = conn.execute(
                sa.update(t.reviewer_prefs)
                .where(t.reviewer_prefs.c.address == address)
                .values(frequency=frequency)
            )
            if res.rowcount == 0:
                conn.execute(sa.insert(t.reviewer_prefs).values(address=address, frequency=frequency))

    def reviewer_preference(self, address: str) -> str:
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(t.reviewer_prefs.c.frequency).where(t.reviewer_prefs.c.address == address)
            ).scalar()
        return value or "immediate"

    def send_digests(self, now: float | None = None) -> int:
        """Send each digest reviewer whose period has elapsed one message listing what was held
        for them since the last digest. Returns the number of digests sent."""
        now = self.clock() if now is None else now
        sent = 0
        with self.engine.begin() as conn:
            reviewers = [
                r[0]
                for r in conn.execute(
                    sa.select(t.digest_items.c.reviewer).where(t.digest_items.c.sent_at.is_(None)).distinct()
                )
            ]
            for reviewer in sorted(reviewers):
                pref = conn.execute(
                    sa.select(t.reviewer_prefs).where(t.reviewer_prefs.c.address == reviewer)
                ).first()
                frequency = pref.frequency if pref else "immediate"
                last = pref.last_digest_at if pref else None
                if last is not None and now - last < _PERIOD.get(frequency, 0.0):
                    continue
                items = conn.execute(
                    sa.select(t.digest_items.c.id.label("item_id"), t.entries)
                    .join(t.entries, t.entries.c.id == t.digest_items.c.entry_id)
                    .where(t.digest_items.c.reviewer == reviewer, t.digest_items.c.sent_at.is_(None))
                    .order_by(t.digest_items.c.id)
                ).all()
                if not items:
                    continue
                # the quarantine entry's own id (not the digest item's): the links open it
                entries = [{k: v for k, v in it._mapping.items() if k != "item_id"} for it in items]
                self.notices.digest(conn, reviewer, frequency, entries)
                conn.execute(
                    sa.update(t.digest_items)
                    .where(t.digest_items.c.id.in_([it.item_id for it in items]))
                    .values(sent_at=now)
                )
                if pref:
                    conn.execute(
                        sa.update(t.reviewer_prefs)
                        .where(t.reviewer_prefs.c.address == reviewer)
                        .values(last_digest_at=now)
                    )
                sent += 1
        return sent
