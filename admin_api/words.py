"""The words the console shows for stored values (verdicts, directions, states, timeline
events, decisions, roles, outcomes, rule actions), in the reader's language. The database
keeps the English codes; pages translate them at the last moment (``word(code)``,
``who(actor)``, ``detail_label(key)``), and an unknown code is shown as it is.

Why one table for every kind of code: the same code travels between kinds (``held`` is a
status, a timeline event and a decision; ``failed`` an outcome and a delivery result), and a
reader should see one word for it everywhere. ``CODES`` lists them all, so a test can render
each page in Chinese and look for any of them left raw.
"""

from __future__ import annotations

from collections.abc import Callable

Gettext = Callable[[str], str]


def words(_: Gettext) -> dict[str, str]:
    return {
        # verdicts and entry states
        "delivered": _("delivered"), "queued": _("queued"), "quarantined": _("held"), "rejected": _("rejected"),
        "released": _("released"), "held": _("held"), "expired": _("expired"),
        # directions
        "inbound": _("inbound"), "outbound": _("outbound"), "internal": _("internal"),
        # timeline events
        "approved": _("approved"), "received": _("received"), "screened": _("screened"), "notified": _("notified"),
        "reminded": _("reminded"), "escalated": _("escalated"), "delivery": _("delivery attempt"),
        "dsn": _("delivery report (DSN)"), "read": _("read"), "sender-released": _("released by the sender"),
        "sender-withdrew": _("withdrawn by the sender"), "rerouted": _("routed again (directory changed)"),
        # decisions as stored (the dashboard counts them)
        "approve": _("approval"), "release": _("release"), "sender-release": _("released by the sender"),
        "sender-withdraw": _("withdrawn by the sender"),
        # jobs, deliveries, audit outcomes
        "failed": _("failed"), "done": _("done"), "running": _("running"), "interrupted": _("interrupted"),
        "delivering": _("delivering"), "bounced": _("bounced"), "deferred": _("deferred"),
        "delayed": _("delayed"), "relayed": _("relayed"),
        "ok": _("ok"), "denied": _("denied"), "error": _("error"), "refused": _("refused"),
        # rule modes and actions
        "enforce": _("enforce"), "audit": _("audit only"), "quarantine": _("hold"), "reject": _("reject"),
        "deliver": _("deliver"), "warn": _("warn"), "tag": _("tag"), "copy_to": _("copy"),
        "notify": _("notify"), "score": _("add to spam score"),
        # the dashboard's ages of pending holds (admin_api.dashboard.AGE_BUCKETS)
        "<1h": _("under an hour"), "1h-1d": _("1 hour to 1 day"), "1d-3d": _("1 to 3 days"),
        "3d-7d": _("3 to 7 days"), ">7d": _("over 7 days"),
        # archive record events, how reviewers were told, yes/no
        "accepted": _("accepted"), "notice": _("notice"), "digest": _("digest"), "yes": _("yes"), "no": _("no"),
    }


def roles(_: Gettext) -> dict[str, str]:
    """Console roles (and the audit log's ``system``/``cli``), apart from ``words``: a
    department may well be called "compliance" and must not be translated as a role."""
    return {
        "admin": _("administrator"), "compliance": _("compliance officer"), "supervisor": _("supervisor"),
        "auditor": _("auditor"), "system": _("system"), "cli": _("command line"),
    }


# every code above: what a page in Chinese must never show raw (tests/test_console_zh.py)
CODES: frozenset[str] = frozenset(words(lambda s: s)) | frozenset(roles(lambda s: s))


def detail_labels(_: Gettext) -> dict[str, str]:
    """Names of a timeline event's details (``verdict: held``) in the reader's language."""
    return {
        "mail_from": _("envelope sender"), "rcpt_tos": _("envelope recipients"), "size": _("size"),
        "message_id": _("Message-ID"), "direction": _("direction"), "event": _("event"), "client": _("client"),
        "helo": _("HELO"), "tls": _("TLS"), "login": _("login"), "verdict": _("verdict"), "rules": _("rules"),
        "status": _("result"), "code": _("reply code"), "text": _("reply"), "attempts": _("attempts"),
        "copy": _("released copy"), "record": _("archive record"), "action": _("action"), "outcome": _("outcome"),
        "how": _("how"), "level": _("level"),
    }


