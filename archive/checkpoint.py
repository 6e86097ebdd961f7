"""Signed checkpoints of the chains, kept outside the database.

The chains' MACs stop whoever holds only the database from rewriting history, but not from
putting back an *earlier* state of it (a restored dump, or a head saved earlier and written back
after the newest records were deleted): every MAC in that state is genuine. A checkpoint records
where each chain stood at a moment — ``(seq, head)`` per chain and the time — signed with an
Ed25519 key derived from the master key (:meth:`KeyRing.master_derived`, never stored), and is
appended to a file (and to the JSON log, so a SIEM keeps a copy). ``verify --checkpoints FILE``
then finds a chain that no longer reaches a checkpointed sequence, or reaches it with another
hash, and names the records.

One JSON object per line::

    {"v": 1, "at": 1764750000.0, "chains": {"archive": {"seq": 6, "head": "<hex>"}, ...},
     "prev": "<sha256 of the previous line>", "kid": "mk-…", "pub": "<hex>", "sig": "<base64>"}

``prev`` links the lines, so a line deleted from the middle of the file is found too (a deleted
tail of the file is what the log copy is for). ``pub`` is informative: a line verifies only under
the key derived from ``kid`` in this key ring, so a forger's own key is no use.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

PURPOSE = "checkpoint-signing"
VERSION = 1


class _DerivingKeyRing(Protocol):
    def master_derived(self, purpose: str, kid: str | None = None) -> tuple[str, bytes]: ...


class CheckpointError(Exception):
    """A checkpoint cannot be made (a head does not verify, the file cannot be written)."""


def _canonical(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def signing_key(keyring: _DerivingKeyRing, kid: str | None = None) -> tuple[str, Ed25519PrivateKey]:
    kid, seed = keyring.master_derived(PURPOSE, kid)
    return kid, Ed25519PrivateKey.from_private_bytes(seed)


def public_key_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def line_digest(line: str) -> str:
    return hashlib.sha256(line.strip().encode("utf-8")).hexdigest()


def make(keyring: _DerivingKeyRing, chains: dict[str, tuple[int, str]], at: float, prev: str | None,
         stamp: Callable[[bytes], str] | None = None) -> str:
    """One signed checkpoint line (no newline) for ``chains`` = {name: (seq, head hash)}.
    ``stamp(signed line) -> token`` adds an RFC 3161 timestamp of it (archive.timestamp)."""
    kid, key = signing_key(keyring)
    doc: dict[str, Any] = {
        "v": VERSION, "at": float(at), "prev": prev, "kid": kid, "pub": public_key_hex(key),
        "chains": {name: {"seq": int(seq), "head": head} for name, (seq, head) in sorted(chains.items())},
    }
    doc["sig"] = base64.b64encode(key.sign(_canonical(doc))).decode("ascii")
    if stamp is not None:
        doc["tst"] = stamp(_canonical(doc))
    return _canonical(doc).decode("ascii")


class CheckpointLog:
    """The append-only checkpoint file (0600): each line written with O_APPEND and fsync'd."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)

    def last_line(self) -> str | None:
        try:
            with open(self.path, "rb") as fh:
                size = fh.seek(0, os.SEEK_END)
                fh.seek(max(0, size - 65536))
                lines = [ln for ln in fh.read().decode("utf-8", "replace").splitlines() if ln.strip()]
        except FileNotFoundError:
            return None
        return lines[-1] if lines else None

    def append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            data = (line.strip() + "\n").encode("utf-8")
            if os.write(fd, data) != len(data):
                raise CheckpointError(f"{self.path}: short write")
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass
class Checkpoint:
    line_no: int
    at: float
    chains: dict[str, tuple[int, str]]
    kid: str


