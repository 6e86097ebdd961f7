"""Archive hot-path micro-benchmark (run on demand, not a test): CPU per accepted message.

Measures process CPU time (``time.process_time``, best of N) per message of what the gateway
spends in the archive for each accepted message:

  * ``Archive.index_tokens(subject, attachment names, texts)`` with the texts ``rules.content.parse``
    yields, for the load benchmark's 4 KB message (English + Chinese) and for every message of
    tests/corpus_mail_gem; "warm" reuses the archive's hasher (the gateway's steady state, common
    words already hashed), "cold" starts every call with a fresh hasher;
  * ``Archive.seal(raw)`` of the 4 KB message;
  * ``Archive.insert_record(conn, sealed, meta, tokens)`` in batches of 50 per transaction (the
    gateway's group commit) on SQLite (file database, WAL, set up by ``gateway.db.open_engine``)
    and on PostgreSQL (a scratch database created and dropped here).

    .venv/bin/python bench/bench_archive_hot.py
    .venv/bin/python bench/bench_archive_hot.py --no-pg
    # before/after: an older archive/ package, run alternately with this tree's
    .venv/bin/python bench/bench_archive_hot.py --baseline-rev HEAD    # archive/ as committed
    .venv/bin/python bench/bench_archive_hot.py --baseline /tmp/old    # a copy: /tmp/old/archive/...

With ``--baseline`` each implementation runs in its own process, alternating ``--runs`` times
(the machine may be shared: alternating and keeping the best of each is fairer than two runs
minutes apart); it also checks that both produce the same index tokens for the same key.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_load import make_message  # the load message, from beside this file

REPO = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("MAILWARDEN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BATCH = 50

METRICS = (
    ("tokens_load_warm", "index_tokens, load message, warm hasher"),
    ("tokens_load_cold", "index_tokens, load message, fresh hasher"),
    ("tokens_load_full", "index_tokens, load message, near-full cache"),
    ("tokens_corpus_warm", "index_tokens, corpus average, warm hasher"),
    ("tokens_corpus_cold", "index_tokens, corpus average, fresh hasher"),
    ("seal_load", "seal, 4 KB load message"),
    ("insert_sqlite", "insert_record, SQLite, 50/transaction"),
    ("insert_pg", "insert_record, PostgreSQL, 50/transaction"),
)


def corpus_files() -> list[Path]:
    root = REPO / "tests" / "corpus_mail_gem"
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "LICENSE")


def best_per_call(fn, calls: int, repeat: int) -> float:  # noqa: ANN001
    """Best (over ``repeat`` samples) CPU seconds per call of ``fn()`` run ``calls`` times."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for _ in range(calls):
            fn()
        best = min(best, (time.process_time() - t0) / calls)
    return best


# ---------------------------------------------------------------- one implementation ----
def record_meta(message, raw: bytes):  # noqa: ANN001, ANN201
    """What gateway/pipeline.py ``_record_meta`` builds for an accepted, delivered message."""
    from archive.service import RecordMeta

    return RecordMeta(
        message_id=message.message_id or "", mail_from="alice@example.com", rcpt_tos=["bob@example.com"],
        header_from=", ".join(message.from_addresses), header_to=list(message.to_addresses),
        header_cc=list(message.cc_addresses), date=message.date, size=len(raw), direction="outbound",
        verdict="delivered", rules=[], department=None,
        attachments=[(a.name, a.true_type) for a in message.attachments], subject=message.subject,
        event="accepted",
    )


def make_archive(url: str, root: Path):  # noqa: ANN201
    from archive.blobstore import FilesystemBlobStore
    from archive.keyring import KeyRing
    from archive.service import Archive, create_schema
    from gateway.db import open_engine

    engine = open_engine(url)
    create_schema(engine)
    return Archive(engine, FilesystemBlobStore(root / "blobs"), KeyRing.open(root / "keys"))


