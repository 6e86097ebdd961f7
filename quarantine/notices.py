"""What the quarantine tells people, in their language, and to whom it never writes.

Every notice is a Jinja2 template per language (``quarantine/templates/<lang>/<kind>.txt``:
a ``Subject:`` line, a blank line, the body), rendered with what a person needs to act: the
rule's description, the subject, the recipients, the reference id, who reviews and when it
expires, and a link to a page a person can open in a browser (not a JSON endpoint).

No backscatter: a notice goes to a message's sender only when the sender is ours and was
vouched for (the entry's direction is not ``inbound``: mail from outside, or from an
unauthenticated client claiming our domain, is classified inbound). Nothing mailed to an
address outside the organisation names a rule or quotes evidence.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import sqlalchemy as sa

LANGUAGES = ("en", "zh-CN")
_TEMPLATES = Path(__file__).parent / "templates"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_TEMPLATES), undefined=jinja2.StrictUndefined, autoescape=False,
    keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
)
_ENV.filters["when"] = lambda ts: time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(float(ts)))


def render(kind: str, language: str, **context: Any) -> tuple[str, str]:
    """(subject, body) of notice ``kind`` in ``language`` (English when it has none)."""
    language = language if language in LANGUAGES else "en"
    text = _ENV.get_template(f"{language}/{kind}.txt").render(**context)
    head, _, body = text.partition("\n\n")
    if not head.startswith("Subject: "):
        raise ValueError(f"template {language}/{kind}.txt must start with a Subject: line")
    return " ".join(head[len("Subject: "):].split()), body.strip("\n") + "\n"


class Notices:
    """Renders and sends the quarantine's notices through the gateway's ``send``."""

    def __init__(
        self,
        send: Callable[..., Any],
        *,
        base_url: str,
        default_language: str = "en",
        language_of: Callable[[str], str | None] = lambda _address: None,
        describe: Callable[[str], str] = lambda rule: rule,
        subject_of: Callable[[Mapping[str, Any]], str | None] = lambda _entry: None,
        is_internal: Callable[[str], bool] = lambda _address: True,
        send_withheld: Callable[..., Any] | None = None,
    ) -> None:
        self.send = send
        # send_withheld(conn, to, subject, body, link, expires_at): a notice carrying a link that
        # acts for its reader (the sender's release link); the gateway archives it with the link
        # withheld (archive readers must not release held mail as the sender). None: ``send``.
        self.send_withheld = send_withheld
        self.base_url = base_url.rstrip("/")
        self.default_language = default_language
        self.language_of = language_of
        self.describe = describe
        self.subject_of = subject_of
        self.is_internal = is_internal

    # ---- helpers -----------------------------------------------------------------
    def link(self, entry_id: int) -> str:
        """A page a person can open: explains how to sign in and act (never a JSON 401)."""
        return f"{self.base_url}/quarantine/{entry_id}"

    def language(self, address: str) -> str:
        return self.language_of(address) or self.default_language

    def may_tell_sender(self, sender: str, direction: str) -> bool:
        return bool(sender) and direction != "inbound" and self.is_internal(sender)

    def _send(self, conn: sa.Connection, to: str, kind: str, *, withheld: tuple[str, float] | None = None,
              **context: Any) -> None:
        """``withheld``: (link, when it expires) to keep out of the archived copy."""
        context.setdefault("internal", self.is_internal(to))
        subject, body = render(kind, self.language(to), **context)
        if withheld is not None and withheld[0] and self.send_withheld is not None:
            self.send_withheld(conn, to, subject, body, withheld[0], withheld[1])
        else:
            self.send(conn, to, subject, body)

    def _common(self, entries: Sequence[Mapping[str, Any]], subject: str | None = None) -> dict[str, Any]:
        first = entries[0]
        routes = first.get("routes") or {"reviewers": first.get("reviewers") or []}
        return {
            "ref": first["id"],
            "refs": [e["id"] for e in entries],
            "links": [(e["recipient"], self.link(e["id"])) for e in entries],
            "link": self.link(first["id"]),
            "subject": subject if subject is not None else (self.subject_of(first) or "(no subject)"),
            "sender": first.get("mail_from") or "<>",
            "recipients": [e["recipient"] for e in entries],
            "rules": [self.describe(r) for r in first.get("rules") or []],
            "reviewers": list(dict.fromkeys(p for ps in routes.values() for p in ps)),
            "expires_at": first.get("expires_at"),
            "required": int(first.get("required_approvals") or 1),
            "needs": [
                (int(n["count"]), " / ".join(n["from"]),
                 sorted({p for src in n["from"] for p in routes.get(src, ())}))
                for q in first.get("quorum") or [] for n in q["needs"]
            ],
        }

    # ---- notices ----------------------------------------------------------------------
    def held(self, conn: sa.Connection, entries: Sequence[Mapping[str, Any]], *, subject: str | None,
             evidence: Any, reviewers: Iterable[str], digest: Callable[[str], bool],
             sender_link: str | None) -> None:
        """Reviewers hear of the hold (or get it in their digest); an internal sender too."""
        context = self._common(entries, subject)
        for reviewer in reviewers:
            if digest(reviewer):
                continue
            self._send(conn, reviewer, "held_reviewer", evidence=format_evidence(evidence), **context)
        first = entries[0]
        if self.may_tell_sender(first["mail_from"], first["direction"]):
            withheld = (sender_link, float(first.get("expires_at") or 0.0)) if sender_link else None
            self._send(conn, first["mail_from"], "held_sender", sender_link=sender_link, withheld=withheld, **context)

    def decided(self, conn: sa.Connection, entries: Sequence[Mapping[str, Any]], *, action: str, actor: str,
                comment: str | None, others: Iterable[str], tell_sender: bool = True) -> None:
        """The sender hears of a release or a rejection (with the comment); the other routed
        reviewers hear that someone decided, so nobody reviews it again."""
        context = self._common(entries)
        first = entries[0]
        if tell_sender and self.may_tell_sender(first["mail_from"], first["direction"]):
            self._send(conn, first["mail_from"], "released_sender" if action == "release" else "rejected_sender",
                       comment=comment, **context)
        for reviewer in others:
            self._send(conn, reviewer, "decided_reviewer", action=action, actor=actor, comment=comment, **context)

    def reminder(self, conn: sa.Connection, entries: Sequence[Mapping[str, Any]], people: Iterable[str]) -> None:
        context = self._common(entries)
        for person in people:
            self._send(conn, person, "reminder", **context)

    def escalated(self, conn: sa.Connection, entries: Sequence[Mapping[str, Any]], people: Iterable[str]) -> None:
        context = self._common(entries)
        for person in people:
            self._send(conn, person, "escalated", **context)

    def rerouted(self, conn: sa.Connection, entries: Sequence[Mapping[str, Any]], people: Iterable[str]) -> None:
        """The directory changed (a new department head, a new group member): the people a
        held message is now routed to hear that it is theirs to decide."""
        context = self._common(entries)
        for person in people:
            self._send(conn, person, "rerouted", **context)

    def unroutable(self, conn: sa.Connection, entries: Sequence[Mapping[str, Any]], people: Iterable[str],
                   sources: Sequence[str], subject: str | None = None) -> None:
        """Nobody can review a held message (its review sources found nobody, and nobody
        stands in): the compliance officers and administrators hear of it (quarantine.unroutable)."""
        context = self._common(entries, subject)
        for person in people:
            self._send(conn, person, "unroutable", sources=list(sources), **context)

    def expired(self, conn: sa.Connection, entries: Sequence[Mapping[str, Any]], *, released: list[str],
                expired: list[str]) -> None:
        first = entries[0]
        if self.may_tell_sender(first["mail_from"], first["direction"]):
            self._send(conn, first["mail_from"], "expired_sender", released=released, expired=expired,
                       **self._common(entries))

    def screened(self, conn: sa.Connection, to: str, *, subject: str, sender: str, recipients: Sequence[str],
                 rules: Sequence[str], outcome: str) -> None:
        """A rule's ``notify:``: someone of ours asked to hear of matching mail."""
        self._send(conn, to, "screened", subject=subject, sender=sender or "<>", recipients=list(recipients),
                   rules=[self.describe(r) for r in rules], outcome=outcome)

    def digest(self, conn: sa.Connection, reviewer: str, frequency: str, entries: Sequence[Mapping[str, Any]]) -> None:
        items = [{**self._common([e]), "status": e["status"]} for e in entries]
        self._send(conn, reviewer, "digest", frequency=frequency, items=items)


def format_evidence(evidence: Any) -> str:
    """Render redacted evidence (list of hits or of {where, snippet}) as plain text."""
    lines: list[str] = []

    def walk(item: Any, indent: str = "  ") -> None:
        if isinstance(item, dict):
            if "snippet" in item or "where" in item:
                lines.append(f"{indent}{item.get('where', '?')}: {item.get('snippet', '')}")
            elif "rule" in item:
                lines.append(f"{indent}rule {item['rule']}:")
                for ev in item.get("evidence") or []:
                    walk(ev, indent + "  ")
            else:
                lines.append(indent + json.dumps(item, sort_keys=True, default=str))
        elif isinstance(item, list):
            for sub in item:
                walk(sub, indent)
        elif item is not None:
            lines.append(f"{indent}{item}")

    walk(evidence)
    return "\n".join(lines) or "  (none)"
