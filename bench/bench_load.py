"""Load benchmark (run on demand, not a test): N concurrent SMTP sessions through mailwarden.

Prints, for the same load in the same run:
  * sink       — the load sent straight to the sink (what the client + sink can do at all)
  * bare-relay — an aiosmtpd -> aiosmtplib relay that does no work (the Python floor)
  * mailwarden — the real gateway with the shipped rules, encrypted archive, durable commit
  * postfix    — Postfix relaying to the sink, when Postfix is installed (--postfix)
  * with --engines, mailwarden three times: engines off, ClamAV on, ClamAV and Rspamd on (real
    clamd and rspamd started for the run as the engine tests do; their CPU printed apart)

The sink is an aiosmtpd server, or Postfix's smtp-sink with --smtp-sink (the issue's setup:
smtp-source -> relay -> smtp-sink, with --smtp-source).

Each line: messages/second end to end (until the sink has every message), DATA latency
percentiles seen by the client, the relay's peak resident memory (all its processes) and
its CPU time per message (all its processes; unlike the rates, this does not depend on
what else the machine is doing).

    .venv/bin/python bench/bench_load.py --sessions 20 --messages 2000 --size 4096
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


# ---------------------------------------------------------------- sink (own process) -----
class PostfixSink:
    """Postfix's smtp-sink (C) as the sink, as the issue's reference measurement has it: the
    Python sink's CPU is taken from the same two cores the relays share. Its running counter
    (``-c``: "sess=N quit=N mesg=N", one per carriage return) feeds ``count``."""

    def __init__(self, port: int, count: mp.Value):  # type: ignore[valid-type]
        import threading

        self.proc = subprocess.Popen(["smtp-sink", "-c", "-u", "nobody", f"127.0.0.1:{port}", "1024"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._count = count
        threading.Thread(target=self._follow, daemon=True).start()

    def _follow(self) -> None:
        import re

        pending = b""
        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read1(65536):
            pending += chunk
            *done, pending = pending.split(b"\r")
            for line in reversed(done):
                if m := re.search(rb"mesg=(\d+)", line):
                    with self._count.get_lock():
                        self._count.value = int(m.group(1))
                    break

    def terminate(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def _sink_process(port: int, counter: mp.Value) -> None:  # type: ignore[valid-type]
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    while True:
        time.sleep(3600)


# ---------------------------------------------------------- bare relay (own process) -----
def _bare_relay_process(port: int, next_port: int) -> None:
    import aiosmtplib
    from aiosmtpd.controller import Controller

    class Relay:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001
            await aiosmtplib.send(envelope.original_content, sender=envelope.mail_from,
                                  recipients=envelope.rcpt_tos, hostname="127.0.0.1", port=next_port)
            return "250 OK"

    controller = Controller(Relay(), hostname="127.0.0.1", port=port)
    controller.start()
    while True:
        time.sleep(3600)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(port)


def process_tree(pid: int) -> list[int]:
    """``pid`` and its live descendants (the gateway's supervisor and workers, Postfix's master
    and its daemons)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            pass
    return out


def peak_rss_mb(pid: int) -> float:
    """Sum of the peak resident memory of every process in the tree."""
    total = 0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024 if total else float("nan")


def cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system, reaped children included) of the whole process tree: the cost
    of a relay, independent of whatever else the machine is doing."""
    if pid is None:
        return float("nan")
    ticks = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += sum(int(f) for f in fields[11:15])   # utime stime cutime cstime
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def make_message(size: int, i: int) -> bytes:
    head = (f"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: load test {i}\r\n"
            f"Message-ID: <load-{i}-{time.time_ns()}@bench>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
    words = "The quarterly report for the regional office is attached for review. 本季度销售报告已附上。\r\n"
    body = (words * (size // len(words.encode()) + 1)).encode()[: max(0, size - len(head))]
    return head.encode() + body


# ---------------------------------------------------------------- load generator ---------
async def _session(port: int, queue: asyncio.Queue, latencies: list[float]) -> None:
    import aiosmtplib

    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=120, start_tls=False)
    await client.connect()
    try:
        while True:
            try:
                msg = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t0 = time.perf_counter()
            await client.sendmail("alice@example.com", ["bob@example.com"], msg)
            latencies.append(time.perf_counter() - t0)
    finally:
        try:
            await client.quit()
        except Exception:  # noqa: BLE001
            client.close()


async def _drive(port: int, sessions: int, messages: list[bytes]) -> list[float]:
    queue: asyncio.Queue = asyncio.Queue()
    for m in messages:
        queue.put_nowait(m)
    latencies: list[float] = []
    await asyncio.gather(*[_session(port, queue, latencies) for _ in range(sessions)])
    return latencies


def _load_process(port: int, sessions: int, count: int, size: int, out: mp.Queue) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    messages = [make_message(size, i) for i in range(count)]
    out.put(asyncio.run(_drive(port, sessions, messages)))


def _drain(sink_count: mp.Value, start_count: int, count: int, t0: float,  # type: ignore[valid-type]
           relay_pid: int | None, cpu0: float) -> tuple[int, float, float]:
    """Wait until the sink has every message (or 5 minutes); (delivered, seconds, relay CPU ms/msg)."""
    deadline = time.monotonic() + 300
    while sink_count.value - start_count < count and time.monotonic() < deadline:
        time.sleep(0.01)
    elapsed = time.perf_counter() - t0
    cpu_ms = (cpu_seconds(relay_pid) - cpu0) / max(count, 1) * 1000
    return sink_count.value - start_count, elapsed, cpu_ms


def run_load(label: str, port: int, sink_count: mp.Value, sessions: int, count: int, size: int,  # type: ignore[valid-type]
             relay_pid: int | None) -> dict:
    with sink_count.get_lock():
        start_count = sink_count.value
    out: mp.Queue = mp.Queue()
    cpu0 = cpu_seconds(relay_pid)
    t0 = time.perf_counter()
    proc = mp.Process(target=_load_process, args=(port, sessions, count, size, out))
    proc.start()
    latencies = out.get()
    proc.join()
    accepted = time.perf_counter() - t0
    got, elapsed, cpu_ms = _drain(sink_count, start_count, count, t0, relay_pid, cpu0)
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000

    result = {
        "label": label, "messages": got, "seconds": elapsed, "rate": got / elapsed,
        "accept_rate": len(lat) / accepted, "p50": pct(0.5), "p95": pct(0.95), "p99": pct(0.99),
        "mean": statistics.fmean(lat) * 1000, "rss": peak_rss_mb(relay_pid) if relay_pid else float("nan"),
        "cpu_ms": cpu_ms,
    }
    print(f"{label:12} {got:6d} msgs  {result['rate']:7.1f} msg/s end-to-end  "
          f"(accept {result['accept_rate']:7.1f}/s)  DATA latency ms p50 {result['p50']:6.1f} "
          f"p95 {result['p95']:6.1f} p99 {result['p99']:6.1f}  peak RSS {result['rss']:6.1f} MB  "
          f"relay CPU {cpu_ms:5.2f} ms/msg", flush=True)
    return result


class PostfixBaseline:
    """The machine's Postfix as a plain relay to the sink (a benchmark box only: it rewrites
    /etc/postfix for the run and puts the original files back afterwards)."""

    def __init__(self, sink_port: int):
        self.port = free_port()
        self.sink_port = sink_port
        self.saved = {n: Path(f"/etc/postfix/{n}").read_bytes() for n in ("main.cf", "master.cf")}

    def start(self) -> int:
        settings = {
            "myhostname": "bench.localdomain", "mydestination": "", "relayhost": f"[127.0.0.1]:{self.sink_port}",
            "mynetworks": "127.0.0.0/8", "inet_interfaces": "loopback-only", "inet_protocols": "ipv4",
            "smtpd_relay_restrictions": "permit_mynetworks, reject", "maillog_file": "/var/log/postfix-bench.log",
            "default_destination_concurrency_limit": "20", "smtp_destination_concurrency_limit": "20",
        }
        subprocess.run(["postconf", "-e", *[f"{k}={v}" for k, v in settings.items()]], check=True)
        master = self.saved["master.cf"].decode().replace(
            "\nsmtp      inet", f"\n127.0.0.1:{self.port}      inet", 1)
        Path("/etc/postfix/master.cf").write_text(master)
        subprocess.run(["postfix", "stop"], capture_output=True)  # a package install may have started it
        subprocess.run(["postfix", "start"], check=True, capture_output=True)
        wait_port(self.port)
        return self.port

    def pid(self) -> int | None:
        try:
            return int(Path("/var/spool/postfix/pid/master.pid").read_text().split()[0])
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        subprocess.run(["postfix", "stop"], capture_output=True)
        for name, content in self.saved.items():
            Path(f"/etc/postfix/{name}").write_bytes(content)


def smtp_source_load(label: str, port: int, sink_count: mp.Value, sessions: int, count: int,  # type: ignore[valid-type]
                     size: int, relay_pid: int | None = None) -> dict:
    """Postfix's smtp-source as the client (C, so the client costs next to nothing)."""
    with sink_count.get_lock():
        start_count = sink_count.value
    cpu0 = cpu_seconds(relay_pid)
    t0 = time.perf_counter()
    subprocess.run(["smtp-source", "-s", str(sessions), "-l", str(size), "-m", str(count), "-f",
                    "alice@example.com", "-t", "bob@example.com", f"127.0.0.1:{port}"], check=True)
    accepted = time.perf_counter() - t0
    got, elapsed, cpu_ms = _drain(sink_count, start_count, count, t0, relay_pid, cpu0)
    print(f"{label:12} {got:6d} msgs  {got / elapsed:7.1f} msg/s end-to-end  (accept {count / accepted:7.1f}/s)"
          f"  relay CPU {cpu_ms:5.2f} ms/msg  [smtp-source client]", flush=True)
    return {"label": label, "rate": got / elapsed, "cpu_ms": cpu_ms}


