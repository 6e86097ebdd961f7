"""``mailwarden user add`` checked against the directory: the account is who it says it is.

An account that decides on held mail is bound to the addresses its person sends from; the
directory is the authority on those people. A supervisor's account must carry an address the
directory lists as a supervisor of each of its departments (so the README's alice, a finance
*sender*, cannot become a finance supervisor); a compliance officer's must belong to a
directory group (compliance-team); every address must be one of ours and known to the
directory, and every department must exist.
"""

from __future__ import annotations

from collections.abc import Callable

from admin_api.refusals import NONE, AccountRefused
from gateway.directory import Directory


def account_check(directory: Directory | Callable[[], Directory]) -> Callable[[str, list[str], list[str]], None]:
    """The check of ``directory`` -- or, given a callable (``PolicyHolder.directory``), of the
    directory live at each call, so a reload is seen without a restart. Refusals are
    :class:`admin_api.refusals.AccountRefused` (English as str(); pages translate them)."""
    live: Callable[[], Directory] = directory if callable(directory) else (lambda: directory)

    def check(role: str, departments: list[str], addresses: list[str]) -> None:
        directory = live()
        for dept in departments:
            if dept not in directory.departments:
                raise AccountRefused("unknown-department", "departments", department=dept,
                                     known=", ".join(sorted(directory.departments)) or NONE)
        for address in addresses:
            if not directory.is_internal(address):
                raise AccountRefused("not-our-address", "addresses", address=address,
                                     domains=", ".join(directory.domains))
            if not directory.is_known(address):
                raise AccountRefused("not-in-directory", "addresses", address=address)
        if role == "supervisor":
            for dept in departments:
                heads = directory.supervisors_of(dept)
                if not set(addresses) & set(heads):
                    raise AccountRefused("not-a-supervisor", "addresses", addresses=", ".join(addresses),
                                         department=dept, supervisors=", ".join(heads) or NONE)
        if role == "compliance" and not any(directory.groups_of(a) - set(directory.departments) for a in addresses):
            raise AccountRefused("not-in-a-group", "addresses", addresses=", ".join(addresses),
                                 group=directory.default_review_group or "compliance-team")

    return check
