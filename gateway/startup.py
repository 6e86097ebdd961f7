"""What ``mailwarden serve`` prepares before it forks: listening sockets, the per-run directory
shared by its processes, the checks that refuse a setup that would misbehave, and the banner
telling a person at a terminal where things are."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

from gateway.metrics import MULTIPROC_ENV
from gateway.settings import Settings, SettingsError, parse_hostport

PROCESSES_FILE = "processes.json"


def listening_socket(listen: str, key: str, *, default_port: int, backlog: int = 128) -> socket.socket:
    """The listening socket for ``listen``, made before any process exists (every worker shares
    it, and a restarted one gets it back); a port that is taken is one line naming it and the key."""
    host, port = parse_hostport(listen, default_port=default_port)
    try:
        sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET,
                                    reuse_port=False, backlog=backlog)
    except OSError as exc:
        hint = " (another program, or another mailwarden, uses it)" if exc.errno == errno.EADDRINUSE else ""
        raise SettingsError(f"{key}: cannot listen on {listen}: {exc.strerror or exc}{hint}") from None
    sock.setblocking(False)
    return sock


def is_loopback(listen: str, default_port: int) -> bool:
    host, _port = parse_hostport(listen, default_port=default_port)
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False        # a host name: it may resolve to anything


def check_deployment(settings: Settings) -> None:
    """Refuse, before starting, a setup that would run but misbehave.

    Links in notices must reach the console: behind ``0.0.0.0`` or a container address the
    default ``http://<api.listen>`` is a link nobody can open. In a container (the image sets
    ``MAILWARDEN_IN_CONTAINER``) maildir delivery would write accepted mail into the
    container's own file system, gone with it: a next hop must be named."""
    if settings.api.enabled and not settings.api.base_url and not is_loopback(settings.api.listen, 8025):
        raise SettingsError(f"api.base_url: required when api.listen ({settings.api.listen}) is beyond loopback: "
                            "notices link to it (e.g. MAILWARDEN_API__BASE_URL=https://mailwarden.example.com)")
    if os.environ.get("MAILWARDEN_IN_CONTAINER") and settings.delivery.next_hop.startswith("maildir:"):
        raise SettingsError("delivery.next_hop: maildir delivery inside a container is lost with the container: "
                            "set host:port of your MTA or mx (e.g. MAILWARDEN_DELIVERY__NEXT_HOP=smtp.example.com:25)")


@contextlib.contextmanager
def run_directory() -> Iterator[Path]:
    """A fresh directory for this run, removed at the end: the processes' metric files
    (prometheus-client multiprocess mode, named in ``PROMETHEUS_MULTIPROC_DIR`` for the
    processes forked later) and the supervisor's list of its processes for ``/healthz``.
    Fresh per run, so counters start at zero with the gateway, as Prometheus expects."""
    path = Path(tempfile.mkdtemp(prefix="mailwarden-run-"))
    (path / "metrics").mkdir()
    previous = os.environ.get(MULTIPROC_ENV)
    os.environ[MULTIPROC_ENV] = str(path / "metrics")
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop(MULTIPROC_ENV, None)
        else:
            os.environ[MULTIPROC_ENV] = previous
        shutil.rmtree(path, ignore_errors=True)


def processes_file() -> Path | None:
    """Where the supervisor lists its processes (None outside ``serve``)."""
    shared = os.environ.get(MULTIPROC_ENV)
    return Path(shared).parent / PROCESSES_FILE if shared else None


def banner(settings: Settings, *, first_admin_needed: bool) -> str:
    """Where a person finds what they just started (no secrets: the database password is hidden)."""
    import sqlalchemy as sa

    base = settings.api_base_url
    database = sa.engine.make_url(settings.database_url).render_as_string(hide_password=True)
    if os.environ.get(settings.storage.master_key_env):
        keys = f"from ${settings.storage.master_key_env}"
    elif settings.master_key_file is not None:
        keys = f"from {settings.master_key_file}"
    else:
        keys = str(settings.keys_dir)
    lines = [
        "mailwarden is running",
        f"  SMTP      {settings.smtp.listen}  ({settings.smtp.workers} worker process"
        f"{'es' if settings.smtp.workers != 1 else ''})",
    ]
    if settings.api.enabled:
        lines += [f"  API       {base}/api/v1  (OpenAPI: {base}/docs; health: {base}/healthz)",
                  f"  console   {base}/"]
    lines += [
        f"  data      {settings.data_dir}",
        f"  database  {database}",
        f"  keys      {keys}  (back them up apart from the data)",
        f"  delivery  {settings.next_hop}",
    ]
    if first_admin_needed:
        lines.append("  first administrator: mailwarden user add NAME --role admin   (prints its API token once)")
    lines.append("Stop with Ctrl-C; logs follow.")
    return "\n".join(lines)


def show_banner(settings: Settings, *, first_admin_needed: bool = False) -> None:
    """The banner on a terminal only: under a service manager the JSON log lines say it all."""
    import sys

    if sys.stderr.isatty():
        print(banner(settings, first_admin_needed=first_admin_needed), file=sys.stderr, flush=True)
