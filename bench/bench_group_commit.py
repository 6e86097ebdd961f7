"""Group-commit micro-benchmark (run on demand, not a test): the wait a session has for its 250.

Drives the real ``GroupCommitter`` with the gateway's acceptance work (the blob written by the
prepare step, ``Archive.insert_record`` in the transaction) on a SQLite file database, from
``--sessions`` concurrent submitters on one event loop, and prints acceptances per second and
the submit-to-commit latency, with and without the blob journal, in the same run,
alternating rounds:

  * files    — every blob file and its directory fsync'd (the store without its journal);
  * journal  — the blob journal: one append + fdatasync per batch (archive.blobjournal).

The seal (compression and encryption) is done beforehand: only the commit path is timed.

    .venv/bin/python bench/bench_group_commit.py --sessions 10 --messages 2000 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_archive_hot import make_message, record_meta  # noqa: E402


def run_once(arrangement: str, sessions: int, messages: int) -> tuple[float, list[float]]:
    from archive.blobstore import FilesystemBlobStore
    from archive.keyring import KeyRing
    from archive.service import Archive, create_schema
    from gateway.committer import GroupCommitter
    from gateway.db import open_engine
    from rules.content import parse

    root = Path(tempfile.mkdtemp(prefix="mw-gc-"))
    engine = open_engine(f"sqlite:///{root / 'gc.db'}")
    create_schema(engine)
    store = FilesystemBlobStore(root / "blobs", journal=arrangement != "files")
    archive = Archive(engine, store, KeyRing.open(root / "keys"))
    committer = GroupCommitter(engine)
    work = []
    for n in range(messages):
        raw = make_message(4096, n)
        message = parse(raw)
        work.append((archive.seal(raw), record_meta(message, raw),
                     archive.index_tokens(message.subject, [a.name for a in message.attachments], message.texts)))

    latencies: list[float] = []

    async def session(items: list) -> None:  # noqa: ANN001
        for sealed, meta, tokens in items:
            t0 = time.perf_counter()
            await committer.submit(lambda conn, s=sealed, m=meta, t=tokens: archive.insert_record(conn, s, m, t),
                                   prepare=lambda durable, s=sealed: archive.write_blob(s, batch=durable))
            latencies.append((time.perf_counter() - t0) * 1000)

    async def main() -> float:
        committer.start()
        t0 = time.perf_counter()
        await asyncio.gather(*(session(work[i::sessions]) for i in range(sessions)))
        return messages / (time.perf_counter() - t0)

    try:
        rate = asyncio.run(main())
    finally:
        committer.stop()
        store.close()
        engine.dispose()
        shutil.rmtree(root, ignore_errors=True)
    return rate, latencies


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    arrangements = ("files", "journal")
    results: dict[str, list[tuple[float, float, float]]] = {a: [] for a in arrangements}
    print(f"{args.sessions} sessions, {args.messages} acceptances of 4 KB messages per run, SQLite, "
          f"{args.rounds} alternating rounds")
    for _ in range(args.rounds):
        for arrangement in arrangements:
            rate, lat = run_once(arrangement, args.sessions, args.messages)
            lat.sort()
            p50, p95 = lat[len(lat) // 2], lat[int(len(lat) * 0.95)]
            results[arrangement].append((rate, p50, p95))
            print(f"  {arrangement:8} {rate:8.0f} acceptances/s   latency ms p50 {p50:6.2f} p95 {p95:6.2f}")
    print("medians:")
    for arrangement in arrangements:
        rows = results[arrangement]
        print(f"  {arrangement:8} {statistics.median(r[0] for r in rows):8.0f} acceptances/s   latency ms p50 "
              f"{statistics.median(r[1] for r in rows):6.2f} p95 {statistics.median(r[2] for r in rows):6.2f}")


if __name__ == "__main__":
    main()
