"""The words the console shows for stored values (verdicts, directions, states, timeline
events), in the reader's language. The database keeps the English codes; pages translate them
at the last moment, and an unknown code is shown as it is."""

from __future__ import annotations

from collections.abc import Callable


def words(_: Callable[[str], str]) -> dict[str, str]:
    return {
        "delivered": _("delivered"), "queued": _("queued"), "quarantined": _("held"), "rejected": _("rejected"),
        "released": _("released"), "inbound": _("inbound"), "outbound": _("outbound"), "internal": _("internal"),
        "held": _("held"), "expired": _("expired"), "approved": _("approved"), "received": _("received"),
        "screened": _("screened"), "notified": _("notified"), "reminded": _("reminded"),
        "escalated": _("escalated"), "delivery": _("delivery attempt"), "dsn": _("delivery report (DSN)"),
        "read": _("read"), "failed": _("failed"), "done": _("done"), "running": _("running"),
        "interrupted": _("interrupted"), "sender-released": _("released by the sender"),
        "sender-withdrew": _("withdrawn by the sender"), "ok": _("ok"), "denied": _("denied"),
        "error": _("error"), "enforce": _("enforce"), "audit": _("audit only"), "quarantine": _("hold"),
        "reject": _("reject"), "deliver": _("deliver"), "warn": _("warn"), "delivering": _("delivering"),
        "deferred": _("deferred"), "bounced": _("bounced"), "delayed": _("delayed"), "relayed": _("relayed"),
    }


def translate(_: Callable[[str], str]) -> Callable[[str | None], str]:
    """``word(code)``: ``internal/delivered`` -> both parts translated."""
    table = words(_)

    def word(code: str | None) -> str:
        if not code:
            return ""
        return "/".join(table.get(part, part) for part in str(code).split("/"))

    return word