@dataclass
class CheckpointReport:
    """The checkpoints whose signature verified, and what is wrong with the file itself."""

    valid: list[Checkpoint] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read(keyring: _DerivingKeyRing, lines: Iterable[str], source: str = "checkpoints",
         tsa_roots: list[Any] | None = None) -> CheckpointReport:
    """Check every line's signature (under the key derived from its ``kid``), its RFC 3161
    timestamp when it has one (against ``tsa_roots``), and the ``prev`` links. A line may also
    be a JSON log entry carrying the checkpoint in its ``checkpoint`` field (a SIEM's copy)."""
    report = CheckpointReport()
    prev_digest: str | None = None
    keys: dict[str, Ed25519PublicKey | None] = {}
    for no, raw in enumerate(lines, 1):
        raw = raw.strip()
        if not raw:
            continue
        try:
            doc = json.loads(raw)
            if isinstance(doc, dict) and isinstance(doc.get("checkpoint"), str):
                raw = doc["checkpoint"]
                doc = json.loads(raw)
            if not isinstance(doc, dict) or "sig" not in doc:
                continue                  # another log line
            tst = doc.pop("tst", None)
            sig_text = doc.pop("sig")
            sig = base64.b64decode(sig_text, validate=True)
            kid = str(doc["kid"])
            chains = {str(n): (int(c["seq"]), str(c["head"])) for n, c in doc["chains"].items()}
            at = float(doc["at"])
        except (ValueError, KeyError, TypeError, AttributeError):
            report.problems.append(f"{source}:{no}: not a checkpoint line")
            continue
        if kid not in keys:
            try:
                keys[kid] = signing_key(keyring, kid)[1].public_key()
            except Exception:  # noqa: BLE001 - a retired or unknown master key: cannot be checked
                keys[kid] = None
        pub = keys[kid]
        if pub is None:
            report.problems.append(f"{source}:{no}: signed under master key {kid}, which this key ring "
                                   "does not hold; not checked")
            prev_digest = line_digest(raw)
            continue
        try:
            pub.verify(sig, _canonical(doc))
        except InvalidSignature:
            report.problems.append(f"{source}:{no}: signature does not verify (line altered or forged)")
            prev_digest = line_digest(raw)
            continue
        if tst is not None:
            why = _check_stamp(tst, _canonical({**doc, "sig": sig_text}), tsa_roots, at)
            if why:
                report.problems.append(f"{source}:{no}: {why}")
        if prev_digest is not None and doc.get("prev") != prev_digest:
            report.problems.append(f"{source}:{no}: the line before it is missing or altered (prev does not match)")
        prev_digest = line_digest(raw)
        report.valid.append(Checkpoint(no, at, chains, kid))
    return report


def _check_stamp(token: str, signed: bytes, roots: list[Any] | None, at: float) -> str | None:
    if roots is None:
        return "has an RFC 3161 timestamp, but no TSA CA file is set (archive.tsa_ca_file): not checked"
    from archive import timestamp

    return timestamp.check(token, signed, roots, at)


def compare(name: str, checkpoints: list[Checkpoint], last_id: int,
            hashes_of: Callable[[list[int]], dict[int, str]], what: str = "record",
            source: str = "checkpoints") -> list[tuple[int, str]]:
    """Problems of chain ``name`` against the checkpoints: ``[(id, why)]``. ``hashes_of(ids)``
    gives the hash the chain holds now for each id still there (a record or its tombstone);
    ``last_id`` is the last id the chain has."""
    points = [(cp, cp.chains[name]) for cp in checkpoints if name in cp.chains]
    found = hashes_of(sorted({seq for _cp, (seq, _h) in points if seq > 0}))
    problems: list[tuple[int, str]] = []
    furthest: tuple[Checkpoint, int] | None = None
    for cp, (seq, head) in points:
        if seq > last_id:
            if furthest is None or seq > furthest[1]:
                furthest = (cp, seq)
            continue
        if seq == 0:
            continue
        have = found.get(seq)
        when = _when(cp.at)
        if have is None:
            problems.append((seq, f"{what} {seq} missing: the checkpoint of {when} ({source}:{cp.line_no}) "
                                  "ended the chain there"))
        elif have != head:
            problems.append((seq, f"{what} {seq} differs from the checkpoint of {when} ({source}:{cp.line_no}): "
                                  "the chain up to it was rewritten"))
    if furthest is not None:
        cp, seq = furthest
        span = f"{what}s {last_id + 1}-{seq}" if seq > last_id + 1 else f"{what} {seq}"
        problems.append((last_id + 1, f"{span} missing: the chain ends at {last_id}, the "
                                      f"checkpoint of {_when(cp.at)} ({source}:{cp.line_no}) saw it reach {seq} "
                                      "(tail deleted, head rewound)"))
    return sorted(set(problems))


def _when(at: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