def start_mailwarden(tmp: Path, sink_port: int, database_url: str | None, workers: int,
                     engines: dict | None = None) -> tuple[subprocess.Popen, int]:
    import yaml

    port = free_port()
    for name in ("rules.yaml", "directory.yaml"):
        shutil.copy(REPO / "configs" / name, tmp / name)
    shutil.copytree(REPO / "configs" / "lists", tmp / "lists", dirs_exist_ok=True)
    config = {
        "smtp": {"listen": f"127.0.0.1:{port}", "hostname": "bench.example.com", "workers": workers},
        "api": {"listen": f"127.0.0.1:{free_port()}", "enabled": False},
        "storage": {"data_dir": str(tmp / "data"), "database_url": database_url or ""},
        "delivery": {"next_hop": f"127.0.0.1:{sink_port}", "concurrency": 16},
        "logging": {"level": "WARNING"},
        **({"engines": engines} if engines else {}),
    }
    (tmp / "gateway.yaml").write_text(yaml.safe_dump(config))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILWARDEN_")}
    proc = subprocess.Popen([sys.executable, "-m", "gateway.cli", "serve", "--config", str(tmp / "gateway.yaml")],
                            cwd=REPO, env=env)
    wait_port(port)
    return proc, port


def run_postfix(args: argparse.Namespace, sink_port: int, sink_count: mp.Value) -> list[dict]:  # type: ignore[valid-type]
    results = []
    postfix = PostfixBaseline(sink_port)
    try:
        pf_port = postfix.start()
        results.append(run_load("postfix", pf_port, sink_count, args.sessions, args.messages, args.size,
                                postfix.pid()))
        if args.smtp_source:
            results.append(smtp_source_load("postfix", pf_port, sink_count, args.sessions, args.messages,
                                            args.size, postfix.pid()) | {"client": "smtp-source"})
    finally:
        postfix.stop()
    return results


def engine_modes(daemons: tuple | None) -> list[tuple[str, dict | None]]:
    """(label, engines settings) per mailwarden run: one plain run, or off / ClamAV / both."""
    if daemons is None:
        return [("mailwarden", None)]
    clamd, rspamd = daemons
    clamav = {"enabled": True, "address": clamd.address, "timeout": "30s"}
    both = {"clamav": clamav, "rspamd": {"enabled": True, "url": rspamd.url, "controller": rspamd.controller,
                                         "timeout": "30s"}}
    return [("engines-off", None), ("clamav-on", {"clamav": clamav}), ("both-on", both)]


def start_engines() -> tuple:
    """A clamd and an rspamd (with its redis) of the run's own, as tests/engine_daemons.py has them."""
    from tests.engine_daemons import ClamdDaemon, RspamdDaemon

    base = Path(tempfile.mkdtemp(prefix="mw-bench-engines-"))
    (base / "clamd").mkdir()
    (base / "rspamd").mkdir()
    clamd = ClamdDaemon(base / "clamd").start()
    try:
        rspamd = RspamdDaemon(base / "rspamd").start()
    except BaseException:
        clamd.stop()
        raise
    return clamd, rspamd


def engine_cpu(daemons: tuple | None) -> float:
    if daemons is None:
        return 0.0
    clamd, rspamd = daemons
    return sum(cpu_seconds(p.pid) for p in (clamd.proc, rspamd.proc) if p is not None)


def run_mailwarden(args: argparse.Namespace, sink_port: int, sink_count: mp.Value,  # type: ignore[valid-type]
                   daemons: tuple | None = None) -> list[dict]:
    results = []
    for label, engines in engine_modes(daemons):
        results += _run_mailwarden(args, sink_port, sink_count, label, engines, daemons)
    return results


