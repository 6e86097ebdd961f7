"""Chain checkpoints of this node (archive/checkpoint.py): written by ``serve`` every
``archive.checkpoint_interval`` and at shutdown, appended to ``archive.checkpoint_file`` and
logged (so the JSON log, and a SIEM reading it, keeps a copy); checked by
``mailwarden archive verify --checkpoints FILE`` and ``mailwarden audit verify --checkpoints FILE``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from admin_api import audit as audit_log
from archive import checkpoint
from archive.chain import ChainKey
from archive.service import Archive

log = logging.getLogger("mailwarden.checkpoints")


class Checkpointer:
    """Signs where the archive's record chain and the audit chain stand and appends it."""

    def __init__(self, engine: sa.Engine, archive: Archive, path: Path, *, tsa_url: str = "",
                 clock: Callable[[], float] = time.time):
        self.engine = engine
        self.archive = archive
        self.tsa_url = tsa_url
        self.audit_chain = ChainKey(archive.keyring, "audit-chain")
        self.file = checkpoint.CheckpointLog(path)
        self.clock = clock

    def write(self) -> str:
        """Append one checkpoint; returns its line. Raises when a head does not verify (a head
        the gateway did not write is never signed) — logged as an error by the caller."""
        chains = {
            "archive": self.archive.verified_head(),
            "audit": audit_log.verified_head(self.engine, self.audit_chain),
        }
        prev = self.file.last_line()
        prev_digest = checkpoint.line_digest(prev) if prev else None
        at = self.clock()
        try:
            line = checkpoint.make(self.archive.keyring, chains, at, prev_digest,
                                   self._stamp if self.tsa_url else None)
        except Exception as exc:  # noqa: BLE001 - the TSA is down: the checkpoint still counts
            if not self.tsa_url:
                raise
            log.warning("checkpoint written without an RFC 3161 timestamp: %s", exc)
            line = checkpoint.make(self.archive.keyring, chains, at, prev_digest)
        self.file.append(line)
        log.info("chain checkpoint", extra={"checkpoint": line, "checkpoint_file": str(self.file.path)})
        return line


    def _stamp(self, signed: bytes) -> str:
        from archive import timestamp

        return timestamp.request(self.tsa_url, signed)

    @classmethod
    def from_settings(cls, services: Any) -> Checkpointer:
        settings = services.settings
        return cls(services.engine, services.archive, settings.checkpoint_path, tsa_url=settings.archive.tsa_url)


def check_archive(archive: Archive, path: Path, tsa_ca: Path | None = None) -> list[tuple[int, str]]:
    """What the archive's record chain lacks or changed against the checkpoints in ``path``,
    and what is wrong with the file, as ``[(record id, why)]`` (file problems under id 0).
    ``tsa_ca``: the TSA's CA certificates, to check the lines' RFC 3161 timestamps."""
    report = _read(archive, path, tsa_ca)
    found = checkpoint.compare("archive", report.valid, archive.last_chain_id(), archive.hashes_at,
                               "record", str(path))
    return [(0, p) for p in report.problems] + found


def check_audit(engine: sa.Engine, archive: Archive, path: Path,
                tsa_ca: Path | None = None) -> list[tuple[int, str]]:
    report = _read(archive, path, tsa_ca)
    found = checkpoint.compare("audit", report.valid, audit_log.last_id(engine),
                               lambda ids: audit_log.hashes_at(engine, ids), "audit row", str(path))
    return [(0, p) for p in report.problems] + found


def _read(archive: Archive, path: Path, tsa_ca: Path | None) -> checkpoint.CheckpointReport:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        roots = None
        if tsa_ca is not None:
            from archive.timestamp import load_roots

            roots = load_roots(tsa_ca)
    except (OSError, ValueError) as exc:
        return checkpoint.CheckpointReport(problems=[f"{path}: cannot be read: {exc}"])
    report = checkpoint.read(archive.keyring, lines, str(path), roots)
    if not report.valid and not report.problems:
        report.problems.append(f"{path}: no checkpoint in it")
    return report
