"""Passwords in a table's password column: a server inventory sent to a vendor.

An inventory or handover sheet (a spreadsheet's rows arrive tab-separated; CSV; a Markdown or
pipe table) lists each machine with its login: ``主机名 IP 用户 密码`` over ``sh-db-01 10.20.2.21
dba Db$Prod9x!7``. No value carries a label of its own, so neither the configuration-line nor
the labelled-password reading sees them; the column's header says what every cell under it is.
A cell that a password could be (see :func:`rules.secrets._looks_like_a_password`), and no
placeholder or mask (``********``, ``见密码本``), is one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rules.match import MEDIUM, Match

_DELIMITERS = ("\t", "|", ",", ";")
# a header cell naming a password (not "password policy", "password expiry", 密码有效期)
_PASSWORD_HEADER = re.compile(
    r"(?i)^(?:(?:root|admin|db|database|login|user|initial|default|ssh|os|system|account)[ _-]?)?"
    r"(?:password|passwd|pwd|pass|passphrase|pw)$|^(?:初始|登录|登陆|root|管理员|数据库|账号|帐号)?(?:密码|密碼|口令)$")


def _delimiter(line: str) -> str | None:
    return next((d for d in _DELIMITERS if d in line), None)


def password_columns(text: str, taken: list[tuple[int, int]], is_placeholder: Callable[[str], bool],
                     looks_like_a_password: Callable[[str], bool]) -> Iterator[Match]:
    """Every cell under a password column's header, in each table of ``text``."""
    header: tuple[str, list[int], str] | None = None  # the table's delimiter, its password columns, their name
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        delim = _delimiter(line)
        if delim is None:
            header = None
            continue
        cells = line.rstrip("\r").split(delim)
        if header is None or header[0] != delim:
            columns = [i for i, c in enumerate(cells) if _PASSWORD_HEADER.match(c.strip())]
            header = (delim, columns, cells[columns[0]].strip()) if columns else None
            continue
        for i in header[1]:
            if i >= len(cells):
                continue
            cell = cells[i]
            value = cell.strip()
            s = start + sum(len(c) + 1 for c in cells[:i]) + (len(cell) - len(cell.lstrip()))
            if not value or any(a <= s < b for a, b in taken) or is_placeholder(value) or \
                    not looks_like_a_password(value):
                continue
            taken.append((s, s + len(value)))
            yield Match("secret", s, s + len(value), value, MEDIUM, f"password in a table's '{header[2]}' column")
