"""Key ring: master keys (KEKs) and the long-lived derived keys they protect.

Layout of ``keys_dir`` (directory mode 0700, files mode 0600)::

    master-<kid>.key   base64 of a 32-byte AES key, one file per master key
    active             the id of the active master key
    derived.json       the long-lived keys (blind index, blob address, metadata), each a random
                       32-byte key stored *wrapped* (AES-256-GCM) by the active master key

The master key may instead come from an environment variable (base64 of 32 bytes, e.g. fed by
a secrets manager): when ``master_key_env`` names a variable that is set, that key is the active
one; keys in ``keys_dir`` stay usable for unwrapping older data keys.

A key id (``kid``) is a short fingerprint of the key (``mk-`` + 12 hex digits of a domain-separated
SHA-256), so the same key has the same id wherever it is loaded from.

Rotation creates a new master key and re-wraps the derived keys (their values never change, so
blob addresses and the blind index stay valid); re-wrapping the per-message data keys in the
database is :meth:`archive.service.Archive.rotate_keys`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

DERIVED_NAMES = ("index", "address", "meta")
_WRAP_NONCE = 12


class KeyRingError(Exception):
    """A key is missing, malformed or cannot be used."""


def key_id_of(key: bytes) -> str:
    return "mk-" + hashlib.sha256(b"mailwarden/kid\x00" + key).hexdigest()[:12]


def _decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (ValueError, TypeError) as exc:
        raise KeyRingError(f"{where}: not valid base64") from exc
    if len(key) != 32:
        raise KeyRingError(f"{where}: master key must be 32 bytes, got {len(key)}")
    return key


def _write_private(path: Path, data: bytes) -> None:
    """Write a 0600 file atomically (temp file, fsync, rename, fsync dir)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dfd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


