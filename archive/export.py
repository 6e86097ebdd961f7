"""Export a query's results for auditors: a signed bundle (zip of .eml files with a manifest
another instance can verify and import, see :mod:`archive.bundle`), or an mbox.

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
from collections.abc import Callable, Iterable, Mapping, Sequence
from email.utils import formatdate
from pathlib import Path
from typing import Any, BinaryIO

from archive import bundle
from archive.history import imported_history
from archive.service import Archive, SearchItem

Progress = Callable[[int, int], None]
# Decision history per record id (the gateway passes quarantine.record_history over its engine).
History = Callable[[Sequence[int]], Mapping[int, list[dict[str, Any]]]]
MANIFEST_FIELDS = ("id", "sha256", "date", "from", "to", "subject", "direction", "verdict", "rules", "event")
_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula (``=HYPERLINK(…)``,
    ``+``, ``-``, ``@``, tab, CR) gets a leading apostrophe (OWASP's CSV injection advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _items(archive: Archive, query: str, departments: Iterable[str] | None):
    first = archive.search(query, limit=1, departments=departments, exact_total=True)   # for progress
    return first.total, archive.iter_search(query, departments=departments)


def _finish(tmp: Path, path: Path) -> None:
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _record(item: SearchItem, name: str, history: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": item.id, "file": name, "sha256": item.sha256, "size": item.size,
        "received_at": item.received_at, "date": item.date, "event": item.event,
        "direction": item.direction, "verdict": item.verdict, "rules": list(item.rules),
        "department": item.department, "envelope": {"mail_from": item.sender, "rcpt_tos": list(item.recipients)},
        "message_id": item.message_id, "header_from": item.header_from, "subject": item.subject,
        "history": history,
    }


def export_zip(archive: Archive, query: str, path: str | os.PathLike[str] | BinaryIO, *,
               progress: Progress | None = None, departments: Iterable[str] | None = None,
               history: History | None = None) -> int:
    """Write a signed bundle (see :mod:`archive.bundle`): ``<id>.eml`` per matching record,
    ``manifest.json`` and its signature ``manifest.sig``, ``manifest.csv``; returns the number
    exported. ``history`` gives each record's decisions (default: only imported ones).
    ``path`` may be a writable binary stream (e.g. one that encrypts what it is given): the
    bundle is then written to it as is, and closing it is the caller's."""
    stream = None if isinstance(path, (str, os.PathLike)) else path
    path = Path(path) if stream is None else Path("stream")
    tmp = path.with_name(path.name + ".part")
    total, items = _items(archive, query, departments)
    history = history or (lambda ids: imported_history(archive.engine, ids))
    kid, key = bundle.signing_key(archive.keyring)
    manifest_csv = io.StringIO()
    writer = csv.writer(manifest_csv)
    writer.writerow(MANIFEST_FIELDS)
    records: list[dict[str, Any]] = []
    done = 0
    with zipfile.ZipFile(tmp if stream is None else stream, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        batch: list[SearchItem] = []

        def flush() -> None:
            nonlocal done
            decisions = history([i.id for i in batch])
            for item in batch:
                name = f"{item.id}.eml"
                with zf.open(name, "w") as out:
                    out.write(archive.open(item.id))
                records.append(_record(item, name, list(decisions.get(item.id, []))))
                writer.writerow([csv_cell(v) for v in (
                    item.id, item.sha256, item.date, item.sender, " ".join(item.recipients), item.subject,
                    item.direction, item.verdict, " ".join(item.rules), item.event)])
                done += 1
                if progress:
                    progress(done, total)
            batch.clear()

        for item in items:
            batch.append(item)
            if len(batch) >= 200:
                flush()
        flush()
        manifest = {"format": bundle.FORMAT, "version": bundle.VERSION, "created_at": time.time(),
                    "count": done, "records": records}
        data = bundle.manifest_bytes(manifest)
        zf.writestr(bundle.MANIFEST, data)
        zf.writestr(bundle.SIGNATURE, bundle.signature_doc(kid, key, data))
        zf.writestr("manifest.csv", manifest_csv.getvalue())
    if stream is None:
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
