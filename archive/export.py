"""Export a query's results for auditors: a zip of .eml files with manifest.csv, or an mbox.

Both stream message by message to the target file (written beside it and renamed when complete)
and report progress through an optional ``progress(done, total)`` callback. The export is the
auditor's deliberate plaintext copy; the archive itself never writes plaintext.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterable
from email.utils import formatdate
from pathlib import Path

from archive.service import Archive

Progress = Callable[[int, int], None]
MANIFEST_FIELDS = ("id", "sha256", "date", "from", "to", "subject")
_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)


def _items(archive: Archive, query: str, departments: Iterable[str] | None):
    first = archive.search(query, limit=1, departments=departments, exact_total=True)   # for progress
    return first.total, archive.iter_search(query, departments=departments)


def _finish(tmp: Path, path: Path) -> None:
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def export_zip(archive: Archive, query: str, path: str | os.PathLike[str], *,
               progress: Progress | None = None, departments: Iterable[str] | None = None) -> int:
    """Write ``<id>.eml`` per matching record plus ``manifest.csv``; returns the number exported."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    total, items = _items(archive, query, departments)
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(MANIFEST_FIELDS)
    done = 0
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for item in items:
            raw = archive.open(item.id)
            with zf.open(f"{item.id}.eml", "w") as out:
                out.write(raw)
            writer.writerow([item.id, item.sha256, item.date, item.sender, " ".join(item.recipients), item.subject])
            done += 1
            if progress:
                progress(done, total)
        zf.writestr("manifest.csv", manifest.getvalue())
    _finish(tmp, path)
    return done


def mbox_escape(raw: bytes) -> bytes:
    """mboxrd quoting: every line matching ``>*From `` gets one more ``>``."""
    return _FROM_LINE.sub(rb">\1", raw)


def export_mbox(archive: Archive, query: str, path: str | os.PathLike[str], *,
                progress: Progress | None = None, departments: Iterable[str] | None = None) -> int:
    """Write matching messages as an mboxrd file; returns the number exported."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    total, items = _items(archive, query, departments)
    done = 0
    with open(tmp, "wb") as out:
        for item in items:
            raw = archive.open(item.id).replace(b"\r\n", b"\n")
            sender = item.sender or "MAILER-DAEMON"
            stamp = formatdate(item.received_at, usegmt=True) if item.received_at else formatdate(time.time())
            out.write(f"From {sender} {stamp}\n".encode())
            out.write(mbox_escape(raw))
            if not raw.endswith(b"\n"):
                out.write(b"\n")
            out.write(b"\n")
            done += 1
            if progress:
                progress(done, total)
    _finish(tmp, path)
    return done
