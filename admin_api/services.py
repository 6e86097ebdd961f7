"""What the gateway hands the API and the console (the API imports nothing of the gateway).

Both the JSON routers and the pages reach the product through this one object, kept on
``app.state.services`` by :func:`admin_api.app.create_app` (see :func:`admin_api.deps.get_services`).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from admin_api import tables as admin_tables
from archive.chain import ChainKey
from quarantine import tables as quarantine_tables
from quarantine.service import QuarantineService


@dataclasses.dataclass
class ConsoleConfig:
    """The console's sign-in settings (gateway: the ``api`` section of gateway.yaml)."""

    session_idle: float = 30 * 60.0        # seconds without a request before a session ends
    session_absolute: float = 12 * 3600.0  # seconds after sign-in a session ends whatever happens
    signin_window: float = 900.0           # failed sign-ins are counted over this many seconds
    signin_per_account: int = 5            # then that account waits (429) ...
    signin_per_address: int = 20           # ... or every sign-in from that client address
    link_lifetime: float = 72 * 3600.0     # invitation / reset links
    link_mails: int = 3                    # links an administrator may mail one account ...
    link_mail_window: float = 3600.0       # ... per this many seconds (the users page, the API)
    base_url: str = ""                     # for links in mail; "" -> the request's own origin


@dataclasses.dataclass
class ApiServices:
    """What the gateway hands the API (the API imports nothing of the gateway)."""

    engine: sa.Engine
    quarantine: QuarantineService
    # archive.open(archive_id) -> bytes (LookupError when unknown);
    # archive.search(q, cursor=None, limit=50) -> page with .items/.total/.next
    archive: Any
    rules_test: Callable[[bytes, str, list[str]], Mapping[str, Any]]
    rules_reload: Callable[[], None]  # raises ValueError (e.g. RuleSetError) with file:line
    metrics_text: Callable[[], str] = lambda: ""
    health: Callable[[], Mapping[str, Any]] = lambda: {"status": "ok"}
    ready: Callable[[], Mapping[str, Any]] = lambda: {"status": "ok"}    # /readyz: can take work now
    # gateway.queue_control.QueueControl: list/show/retry/hold/release/delete of the delivery queue
    queue_control: Any = None
    # admin_api.edge_guard: body limits, requests per address, invalid-token lockout (None: none)
    guard_limits: Any = None          # GuardLimits
    token_throttle: Any = None        # locked(ip) / failed(ip) -> seconds, shared by every node
    archive_stats: Callable[[float | None, float | None], Mapping[str, Any]] | None = None
    department_supervisors: Callable[[str], set[str]] | None = None
    # archive_record(archive_id) -> {"record": envelope, verdict, rules…, "history": [decisions]}
    archive_record: Callable[[int], Mapping[str, Any]] | None = None
    clock: Callable[[], float] = time.time
    # console (issue 15): rule -> the words it looks for (highlighted in evidence); entry -> the
    # delivery attempts of its released copy (its timeline)
    rule_terms: Callable[[str], list[str]] = lambda _rule: []
    delivery_events: Callable[[Mapping[str, Any]], list[dict[str, Any]]] = lambda _entry: []
    # (rule, language) -> its description in that language; None: the notices' describe()
    describe_rule: Callable[[str, str | None], str] | None = None
    # The audit chain's MAC key; None: derived from ``archive.keyring`` (the gateway's archive).
    audit_chain: ChainKey | None = None
    console: ConsoleConfig = dataclasses.field(default_factory=ConsoleConfig)
    # Seals TOTP secrets at rest (admin_api.totp_seal): a KeyRing-like versions(name); None: the
    # archive's key ring. Without either, TOTP enrolment and sign-in fail closed.
    console_keys: Any = None
    # send_link_mail(account_links.LinkMail): the gateway's notice path for sign-in links
    # (queued, DKIM-signed, archived with the link withheld). None: links cannot be mailed.
    send_link_mail: Callable[[Any], None] | None = None
    # --- the audit and administration console (issue 16); None: those endpoints are not mounted
    jobs: Any = None                     # admin_api.jobs.JobStore: backtests and exports in the background
    # backtest(rules_text, days) -> work(progress) -> result; ValueError (file:line) for a bad file
    backtest: Callable[[str, float], Callable[..., Mapping[str, Any]]] | None = None
    retention: Any = None                # archive.retention.Retention (legal holds)
    # purge(dry_run) -> PurgeReport.to_dict(); RuntimeError while another purge runs
    purge: Callable[[bool], Mapping[str, Any]] | None = None
    export_dir: Any = None               # pathlib.Path where export jobs write their bundles
    rule_category: Callable[[str], str | None] | None = None   # "spam" | "malware" | None per rule
    # account_check(role, departments, addresses): the directory's word on a new account (ValueError)
    account_check: Callable[[str, list[str], list[str]], None] | None = None
    # learn_spam(archive_id, spam, actor, role, client_ip) -> "learned" | "already learned";
    # RuntimeError when Rspamd cannot learn now. None: Rspamd learning is off (not mounted)
    learn_spam: Callable[[int, bool, str, str | None, str | None], str] | None = None
    # record_deliveries(archive_ids) -> delivery queue events of those records (the timeline)
    record_deliveries: Callable[[list[int]], list[dict[str, Any]]] | None = None
    # rules_info() -> {"generation", "loaded_at", "path", "lint": [problems], "rules": [{name, description,
    # mode, action, enabled, priority}]}: the live rules for the rules page
    rules_info: Callable[[], Mapping[str, Any]] | None = None

    def audit_key(self) -> ChainKey:
        if self.audit_chain is None:
            keyring = getattr(self.archive, "keyring", None)
            if keyring is None:
                raise ValueError("ApiServices needs audit_chain (or an archive with a keyring): the audit log is keyed")
            self.audit_chain = ChainKey(keyring, "audit-chain")
        return self.audit_chain


    def totp_keys(self) -> Any:
        if self.console_keys is None:
            keyring = getattr(self.archive, "keyring", None)
            if keyring is None:
                raise ValueError("ApiServices needs console_keys (or an archive with a keyring): "
                                 "TOTP secrets are sealed")
            self.console_keys = keyring
        return self.console_keys


def create_schema(engine: sa.Engine) -> None:
    """Create the archive, admin and quarantine tables and the audit head (tests, first run):
    the dashboard counts archive rows even where a stand-in opens the messages."""
    from archive.service import create_schema as create_archive_schema

    create_archive_schema(engine)
    quarantine_tables.metadata.create_all(engine)
    admin_tables.metadata.create_all(engine)
    with engine.begin() as conn:
        admin_tables.post_create(conn)
