"""Archive benchmark (on demand, not a test).

Builds an archive of synthetic mixed Chinese/English mail on SQLite and reports:
  * CPU ms per 50 KB message for seal + write_blob + insert_record (group commit, fsync);
  * the background indexer's rate, and the bulk ingest rate with the index written at insert
    (as the gateway does), and the database and blind-index size per message;
  * first-page latency p50/p95/p99 (with total count) for typical queries.

    .venv/bin/python bench/bench_archive.py --count 20000            # quick
    .venv/bin/python bench/bench_archive.py --count 1000000 --dir /big/disk/bench
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.blobstore import FilesystemBlobStore  # noqa: E402
from archive.keyring import KeyRing  # noqa: E402
from archive.mime import meta_from_raw, simple_text_extractor  # noqa: E402
from archive.service import Archive, RecordMeta, SealedMessage, create_schema  # noqa: E402

CN_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"
    "方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应"
    "开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命"
    "此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求"
    "老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光"
    "门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速"
    "花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需"
    "段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感"
)
EN_WORDS = [
    "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
    "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "they", "you", "were",
    "her", "she", "there", "been", "one", "all", "we", "their", "has", "would", "when", "if", "so", "no",
    "will", "more", "can", "about", "said", "up", "meeting", "budget", "contract", "invoice", "shipment",
    "quarterly", "report", "review", "approval", "payment", "supplier", "customer", "delivery", "schedule",
    "project", "deadline", "confidential", "proposal", "agreement", "signature", "draft", "revision",
    "forecast", "revenue", "margin", "audit", "compliance", "policy", "security", "incident", "password",
    "account", "transfer", "wire", "bank", "statement", "purchase", "order", "quote", "pricing", "discount",
    "warehouse", "inventory", "logistics", "freight", "customs", "export", "license", "partner", "vendor",
    "onboarding", "training", "workshop", "conference", "travel", "expense", "reimbursement", "salary",
    "bonus", "hiring",
]


def make_vocab(rng: random.Random) -> tuple[list[str], list[str]]:
    en = EN_WORDS + ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 10)))
                     for _ in range(5000)]
    cn = sorted({rng.choice(CN_CHARS) + rng.choice(CN_CHARS) for _ in range(3000)}) + ["合同", "采购", "会议", "报告"]
    return en, cn


def zipf_weights(n: int) -> list[float]:
    return [1.0 / (i + 1) ** 1.05 for i in range(n)]


class Corpus:
    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.en, self.cn = make_vocab(self.rng)
        self.en_w = list(itertools.accumulate(zipf_weights(len(self.en))))   # cumulative weights
        self.cn_w = list(itertools.accumulate(zipf_weights(len(self.cn))))
        self.domains = [f"d{i}.example" for i in range(20)] + ["corp.example"]
        self.people = [f"user{i}@{self.rng.choice(self.domains)}" for i in range(500)]

    def text(self, chars: int) -> str:
        rng = self.rng
        out, size = [], 0
        while size < chars:
            if rng.random() < 0.5:
                words = rng.choices(self.en, cum_weights=self.en_w, k=12)
                line = " ".join(words).capitalize() + "."
            else:
                line = "".join(rng.choices(self.cn, cum_weights=self.cn_w, k=10)) + "。"
            out.append(line)
            size += len(line.encode())
        return "\n".join(out)

    def fast_message(self, n: int, body_bytes: int) -> tuple[bytes, RecordMeta]:
        """Bulk-load message: raw bytes and its metadata built directly (no MIME parsing)."""
        rng = self.rng
        if not hasattr(self, "_pool"):
            self._pool = [self.text(400) for _ in range(3000)]
        sender = rng.choice(self.people)
        rcpts = rng.sample(self.people, rng.randint(1, 3))
        subject = (" ".join(rng.choices(self.en, cum_weights=self.en_w, k=3)) + " "
                   + "".join(rng.choices(self.cn, cum_weights=self.cn_w, k=2)))
        body = "\n".join(rng.choices(self._pool, k=max(1, body_bytes // 450)))
        attach = rng.random() < 0.1
        head = (f"From: {sender}\nTo: {', '.join(rcpts)}\nSubject: {subject}\nMessage-ID: <bench{n}@corp.example>\n"
                "Date: Mon, 02 Mar 2026 10:00:00 +0000\nMIME-Version: 1.0\n")
        if attach:
            raw = (head + 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n'
                   "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + body
                   + f'\n--b1\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; '
                   f'filename="report-{n}.txt"\nContent-Transfer-Encoding: 8bit\n\n'
                   + rng.choice(self._pool) + "\n--b1--\n")
        else:
            raw = head + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + body + "\n"
        data = raw.encode()
        meta = RecordMeta(
            message_id=f"<bench{n}@corp.example>", mail_from=sender, rcpt_tos=rcpts, header_from=sender,
            header_to=rcpts, date="Mon, 02 Mar 2026 10:00:00 +0000", size=len(data),
            direction=rng.choice(("inbound", "outbound", "internal")),
            verdict=rng.choices(("delivered", "quarantined", "rejected", "released"), (90, 5, 4, 1))[0],
            rules=rng.sample(["dlp-contract", "pci-card", "spam-score", "confidential"], rng.randint(0, 1)),
            department=rng.choice(("sales", "legal", "purchasing", "it")),
            attachments=[(f"report-{n}.txt", "text/plain")] if attach else [], subject=subject, event="accepted",
        )
        return data, meta

    def message(self, n: int, body_bytes: int) -> tuple[bytes, dict]:
        rng = self.rng
        msg = EmailMessage()
        sender = rng.choice(self.people)
        rcpts = rng.sample(self.people, rng.randint(1, 3))
        msg["From"], msg["To"] = sender, ", ".join(rcpts)
        subject = (" ".join(rng.choices(self.en, cum_weights=self.en_w, k=3)) + " "
                   + "".join(rng.choices(self.cn, cum_weights=self.cn_w, k=2)))
        msg["Subject"] = subject
        msg["Message-ID"] = f"<bench{n}@corp.example>"
        msg["Date"] = "Mon, 02 Mar 2026 10:00:00 +0000"
        msg.set_content(self.text(body_bytes), cte="8bit")
        attach = rng.random() < 0.1
        if attach:
            msg.add_attachment(self.text(1500).encode(), maintype="text", subtype="plain",
                               filename=f"report-{n}.txt")
        extra = {
            "direction": rng.choice(("inbound", "outbound", "internal")),
            "verdict": rng.choices(("delivered", "quarantined", "rejected", "released"), (90, 5, 4, 1))[0],
            "rules": rng.sample(["dlp-contract", "pci-card", "spam-score", "confidential"], rng.randint(0, 1)),
            "department": rng.choice(("sales", "legal", "purchasing", "it")),
        }
        return msg.as_bytes(), extra


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def db_bytes(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        size = conn.exec_driver_sql("PRAGMA page_size").scalar()
        return int(pages) * int(size)


def fts_bytes(engine: sa.Engine) -> int | None:
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql(
                "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'archive_fts%'").scalar() or 0)
    except sa.exc.DBAPIError:
        return None


def open_archive(root: Path, create: bool = True) -> Archive:
    engine = sa.create_engine(f"sqlite:///{root / 'archive.db'}")

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # noqa: ANN001
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA cache_size=-200000")
        cur.close()

    if create:
        create_schema(engine)
    keyring = KeyRing.open(root / "keys")
    return Archive(engine, FilesystemBlobStore(root / "blobs"), keyring, simple_text_extractor)


def bench_hot_path(archive: Archive, corpus: Corpus, n: int, batch: int) -> None:
    msgs = []
    for i in range(n):
        raw, extra = corpus.message(10_000_000 + i, 50_000)
        msgs.append((raw, meta_from_raw(raw, event="accepted", **extra)))
    sizes = [len(r) for r, _ in msgs]
    seal_cpu = write_cpu = insert_cpu = 0.0
    wall0 = time.perf_counter()
    for start in range(0, n, batch):
        with archive.engine.begin() as conn:
            for raw, meta in msgs[start : start + batch]:
                c0 = time.process_time()
                sealed = archive.seal(raw)
                c1 = time.process_time()
                archive.write_blob(sealed)
                c2 = time.process_time()
                archive.insert_record(conn, sealed, meta)
                c3 = time.process_time()
                seal_cpu += c1 - c0
                write_cpu += c2 - c1
                insert_cpu += c3 - c2
    wall = time.perf_counter() - wall0
    print(f"hot path, {n} messages of ~{statistics.mean(sizes) / 1024:.0f} KB, group commit {batch}:")
    print(f"  CPU per message: seal {seal_cpu / n * 1000:.2f} ms + write_blob {write_cpu / n * 1000:.2f} ms"
          f" + insert_record {insert_cpu / n * 1000:.2f} ms = {(seal_cpu + write_cpu + insert_cpu) / n * 1000:.2f} ms")
    print(f"  wall incl. fsync and commits: {n / wall:.0f} msgs/s ({wall / n * 1000:.2f} ms/msg)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=20_000, help="messages in the archive")
    ap.add_argument("--body", type=int, default=3000, help="body bytes of the bulk corpus messages")
    ap.add_argument("--batch", type=int, default=50, help="messages per transaction (group commit)")
    ap.add_argument("--hot", type=int, default=1000, help="50 KB messages for the hot-path CPU measurement")
    ap.add_argument("--queries", type=int, default=30, help="repetitions per query")
    ap.add_argument("--dir", default=None, help="work directory (default: a temp dir, removed afterwards)")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--queries-only", action="store_true",
                    help="reuse the archive already built in --dir and only time the queries")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                    help="worker processes generating, sealing and tokenising the bulk load")
    args = ap.parse_args()

    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench_archive_"))
    root.mkdir(parents=True, exist_ok=True)
    archive = open_archive(root)
    corpus = Corpus()
    print(f"archive bench: {args.count} messages in {root}")

    if not args.queries_only:
        build_archive(archive, corpus, args, root)
    run_queries(archive, corpus, args)
    if not args.keep and not args.dir:
        shutil.rmtree(root, ignore_errors=True)
    print(f"cpu count {os.cpu_count()}")


_WORKER: dict[str, object] = {}


def _worker_init(root: str, count: int, body: int) -> None:
    _WORKER["archive"] = open_archive(Path(root), create=False)
    _WORKER["archive"].blob_store._fsync = False
    _WORKER["args"] = (count, body)


def _worker_chunk(span: tuple[int, int]) -> list[tuple[SealedMessage, RecordMeta, list[str]]]:
    """Generate, seal, store and tokenise messages [lo, hi): the CPU-heavy half of ingest."""
    archive: Archive = _WORKER["archive"]  # type: ignore[assignment]
    count, body = _WORKER["args"]  # type: ignore[misc]
    lo, hi = span
    corpus = Corpus()
    corpus.rng.seed(lo)
    out = []
    for n in range(lo, hi):
        raw, meta = corpus.fast_message(n, body)
        meta.received_at = BASE_TIME + SPAN * n / count
        sealed = archive.seal(raw)
        archive.write_blob(sealed)
        sealed.blob = b""   # on disk now; only the record fields travel back
        tokens = archive.index_tokens(meta.subject, [a for a, _ in meta.attachments], simple_text_extractor(raw))
        out.append((sealed, meta, tokens))
    return out


BASE_TIME = 1_700_000_000.0
SPAN = 2 * 365 * 86400.0


def build_archive(archive: Archive, corpus: Corpus, args: argparse.Namespace, root: Path) -> None:
    bench_hot_path(archive, corpus, args.hot, args.batch)

    # The hot-path messages went in without tokens, as a caller that has not parsed the
    # message would: the background indexer's rate is measured on them.
    t0 = time.perf_counter()
    indexed = archive.index_pending(args.hot)
    wall = time.perf_counter() - t0
    print(f"background indexer (decrypt + parse + hash + write), 50 KB messages: {indexed / wall:.0f} msgs/s")

    # Bulk load like the gateway: tokens computed where the text is at hand, written with the
    # record. Worker processes generate, seal and tokenise; this process is the single writer.
    before = db_bytes(archive.engine)
    t0 = time.perf_counter()
    done = 0
    chunk = 500
    spans = [(lo, min(lo + chunk, args.count)) for lo in range(0, args.count, chunk)]
    with multiprocessing.get_context("fork").Pool(
            args.jobs, initializer=_worker_init, initargs=(str(root), args.count, args.body)) as pool:
        for results in pool.imap(_worker_chunk, spans):
            with archive.engine.begin() as conn:
                for sealed, meta, tokens in results:
                    archive.insert_record(conn, sealed, meta, tokens)
            done += len(results)
            if done % 50_000 < chunk:
                print(f"  ingested {done} ({done / (time.perf_counter() - t0):.0f} msgs/s)", flush=True)
    wall = time.perf_counter() - t0
    after = db_bytes(archive.engine)
    fts = fts_bytes(archive.engine)
    total_records = args.count + args.hot
    print(f"bulk ingest with index ({args.jobs} worker processes + 1 writer, incl. synthetic mail generation): "
          f"{args.count / wall:.0f} msgs/s; database grew {(after - before) / max(args.count, 1):.0f} B/msg"
          + (f"; FTS tables {fts / total_records:.0f} B/msg" if fts else "")
          + f"; database total {after / total_records:.0f} B/msg")
    with archive.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")


def run_queries(archive: Archive, corpus: Corpus, args: argparse.Namespace) -> None:
    cn_common = corpus.cn[0] if corpus.cn[0] != "合同" else corpus.cn[1]
    queries = [
        ("browse newest", ""),
        ("common English word", "the"),
        ("English word", "budget"),
        ("rare word", corpus.en[4000]),
        ("two words", "contract approval"),
        ("English phrase", '"purchase order"'),
        ("Chinese 2-char word", "合同"),
        ("Chinese single char", "采"),
        ("Chinese 4-char phrase", cn_common + corpus.cn[2]),
        ("subject word", "subject:budget"),
        ("from: address", f"from:{corpus.people[3]}"),
        ("from: domain + word", "from:d3.example meeting"),
        ("from: address + word", f"from:{corpus.people[3]} meeting"),
        ("filters + word", "direction:outbound has:attachment 合同"),
        ("date range + word", "after:2024-01-01 before:2024-03-01 invoice"),
        ("rule + verdict", "rule:dlp-contract verdict:quarantined"),
    ]
    print(f"queries (first page of 50 incl. total, {args.queries} runs each):")
    print(f"  {'query':<28}{'total':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for label, q in queries:
        times = []
        total = ""
        for _ in range(args.queries):
            q0 = time.perf_counter()
            page = archive.search(q, limit=50)
            times.append((time.perf_counter() - q0) * 1000)
            total = f"{page.total}" + ("" if page.total_exact else "+")
        print(f"  {label:<28}{total:>9}{pct(times, 50):>9.1f}{pct(times, 95):>9.1f}{pct(times, 99):>9.1f}")
    print("exact totals (exact_total=True, what an auditor asks for when the count itself matters):")
    for label, q in queries[:2] + queries[8:9]:
        q0 = time.perf_counter()
        page = archive.search(q, limit=50, exact_total=True)
        print(f"  {label:<28}{page.total:>9}{(time.perf_counter() - q0) * 1000:>9.1f} ms")
    # second page via cursor
    page = archive.search("合同", limit=50)
    q0 = time.perf_counter()
    archive.search("合同", limit=50, cursor=page.next)
    print(f"  second page (cursor) of 合同: {(time.perf_counter() - q0) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