def _run_mailwarden(args: argparse.Namespace, sink_port: int, sink_count: mp.Value, label: str,  # type: ignore[valid-type]
                    engines: dict | None, daemons: tuple | None) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="mw-bench-") as tmp:
        proc, port = start_mailwarden(Path(tmp), sink_port, args.database_url, args.workers, engines)
        try:
            cpu0 = engine_cpu(daemons)
            results.append(run_load(label, port, sink_count, args.sessions, args.messages,
                                    args.size, proc.pid))
            if daemons is not None:
                used = (engine_cpu(daemons) - cpu0) / max(args.messages, 1) * 1000
                results[-1]["engine_cpu_ms"] = used
                print(f"{'':12} engines' own CPU (clamd + rspamd) {used:5.2f} ms/msg", flush=True)
            if args.smtp_source:
                results.append(smtp_source_load("mailwarden", port, sink_count, args.sessions, args.messages,
                                                args.size, proc.pid) | {"client": "smtp-source"})
        finally:
            proc.terminate()
            proc.wait(30)
    return results


def summarise(results: list[dict]) -> None:
    """Medians over the rounds, per relay and client, and mailwarden's rate as a share of Postfix's."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in results:
        groups.setdefault((r["label"], r.get("client", "aiosmtplib")), []).append(r)
    print("medians over the rounds:")
    medians = {}
    for (label, client), rs in groups.items():
        rate = statistics.median(r["rate"] for r in rs)
        cpu = statistics.median(r["cpu_ms"] for r in rs)
        medians[(label, client)] = rate
        print(f"  {label:12} {client:12} {rate:7.1f} msg/s  relay CPU {cpu:5.2f} ms/msg  ({len(rs)} runs)")
    for client in ("aiosmtplib", "smtp-source"):
        if ("postfix", client) in medians and ("mailwarden", client) in medians:
            share = medians[("mailwarden", client)] / medians[("postfix", client)]
            print(f"  mailwarden / postfix ({client}): {share:.0%}")


def summarise_engines(results: list[dict]) -> None:
    """What the engines add: latency and throughput against the engines-off run (medians)."""
    by = {label: [r for r in results if r["label"] == label and "client" not in r]
          for label in ("engines-off", "clamav-on", "both-on")}
    if not all(by.values()):
        return
    med = {label: {k: statistics.median(r[k] for r in rs) for k in ("rate", "p50", "p95", "mean")}
           for label, rs in by.items()}
    base = med["engines-off"]
    print("engines (medians):")
    for label, m in med.items():
        print(f"  {label:12} {m['rate']:7.1f} msg/s ({m['rate'] / base['rate']:4.0%} of off)  DATA latency "
              f"p50 {m['p50']:6.1f} ms (+{m['p50'] - base['p50']:5.1f})  p95 {m['p95']:6.1f} ms "
              f"(+{m['p95'] - base['p95']:5.1f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    parser.add_argument("--workers", type=int, default=1, help="mailwarden smtp.workers")
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--postfix", action="store_true", help="also measure the machine's Postfix as a relay")
    parser.add_argument("--smtp-source", action="store_true", help="also drive each relay with smtp-source")
    parser.add_argument("--smtp-sink", action="store_true",
                        help="Postfix's smtp-sink (C) as the sink instead of an aiosmtpd one (the issue's setup)")
    parser.add_argument("--engines", action="store_true",
                        help="mailwarden with engines off, ClamAV on, ClamAV + Rspamd on (starts clamd, rspamd)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat the Postfix and mailwarden runs alternately and print medians "
                             "(a shared VM's speed drifts between runs)")
    args = parser.parse_args()

    print(f"load: {args.sessions} sessions, {args.messages} messages of {args.size} bytes; {os.cpu_count()} cores")
    sink_port = free_port()
    sink_count = mp.Value("l", 0)
    if args.smtp_sink:
        sink = PostfixSink(sink_port, sink_count)
    else:
        sink = mp.Process(target=_sink_process, args=(sink_port, sink_count), daemon=True)
        sink.start()
    wait_port(sink_port)
    results = []
    daemons = start_engines() if args.engines else None
    try:
        if not args.skip_baselines:
            results.append(run_load("sink", sink_port, sink_count, args.sessions, args.messages, args.size, None))
            relay_port = free_port()
            relay = mp.Process(target=_bare_relay_process, args=(relay_port, sink_port), daemon=True)
            relay.start()
            wait_port(relay_port)
            results.append(run_load("bare-relay", relay_port, sink_count, args.sessions, args.messages,
                                    args.size, relay.pid))
            if args.smtp_source:
                smtp_source_load("bare-relay", relay_port, sink_count, args.sessions, args.messages, args.size,
                                 relay.pid)
            relay.terminate()
        for _round in range(args.rounds):
            if args.postfix:
                results += run_postfix(args, sink_port, sink_count)
            results += run_mailwarden(args, sink_port, sink_count, daemons)
        if args.rounds > 1:
            summarise(results)
        if daemons is not None:
            summarise_engines(results)
    finally:
        sink.terminate()
        for daemon in daemons or ():
            daemon.stop()


if __name__ == "__main__":
    main()
