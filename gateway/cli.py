"""The ``mailwarden`` command. Every sub-command reads the same settings (file + environment)."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import select
import sys
from pathlib import Path

from gateway.settings import SettingsError, load_settings
from gateway.yamlfile import ConfigFileError

log = logging.getLogger("mailwarden.cli")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="gateway.yaml (default: $MAILWARDEN_CONFIG or configs/gateway.yaml)")

    p = argparse.ArgumentParser(prog="mailwarden", description="SMTP gateway and communication filter",
                                parents=[common])
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("serve", parents=[common], help="run SMTP, delivery, background jobs and the admin API")
    sub.add_parser("migrate", parents=[common], help="bring the database schema up to date")

    check = sub.add_parser("check", parents=[common], help="print the verdict for a message without sending it")
    check.add_argument("file", type=Path)
    check.add_argument("--from", dest="mail_from", required=True)
    check.add_argument("--to", dest="rcpt_tos", action="append", required=True)
    check.add_argument("--untrusted", action="store_true",
                       help="as from a client outside relay.trusted_networks, without AUTH "
                            "(an address in our domains is then not taken on its word)")

    rules = sub.add_parser("rules", parents=[common], help="rule file tools")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    lint = rules_sub.add_parser("lint", parents=[common], help="validate rules.yaml and directory.yaml")
    lint.add_argument("file", nargs="?", type=Path)
    backtest = rules_sub.add_parser("backtest", parents=[common],
                                    help="what a candidate rules file would change on the archive of the last N days")
    backtest.add_argument("file", type=Path)
    backtest.add_argument("--days", type=float, default=7.0)
    backtest.add_argument("--json", action="store_true", help="print the result as JSON")

    user = sub.add_parser("user", parents=[common], help="admin API users and tokens")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", parents=[common], help="create a user and print its API token once")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["admin", "compliance", "supervisor", "auditor"])
    add.add_argument("--department", action="append", default=[])
    add.add_argument("--email", action="append", default=[],
                     help="an address the person sends from (repeat for each); required for supervisor and "
                          "compliance, checked against directory.yaml")
    add.add_argument("--expires-days", type=float, help="the token stops working after this many days")
    user_sub.add_parser("list", parents=[common])
    revoke = user_sub.add_parser("revoke", parents=[common], help="revoke every token of a user")
    revoke.add_argument("name")
    token = user_sub.add_parser("token", parents=[common], help="issue a new token for an existing user")
    token.add_argument("name")
    token.add_argument("--expires-days", type=float)
    password = user_sub.add_parser("password", parents=[common],
                                   help="set a user's console password (read from stdin or prompt)")
    password.add_argument("name")
    invite = user_sub.add_parser("invite", parents=[common],
                                 help="mail a user a one-time link to set their console password")
    invite.add_argument("name")
    invite.add_argument("--reset", action="store_true", help="a password-reset link (the wording differs)")
    invite.add_argument("--language", choices=["zh-CN", "en"], help="the mail's language (default: English)")
    digest = user_sub.add_parser("link-digest", parents=[common],
                                 help="the keyed digest of a mailed link, as its archived copy names it")
    digest.add_argument("link", help="the link (or its token) someone presents")
    digest.add_argument("--kid", help="the master key id the archived header names (default: the active one)")

    smtp_user = sub.add_parser("smtp-user", parents=[common], help="SMTP AUTH accounts")
    smtp_sub = smtp_user.add_subparsers(dest="smtp_command", required=True)
    sadd = smtp_sub.add_parser("add", parents=[common], help="add an account (password read from stdin or prompt)")
    sadd.add_argument("name")
    sdel = smtp_sub.add_parser("remove", parents=[common])
    sdel.add_argument("name")
    sallow = smtp_sub.add_parser("allow", parents=[common], help="let an account send as these addresses")
    sallow.add_argument("name")
    sdeny = smtp_sub.add_parser("deny", parents=[common], help="no longer let an account send as these addresses")
    sdeny.add_argument("name")
    for with_addresses in (sadd, sallow, sdeny):
        with_addresses.add_argument("--address", dest="addresses", action="append", default=[],
                                    required=with_addresses is not sadd,
                                    help="a MAIL FROM address, or @domain for all of a domain (repeatable)")
    sshow = smtp_sub.add_parser("show", parents=[common], help="the addresses an account may send as")
    sshow.add_argument("name")
    sunlock = smtp_sub.add_parser("unlock", parents=[common], help="lift a failed-AUTH lockout")
    sunlock.add_argument("--client", help="the client IP address that is locked out")
    sunlock.add_argument("--login", help="the SMTP login that is locked out")

    arch = sub.add_parser("archive", parents=[common], help="search, export, verify, purge, import")
    arch_sub = arch.add_subparsers(dest="archive_command", required=True)
    search = arch_sub.add_parser("search", parents=[common])
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--cursor", help="the cursor printed after the previous page")
    search.add_argument("--json", action="store_true", help="print the page as JSON")
    search.add_argument("--exact-count", action="store_true",
                        help="count every match (the total otherwise stops at 10,000)")
    export = arch_sub.add_parser("export", parents=[common])
    export.add_argument("query")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--format", choices=["zip", "mbox"], default="zip")
    arch_verify = arch_sub.add_parser("verify", parents=[common])
    arch_verify.add_argument("--checkpoints", type=Path, metavar="FILE",
                             help="also check the chain against the signed checkpoints in FILE")
    arch_sub.add_parser("seal-chain", parents=[common],
                        help="key the record and audit rows written before the chains were keyed (once, after "
                             "an upgrade; refused if they do not verify)")
    arch_sub.add_parser("accept-head", parents=[common],
                        help="after verify named a head the archive did not write: point it at the last "
                             "verifying record (appends resume; audited)")
    arch_sub.add_parser("checkpoint", parents=[common],
                        help="sign where the record and audit chains stand now, append it to the checkpoint file")
    purge = arch_sub.add_parser("purge", parents=[common])
    purge.add_argument("--dry-run", action="store_true", help="print exactly what a purge would remove; remove nothing")
    purge.add_argument("--json", action="store_true", help="print the report as JSON")
    imp = arch_sub.add_parser("import", parents=[common],
                              help="import .eml, maildir, mbox, or another instance's signed export")
    imp.add_argument("path", type=Path)
    imp.add_argument("--public-key", help="require the export to be signed by this key (its `archive export-key`)")
    arch_sub.add_parser("export-key", parents=[common], help="print the public key export bundles are signed with")
    vexp = arch_sub.add_parser("verify-export", parents=[common],
                               help="check an export bundle's signature and digests, importing nothing")
    vexp.add_argument("path", type=Path)
    vexp.add_argument("--public-key", help="require this signer (another instance's `archive export-key`)")
    hold = arch_sub.add_parser("hold", parents=[common], help="legal holds: block purge of matching records")
    hold_sub = hold.add_subparsers(dest="hold_command", required=True)
    hold_add = hold_sub.add_parser("add", parents=[common])
    hold_add.add_argument("kind", choices=["address", "query", "record"])
    hold_add.add_argument("value")
    hold_add.add_argument("--reason", required=True)
    hold_add.add_argument("--by", required=True, help="who orders the hold (recorded)")
    hold_rel = hold_sub.add_parser("release", parents=[common])
    hold_rel.add_argument("hold_id", type=int)
    hold_rel.add_argument("--by", required=True)
    hold_rel.add_argument("--reason", default="")
    hold_sub.add_parser("list", parents=[common])

    keys = sub.add_parser("keys", parents=[common], help="master key ring")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser("rotate", parents=[common])
    keys_sub.add_parser("list", parents=[common])
    rotate_derived = keys_sub.add_parser("rotate-derived", parents=[common],
                                         help="new version of a derived key (index: then rebuild-index)")
    rotate_derived.add_argument("name", choices=["index", "links", "evidence", "address", "meta"])
    keys_sub.add_parser("rebuild-index", parents=[common], help="re-key the blind index (resumable)")
    retire = keys_sub.add_parser("retire", parents=[common])
    retire.add_argument("key_id")

    dkim = sub.add_parser("dkim", parents=[common], help="DKIM signing keys")
    dkim_sub = dkim.add_subparsers(dest="dkim_command", required=True)
    gen = dkim_sub.add_parser("generate", parents=[common])
    gen.add_argument("--domain", required=True)
    gen.add_argument("--selector", default="", help="default: delivery.dkim_selector")
    retire_dkim = dkim_sub.add_parser("retire", parents=[common], help="stop signing with a key (ends a rotation)")
    retire_dkim.add_argument("--domain", required=True)
    retire_dkim.add_argument("--selector", required=True)

    queue = sub.add_parser("queue", parents=[common], help="the delivery queue: list, show, retry, hold, "
                                                          "release, delete (audited)")
    queue_sub = queue.add_subparsers(dest="queue_command", required=True)
    qlist = queue_sub.add_parser("list", parents=[common], help="rows still to deliver (or --status S), oldest first")
    qlist.add_argument("--status", choices=["queued", "delivering", "hold", "delivered", "failed"])
    qlist.add_argument("--limit", type=int, default=100)
    qlist.add_argument("--json", action="store_true")
    qshow = queue_sub.add_parser("show", parents=[common], help="one row, and whether its message can be read")
    qshow.add_argument("ids", metavar="ID", type=_queue_id, nargs=1)
    qretry = queue_sub.add_parser("retry", parents=[common], help="deliver now: these rows, or with --all every "
                                                                  "waiting row (a flush)")
    qretry.add_argument("ids", metavar="ID", type=_queue_id, nargs="*")
    qretry.add_argument("--all", action="store_true")
    for name, text in (("hold", "stop delivering these rows until released"),
                       ("release", "put rows on hold back in the queue, due now"),
                       ("delete", "drop these rows (an unreadable one too); the message stays archived")):
        queue_sub.add_parser(name, parents=[common], help=text).add_argument(
            "ids", metavar="ID", type=_queue_id, nargs="+")

    audit = sub.add_parser("audit", parents=[common], help="admin audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("accept-head", parents=[common],
                         help="after audit verify named a head the gateway did not write: go on from the "
                              "last verifying row (audited)")
    audit_verify = audit_sub.add_parser("verify", parents=[common])
    audit_verify.add_argument("--checkpoints", type=Path, metavar="FILE",
                              help="also check the audit chain against the signed checkpoints in FILE")
    return p


def _queue_id(text: str) -> int:
    """A queue row id: a positive 64-bit integer (argparse turns the ValueError into one line)."""
    value = int(text)
    if not 0 < value < 2**63:
        raise ValueError(text)
    return value


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except SettingsError as exc:
        print(f"mailwarden: {exc}", file=sys.stderr)
        return 2
    from gateway import logs

    logs.setup(settings.logging.level, settings.logging.format)
    from archive.keywrap import KeyRingError

    try:
        return _dispatch(args, settings)
    except (SettingsError, ConfigFileError, KeyRingError) as exc:
        # KeyRingError: a key that does not open the ring, a missing key: one line, and
        # nothing was written (the ring refuses before any write).
        print(f"mailwarden: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        from rules.loader import RuleSetError

        if not isinstance(exc, RuleSetError):
            raise
        for problem in exc.errors:   # every problem of the rules file, one line each
            print(f"mailwarden: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        if not _stdout_closed():   # a peer's socket, say: a real error
            return _one_line(BrokenPipeError("connection closed by the other side"))
        # `mailwarden archive search … | head`: the reader has all it wants.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # noqa: BLE001 - an operator gets one line, never a traceback
        return _one_line(exc)


def _one_line(exc: BaseException) -> int:
    """Say what went wrong in one line (the file, the database, the reason) and return the exit
    status; the traceback goes to the log at DEBUG, for a developer who asks for it."""
    import sqlalchemy.exc

    if isinstance(exc, OSError) and exc.filename:
        text = f"{exc.filename}: {exc.strerror or exc}"
    elif isinstance(exc, sqlalchemy.exc.DBAPIError):
        reason = str(exc.orig or exc).strip().splitlines()
        text = f"database: {reason[0] if reason else type(exc).__name__} (is it running and reachable?)"
    else:
        text = " ".join(str(exc).split()) or type(exc).__name__
        if not isinstance(exc, OSError | ValueError | LookupError):
            text = f"{type(exc).__name__}: {text}"
    log.debug("command failed", exc_info=exc)
    print(f"mailwarden: {text[:500]}", file=sys.stderr)
    return 1


def _stdout_closed() -> bool:
    """Whether nobody reads our standard output any more (a pipe whose reader has gone)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _fd, events in poller.poll(0))
    except (OSError, ValueError):
        return False


def _dispatch(args: argparse.Namespace, settings) -> int:  # noqa: ANN001, C901 - a flat command table
    from gateway import commands

    handler = {
        "serve": commands.serve,
        "migrate": commands.migrate_db,
        "check": commands.check,
        "rules": commands.rules,
        "user": commands.user,
        "smtp-user": commands.smtp_user,
        "archive": commands.archive,
        "keys": commands.keys,
        "dkim": commands.dkim,
        "audit": commands.audit,
        "queue": commands.queue,
    }[args.command]
    if args.command in commands.AUDITED_COMMANDS:
        return commands.run_audited(args, settings, handler)
    return handler(args, settings)


def read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("password: ")
    return sys.stdin.readline().rstrip("\n")


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

