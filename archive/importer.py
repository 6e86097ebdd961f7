"""Import existing mail: ``.eml`` files, maildir folders and mbox files (mboxrd/mboxo).

Idempotent: a message whose SHA-256 already has a record for the import's ``event`` (default
``imported``) is skipped, so running an import twice adds nothing the second time.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from archive import tables as t
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
    else:
        yield str(path), path.read_bytes()


def import_path(archive: Archive, path: str | os.PathLike[str], *, event: str = "imported",
                progress: Callable[[int, str], None] | None = None, batch: int = 200,
                **meta_overrides: object) -> ImportReport:
    """Archive every message under ``path``; a (sha256, event) already archived is skipped."""
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