def translate(_: Gettext) -> Callable[[str | None], str]:
    """``word(code)``: ``internal/delivered`` -> both parts translated."""
    table = words(_)

    def word(code: str | None) -> str:
        if code is None or code == "":
            return ""
        if isinstance(code, bool):
            return table["yes" if code else "no"]
        return "/".join(table.get(part, part) for part in str(code).split("/"))

    return word


def actor(_: Gettext) -> Callable[[str | None], str]:
    """``who(actor)``: a person's name as it is; ``system`` (the gateway itself), ``sender:ADDR``
    (the sender, through their link) and ``cli:USER`` in the reader's words."""
    def who(name: str | None) -> str:
        if not name:
            return ""
        kind, sep, rest = str(name).partition(":")
        if not sep:
            return _("system") if name == "system" else str(name)
        if kind == "sender":
            return _("the sender %(address)s") % {"address": rest}
        if kind == "cli":
            return _("command line (%(user)s)") % {"user": rest}
        return str(name)

    return who


def actions(_: Gettext) -> dict[str, str]:
    """The audit log's actions (the permission checked, or what the console did) in the
    reader's words; the page shows the code beside it, which the filter takes."""
    return {
        "api.throttled": _("request throttled"),
        "api.throttled.summary": _("throttled requests (summary)"),
        "archive.export": _("archive export"),
        "archive.holds.read": _("legal holds viewed"),
        "archive.holds.write": _("legal hold changed"),
        "archive.mark_spam": _("marked as spam"),
        "archive.purge": _("archive purge"),
        "archive.raw": _("original downloaded from the archive"),
        "archive.read": _("archived message read"),
        "archive.search": _("archive search"),
        "archive.searches": _("saved searches"),
        "archive.timeline": _("timeline viewed"),
        "audit.export": _("audit log exported"),
        "audit.read": _("audit log read"),
        "audit.verify": _("audit chain verified"),
        "dashboard.read": _("dashboard viewed"),
        "me.read": _("own account viewed"),
        "me.update": _("own account changed"),
        "quarantine.bulk_reject": _("bulk reject"),
        "quarantine.bulk_release": _("bulk release"),
        "quarantine.false_positive": _("false-positive mark"),
        "quarantine.list": _("review queue viewed"),
        "quarantine.raw": _("original of a held message downloaded"),
        "quarantine.read": _("held message read"),
        "quarantine.reject": _("held message rejected"),
        "quarantine.release": _("held message released"),
        "quarantine.timeline": _("held message's timeline viewed"),
        "quarantine.view": _("held message viewed"),
        "queue.list": _("delivery queue viewed"),
        "queue.manage": _("delivery queue changed"),
        "queue.read": _("delivery queue entry read"),
        "reports.summary": _("summary report"),
        "rules.backtest": _("rules backtest"),
        "rules.read": _("rules viewed"),
        "rules.reload": _("rules reloaded"),
        "rules.test": _("rules test bench"),
        "users.list": _("users listed"),
        "users.read": _("users viewed"),
        "users.write": _("user changed"),
        "console.signin": _("console sign-in"),
        "console.signout": _("console sign-out"),
        "console.totp": _("second factor"),
        "console.password_link": _("password link"),
    }


def action_word(_: Gettext) -> Callable[[str | None], str]:
    table = actions(_)
    return lambda code: table.get(code or "", "")

def role_word(_: Gettext) -> Callable[[str | None], str]:
    table = roles(_)
    return lambda code: table.get(code or "", code or "")


def detail_label(_: Gettext) -> Callable[[str], str]:
    table = detail_labels(_)
    return lambda key: table.get(key, key)
