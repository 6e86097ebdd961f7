"""Key ring: master keys (KEKs) and the long-lived derived keys they protect.

Where the keys are:

- **This process's master keys** come from ``keys_dir`` (``master-<kid>.key``, base64 of 32
  bytes, mode 0600, directory 0700) and/or an environment variable (``master_key_env`` names it;
  e.g. fed by a secrets manager).
- **The ring's state** is in the database (:mod:`archive.keystate`), shared by every process and
  node: which key is active, which are old or retired, each live master key wrapped under each
  other live one, and the derived keys (blind index, blob address, metadata) wrapped by the
  active one. So one master key opens the whole ring on any node, a key rotated on one node is
  learned by the others (from its wrap under a key they hold; a node keeping keys in files
  stores it there too), and derived keys are the same everywhere.

A process :meth:`bind`\\ s its ring to the database once (the first run creates the ring; an older
``keys_dir`` with ``active`` and ``derived.json`` is imported, keeping the derived keys' values so
blob addresses and the index stay valid) and :meth:`refresh`\\ es it whenever the generation
changes (seen by every append, see keystate) or a key id it does not know turns up.

A key id (``kid``) is a short fingerprint of the key, so the same key has the same id wherever it
is loaded from. Rotation (:meth:`rotate_master`) activates a new key everywhere first; re-wrapping
the per-message data keys is :meth:`archive.service.Archive.rotate_keys`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from archive import keystate
from archive.keywrap import (
    KeyMissing,
    KeyRingError,
    KeyRingRefused,
    decode_key,
    derived_aad,
    key_file_bytes,
    key_id_of,
    master_aad,
    shred,
    unwrap,
    wrap,
    write_private,
)

__all__ = ["DERIVED_NAMES", "KeyMissing", "KeyRing", "KeyRingError", "KeyRingRefused", "key_id_of"]

DERIVED_NAMES = ("index", "address", "meta")
# Derived keys that came from the metadata key before they were versioned (version 1 stays so).
DERIVED_LABELS = {"links": b"mailwarden/quarantine-links", "evidence": b"mailwarden/quarantine-evidence",
                  # console TOTP secrets at rest (admin_api.totp_seal); new, but made the same way
                  "console": b"mailwarden/console-secrets"}
# Every derived key has versions. ``address`` and ``meta`` rotate forward: new blobs and records
# use the new version, older ones keep the version they were made under (their address and
# metadata ciphertext are inside the keyed record chain, so they are never rewritten).
ROTATABLE = ("index", "links", "evidence", "address", "meta", "console")
_LEGACY_AAD = b"mailwarden/derived\x00"
log = logging.getLogger(__name__)

Derived = dict[tuple[str, int], tuple[str, bytes]]     # (name, version) -> (state, value)


class KeyRing:
    """Master keys by id, the active one, and the derived keys. Thread-safe: a refresh swaps
    whole dictionaries, so a reader sees either the old ring or the new one."""

    def __init__(self, keys_dir: Path, local: dict[str, bytes], env_kid: str | None,
                 env_name: str | None = None):
        self.keys_dir = keys_dir
        self._local = local                  # keys this process was given (files, environment)
        self._env_kid = env_kid
        self._env_name = env_name
        self._masters: dict[str, bytes] = {}
        self._learned: dict[str, bytes] = {}
        self._active = ""
        self._derived: Derived = {}
        self._derived_created: dict[tuple[str, int], float] = {}
        self._generation = -1
        self._checked = 0.0
        self._engine: sa.Engine | None = None
        self._lock = threading.RLock()

    # ---- opening ------------------------------------------------------------------
    @classmethod
    def open(cls, keys_dir: str | os.PathLike[str], master_key_env: str | None = None,
             master_key_file: str | os.PathLike[str] | None = None) -> KeyRing:
        """This process's master keys: the files in ``keys_dir``, and the key *given* to it: the
        environment variable named ``master_key_env`` when set, else ``master_key_file`` (a
        secret file). Nothing is written for a given key; :meth:`bind` joins the ring."""
        kdir = Path(keys_dir)
        local: dict[str, bytes] = {}
        if kdir.is_dir():
            for path in sorted(kdir.glob("master-*.key")):
                key = decode_key(path.read_text(), str(path))
                local[key_id_of(key)] = key
        given_kid, given_name = None, None
        env_value = os.environ.get(master_key_env) if master_key_env else None
        if env_value:
            given_name = master_key_env
            key = decode_key(env_value, f"environment variable {master_key_env}")
        elif master_key_file:
            given_name = f"master key file {master_key_file}"
            try:
                text = Path(master_key_file).read_text()
            except OSError as exc:
                raise KeyRingError(f"{given_name}: cannot read: {exc.strerror}") from None
            key = decode_key(text, str(master_key_file))
        if given_name is not None:
            given_kid = key_id_of(key)
            local[given_kid] = key
        return cls(kdir, local, given_kid, given_name)

    def bind(self, engine: sa.Engine) -> KeyRing:
        """Join the ring in ``engine``'s database (create it on the first run, import an older
        ``keys_dir``). Raises KeyRingRefused, before writing anything, when the keys given here
        do not open an existing ring."""
        if self._engine is engine and self._generation >= 0:
            return self
        with engine.connect() as conn:
            state = keystate.load(conn)
        if state is None:
            self._create(engine)
            with engine.connect() as conn:
                state = keystate.load(conn)
            assert state is not None
        self._engine = engine
        self._apply(state)
        return self

    def _create(self, engine: sa.Engine) -> None:
        active, legacy_derived = self._legacy_state()
        new_file = None
        if active is None:   # first run: a new key, on disk before the database names it
            key = secrets.token_bytes(32)
            active = key_id_of(key)
            self._ensure_dir()
            new_file = self.keys_dir / f"master-{active}.key"
            write_private(new_file, key_file_bytes(key))
            self._local[active] = key
        derived: Derived = {(name, 1): ("active", legacy_derived.get(name) or secrets.token_bytes(32))
                            for name in DERIVED_NAMES}
        with engine.begin() as conn:
            created = keystate.initialise(conn, active, self._local, derived)
        if not created and new_file is not None:   # another process made the ring first
            shred(new_file)
            self._local.pop(active, None)
        if created and legacy_derived:
            log.info("key ring imported into the database from %s (derived.json no longer used)", self.keys_dir)

    def _legacy_state(self) -> tuple[str | None, dict[str, bytes]]:
        """(active kid, derived key values) of an older ``keys_dir`` or the environment; (None,
        {}) on a first run. In the file layout ``derived.json`` was always wrapped by the key last
        active, so that key becomes the ring's active one; an environment key that is not it is
        refused (it would otherwise take the archive over), before anything is written."""
        active_file = self.keys_dir / "active"
        derived_file = self.keys_dir / "derived.json"
        if derived_file.exists():
            doc = json.loads(derived_file.read_text())
            kid = doc["kid"]
            master = self._local.get(kid)
            if master is None or (self._env_kid is not None and self._env_kid != kid):
                who = (f"{self._env_name} holds {self._env_kid}" if self._env_kid
                       else f"{self.keys_dir} holds {', '.join(sorted(self._local)) or 'no key'}")
                raise KeyRingRefused(f"{derived_file} is wrapped by master key {kid}, but {who}; nothing written")
            values = {name: unwrap(master, base64.b64decode(doc["keys"][name]),
                                   _LEGACY_AAD + name.encode() + kid.encode(), f"{derived_file} key {name}")
                      for name in DERIVED_NAMES}
            return kid, values
        active = self._env_kid
        if active is None and active_file.exists():
            active = active_file.read_text().strip() or None
            if active is not None and active not in self._local:
                raise KeyMissing(f"master key {active} missing: {active_file} names it, {self.keys_dir} lacks it")
        if active is None and self._local:
            raise KeyRingError(f"{active_file} is missing but master keys exist in {self.keys_dir}; refusing to guess")
        return active, {}

    def _ensure_dir(self) -> None:
        self.keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.keys_dir, 0o700)

    # ---- following the database ---------------------------------------------------
    @property
    def generation(self) -> int:
        return self._generation

    def refresh(self, conn: sa.Connection | None = None) -> None:
        """Reload the ring from the database (in ``conn``'s transaction when given)."""
        if self._engine is None:
            raise KeyRingError("key ring not bound to a database")
        if conn is not None:
            state = keystate.load(conn)
        else:
            with self._engine.connect() as own:
                state = keystate.load(own)
        if state is None:
            raise KeyRingError("the database has no key ring")
        self._apply(state)

    def _apply(self, state: keystate.RingState) -> None:
        with self._lock:
            if self._env_kid is not None and not state.live(self._env_kid):
                what = "was retired" if self._env_kid in state.states else "is not in this archive's key ring"
                message = (f"{self._env_name} holds master key {self._env_kid}, which {what} "
                           f"(active: {state.active})")
                if self._generation < 0 or self._env_kid not in state.states:
                    raise KeyRingRefused(message + "; nothing written")
                # Running already, with the keys it learned: go on; a restart is refused.
                log.warning("%s; set it to the active key before the next restart", message)
            # Keys learned from the ring are kept in memory too (a process given its key by the
            # environment stores none), so one running through `retire` of its given key goes on.
            masters = {kid: key for kid, key in {**self._learned, **self._local}.items() if state.live(kid)}
            learned = []
            grew = True
            while grew:
                grew = False
                for kid, by, wrapped in state.wraps:
                    if kid not in masters and by in masters and state.live(kid):
                        masters[kid] = unwrap(masters[by], wrapped, master_aad(kid, by),
                                              f"master key {kid} wrapped under {by}")
                        learned.append(kid)
                        grew = True
            if state.active not in masters:
                held = ", ".join(sorted(self._local)) or "none"
                raise KeyMissing(f"master key {state.active} missing: it is the active key and none of the "
                                 f"keys held here ({held}) opens it; put master-{state.active}.key in "
                                 f"{self.keys_dir} or give it as {self._env_name or 'MAILWARDEN_MASTER_KEY'}")
            derived: Derived = {}
            created: dict[tuple[str, int], float] = {}
            for row in state.derived:
                master = masters.get(row.kid)
                if master is None:
                    raise KeyMissing(f"master key {row.kid} missing (it wraps the derived key {row.name})")
                derived[(row.name, row.version)] = (row.state, unwrap(
                    master, row.wrapped, derived_aad(row.name, row.version, row.kid), f"derived key {row.name}"))
                created[(row.name, row.version)] = row.created_at
            retired = [kid for kid in self._local if kid != self._env_kid and not state.live(kid)
                       and state.states.get(kid) == keystate.RETIRED]
            self._masters, self._active, self._derived = masters, state.active, derived
            self._learned = {kid: key for kid, key in masters.items() if kid not in self._local}
            self._derived_created = created
            self._generation = state.generation
        self._keep_files(learned, retired, masters)

    def _keep_files(self, learned: list[str], retired: list[str], masters: dict[str, bytes]) -> None:
        """A node keeping its keys in files stores the keys it learned (it still opens the ring
        after the key it started with is retired) and shreds retired ones."""
        if self._env_kid is None:
            for kid in learned:
                try:
                    self._ensure_dir()
                    write_private(self.keys_dir / f"master-{kid}.key", key_file_bytes(masters[kid]))
                    self._local[kid] = masters[kid]
                except OSError as exc:
                    log.warning("cannot store master key %s in %s: %s", kid, self.keys_dir, exc)
        for kid in retired:
            try:
                shred(self.keys_dir / f"master-{kid}.key")
                self._local.pop(kid, None)
            except OSError as exc:
                log.warning("cannot remove retired master key %s from %s: %s", kid, self.keys_dir, exc)

    # ---- master keys --------------------------------------------------------------
    @property
    def active_kid(self) -> str:
        return self._active

    @property
    def env_kid(self) -> str | None:
        return self._env_kid

    @property
    def env_name(self) -> str | None:
        return self._env_name

    def key_ids(self) -> list[str]:
        return sorted(self._masters)

    def has_key(self, kid: str) -> bool:
        return kid in self._masters

    def wrap(self, key: bytes, aad: bytes) -> tuple[str, bytes]:
        """Wrap ``key`` under the active master key; returns ``(kid, nonce + ciphertext + tag)``."""
        kid, master = self._active, self._masters.get(self._active)
        if master is None:
            raise KeyRingError("key ring not bound to a database")
        return kid, wrap(master, key, aad + kid.encode())

    def unwrap(self, kid: str, wrapped: bytes, aad: bytes) -> bytes:
        """Unwrap a data key; a key id this process does not know makes it reload the ring first
        (another process rotated). Raises KeyMissing naming the key when it is not to be had."""
        master = self._masters.get(kid)
        if master is None and self._engine is not None:
            self.refresh()
            master = self._masters.get(kid)
        if master is None:
            raise KeyMissing(f"master key {kid} missing")
        return unwrap(master, wrapped, aad + kid.encode(), f"wrapped key under {kid}")

    def rotate_master(self) -> str:
        """Create a new master key and make it active for every process: written to ``keys_dir``
        first, then, in one transaction under the chain-head lock, registered, wrapped with every
        live key and given the derived keys. Returns its id. Nothing is re-wrapped here."""
        if self._engine is None:
            raise KeyRingError("key ring not bound to a database")
        key = secrets.token_bytes(32)
        kid = key_id_of(key)
        self._ensure_dir()
        path = self.keys_dir / f"master-{kid}.key"
        write_private(path, key_file_bytes(key))
        self._local[kid] = key
        try:
            with self._engine.begin() as conn:
                keystate.lock(conn)
                self.refresh(conn)
                keystate.activate(conn, kid, key, dict(self._masters), self._derived)
                self.refresh(conn)
        except BaseException:
            self._local.pop(kid, None)
            shred(path)
            raise
        return kid

    def master_derived(self, purpose: str, kid: str | None = None) -> tuple[str, bytes]:
        """A 32-byte key for ``purpose`` derived (HKDF-SHA256) from master key ``kid`` (default:
        the active one); returns ``(kid, key)``.

        For keys that must never be stored anywhere, not even wrapped (the chains' MAC key, the
        checkpoint signing seed): whoever holds the database or the files alone cannot
        recompute them. A record that uses one keeps the ``kid`` it was derived from.
        """
        kid = kid or self._active
        master = self._masters.get(kid)
        if master is None and self._engine is not None:
            self.refresh()
            master = self._masters.get(kid)
        if master is None:
            raise KeyMissing(f"master key {kid} missing")
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=b"mailwarden/master-derived\x00" + purpose.encode())
        return kid, hkdf.derive(master)

    def fingerprint(self) -> str:
        """A short, non-secret digest of the derived keys (nodes compare it in tests and logs)."""
        digest = hashlib.sha256()
        for (name, version), (_state, value) in sorted(self._derived.items()):
            digest.update(f"{name}:{version}:".encode() + hashlib.sha256(value).digest())
        return digest.hexdigest()[:16]

    # ---- derived keys -------------------------------------------------------------
    def check(self, max_age: float = 5.0) -> None:
        """Refresh when the ring's generation moved, looking at most every ``max_age`` seconds
        (for processes that sign and read but never append, e.g. the API)."""
        now = time.monotonic()
        if self._engine is None or now - self._checked < max_age:
            return
        self._checked = now
        with self._engine.connect() as conn:
            if keystate.generation(conn) != self._generation:
                self.refresh(conn)

    def versions(self, name: str) -> list[tuple[int, str, float, bytes]]:
        """(version, state, until, key) of derived key ``name``, newest first. ``until``: when
        an old version stopped being active (the next one's creation), ``inf`` for the active
        one. ``links`` and ``evidence`` have an implicit version 1, derived from the metadata
        key as before they were versioned, so what was signed or sealed then still opens."""
        out = [(v, st, created, key) for (n, v), (st, key, created) in self._derived_meta() if n == name]
        if name in DERIVED_LABELS and not any(v == 1 for v, *_ in out):
            first = hmac.new(self._derived_value("meta", 1), DERIVED_LABELS[name], hashlib.sha256).digest()
            out.append((1, "old" if out else "active", 0.0, first))
        out.sort(key=lambda item: -item[0])
        result = []
        until = float("inf")
        for version, state, created, key in out:
            result.append((version, state, until, key))
            until = created
        return result

    def _derived_meta(self) -> list[tuple[tuple[str, int], tuple[str, bytes, float]]]:
        return [(k, (st, v, self._derived_created.get(k, 0.0))) for k, (st, v) in self._derived.items()]

    def _derived_value(self, name: str, version: int) -> bytes:
        return self._derived[(name, version)][1]

    def link_keys(self, overlap: float, now: float | None = None) -> list[bytes]:
        """Link-signing keys: the active one first (it signs), then old ones that stopped being
        active less than ``overlap`` seconds ago (links they signed may still be valid)."""
        self.check(max_age=0.0)   # rare (a link made or followed): always the ring's current keys
        now = time.time() if now is None else now
        return [key for _v, state, until, key in self.versions("links")
                if state == "active" or now - until < overlap]

    def evidence_keys(self, needed: int | None = None) -> tuple[int, dict[int, bytes]]:
        """(active version, {version: key}) of the evidence key: new evidence is sealed under
        the active version, older evidence opens under the version it names (``needed``: a
        version not held makes the ring reload; another node rotated)."""
        self.check()
        versions = self.versions("evidence")
        if needed is not None and all(v != needed for v, *_ in versions) and self._engine is not None:
            self.refresh()
            versions = self.versions("evidence")
        return versions[0][0], {v: key for v, _st, _until, key in versions}

    def rotate_derived(self, name: str) -> int:
        """A new version of derived key ``name`` (links, evidence, index), active for every
        process at its next look at the ring; older versions stay for what they protect.
        Returns the new version."""
        if name not in ROTATABLE:
            raise KeyRingError(f"derived key {name!r} cannot be rotated (one of: {', '.join(ROTATABLE)})")
        if self._engine is None:
            raise KeyRingError("key ring not bound to a database")
        with self._engine.begin() as conn:
            keystate.lock(conn)
            self.refresh(conn)
            current = self.versions(name)
            if any(state == "building" for _v, state, *_ in current):
                raise KeyRingError(f"a new {name} key is still being built: "
                                   "finish `mailwarden keys rebuild-index` first")
            version = max(v for v, *_ in current) + 1
            keystate.add_derived(conn, name, version, secrets.token_bytes(32), self._active,
                                 self._masters[self._active], state="building" if name == "index" else "active")
            self.refresh(conn)
        return version

    def active_derived(self, name: str) -> tuple[int, bytes]:
        """(version, key) of the active version of derived key ``name`` (what new data uses)."""
        for (n, version), (state, value) in self._derived.items():
            if n == name and state == "active":
                return version, value
        raise KeyRingError(f"derived key {name} not loaded (key ring not bound to a database?)")

    def derived_version(self, name: str, version: int) -> bytes:
        """Version ``version`` of derived key ``name``, active or old. A version this process
        has not seen yet (another process or node rotated) makes the ring reload once."""
        entry = self._derived.get((name, version))
        if entry is None and self._engine is not None:
            self.refresh()
            entry = self._derived.get((name, version))
        if entry is None:
            raise KeyMissing(f"derived key {name} version {version} is not in the key ring")
        return entry[1]

    def derived(self, name: str) -> bytes:
        for (n, _version), (state, value) in self._derived.items():
            if n == name and state == "active":
                return value
        raise KeyRingError(f"derived key {name} not loaded (key ring not bound to a database?)")

    @property
    def index_key(self) -> bytes:
        return self.derived("index")

    @property
    def address_key(self) -> bytes:
        return self.derived("address")

    @property
    def meta_key(self) -> bytes:
        return self.derived("meta")