def bench_tokens(archive, parsed, calls: int, repeat: int, cold: bool, full: bool = False) -> float:  # noqa: ANN001
    """CPU per message of index_tokens. ``full``: a long-running gateway's hasher, its cache
    near its limit, and every message bringing a word it has not seen (a number in the subject)."""
    from archive.tokens import Hasher

    key = archive.keyring.index_key
    items = [(m.subject, [a.name for a in m.attachments], m.texts) for m in parsed]
    if full:
        archive.hasher = Hasher(key)
        archive.index_tokens("", [], [" ".join(f"filler{i}" for i in range(150_000))])
    serial = iter(range(10**9))

    def run() -> None:
        for subject, names, texts in items:
            if cold:
                archive.hasher = Hasher(key)
            archive.index_tokens(f"{subject} {next(serial)}" if full else subject, names, texts)

    run()   # warm-up (and the warm hasher's cache)
    return best_per_call(run, calls, repeat) / len(items)


def bench_insert(archive, rounds: int, batches: int) -> float:  # noqa: ANN001
    """CPU per message of insert_record, ``batches`` transactions of BATCH per round, best round."""
    from rules.content import parse

    best = float("inf")
    n = 0
    for _ in range(rounds + 1):   # the first round warms up (statement caches, pool)
        work = []
        for _ in range(batches * BATCH):
            raw = make_message(4096, n)
            n += 1
            message = parse(raw)
            sealed = archive.seal(raw)
            archive.write_blob(sealed)      # the committer's prepare step, outside the transaction
            tokens = archive.index_tokens(message.subject, [a.name for a in message.attachments], message.texts)
            work.append((sealed, record_meta(message, raw), tokens))
        t0 = time.process_time()
        for b in range(batches):
            with archive.engine.begin() as conn:
                for sealed, meta, tokens in work[b * BATCH : (b + 1) * BATCH]:
                    archive.insert_record(conn, sealed, meta, tokens)
        spent = (time.process_time() - t0) / len(work)
        if n > len(work):
            best = min(best, spent)
    report = archive.verify(check_blobs=False)
    if not report.ok or report.checked != n:
        raise SystemExit(f"chain does not verify: {report}")
    return best


def pg_database():  # noqa: ANN201
    """(url, drop) of a scratch PostgreSQL database."""
    import sqlalchemy as sa

    name = "mw_hot_" + secrets.token_hex(4)
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    return url, drop


def tokens_digest(parsed) -> str:  # noqa: ANN001
    """A digest of the index tokens of every message under a fixed key (implementations must agree)."""
    from archive.tokens import Hasher

    h = hashlib.sha256()
    for m in parsed:
        hasher = Hasher(b"bench-key" * 4)
        texts = [str(n) for n in (a.name for a in m.attachments) if n] + [t[-1] for t in m.texts if t[-1]]
        h.update(" ".join(hasher.document(m.subject or "", texts)).encode() + b"\n")
    return h.hexdigest()


