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

from gateway.directory import Directory


def account_check(directory: Directory) -> Callable[[str, list[str], list[str]], None]:
    def check(role: str, departments: list[str], addresses: list[str]) -> None:
        for dept in departments:
            if dept not in directory.departments:
                known = ", ".join(sorted(directory.departments)) or "none"
                raise ValueError(f"unknown department {dept!r} (directory.yaml has: {known})")
        for address in addresses:
            if not directory.is_internal(address):
                raise ValueError(f"{address} is not an address of ours ({', '.join(directory.domains)})")
            if not directory.is_known(address):
                raise ValueError(f"{address} is not in directory.yaml (no department or group lists it)")
        if role == "supervisor":
            for dept in departments:
                heads = directory.supervisors_of(dept)
                if not set(addresses) & set(heads):
                    raise ValueError(f"none of {', '.join(addresses)} is a supervisor of {dept} in directory.yaml "
                                     f"(its supervisors: {', '.join(heads) or 'none'})")
        if role == "compliance" and not any(directory.groups_of(a) - set(directory.departments) for a in addresses):
            raise ValueError(f"none of {', '.join(addresses)} is in a directory group "
                             f"(e.g. {directory.default_review_group or 'compliance-team'}): compliance officers "
                             "review what is routed to their group")

    return check
