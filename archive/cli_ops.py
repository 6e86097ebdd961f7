"""Plain functions behind ``mailwarden archive …`` and ``mailwarden keys rotate``.

The gateway CLI builds an :class:`~archive.service.Archive` from settings and calls these; they
return data (for tests and JSON output) and, when ``echo`` is set, print a human summary with
tqdm progress bars on stderr -- or, when stderr is not a terminal, a progress log line every
``PROGRESS_EVERY`` seconds (``MAILWARDEN_PROGRESS_EVERY``), so a job under cron or systemd
says how far it got.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from typing import Any

from tqdm import tqdm

from archive import bundle as _bundle
from archive import export as _export
from archive import importer as _importer
from archive.retention import Forget, PurgeReport, Retention, StillNeeded
from archive.service import Archive, RotationReport, SearchPage, VerifyReport

Echo = Callable[[str], None]
log = logging.getLogger("mailwarden.progress")


def _print(text: str) -> None:
    print(text)


@contextmanager
def _bar(desc: str, enabled: bool, total: int | None = None):
    """A progress bar on a terminal; elsewhere (a service manager, cron, a pipe) a log line
    every PROGRESS_EVERY seconds and one at the end, so a long job is never silent."""
    if not enabled:
        reporter = _LogProgress(desc, total)
        try:
            yield reporter.update
        finally:
            reporter.finish()
        return
    bar = tqdm(total=total, desc=desc, unit="msg", file=sys.stderr, dynamic_ncols=True)

    def update(done: int, total_now: int | None = None) -> None:
        if total_now is not None and bar.total != total_now:
            bar.total = total_now
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()


@contextmanager
def _counter(desc: str, enabled: bool):
    """Like :func:`_bar` for jobs that count up without a total: yields ``add(n)``."""
    if not enabled:
        reporter = _LogProgress(desc, None)
        try:
            yield reporter.add
        finally:
            reporter.finish()
        return
    with tqdm(desc=desc, unit="msg", file=sys.stderr, dynamic_ncols=True) as bar:
        yield bar.update


PROGRESS_EVERY = float(os.environ.get("MAILWARDEN_PROGRESS_EVERY", "") or 10.0)   # seconds between log lines


class _LogProgress:
    """Progress as log lines: ``{"msg": "progress", "job": ..., "state": "progress"|"done", "done": n}``."""

    def __init__(self, desc: str, total: int | None):
        self.desc, self.total, self.done = desc, total, 0
        self.started = self.last = time.monotonic()

    def update(self, done: int, total_now: int | None = None) -> None:
        self.done = done
        if total_now is not None:
            self.total = total_now
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY:
            self.last = now
            self._log("progress")

    def add(self, n: int = 1) -> None:
        self.update(self.done + n)

    def finish(self) -> None:
        if time.monotonic() - self.started >= PROGRESS_EVERY or self.done:
            self._log("done")

    def _log(self, state: str) -> None:
        log.info("progress", extra={"job": self.desc, "state": state, "done": self.done, "total": self.total,
                                    "seconds": round(time.monotonic() - self.started, 1)})


def search(archive: Archive, q: str, *, limit: int = 20, cursor: str | None = None, as_json: bool = False,
           echo: Echo | None = _print, departments: Iterable[str] | None = None,
           exact_total: bool = False) -> SearchPage:
    page = archive.search(q, cursor=cursor, limit=limit, departments=departments, exact_total=exact_total)
    if echo:
        if as_json:
            echo(json.dumps(page.to_dict(), ensure_ascii=False, indent=1))
        else:
            for item in page.items:
                att = f" [{len(item.attachments)} att]" if item.attachments else ""
                echo(f"{item.id:>8}  {item.date}  {item.direction or '-':8} {item.verdict or '-':11} "
                     f"{item.sender} -> {', '.join(item.recipients)}  {item.subject}{att}")
            count = f"{page.total}" if page.total_exact else f"more than {page.total}"
            echo(f"{count} match(es)" + (f"; next page: --cursor {page.next}" if page.next else ""))
    return page


def verify(archive: Archive, *, progress: bool = True, echo: Echo | None = _print,
           check_blobs: bool = True) -> VerifyReport:
    with _bar("verify", progress) as update:
        report = archive.verify(progress=update, check_blobs=check_blobs)
    if echo:
        for line in describe_broken("record", report.broken):
            echo(line)
        echo(f"{report.checked} records checked: " + ("OK" if report.ok else f"{len(report.broken)} problem(s)"))
    return report


def export(archive: Archive, q: str, path: str, *, fmt: str = "zip", progress: bool = True,
           echo: Echo | None = _print, departments: Iterable[str] | None = None,
           history: _export.History | None = None) -> int:
    if fmt not in ("zip", "mbox"):
        raise ValueError("format must be zip or mbox")
    with _bar("export", progress) as update:
        if fmt == "zip":
            count = _export.export_zip(archive, q, path, progress=update, departments=departments, history=history)
        else:
            count = _export.export_mbox(archive, q, path, progress=update, departments=departments)
    if echo:
        echo(f"exported {count} message(s) to {path}")
        if fmt == "zip":
            echo(f"signed with {export_key(archive, echo=None)} (verify on import: --public-key)")
    return count


def export_key(archive: Archive, *, echo: Echo | None = _print) -> str:
    """This instance's export signing public key (what another instance pins on import)."""
    _kid, key = _bundle.signing_key(archive.keyring)
    text = _bundle.public_key_text(key)
    if echo:
        echo(text)
    return text


