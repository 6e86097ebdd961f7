"""Held entries follow the directory: when a reload changes who a review source stands for
(a department's supervisor is replaced, a review group loses a member), the entries routed
before the change are routed again.

Routing is resolved at hold time and stored with the entry (:mod:`quarantine.routing`), so
a reviewer is judged against what was announced to them. That must not outlive the
directory: otherwise a replaced supervisor keeps deciding what was routed to them. So the
gateway calls :meth:`Rerouting.reroute` after every directory reload, and every decision
first brings its entries up to date (:meth:`Rerouting.follow_directory`), so a sweep that
failed or has not reached an entry yet still refuses the replaced person.

Nodes sharing the database are reloaded one by one, so for a while two directories are live.
Each entry records when the directory it was routed under was loaded (``routed_under``); a node
whose directory is older leaves the entry's routes alone (:func:`newer_than_routing`) and judges
decisions against them: it must not hand an entry back to the supervisor the other node's
newer directory replaced. (Wall-clock times of the nodes: they are expected to agree.)

Only the sources the directory answers are resolved again (``supervisor``, ``group:``,
``department:``, ``default``); a named address stays. People added by escalation came from the
directory too (the department's review group, then the default one): with the gateway's
``escalation_levels`` wired, each stays only while a level the entry reached still names them
(someone who left the group no longer decides; nobody is added, the escalation job does that).
The change is written under the entry's version (as decisions are), recorded as a
``rerouted`` decision by the system actor, and the people it adds are told as at hold time
(a notice, or their digest); the people it removes are taken off their pending digest.
Approvals already given count only while their giver is routed, because approvals are always
counted against the current routes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from quarantine import tables as t
from quarantine.holding import queue_for_digest
from quarantine.routing import DirectoryLike, resolve
from quarantine.store import Store, row
from quarantine.unroutable import contacts_of, tell_unroutable

log = logging.getLogger("mailwarden.quarantine")

REROUTED = "rerouted"   # the decision action that records a change of routes
ESCALATION = "escalation"   # the routes' source of the people escalation added (quarantine/reminders.py)
# levels(entry) -> the people of each escalation level, in order (gateway.quarantine_wiring.escalation_levels)
Levels = Callable[[dict[str, Any]], Sequence[Sequence[str]]]


def from_directory(source: str) -> bool:
    """Whether the directory says who ``source`` is (so a directory change can change it)."""
    return source in ("default", "supervisor") or source.startswith(("group:", "department:"))


def current_routes(entry: Mapping[str, Any], directory: DirectoryLike,
                   levels: Levels | None = None) -> dict[str, list[str]] | None:
    """The entry's routes as the directory resolves them now, or None when nothing changed
    (or the entry predates per-source routing: its flat reviewer list has no sources).
    ``levels``: the escalation levels as the live directory names them (None: escalation stays)."""
    now = current_routing(entry, directory, levels)
    return None if now is None else now[0]


def current_routing(entry: Mapping[str, Any], directory: DirectoryLike, levels: Levels | None = None
                    ) -> tuple[dict[str, list[str]], dict[str, str]] | None:
    """As :func:`current_routes`, with who stands in for each source that found nobody of its
    own (``{source: group}``, "" when nobody does: :func:`quarantine.routing.stand_in`)."""
    routes = entry.get("routes")
    if not routes:
        return None
    sources = [s for s in routes if from_directory(s)]
    escalated = ESCALATION in routes and levels is not None
    if not sources and not escalated:
        return None
    fresh = resolve(sources, entry.get("mail_from") or "", entry.get("department"), directory) if sources else None
    resolved = fresh.routes if fresh is not None else {}
    new = {s: list(resolved[s]) if s in resolved else list(people) for s, people in routes.items()}
    if escalated:
        assert levels is not None
        reached = levels(dict(entry))[:int(entry.get("escalation") or 0)]
        still = {p.lower() for level in reached for p in level}
        new[ESCALATION] = [p for p in routes[ESCALATION] if p.lower() in still]
    if all(set(new[s]) == {p.lower() for p in routes[s]} for s in routes):
        return None
    return new, dict(fresh.stood_in) if fresh is not None else {}


def newer_than_routing(entry: Mapping[str, Any], loaded_at: float | None) -> bool:
    """Whether a directory loaded at ``loaded_at`` may route ``entry`` again: not when the entry
    was routed under a directory loaded later (another node's, reloaded before this one). Either
    time unknown (an entry held before it was recorded, a directory built in code): it may."""
    routed_under = entry.get("routed_under")
    return loaded_at is None or routed_under is None or loaded_at >= routed_under


def _plain(people: Sequence[str]) -> list[str]:
    """Addresses a notice can go to (not ``*@x`` or ``@x`` patterns)."""
    return [p for p in people if "*" not in p and "?" not in p and not p.startswith("@")]


def _change(old: Mapping[str, Sequence[str]], new: Mapping[str, Sequence[str]],
            stood_in: Mapping[str, str] | None = None, told: Sequence[str] | None = None) -> str:
    """The decision record's comment: per changed source, who it was and who it is now, and
    for a source that found nobody of its own, which group stands in -- or that nobody does
    and who was told."""
    stood_in = stood_in or {}

    def why(source: str) -> str:
        if source not in stood_in:
            return ""
        if stood_in[source]:
            return f" ({stood_in[source]} stands in)"
        return f" (nobody stands in; told {', '.join(told or []) or 'nobody'})"

    return "; ".join(f"{s}: {', '.join(old[s]) or '-'} -> {', '.join(new[s]) or '-'}{why(s)}"
                     for s in new if set(new[s]) != set(old[s]))


class Rerouting(Store):
    """Mixed into :class:`quarantine.service.QuarantineService`."""

    directory: Callable[[], DirectoryLike] | None  # the live directory (None: routes stay as held)
    escalation_levels: Levels | None = None   # the live escalation levels (None: escalation stays)

    def reroute(self) -> list[int]:
        """Route every held entry again against the live directory; the ids that changed."""
        if self.directory is None:
            return []
        with self.engine.connect() as conn:
            keys = list(dict.fromkeys(r.hold_key for r in conn.execute(
                sa.select(t.entries.c.hold_key).where(t.entries.c.status == "held").order_by(t.entries.c.id))))
        changed: list[int] = []
        for key in keys:
            changed += self._reroute_hold(t.entries.c.hold_key == key)
        return changed

    def follow_directory(self, entry_id: int) -> list[int]:
        """Bring the held entries of ``entry_id``'s message up to date before a decision."""
        if self.directory is None:
            return []
        with self.engine.connect() as conn:
            archive_id = conn.execute(sa.select(t.entries.c.archive_id).where(t.entries.c.id == entry_id)).scalar()
        if archive_id is None:
            return []
        return self._reroute_hold(t.entries.c.archive_id == archive_id)

    def directory_loaded_at(self) -> float | None:
        """When the live directory was loaded (None: no directory, or one built in code)."""
        return getattr(self.directory(), "loaded_at", None) if self.directory is not None else None

    def was_rerouted(self, conn: sa.Connection, entry_id: int) -> bool:
        return conn.execute(sa.select(t.decisions.c.id).where(
            t.decisions.c.entry_id == entry_id, t.decisions.c.action == REROUTED).limit(1)).first() is not None

    def _reroute_hold(self, which: Any) -> list[int]:
        """Reroute the held entries ``which`` selects (one message) in one transaction."""
        assert self.directory is not None
        directory = self.directory()
        loaded_at = getattr(directory, "loaded_at", None)
        with self.engine.begin() as conn:
            held = [row(r) for r in conn.execute(
                sa.select(t.entries.c.id, t.entries.c.hold_key, t.entries.c.mail_from, t.entries.c.recipient,
                          t.entries.c.department, t.entries.c.routes, t.entries.c.version, t.entries.c.status,
                          t.entries.c.rules, t.entries.c.quorum, t.entries.c.required_approvals,
                          t.entries.c.expires_at, t.entries.c.digest, t.entries.c.direction,
                          t.entries.c.routed_under, t.entries.c.escalation)
                .where(which, t.entries.c.status == "held").order_by(t.entries.c.id))]
            now = self.clock()
            changed: list[dict[str, Any]] = []
            added: list[str] = []
            stranded: list[dict[str, Any]] = []   # entries a source of which nobody stands in for now
            nobody: list[str] = []
            contacts: list[str] | None = None
            for entry in held:
                if not newer_than_routing(entry, loaded_at):
                    continue    # routed under a newer directory than this node's: its routes stand
                now_routed = current_routing(entry, directory, self.escalation_levels)
                if now_routed is None:
                    continue
                new, stood_in = now_routed
                old = {s: list(p) for s, p in entry["routes"].items()}
                reviewers = list(dict.fromkeys(p for people in new.values() for p in people))
                res = conn.execute(
                    sa.update(t.entries)
                    .where(t.entries.c.id == entry["id"], t.entries.c.status == "held",
                           t.entries.c.version == entry["version"])
                    .values(routes=new, reviewers=reviewers, version=entry["version"] + 1, routed_under=loaded_at))
                if res.rowcount != 1:
                    continue   # decided or changed meanwhile; the next decision checks it again
                conn.execute(sa.delete(t.entry_reviewers).where(t.entry_reviewers.c.entry_id == entry["id"]))
                if reviewers:
                    conn.execute(sa.insert(t.entry_reviewers),
                                 [{"entry_id": entry["id"], "address": a} for a in sorted(set(reviewers))])
                # a replaced reviewer's next digest no longer lists it (subject, sender: not theirs now)
                conn.execute(sa.delete(t.digest_items).where(
                    t.digest_items.c.entry_id == entry["id"], t.digest_items.c.sent_at.is_(None),
                    t.digest_items.c.reviewer.not_in(reviewers or [""])))
                empty = [src for src, group in stood_in.items() if not group and old.get(src)]
                if empty and contacts is None:
                    contacts = contacts_of(conn, self.unroutable_contacts)
                self._record(conn, entry["id"], self.system_actor, REROUTED, _change(old, new, stood_in, contacts),
                             [entry["recipient"]], now)
                before = {p for people in old.values() for p in people}
                added += [p for p in _plain(reviewers) if p not in before]
                changed.append({**entry, "routes": new, "reviewers": reviewers})
                if empty:
                    stranded.append(changed[-1])
                    nobody += [src for src in empty if src not in nobody]
                log.info("held entry routed again after a directory change", extra={
                    "event": "quarantine.rerouted_by_directory", "entry": entry["id"],
                    "sources": [s for s in new if set(new[s]) != set(old[s])]})
            added = list(dict.fromkeys(added))
            if changed and added:
                told = queue_for_digest(conn, added, [e["id"] for e in changed], now)
                self.notices.rerouted(conn, changed, [p for p in added if p not in told])
            if stranded:   # nobody can decide these now: who still can act is told at once
                tell_unroutable(conn, self.notices, self.unroutable_contacts, stranded, nobody, people=contacts)
        return [e["id"] for e in changed]
