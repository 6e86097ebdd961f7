"""Master-key rotation of the archive's data: re-wrapping data keys, retiring a master key, and
re-MACing the record chain under the active key. Mixed into :class:`archive.service.Archive`.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from archive import keystate
from archive import tables as t
from archive.keyring import KeyRingError
from archive.model import (
    DEK_AAD,
    KeyInUse,
    RotationReport,
)


class KeyRotationMixin:
    """The archive's key rotation (see the module docstring)."""

    # ---- key rotation -----------------------------------------------------------------
    def keys_in_use(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.blobs.c.kid, sa.func.count()).group_by(t.blobs.c.kid))
            return {kid: int(n) for kid, n in rows}

    def rotate_keys(self, batch_size: int = 500, progress: Callable[[int, int], None] | None = None,
                    *, new_key: bool = True) -> RotationReport:
        """Create a new master key (unless an earlier rotation is unfinished) and re-wrap every data key.

        The new key is active for every process before anything is re-wrapped (one transaction
        under the chain-head lock bumps the ring's generation; an append that sealed under the
        old key re-wraps inside its own transaction). Each re-wrap batch then commits on its own;
        running again after an interruption continues where it stopped.
        """
        self.keyring.refresh()
        new_kid = None
        if self._count_not_under(self.keyring.active_kid) == 0 and new_key:
            new_kid = self.keyring.rotate_master()
        total = self._count_not_under(self.keyring.active_kid)
        done = 0
        while True:
            active = self.keyring.active_kid
            with self.engine.begin() as conn:
                q = (sa.select(t.blobs.c.address, t.blobs.c.dek_id, t.blobs.c.kid, t.blobs.c.wrapped_dek)
                     .where(t.blobs.c.kid != active).order_by(t.blobs.c.address).limit(batch_size))
                if self.dialect == "postgresql":
                    q = q.with_for_update(skip_locked=True)
                rows = conn.execute(q).fetchall()
                for row in rows:
                    aad = DEK_AAD + bytes.fromhex(row.dek_id)
                    dek = self.keyring.unwrap(row.kid, bytes(row.wrapped_dek), aad)
                    kid, wrapped = self.keyring.wrap(dek, aad)
                    conn.execute(sa.update(t.blobs).where(t.blobs.c.address == row.address, t.blobs.c.kid == row.kid)
                                 .values(kid=kid, wrapped_dek=wrapped))
            if not rows:
                break
            done += len(rows)
            if progress:
                progress(done, total)
        return RotationReport(new_kid=new_kid, rewrapped=done, remaining=0)

    def _count_not_under(self, kid: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.blobs)
                                    .where(t.blobs.c.kid != kid)).scalar_one())

    def retire_key(self, kid: str) -> None:
        """Retire an old master key: refused (KeyInUse) while any data key or derived key is
        wrapped under it. The check and the retirement run under the chain-head lock, so a data
        key an append wraps under it a moment earlier is counted, and one a moment later is
        re-wrapped by that append (it sees the new generation). Every process then drops the
        key; nodes keeping keys in files shred theirs."""
        if kid == self.keyring.env_kid:
            raise KeyInUse(f"{kid} comes from the environment ({self.keyring.env_name}); "
                           f"set that to the active key {self.keyring.active_kid} first")
        # Every MAC derived from the key is checked and made again under the active key first
        # (a retired key is gone: what it MACed would no longer verify).
        self.remac_chain(kid)
        with self.engine.begin() as conn:
            keystate.lock(conn)
            self.keyring.refresh(conn)
            state = keystate.load(conn)
            assert state is not None
            if kid == state.active:
                raise KeyInUse(f"{kid} is the active master key")
            if not state.live(kid):
                raise KeyRingError(f"no master key {kid}" if kid not in state.states else f"{kid} is already retired")
            count = keystate.data_keys_under(conn, kid)
            if count:
                raise KeyInUse(f"{count} data keys are still wrapped by {kid}; run key rotation first")
            if any(row.kid == kid for row in state.derived):
                raise KeyInUse(f"the derived keys are still wrapped by {kid}")
            macs = self._macs_under(conn, kid)
            if macs:   # MACed under it after remac_chain looked (a process that had not seen the rotation)
                raise KeyInUse(f"{macs} chain MACs were made under {kid} meanwhile; run retire again")
            keystate.retire(conn, kid)
        self.keyring.refresh()

    @staticmethod
    def _macs_under(conn: sa.Connection, kid: str) -> int:
        return sum(int(conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.mac_kid == kid))
                       .scalar_one()) for table in (t.records, t.tombstones, t.head))

    def remac_chain(self, kid: str, batch: int = 1000) -> int:
        """MAC again, under the active master key, every record, tombstone and the head whose MAC
        was derived from ``kid`` (before ``kid`` is retired, which would leave them unverifiable).
        Each MAC is checked under ``kid`` first; one that does not verify is left as it is and
        KeyInUse raised: retiring a key must never turn evidence of tampering into a valid MAC.
        Batches commit on their own (running again continues). Returns how many were re-MACed."""
        if kid == self.keyring.active_kid:
            raise KeyInUse(f"{kid} is the active master key")
        done = 0
        for table, label, parts in (
            (t.records, "record", lambda r: (int(r.id), r.record_hash)),
            (t.tombstones, "tombstone", lambda r: (int(r.record_id), r.prev_hash, r.record_hash,
                                                   float(r.purged_at), r.reason)),
        ):
            key_col = table.c.id if table is t.records else table.c.record_id
            after = 0       # walked in id order: one pass over the table, whatever its size
            while True:
                with self.engine.begin() as conn:
                    rows = conn.execute(sa.select(table).where(table.c.mac_kid == kid, key_col > after)
                                        .order_by(key_col).limit(batch)).fetchall()
                    if rows:
                        after = int(parts(rows[-1])[0])
                    for row in rows:
                        bad = self.chain.check(row.mac_kid, row.mac, label, *parts(row))
                        if bad:
                            raise KeyInUse(f"{label} {parts(row)[0]}: {bad} under {kid}; not re-MACed "
                                           "(run `mailwarden archive verify`)")
                        new_kid, mac = self.chain.sign(label, *parts(row))
                        conn.execute(sa.update(table).where(key_col == parts(row)[0], table.c.mac_kid == kid)
                                     .values(mac_kid=new_kid, mac=mac))
                done += len(rows)
                if not rows:
                    break
        with self.engine.begin() as conn:
            last_id, last_hash, _generation, head_kid, head_mac = self._lock_head(conn)
            if head_kid == kid:
                bad = self.chain.check(head_kid, head_mac, "head", last_id, last_hash)
                if bad:
                    raise KeyInUse(f"the chain head: {bad} under {kid}; not re-MACed (run `mailwarden archive verify`)")
                n_kid, n_mac = self.head_mac(last_id, last_hash)
                conn.execute(sa.update(t.head).where(t.head.c.id == 1).values(mac_kid=n_kid, mac=n_mac))
                done += 1
        return done

    # short names used in the issue text
    rotate = rotate_keys

    retire = retire_key