def rotate_keys(archive: Archive, *, batch_size: int = 500, progress: bool = True,
                echo: Echo | None = _print) -> RotationReport:
    with _bar("re-wrap data keys", progress) as update:
        report = archive.rotate_keys(batch_size=batch_size, progress=update)
    if echo:
        if report.new_kid:
            echo(f"new master key {report.new_kid} is active")
        else:
            echo(f"continued an unfinished rotation to {archive.keyring.active_kid}")
        echo(f"{report.rewrapped} data key(s) re-wrapped; old keys can be retired once unused: "
             + ", ".join(k for k in archive.keyring.key_ids() if k != archive.keyring.active_kid))
    return report


def rebuild_index(archive: Archive, *, progress: bool = True, echo: Echo | None = _print) -> None:
    """Re-key the blind index after `keys rotate-derived index` (resumable; serve does it too)."""
    with _bar("re-key the blind index", progress) as update:
        report = archive.rebuild_index(progress=update)
    if echo:
        if report.version is None:
            echo("no new index key is being built")
        else:
            echo(f"blind index re-keyed to version {report.version}: {report.rebuilt} record(s)")


def retire_key(archive: Archive, kid: str, *, echo: Echo | None = _print) -> None:
    archive.retire_key(kid)
    if echo:
        echo(f"master key {kid} retired")


def purge(archive: Archive, rules: Iterable[Mapping[str, Any]] = (), *, default_days: int = 2555,
          now: float | None = None, progress: bool = True, echo: Echo | None = _print,
          still_needed: StillNeeded | None = None, dry_run: bool = False, as_json: bool = False,
          forget: Forget | None = None) -> PurgeReport:
    """Purge (or with ``dry_run`` compute exactly what a purge would remove, removing nothing)."""
    retention = Retention(archive, rules, default_days, still_needed=still_needed, forget=forget)
    if dry_run:
        report = retention.plan(now=now)
    else:
        with _bar("purge", progress) as update:
            report = retention.purge(now=now, progress=update)
    if echo:
        if as_json:
            echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
        else:
            for line in purge_summary(report):
                echo(line)
    return report


def purge_summary(report: PurgeReport, first: int = 20) -> list[str]:
    """The human lines of a purge report (what ``archive purge [--dry-run]`` prints)."""
    verb = "would purge" if report.dry_run else "purged"
    lines = [f"{verb} {report.purged} record(s), {report.blobs_deleted} blob(s); expired but kept: "
             f"{report.held} by legal hold, {report.needed} still needed (held in quarantine or queued)"]
    for (rule, direction), count in sorted(report.by_rule.items()):
        lines.append(f"  {count:>8}  {direction or '-':8}  {rule}")
    if report.purged_ids:
        more = " …" if len(report.purged_ids) > first else ""
        lines.append("first ids: " + " ".join(str(i) for i in report.purged_ids[:first]) + more)
    if report.dry_run:
        lines.append("dry run: nothing deleted")
    return lines


def import_path(archive: Archive, path: str, *, event: str = "imported", progress: bool = True,
                echo: Echo | None = _print, public_key: str | None = None) -> _importer.ImportReport:
    with _counter("import", progress) as add:
        report = _importer.import_path(archive, path, event=event, progress=lambda n, _w: add(1),
                                       public_key=public_key)
    if echo:
        if report.signer:
            echo(f"signed export verified: signed by {report.signer}"
                 + ("" if public_key else " (pin it with --public-key to require that signer)"))
        echo(f"imported {report.imported}, skipped {report.skipped} already archived, failed {report.failed}")
        for err in report.errors:
            echo(f"  {err}")
    return report


def index(archive: Archive, *, batch: int = 500, progress: bool = True) -> int:
    """Index everything pending now (the background worker does the same in a loop)."""
    total = 0
    with _counter("index", progress) as add:
        while True:
            n = archive.index_pending(batch)
            if not n:
                return total
            total += n
            add(n)


def place_hold(archive: Archive, kind: str, value: str, reason: str, by: str) -> int:
    return Retention(archive).place_hold(kind, value, reason, by)


def release_hold(archive: Archive, hold_id: int, by: str, reason: str = "") -> None:
    Retention(archive).release_hold(hold_id, by, reason)


def holds(archive: Archive, active_only: bool = False) -> list[dict[str, Any]]:
    return Retention(archive).holds(active_only=active_only)


def run_indexer(archive: Archive, interval: float = 1.0, stop: Callable[[], bool] = lambda: False) -> None:
    """Background loop for the gateway: index pending records until ``stop()`` is true."""
    while not stop():
        if not archive.index_pending():
            time.sleep(interval)


def describe_broken(what: str, broken: list[tuple[int, str]]) -> list[str]:
    """``BROKEN <what> <id>: <why>`` lines, the first broken one first; a run of rows broken for
    the same reason (a rewritten chain) is one line, so a million rewritten rows stay readable."""
    lines: list[str] = []
    run: list[Any] = []   # [first id, last id, why]
    for row_id, why in broken:
        if run and why == run[2] and row_id in (run[1], run[1] + 1):
            run[1] = row_id
            continue
        if run:
            lines.append(_broken_line(what, run))
        run = [row_id, row_id, why]
    if run:
        lines.append(_broken_line(what, run))
    return lines


def _broken_line(what: str, run: list[Any]) -> str:
    first, last, why = run
    ids = f"{first}" if first == last else f"{first}-{last}"
    plural = "s" if first != last else ""
    return f"BROKEN {what}{plural} {ids}: {why}"