def measure(args: argparse.Namespace) -> dict[str, float | str]:
    from rules.content import parse

    out: dict[str, float | str] = {}
    tmp = Path(tempfile.mkdtemp(prefix="mw-hot-"))
    try:
        archive = make_archive(f"sqlite:///{tmp / 'sqlite' / 'archive.db'}", tmp / "sqlite")
        load = parse(make_message(4096, 1))
        corpus = [parse(p.read_bytes()) for p in corpus_files()]
        for m in [load, *corpus]:     # parse outside the timings (the rules engine did it already)
            _ = (m.subject, m.attachments, m.texts)
        out["tokens_digest"] = tokens_digest([load, *corpus])
        out["tokens_load_warm"] = bench_tokens(archive, [load], args.calls, args.repeat, cold=False)
        out["tokens_load_cold"] = bench_tokens(archive, [load], args.calls, args.repeat, cold=True)
        out["tokens_load_full"] = bench_tokens(archive, [load], args.calls, args.repeat, cold=False, full=True)
        out["tokens_corpus_warm"] = bench_tokens(archive, corpus, max(1, args.calls // 10), args.repeat, cold=False)
        out["tokens_corpus_cold"] = bench_tokens(archive, corpus, max(1, args.calls // 10), args.repeat, cold=True)
        raw = make_message(4096, 2)
        archive.seal(raw)
        out["seal_load"] = best_per_call(lambda: archive.seal(raw), args.calls, args.repeat)
        out["insert_sqlite"] = bench_insert(archive, args.rounds, args.batches)
        archive.engine.dispose()
        if not args.no_pg:
            url, drop = pg_database()
            try:
                archive = make_archive(url, tmp / "pg")
                out["insert_pg"] = bench_insert(archive, args.rounds, args.batches)
                archive.engine.dispose()
            finally:
                drop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


# ---------------------------------------------------------------- driver ----------------
def show(columns: dict[str, dict[str, float | str]]) -> None:
    names = list(columns)
    print(f"{'CPU µs per message':46}" + "".join(f"{n:>14}" for n in names)
          + ("      change" if len(names) == 2 else ""))
    for key, label in METRICS:
        values = [columns[n].get(key) for n in names]
        if all(v is None for v in values):
            continue
        line = f"{label:46}" + "".join(f"{v * 1e6:14.1f}" if isinstance(v, float) else f"{'-':>14}"
                                       for v in values)
        if len(values) == 2 and all(isinstance(v, float) for v in values):
            line += f"{(values[1] / values[0] - 1) * 100:+11.0f}%"
        print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=200, help="calls per timing sample (corpus: a tenth)")
    ap.add_argument("--repeat", type=int, default=7, help="samples; the best is kept")
    ap.add_argument("--rounds", type=int, default=3, help="insert rounds; the best is kept")
    ap.add_argument("--batches", type=int, default=4, help="transactions of 50 records per insert round")
    ap.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    ap.add_argument("--baseline", help="folder holding an older archive/ package to compare with")
    ap.add_argument("--baseline-rev", help="git revision whose archive/ package to compare with")
    ap.add_argument("--runs", type=int, default=2, help="alternating runs per implementation (--baseline)")
    ap.add_argument("--impl", help=argparse.SUPPRESS)       # child: import archive/ from here
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    sys.path.insert(0, str(REPO))
    if args.impl:
        sys.path.insert(0, args.impl)

    if args.baseline_rev:
        folder = tempfile.mkdtemp(prefix="mw-hot-base-")
        try:
            tree = subprocess.run(["git", "-C", str(REPO), "archive", args.baseline_rev, "archive"],
                                  check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", folder], input=tree, check=True)
            args.baseline = folder
            args.baseline_rev = None
            run_compared(args)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    if args.baseline:
        run_compared(args)
        return

    result = measure(args)
    if args.json:
        print(json.dumps(result))
        return
    import archive

    show({Path(archive.__file__).parent.parent.name: result})
    print("tokens digest:", result["tokens_digest"])


def run_compared(args: argparse.Namespace) -> None:
    """The baseline and this tree, each in its own process, alternately; the best of each."""
    passthrough = [f"--calls={args.calls}", f"--repeat={args.repeat}", f"--rounds={args.rounds}",
                   f"--batches={args.batches}"] + (["--no-pg"] if args.no_pg else [])
    impls = {"baseline": str(Path(args.baseline).resolve()), "current": str(REPO)}
    columns: dict[str, dict[str, float | str]] = {n: {} for n in impls}
    for _ in range(args.runs):
        for name, path in impls.items():
            proc = subprocess.run([sys.executable, __file__, "--json", f"--impl={path}", *passthrough],
                                  check=True, capture_output=True, text=True)
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            for key, value in result.items():
                old = columns[name].get(key)
                columns[name][key] = value if old is None or isinstance(value, str) else min(old, value)
    show(columns)
    same = columns["baseline"]["tokens_digest"] == columns["current"]["tokens_digest"]
    print("index tokens identical:", "yes" if same else "NO")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
