"""Who may do what. One table, enforced by one dependency (:func:`admin_api.deps.authz`).

- ``admin``: everything, including users, the delivery queue and rules reload; decides held mail only when routed.
- ``compliance``: all quarantine (read; release and reject what is routed to them, or anything
  as an *override* with a comment, recorded as one), archive, reports, audit log, rule test.
- ``supervisor``: quarantine of their own departments (read), plus entries routed to one of
  their addresses; any other entry answers 404, exactly like an unknown id. They release or
  reject only what is routed to them. Supervisors get no archive search, reports or audit log.

Deciding on held mail needs more than the role: one of the account's addresses must be among
the entry's routed reviewers (403 otherwise), and none of them may have sent the message.
- ``auditor``: read-only: quarantine and archive read/search, reports, audit log. Never
  releases, rejects or changes anything.
"""

from __future__ import annotations

ALL = frozenset({"admin", "compliance", "supervisor", "auditor"})
READERS = frozenset({"admin", "compliance", "supervisor", "auditor"})
DECIDERS = frozenset({"admin", "compliance", "supervisor"})
OVERSIGHT = frozenset({"admin", "compliance", "auditor"})

PERMISSIONS: dict[str, frozenset[str]] = {
    "me.read": ALL,
    "me.update": ALL,
    "quarantine.list": READERS,
    "quarantine.read": READERS,
    "quarantine.raw": READERS,
    "quarantine.view": READERS,
    "quarantine.release": DECIDERS,
    "quarantine.reject": DECIDERS,
    "quarantine.bulk_release": DECIDERS,
    "quarantine.bulk_reject": DECIDERS,
    "quarantine.timeline": READERS,
    "quarantine.false_positive": DECIDERS,
    "archive.search": OVERSIGHT,
    "archive.read": OVERSIGHT,
    "archive.raw": OVERSIGHT,
    "archive.mark_spam": frozenset({"admin", "compliance"}),   # teaches Rspamd (engines)
    "reports.summary": OVERSIGHT,
    "audit.read": OVERSIGHT,
    "rules.test": frozenset({"admin", "compliance"}),
    "rules.reload": frozenset({"admin"}),
    "users.list": frozenset({"admin"}),
    "queue.list": frozenset({"admin"}),
    "queue.read": frozenset({"admin"}),
    "queue.manage": frozenset({"admin"}),
    # the audit and administration console (issue 16)
    "dashboard.read": READERS,                 # supervisors: their departments' figures only
    "rules.backtest": frozenset({"admin", "compliance"}),
    "rules.read": OVERSIGHT,                   # the rules page (read-only parts)
    "archive.timeline": OVERSIGHT,
    "archive.export": OVERSIGHT,               # reads, writes nothing the archive keeps
    "archive.searches": OVERSIGHT,             # one's own saved searches
    "archive.holds.read": OVERSIGHT,
    "archive.holds.write": frozenset({"admin", "compliance"}),
    "archive.purge": frozenset({"admin"}),
    "audit.verify": OVERSIGHT,
    "audit.export": OVERSIGHT,
    "users.read": frozenset({"admin"}),
    "users.write": frozenset({"admin"}),
}

# Roles whose quarantine access is limited to their departments.
DEPARTMENT_SCOPED = frozenset({"supervisor"})


def allowed(role: str, action: str) -> bool:
    return role in PERMISSIONS.get(action, frozenset())
