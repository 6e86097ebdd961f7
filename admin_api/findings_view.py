"""What screening found in an archived message, as the timeline page shows it: each finding's
kind, confidence and places in the reader's language (the archive keeps the English codes,
gateway/screening_summary.py). A kind this table does not know is shown as it is, and the
part after a colon (a virus signature, an engine's name) is never translated."""

from __future__ import annotations

from typing import Any

from admin_api.pages.queue import place
from admin_api.words import Gettext


def finding_kinds(_: Gettext) -> dict[str, str]:
    """Finding kinds (detector names, condition kinds, the parser's and the engines' findings)."""
    return {
        "payment_card": _("payment card number"), "cn_id": _("PRC identity number"), "iban": _("IBAN"),
        "cn_mobile": _("mobile phone number"), "email": _("email address"), "cn_bank_card": _("bank card number"),
        "secret": _("secret or API token"), "private_key": _("private key"),
        "classification_marker": _("classification marking"), "keyword": _("keyword"),
        "keyword marker": _("confidentiality marker"), "regex": _("pattern"), "scam": _("scam signals"),
        "gtube": _("GTUBE test string"), "attachment": _("attachment"), "rspamd": _("Rspamd score"),
        "rspamd symbol": _("Rspamd symbol"), "finding": _("screening finding"), "spam score": _("spam score"),
        "malware": _("malware"), "uninspectable": _("uninspectable"), "scanner unavailable": _("scanner unavailable"),
        "too deep": _("nested too deep"), "too many parts": _("too many parts"), "truncated": _("truncated"),
        "encrypted": _("encrypted"), "timeout": _("timed out"), "corrupt": _("corrupt"),
        "unsupported": _("unsupported format"),
        "forged_internal_sender": _("forged internal sender"),
        "header_from_not_owned": _("From address not the login's"),
        "envelope": _("envelope"), "header": _("header"), "authentication": _("sender authentication"),
        "message": _("the whole message"),
    }


def confidences(_: Gettext) -> dict[str, str]:
    return {"high": _("high confidence"), "medium": _("medium confidence"), "low": _("low confidence")}


def findings_view(findings: list[dict[str, Any]] | None, _: Gettext) -> list[dict[str, Any]] | None:
    """The sealed summary as lines to show (None stays None: a record from before it was kept)."""
    if findings is None:
        return None
    kinds, levels = finding_kinds(_), confidences(_)

    def kind_word(kind: str) -> str:
        head, sep, rest = kind.partition(": ")
        if not sep:
            return kinds.get(kind, kind)
        return f"{kinds.get(head, head)}: {kinds.get(rest, rest)}"

    out = []
    for f in findings:
        out.append({
            "code": str(f.get("kind") or ""),
            "kind": kind_word(str(f.get("kind") or "")),
            "rule": f.get("rule") or "",
            "confidence": levels.get(str(f.get("confidence") or ""), str(f.get("confidence") or "")),
            "count": int(f.get("count") or 0),
            "where": [place(str(w), _) for w in f.get("where") or []],
            "score": f.get("score"),
            "action": f.get("action") or "",
        })
    return out
