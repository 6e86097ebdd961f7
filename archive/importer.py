"""Import existing mail: ``.eml`` files, maildir folders, mbox files (mboxrd/mboxo), zips of
``.eml`` files, and signed export bundles of another instance (:mod:`archive.bundle`).

Idempotent: a message whose SHA-256 already has a record for the import's ``event`` (default
``imported``) is skipped, so running an import twice adds nothing the second time. A bundle's
records keep what the exporting instance knew: envelope, received date, direction, verdict,
rules, department, event and decision history; one is skipped when a record with the same
digest, event and received date exists.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from archive import bundle
from archive import tables as t
from archive.history import add_history
from archive.mime import meta_from_raw
from archive.service import Archive

_UNQUOTE = re.compile(rb"^>(>*From )", re.MULTILINE)


@dataclass
class ImportReport:
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    signer: str | None = None        # a bundle's verified signing key


def _is_maildir(path: Path) -> bool:
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def _is_mbox(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(5) == b"From "


def iter_mbox(path: Path) -> Iterator[bytes]:
    """Messages of an mbox file; ``>From`` quoting undone (mboxrd)."""
    current: list[bytes] | None = None
    prev_blank = True
    with open(path, "rb") as fh:
        for line in fh:
            if line.startswith(b"From ") and prev_blank:
                if current is not None:
                    yield _finish_mbox_message(current)
                current = []
            elif current is not None:
                current.append(line)
            prev_blank = line in (b"\n", b"\r\n")
    if current is not None:
        yield _finish_mbox_message(current)


def _finish_mbox_message(lines: list[bytes]) -> bytes:
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]          # the separator blank line
    return _UNQUOTE.sub(rb"\1", b"".join(lines))


def iter_messages(path: str | os.PathLike[str]) -> Iterator[tuple[str, bytes]]:
    """(where, raw) for every message under ``path`` (file, maildir, or folder of them)."""
    path = Path(path)
    if _is_maildir(path):
        for sub in ("cur", "new"):
            for entry in sorted((path / sub).iterdir()):
                if entry.is_file() and not entry.name.startswith("."):
                    yield str(entry), entry.read_bytes()
        for child in sorted(path.iterdir()):   # Maildir++ subfolders (.Sent, .Archive…)
            if child.name.startswith(".") and _is_maildir(child):
                yield from iter_messages(child)
        return
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.name.startswith(".") or child.name in ("tmp",):
                continue
            if child.is_dir() or child.suffix.lower() in (".eml", ".mbox", ".mbx") or _is_mbox(child):
                yield from iter_messages(child)
        return
    if _is_mbox(path):
        for n, raw in enumerate(iter_mbox(path), start=1):
            yield f"{path}#{n}", raw
    elif zipfile.is_zipfile(path):   # a zip of .eml files (an unsigned or older export)
        with zipfile.ZipFile(path) as zf:
            for name in sorted(zf.namelist()):
                if name.lower().endswith(".eml"):
                    yield f"{path}:{name}", zf.read(name)
    else:
        yield str(path), path.read_bytes()


def import_path(archive: Archive, path: str | os.PathLike[str], *, event: str = "imported",
                progress: Callable[[int, str], None] | None = None, batch: int = 200,
                public_key: str | None = None, **meta_overrides: object) -> ImportReport:
    """Archive every message under ``path``; a (sha256, event) already archived is skipped.
    A signed export bundle is imported as one (:func:`import_bundle`); ``public_key`` requires
    ``path`` to be a bundle signed by that key."""
    if bundle.is_bundle(path):
        return import_bundle(archive, path, public_key=public_key, progress=progress)
    if public_key is not None:
        raise bundle.BundleError(f"{path}: not a signed mailwarden export, yet a signing key was required")
    report = ImportReport()
    pending: list[tuple[str, bytes]] = []

    def flush() -> None:
        if not pending:
            return
        seen: set[str] = set()
        with archive.engine.begin() as conn:
            for where, raw in pending:
                digest = hashlib.sha256(raw).hexdigest()
                exists = digest in seen or conn.execute(
                    sa.select(t.records.c.id).where(t.records.c.sha256 == digest, t.records.c.event == event)
                    .limit(1)).first() is not None
                if exists:
                    report.skipped += 1
                    continue
                try:
                    sealed = archive.seal(raw)
                    archive.write_blob(sealed)
                    meta = meta_from_raw(raw, event=event, **meta_overrides)
                    report.ids.append(archive.insert_record(conn, sealed, meta))
                except (OSError, ValueError) as exc:
                    report.failed += 1
                    report.errors.append(f"{where}: {exc}")
                    continue
                seen.add(digest)
                report.imported += 1
                if progress:
                    progress(report.imported + report.skipped, where)
        pending.clear()

    for where, raw in iter_messages(path):
        if not raw.strip():
            report.skipped += 1
            continue
        pending.append((where, raw))
        if len(pending) >= batch:
            flush()
    flush()
    return report


def import_bundle(archive: Archive, path: str | os.PathLike[str], *, public_key: str | None = None,
                  progress: Callable[[int, str], None] | None = None, batch: int = 200) -> ImportReport:
    """Import a signed export bundle with everything its manifest says about each record.

    The signature is checked first (against ``public_key`` when given) and every file against
    its digest; an altered or unsigned bundle raises :class:`archive.bundle.BundleError` and
    nothing is imported."""
    report = ImportReport()
    with zipfile.ZipFile(path) as zf:
        verified = bundle.verify(zf, public_key)
        report.signer = verified.signer
        records = verified.manifest.get("records", [])
        for start in range(0, len(records), batch):
            with archive.engine.begin() as conn:
                for rec in records[start : start + batch]:
                    where = f"{path}:{rec['file']}"
                    raw = zf.read(rec["file"])
                    event = str(rec.get("event") or "imported")
                    received = float(rec["received_at"])
                    exists = conn.execute(sa.select(t.records.c.id).where(
                        t.records.c.sha256 == rec["sha256"], t.records.c.event == event,
                        t.records.c.received_at == received).limit(1)).first()
                    if exists is not None:
                        report.skipped += 1
                        continue
                    envelope = rec.get("envelope") or {}
                    sealed = archive.seal(raw)
                    archive.write_blob(sealed)
                    meta = meta_from_raw(
                        raw, event=event, mail_from=str(envelope.get("mail_from") or ""),
                        rcpt_tos=[str(r) for r in envelope.get("rcpt_tos") or []], received_at=received,
                        direction=rec.get("direction"), verdict=rec.get("verdict"),
                        rules=[str(r) for r in rec.get("rules") or []], department=rec.get("department"))
                    for name in ("subject", "message_id", "header_from"):   # as the source recorded them
                        if name in rec:
                            setattr(meta, name, rec[name])
                    new_id = archive.insert_record(conn, sealed, meta)
                    add_history(conn, new_id, rec.get("history") or [], source=verified.signer)
                    report.ids.append(new_id)
                    report.imported += 1
                    if progress:
                        progress(report.imported + report.skipped, where)
    return report
