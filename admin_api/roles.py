"""Who may do what. One table, enforced by one dependency (:func:`admin_api.app.authz`).

- ``admin``: everything, including users and rules reload.
- ``compliance``: all quarantine (read, release, reject) and archive, reports, audit log, rule test.
- ``supervisor``: quarantine of their own departments (read, release, reject), plus entries
  that name the supervisor's email among their reviewers; any other entry answers 404, exactly
  like an unknown id. Supervisors get no archive search, reports or audit log.
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
    "archive.search": OVERSIGHT,
    "archive.read": OVERSIGHT,
    "archive.raw": OVERSIGHT,
    "reports.summary": OVERSIGHT,
    "audit.read": OVERSIGHT,
    "rules.test": frozenset({"admin", "compliance"}),
    "rules.reload": frozenset({"admin"}),
    "users.list": frozenset({"admin"}),
}

# Roles whose quarantine access is limited to their departments.
DEPARTMENT_SCOPED = frozenset({"supervisor"})


def allowed(role: str, action: str) -> bool:
    return role in PERMISSIONS.get(action, frozenset())