class KeyRing:
    """Master keys by id, the active one, and the derived keys. Thread-safe for reads."""

    def __init__(self, keys_dir: Path, masters: dict[str, bytes], active: str, env_kid: str | None):
        self.keys_dir = keys_dir
        self._masters = masters
        self._active = active
        self._env_kid = env_kid
        self._derived: dict[str, bytes] = {}
        self._lock = threading.Lock()

    # ---- opening ------------------------------------------------------------------
    @classmethod
    def open(cls, keys_dir: str | os.PathLike[str], master_key_env: str | None = None) -> KeyRing:
        """Load (or on first run create) the key ring in ``keys_dir``.

        ``master_key_env`` is the *name* of an environment variable; when it is set, its value
        (base64 of 32 bytes) is the active master key.
        """
        kdir = Path(keys_dir)
        kdir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(kdir, 0o700)
        masters: dict[str, bytes] = {}
        for path in sorted(kdir.glob("master-*.key")):
            key = _decode_key(path.read_text(), str(path))
            masters[key_id_of(key)] = key
        env_kid = None
        env_value = os.environ.get(master_key_env) if master_key_env else None
        if env_value:
            key = _decode_key(env_value, f"environment variable {master_key_env}")
            env_kid = key_id_of(key)
            masters[env_kid] = key
            active = env_kid
        else:
            active_file = kdir / "active"
            active = active_file.read_text().strip() if active_file.exists() else ""
            if not active:
                if masters:
                    raise KeyRingError(f"{active_file} is missing but master keys exist; refusing to guess")
                key = secrets.token_bytes(32)
                active = key_id_of(key)
                _write_private(kdir / f"master-{active}.key", base64.b64encode(key) + b"\n")
                _write_private(active_file, active.encode() + b"\n")
                masters[active] = key
            elif active not in masters:
                raise KeyRingError(f"active master key {active} not found in {kdir}")
        ring = cls(kdir, masters, active, env_kid)
        ring._load_derived()
        return ring

    # ---- master keys --------------------------------------------------------------
    @property
    def active_kid(self) -> str:
        return self._active

    def key_ids(self) -> list[str]:
        return sorted(self._masters)

    def has_key(self, kid: str) -> bool:
        return kid in self._masters

    def wrap(self, key: bytes, aad: bytes) -> tuple[str, bytes]:
        """Wrap ``key`` under the active master key; returns ``(kid, nonce + ciphertext + tag)``."""
        kid = self._active
        nonce = secrets.token_bytes(_WRAP_NONCE)
        return kid, nonce + AESGCM(self._masters[kid]).encrypt(nonce, key, aad + kid.encode())

    def unwrap(self, kid: str, wrapped: bytes, aad: bytes) -> bytes:
        master = self._masters.get(kid)
        if master is None:
            raise KeyRingError(f"master key {kid} is not in the key ring")
        try:
            return AESGCM(master).decrypt(wrapped[:_WRAP_NONCE], wrapped[_WRAP_NONCE:], aad + kid.encode())
        except InvalidTag as exc:
            raise KeyRingError(f"wrapped key does not authenticate under {kid}") from exc

    def new_master_key(self) -> str:
        """Create a new master key, make it active, re-wrap the derived keys. Returns its id."""
        if self._env_kid is not None:
            raise KeyRingError(
                "the active master key comes from the environment: put the new key there and keep "
                "the old one as a file in keys_dir, then re-wrap with rotate_keys"
            )
        with self._lock:
            key = secrets.token_bytes(32)
            kid = key_id_of(key)
            _write_private(self.keys_dir / f"master-{kid}.key", base64.b64encode(key) + b"\n")
            self._masters[kid] = key
            self._save_derived(kid)   # derived keys wrapped by the new key before it becomes active
            _write_private(self.keys_dir / "active", kid.encode() + b"\n")
            self._active = kid
            return kid

    def remove_key(self, kid: str) -> None:
        """Delete a master key file. Callers check first that nothing uses it."""
        if kid == self._active:
            raise KeyRingError(f"{kid} is the active master key")
        if kid == self._env_kid:
            raise KeyRingError(f"{kid} comes from the environment; unset it there")
        path = self.keys_dir / f"master-{kid}.key"
        with self._lock:
            if path.exists():
                with open(path, "r+b") as fh:   # overwrite before unlinking
                    size = fh.seek(0, 2)
                    fh.seek(0)
                    fh.write(b"\0" * size)
                    fh.flush()
                    os.fsync(fh.fileno())
                path.unlink()
            self._masters.pop(kid, None)

    def master_derived(self, purpose: str, kid: str | None = None) -> tuple[str, bytes]:
        """A 32-byte key for ``purpose`` derived (HKDF-SHA256) from master key ``kid`` (default:
        the active one); returns ``(kid, key)``.

        For keys that must never be stored anywhere, not even wrapped (the chains' MAC key, the
        checkpoint signing seed): whoever holds the database or the files alone cannot
        recompute them. A record that uses one keeps the ``kid`` it was derived from.
        """
        kid = kid or self._active
        master = self._masters.get(kid)
        if master is None:
            raise KeyRingError(f"master key {kid} is not in the key ring")
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=b"mailwarden/master-derived\x00" + purpose.encode())
        return kid, hkdf.derive(master)

    def derived_wrapped_by(self) -> str | None:
        data = json.loads((self.keys_dir / "derived.json").read_text())
        return data.get("kid")

    # ---- derived keys -------------------------------------------------------------
    @property
    def index_key(self) -> bytes:
        return self._derived["index"]

    @property
    def address_key(self) -> bytes:
        return self._derived["address"]

    @property
    def meta_key(self) -> bytes:
        return self._derived["meta"]

    def _load_derived(self) -> None:
        path = self.keys_dir / "derived.json"
        if not path.exists():
            self._derived = {name: secrets.token_bytes(32) for name in DERIVED_NAMES}
            self._save_derived(self._active)
            return
        data = json.loads(path.read_text())
        kid = data["kid"]
        for name in DERIVED_NAMES:
            wrapped = base64.b64decode(data["keys"][name])
            self._derived[name] = self.unwrap(kid, wrapped, b"mailwarden/derived\x00" + name.encode())
        if kid != self._active:   # master changed (e.g. new key in the environment): re-wrap
            self._save_derived(self._active)

    def _save_derived(self, kid: str) -> None:
        master = self._masters[kid]
        keys = {}
        for name in DERIVED_NAMES:
            nonce = secrets.token_bytes(_WRAP_NONCE)
            aad = b"mailwarden/derived\x00" + name.encode() + kid.encode()
            wrapped = nonce + AESGCM(master).encrypt(nonce, self._derived[name], aad)
            keys[name] = base64.b64encode(wrapped).decode()
        doc = {"version": 1, "kid": kid, "keys": keys}
        _write_private(self.keys_dir / "derived.json", json.dumps(doc, indent=1).encode())
