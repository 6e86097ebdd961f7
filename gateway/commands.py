"""What each ``mailwarden`` sub-command does (argument parsing lives in :mod:`gateway.cli`)."""

from __future__ import annotations

import argparse
import sys

from gateway import link_commands
from gateway.cli import print_json, read_password
from gateway.settings import Settings


def _services(settings: Settings):  # noqa: ANN202
    from gateway.services import build_services

    return build_services(settings)


def serve(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.server import serve as serve_forever

    return serve_forever(settings)


def migrate_db(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.db import migrate, open_engine

    engine = open_engine(settings.database_url)
    migrate(engine)
    print("schema is up to date")
    return 0


def check(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.extraction_pool import ExtractionPool
    from gateway.policy import PolicyHolder, check

    policy = PolicyHolder(settings.rules_path, settings.directory_path).current
    # the gateway's screening budget, so the verdict is the one the gateway would reach
    pool = ExtractionPool(workers=1, seconds=settings.extraction.seconds, memory_mb=settings.extraction.memory_mb)
    try:
        verdict = check(policy, args.file.read_bytes(), args.mail_from, args.rcpt_tos,
                        trusted_client=not getattr(args, "untrusted", False), extraction=pool)
    finally:
        pool.close()
    print_json(verdict.to_json())
    return 0


def rules(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.directory import Directory
    from gateway.routing_check import routing_problems
    from gateway.settings import located_problem, retention_problem
    from rules.loader import lint, load_ruleset

    if args.rules_command == "backtest":
        from gateway.backtest_cli import backtest

        return backtest(args, settings)
    path = args.file or settings.rules_path
    problems = list(lint(path))
    retention = retention_problem(settings, path)    # a retention rule naming a rule this file drops
    if retention:
        problems.append(located_problem(settings, *retention))
    try:
        directory = Directory.load(settings.directory_path)
    except Exception as exc:  # noqa: BLE001 - reported like any other problem
        problems.append(str(exc))
    else:
        if not problems:
            problems += routing_problems(load_ruleset(path), directory)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    from gateway.sender_identity import unhandled_identity_findings

    for finding in unhandled_identity_findings(load_ruleset(path)):
        print(f"{path}: warning: no rule rejects or holds the gateway's finding {finding!r}: such mail "
              f"is delivered (see forged-internal-sender and header-from-not-owned in the shipped "
              f"configs/rules.yaml)", file=sys.stderr)
    print(f"{path}: OK")
    return 0


def smtp_user(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.accounts import AccountError
    from gateway.sender_logins import BindingError

    services = _services(settings)
    logins = services.sender_logins
    try:
        if args.smtp_command == "add":
            services.accounts.add(args.name, read_password(), args.addresses)
            print(f"SMTP account {args.name} added")
            if not args.addresses:
                print(f"note: {args.name} may send as no address until `mailwarden smtp-user allow "
                      f"{args.name} --address ADDRESS` (only the null sender)", file=sys.stderr)
        elif args.smtp_command == "allow":
            added = logins.allow(args.name, args.addresses)
            print(f"{args.name} may now also send as: {', '.join(added) or '(nothing new)'}")
        elif args.smtp_command == "deny":
            if not logins.deny(args.name, args.addresses):
                print(f"{args.name} was not allowed any of those addresses", file=sys.stderr)
                return 1
            print(f"{args.name} may no longer send as: {', '.join(args.addresses)}")
        elif args.smtp_command == "show":
            for address in logins.addresses(args.name):
                print(address)
        elif args.smtp_command == "unlock":
            if not (args.client or args.login):
                print("mailwarden: smtp-user unlock needs --client IP and/or --login NAME", file=sys.stderr)
                return 2
            removed = services.auth_throttle.clear(ip=args.client, login=args.login)
            print(f"lockout lifted ({removed} entr{'y' if removed == 1 else 'ies'} removed)")
        elif not services.accounts.remove(args.name):
            print(f"no SMTP account {args.name}", file=sys.stderr)
            return 1
    except (AccountError, BindingError) as exc:
        print(f"mailwarden: {exc}", file=sys.stderr)
        return 1
    finally:
        services.close()
    return 0


def dkim(args: argparse.Namespace, settings: Settings) -> int:
    """``dkim generate`` (selector: ``--selector`` or ``delivery.dkim_selector``) and ``dkim retire``.
    Every active key under data_dir/dkim/DOMAIN signs: a running gateway picks a new one up."""
    from gateway.dkim_signing import generate_key, retire_key

    selector = args.selector or settings.delivery.dkim_selector
    try:
        if args.dkim_command == "retire":
            retired = retire_key(settings.data_dir / "dkim", args.domain, selector)
            print(f"{args.domain}: selector {selector} no longer signs ({retired.name} kept); "
                  f"remove {selector}._domainkey.{args.domain} from DNS once mail signed with it is read")
            return 0
        record = generate_key(settings.data_dir / "dkim", args.domain, selector)
    except (FileExistsError, FileNotFoundError) as exc:
        print(f"mailwarden: {exc}", file=sys.stderr)
        return 1
    print("Publish this DNS record (the key signs from now on, beside any other active key of the domain):")
    print(record)
    return 0


def user(args: argparse.Namespace, settings: Settings) -> int:
    from admin_api import users
    from gateway.account_check import account_check

    services = _services(settings)
    try:
        if args.user_command == "add":
            try:
                token = users.add_user(services.engine, args.name, args.role, args.department,
                                       addresses=args.email or [],
                                       check=account_check(services.policy.directory()),
                                       token_lifetime_days=args.expires_days)
            except ValueError as exc:
                print(f"mailwarden: {exc}", file=sys.stderr)
                return 1
            print(f"user {args.name} ({args.role}) created. API token (shown once, store it now):")
            print(token)
        elif args.user_command == "token":
            try:
                token = users.create_token(services.engine, args.name, token_lifetime_days=args.expires_days)
            except (ValueError, LookupError) as exc:
                print(f"mailwarden: {exc}", file=sys.stderr)
                return 1
            print(token)
        elif args.user_command == "password":
            return _user_password(services, args.name)
        elif args.user_command == "invite":
            return link_commands.invite(services, settings, args)
        elif args.user_command == "link-digest":
            return link_commands.link_digest(services, args)
        elif args.user_command == "list":
            print_json(users.list_users(services.engine))
        elif args.user_command == "revoke":
            count = users.revoke_user(services.engine, args.name)
            print(f"revoked {count} token(s) of {args.name}")
            if count == 0:
                return 1
    finally:
        services.close()
    return 0


def _user_password(services, name: str) -> int:  # noqa: ANN001
    from admin_api.passwords import set_password

    try:
        set_password(services.engine, name, read_password())
    except (LookupError, ValueError) as exc:
        print(f"mailwarden: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    print(f"console password of {name} set (their other console sessions ended)")
    return 0


def archive(args: argparse.Namespace, settings: Settings) -> int:
    from archive import cli_ops
    from archive.query import QueryError

    if args.archive_command == "verify-export":     # needs no key: only the public key decides
        return _verify_export(args)
    services = _services(settings)
    progress = sys.stderr.isatty()
    try:
        command = args.archive_command
        if command == "search":
            try:
                cli_ops.search(services.archive, args.query, limit=args.limit, cursor=args.cursor,
                               as_json=args.json, exact_total=args.exact_count)
            except QueryError as exc:
                print(f"mailwarden: {exc}", file=sys.stderr)
                return 2
        elif command == "export":
            from quarantine.record_history import record_history

            cli_ops.export(services.archive, args.query, str(args.out), fmt=args.format, progress=progress,
                           history=lambda ids: record_history(services.engine, ids))
        elif command == "export-key":
            cli_ops.export_key(services.archive)
        elif command == "verify":
            report = cli_ops.verify(services.archive, progress=progress)
            ok = report.ok
            if args.checkpoints is not None:
                from gateway.checkpoints import check_archive

                found = check_archive(services.archive, args.checkpoints, settings.tsa_ca_path)
                ok = _print_checkpoint_check("record", found) and ok
            return 0 if ok else 1
        elif command == "seal-chain":
            from admin_api.audit import AuditChainError, seal_legacy
            from archive.chain import ChainKey
            from archive.service import ArchiveIntegrityError

            try:
                records = services.archive.seal_legacy()
                rows = seal_legacy(services.engine, ChainKey(services.keyring, "audit-chain"))
            except (ArchiveIntegrityError, AuditChainError) as exc:
                print(f"mailwarden: {exc}", file=sys.stderr)
                return 1
            print(f"keyed {records} archive chain entries and {rows} audit log entries written before the "
                  "chains were keyed")
        elif command == "accept-head":
            from archive.service import ArchiveIntegrityError

            try:
                old, new = services.archive.accept_head()
            except ArchiveIntegrityError as exc:
                print(f"mailwarden: {exc}", file=sys.stderr)
                return 1
            print(f"archive chain head accepted: it ends at {new} (it said {old}); ids past the last "
                  "verifying record are tombstoned as lost")
        elif command == "checkpoint":
            from gateway.checkpoints import Checkpointer

            Checkpointer.from_settings(services).write()
            print(f"checkpoint appended to {settings.checkpoint_path}")
        elif command == "purge":
            from gateway.retention import forget, node_lock, still_needed

            with node_lock(services.engine) as got:    # the lock serve's scheduled purge takes
                if not got and not args.dry_run:
                    print("mailwarden: a purge is running (another node or process); try again later",
                          file=sys.stderr)
                    return 1
                cli_ops.purge(services.archive, settings.archive.retention,
                              default_days=settings.archive.default_retention_days, progress=progress,
                              still_needed=still_needed, dry_run=args.dry_run, as_json=args.json,
                              forget=forget)
        elif command == "hold":
            return _hold(args, services)
        elif command == "import":
            from archive.bundle import BundleError

            try:
                report = cli_ops.import_path(services.archive, str(args.path), progress=progress,
                                             public_key=args.public_key)
            except BundleError as exc:
                print(f"mailwarden: {exc}; nothing imported", file=sys.stderr)
                return 1
            cli_ops.index(services.archive, progress=progress)  # searchable as soon as the command ends
            return 0 if not report.failed else 1
    finally:
        services.close()
    return 0


def _verify_export(args: argparse.Namespace) -> int:
    import zipfile

    from archive import bundle

    try:
        with zipfile.ZipFile(args.path) as zf:
            verified = bundle.verify(zf, args.public_key)
    except (bundle.BundleError, zipfile.BadZipFile, OSError) as exc:
        print(f"mailwarden: {args.path}: {exc}", file=sys.stderr)
        return 1
    print(f"{args.path}: OK, {len(verified.manifest.get('records', []))} message(s) signed by {verified.signer}"
          + ("" if verified.pinned else " (not pinned: pass --public-key to require that signer)"))
    return 0


def _hold(args: argparse.Namespace, services) -> int:  # noqa: ANN001
    from archive import cli_ops

    if args.hold_command == "add":
        hold_id = cli_ops.place_hold(services.archive, args.kind, args.value, args.reason, args.by)
        print(f"legal hold {hold_id} placed")
    elif args.hold_command == "release":
        cli_ops.release_hold(services.archive, args.hold_id, args.by, args.reason)
        print(f"legal hold {args.hold_id} released")
    else:
        print_json(cli_ops.holds(services.archive))
    return 0


# Commands that read messages or change anything are audited like API calls: the admin log
# must show what was done from the shell too (actor: the OS user, address: "local").
AUDITED_COMMANDS = {"user", "smtp-user", "archive", "keys", "dkim", "queue"}
_TARGET_ARGS = ("name", "query", "path", "key_id", "value", "hold_id", "domain", "client", "login", "ids")


def run_audited(args: argparse.Namespace, settings: Settings, handler) -> int:  # noqa: ANN001
    """Run ``handler`` and append one audit row with its outcome (also when it raised)."""
    outcome = "error"
    rc = 1
    try:
        rc = handler(args, settings)
        outcome = "ok" if rc == 0 else "failed"
    finally:
        audited = _audit_cli(args, settings, outcome)
    return rc if audited else max(rc, 1)


def _audit_cli(args: argparse.Namespace, settings: Settings, outcome: str) -> bool:
    """Append the command's audit row; False (and one line on stderr) when the audit chain's head
    does not verify, so the command cannot end as a success it could not record."""
    import getpass

    from admin_api.audit import AuditChainError, append_audit, ensure_head
    from archive.chain import ChainKey
    from gateway.db import migrate, open_engine
    from gateway.keyplace import open_keyring

    parts = [args.command] + [getattr(args, f"{key}_command") for key in ("user", "smtp", "archive", "queue", "hold",
                                                                             "keys", "dkim")
                              if getattr(args, f"{key}_command", None)]
    # A search query may itself be sensitive (a name, a case): like the API, record its length only.
    query = getattr(args, "query", None)
    if getattr(args, "kind", None) == "query":          # `archive hold add query …`
        query = args.value
    shown = [a for a in _TARGET_ARGS if getattr(args, a, None) not in (None, [])
             and a != "query" and not (a == "value" and query is not None)]
    target = " ".join(" ".join(map(str, v)) if isinstance(v := getattr(args, a), list) else str(v) for a in shown)
    detail = {"q_length": len(query)} if query is not None else None
    engine = open_engine(settings.database_url)
    try:
        migrate(engine)
        ensure_head(engine)
        chain = ChainKey(open_keyring(settings, warn=False).bind(engine), "audit-chain")
        append_audit(engine, chain=chain, actor=f"cli:{getpass.getuser()}", role="cli",
                     action="cli." + ".".join(parts), record=target[:200] or None, client_ip="local",
                     outcome=outcome, status_code=0, detail=detail)
    except AuditChainError as exc:
        print(f"mailwarden: this command was not audited: {exc}", file=sys.stderr)
        return False
    finally:
        engine.dispose()
    return True


def queue(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.queue_cli import run

    return run(args, settings)


def keys(args: argparse.Namespace, settings: Settings) -> int:
    from admin_api.audit import remac_audit
    from archive import cli_ops
    from archive.chain import ChainKey

    services = _services(settings)
    try:
        if args.keys_command == "rotate":
            cli_ops.rotate_keys(services.archive, progress=sys.stderr.isatty())
        elif args.keys_command == "list":
            from archive import keystate

            active = services.keyring.active_kid
            with services.engine.connect() as conn:
                state = keystate.load(conn)
            states = state.states if state else {}
            for kid in services.keyring.key_ids():
                print(f"{kid}{'  (active)' if kid == active else ''}")
            for kid, st in sorted(states.items()):   # the ring's other keys: retired, or not held here
                if kid not in services.keyring.key_ids():
                    print(f"{kid}  ({st}{'' if st == 'retired' else ', not held here'})")
            for name in ("index", "links", "evidence", "address", "meta"):
                versions = services.keyring.versions(name)
                print(f"{name}: " + ", ".join(f"v{v} {state}" for v, state, _until, _key in versions))
        elif args.keys_command == "rotate-derived":
            version = services.keyring.rotate_derived(args.name)
            print(f"derived key {args.name} version {version} "
                  + ("created; `mailwarden keys rebuild-index` re-keys the index (serve does it in the background)"
                     if args.name == "index" else "is active"))
        elif args.keys_command == "rebuild-index":
            cli_ops.rebuild_index(services.archive, progress=sys.stderr.isatty())
        elif args.keys_command == "retire":
            try:
                # the audit rows MACed under the key are MACed again first (the archive's own
                # chain is re-MACed by retire_key)
                remac_audit(services.engine, ChainKey(services.keyring, "audit-chain"), args.key_id)
                cli_ops.retire_key(services.archive, args.key_id)
            except Exception as exc:  # noqa: BLE001 - refused with the reason (still in use, unknown)
                print(f"mailwarden: {exc}", file=sys.stderr)
                return 1
    finally:
        services.close()
    return 0


def audit(args: argparse.Namespace, settings: Settings) -> int:
    from admin_api.audit import audit_report
    from archive.chain import ChainKey
    from archive.cli_ops import describe_broken

    if args.audit_command == "accept-head":
        return _audit_accept_head(settings)
    services = _services(settings)
    try:
        broken = audit_report(services.engine, ChainKey(services.keyring, "audit-chain"))
        against = None
        if args.checkpoints is not None:
            from gateway.checkpoints import check_audit

            against = check_audit(services.engine, services.archive, args.checkpoints, settings.tsa_ca_path)
    finally:
        services.close()
    for line in describe_broken("audit row", broken):
        print(line)
    rows = len({row_id for row_id, _why in broken})
    print("audit log OK" if not broken else f"audit log: {rows} broken row(s)")
    ok = not broken
    if against is not None:
        ok = _print_checkpoint_check("audit row", against) and ok
    return 0 if ok else 1


def _audit_accept_head(settings: Settings) -> int:
    import getpass

    from admin_api.audit import AuditChainError, accept_head, append_audit
    from archive.chain import ChainKey

    services = _services(settings)
    try:
        chain = ChainKey(services.keyring, "audit-chain")
        try:
            old, new = accept_head(services.engine, chain)
        except AuditChainError as exc:
            print(f"mailwarden: {exc}", file=sys.stderr)
            return 1
        append_audit(services.engine, chain=chain, actor=f"cli:{getpass.getuser()}", role="cli",
                     action="cli.audit.accept-head", record=f"head {old} -> {new}", client_ip="local",
                     outcome="ok", status_code=0)
    finally:
        services.close()
    print(f"audit chain head accepted at row {new} (it said {old})")
    return 0


def _print_checkpoint_check(what: str, problems: list[tuple[int, str]]) -> bool:
    """Print what the checkpoint comparison found (file problems first); True when nothing."""
    from archive.cli_ops import describe_broken

    for _zero, why in [p for p in problems if p[0] == 0]:
        print(f"CHECKPOINTS: {why}")
    for line in describe_broken(what, [p for p in problems if p[0] != 0]):
        print(line)
    print("checkpoints: OK" if not problems else f"checkpoints: {len(problems)} problem(s)")
    return not problems

