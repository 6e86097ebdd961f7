"""MAC keys of the tamper-evident chains (archive records, admin audit log).

Each chain row keeps an unkeyed SHA-256 link (``prev_hash`` → ``record_hash``, which commits to
every earlier row) *and* a MAC of that hash, keyed by a key derived from a master key
(:meth:`archive.keyring.KeyRing.master_derived`) and never stored anywhere. Whoever holds only
the database (or a dump of it) can recompute every hash with the product's own code, but not
a single MAC, so an edited row, a rewritten chain or a forged tombstone shows at ``verify``.

The head row of a chain is MACed too (under its own label), so rewinding it to an earlier
row's hash after deleting the newest rows needs the key as well. What the database alone
cannot prove (a head restored from an earlier copy of the database) is what the checkpoints
written outside it are for.

Every MAC names the master key it was derived from (``kid``): after ``keys rotate`` old rows
still verify under their own key; before a master key is retired, the rows MACed under it
are MACed again under the active one (:meth:`archive.service.Archive.remac_chain`).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from typing import Any, Protocol


class _DerivingKeyRing(Protocol):
    @property
    def active_kid(self) -> str: ...

    def master_derived(self, purpose: str, kid: str | None = None) -> tuple[str, bytes]: ...


class ChainKey:
    """The MAC key of one chain (``purpose`` is e.g. ``"archive-chain"``), per master key id.

    Thread-safe; derived keys are cached per kid (a kid is a fingerprint of its master key,
    so a cached derivation never goes stale). The active kid is asked of the key ring on every
    use, so a rotation is followed at once.
    """

    def __init__(self, keyring: _DerivingKeyRing, purpose: str):
        self.keyring = keyring
        self.purpose = purpose
        self._keys: dict[str, Any] = {}
        self._prefixes: dict[str, bytes] = {}
        self._lock = threading.Lock()

    @property
    def active_kid(self) -> str:
        return self.keyring.active_kid

    def follow(self, conn: Any) -> None:
        """Reload the key ring in ``conn``'s transaction when another process changed it (the
        archive's appends do this under their head lock; the audit log calls it under its own),
        so nothing is MACed under a key that was rotated out and is about to be retired."""
        generation = getattr(self.keyring, "generation", None)
        if generation is None or getattr(self.keyring, "_engine", None) is None:
            return
        from archive import keystate

        if keystate.generation(conn) != generation:
            self.keyring.refresh(conn)

    def _keyed(self, kid: str) -> Any:
        """An HMAC-SHA256 object keyed for ``kid``, copied per use (keying costs more than the MAC
        of a short message). KeyRingError/KeyMissing when the master key is not in the ring."""
        base = self._keys.get(kid)
        if base is None:
            _kid, key = self.keyring.master_derived(self.purpose, kid)
            base = hmac.new(key, digestmod=hashlib.sha256)
            with self._lock:
                self._keys[kid] = base
        return base.copy()

    def mac(self, kid: str, label: str, *parts: Any) -> str:
        """HMAC-SHA256 (hex) of ``parts`` under the key of ``kid``, domain-separated by ``label``
        (a record's MAC can never stand in for a head's or a tombstone's)."""
        h = self._keyed(kid)
        prefix = self._prefixes.get(label)
        if prefix is None:
            prefix = self._prefixes[label] = f"mailwarden\x00{self.purpose}\x00{label}".encode()
        h.update(prefix)
        for p in parts:   # ids, hex digests, floats (repr) and short labels: none contains a NUL
            h.update(b"\x00" + (repr(p) if isinstance(p, float) else str(p)).encode())
        return h.hexdigest()

    def sign(self, label: str, *parts: Any) -> tuple[str, str]:
        """``(kid, mac)`` under the active master key."""
        kid = self.keyring.active_kid
        return kid, self.mac(kid, label, *parts)

    def check(self, kid: str | None, mac: str | None, label: str, *parts: Any) -> str | None:
        """None when ``mac`` is the MAC of ``parts`` under ``kid``; else why not (for verify)."""
        if not kid or not mac:
            return "no MAC (not keyed)"
        try:
            expected = self.mac(kid, label, *parts)
        except Exception as exc:  # noqa: BLE001 - a missing/unknown master key is a reason, not a crash
            return f"MAC key unavailable: {exc}"
        if not hmac.compare_digest(expected, str(mac)):
            return "MAC does not verify"
        return None

