"""Passwords typed on a command line: the way a colleague sends a database login to a partner.

``mysql -h 10.20.3.14 -u report -pR3p0rt#2026 reporting`` in a mail (or in a runbook attached to
it) is the password in the clear, with the host beside it: as much a leak as a connection URL.
Each client has its own way to take one, read here as the client does:

- MySQL and MariaDB clients: ``-pVALUE`` glued to the flag (``-p`` alone asks for it at a
  prompt, and the word after it is the database; ``-P`` is the port), ``--password=VALUE``;
- ``PGPASSWORD=VALUE`` before ``psql`` or ``pg_dump`` (PostgreSQL's own variable);
- ``sshpass -p VALUE``; ``redis-cli … -a VALUE``; the MongoDB tools' ``-p``/``--password``;
- ``curl -u user:VALUE`` (HTTP basic credentials);
- a router's or firewall's configuration sent for support: ``username admin privilege 15 secret 0
  VALUE`` (type 0 is plaintext, type 7 reversible), ``crypto isakmp key VALUE address …``,
  ``pre-shared-key VALUE`` (an IPsec tunnel's key).

A variable, a placeholder or a prompt is no password: ``-p$MYSQL_PWD``, ``-p'<password>'``,
``PGPASSWORD=${PG_PASS}``, ``sshpass -p "$(cat pw.txt)"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rules.match import MEDIUM, Match

# a value as a shell takes it: bare, or in single or double quotes (the quotes are not the value)
_VALUE = r"""(?:'([^'\n]{4,128})'|"([^"\n]{4,128})"|([^\s'"`;|&<>]{4,128}))"""
_ARGS = r"[^\n]{0,200}?[ \t]"  # the rest of the command before the flag, on the same line
_COMMAND_PASSWORD = re.compile(
    r"\b(?:mysql(?:dump|admin|import|check|sh)?|mariadb(?:-dump|-admin|dump)?)\b" + _ARGS
    + r"(?:-p(?=[^\s-])|--password=)" + _VALUE + "|"
    r"\bPGPASSWORD=" + _VALUE + "|"
    r"\bsshpass[ \t]+-p[ \t]*" + _VALUE + "|"
    r"\bredis-cli\b" + _ARGS + r"(?:-a|--pass)[ \t]+" + _VALUE + "|"
    r"\bmongo(?:sh|dump|restore|export|import)?\b" + _ARGS + r"(?:-p|--password)(?:[ \t]+|=)" + _VALUE + "|"
    r"\bcurl\b" + _ARGS + r"(?:-u|--user)[ \t]+['\"]?[^\s:'\"]{1,64}:" + _VALUE + "|"
    # a network device's configuration: a plaintext (type 0) or reversible (type 7) password, an IPsec
    # pre-shared key ("username admin privilege 15 secret 0 …", "crypto isakmp key … address …")
    r"\b(?:username[ \t]+\S+[ \t]+(?:privilege[ \t]+\d+[ \t]+)?|enable[ \t]+)(?:secret|password)[ \t]+[07][ \t]+"
    + _VALUE + "|"
    r"\bcrypto[ \t]+isakmp[ \t]+key[ \t]+(?:[06][ \t]+)?" + _VALUE + "|"
    # a device list's "user / password" (admin / Kd#Core2024!): an administrator's name, then the password
    r"(?<![\w/])(?:[a-z]{0,8}admin|root|administrator|ubnt|cisco|operator|postgres|oracle)[ \t]+/[ \t]+"
    r"(?=[^\s/]*\d)(?=[^\s/]*[A-Za-z])" + _VALUE + "|"
    r"\bpre-shared-key[ \t]+(?:(?:ascii-text|local|remote|address[ \t]+\S+)[ \t]+)?(?:[06][ \t]+)?" + _VALUE
)
# the words one of which every command above holds (rules.literal_gate)
GATE_WORDS = frozenset({"mysql", "mariadb", "pgpassword", "sshpass", "redis-cli", "mongo", "curl", "secret 0",
                        "password 0", "password 7", "isakmp key", "pre-shared-key", "admin /", "root /",
                        "administrator /"})
_DEVICE = ("username", "enable", "crypto", "pre-shared-key")
_ADMINS = re.compile(r"(?:[a-z]{0,8}admin|root|administrator|ubnt|cisco|operator|postgres|oracle)$")
_NOT_A_VALUE = re.compile(r"^(?:\$|%|<|\{|`)|\$\(|\$\{")


def command_line_passwords(text: str, taken: list[tuple[int, int]],
                           is_placeholder: Callable[[str], bool]) -> Iterator[Match]:
    """Passwords given to a client on a command line (see the module's docstring)."""
    for m in _COMMAND_PASSWORD.finditer(text):
        g = next(i for i in range(1, (m.re.groups or 0) + 1) if m.group(i) is not None)
        v, s, e = m.group(g), m.start(g), m.end(g)
        if any(a <= s < b for a, b in taken) or _NOT_A_VALUE.search(v) or is_placeholder(v):
            continue
        taken.append((s, e))
        command = m.group().split(None, 1)[0].split("=", 1)[0]
        if _ADMINS.match(command):
            yield Match("secret", s, e, v, MEDIUM, f"password after an administrator's name ({command} / …)")
        elif command.lower() in _DEVICE:
            yield Match("secret", s, e, v, MEDIUM, "password or pre-shared key in a network device's configuration")
        else:
            yield Match("secret", s, e, v, MEDIUM, f"password on a command line ({command})")
