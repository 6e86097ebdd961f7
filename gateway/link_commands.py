"""``mailwarden user invite`` and ``mailwarden user link-digest``: mailing a sign-in link, and
proving which link a mail carried.

The archive keeps link mails with the link withheld and a keyed digest in their
``X-Mailwarden-Withheld`` header (issue 15). The key is derived from the master key and never
stored, so only someone holding the keys (an administrator on the gateway host) can compute
the digest of a link a person presents and compare it with the archived one.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.parse
from typing import Any

from gateway.settings import Settings


def invite(services: Any, settings: Settings, args: argparse.Namespace) -> int:
    """Mail ``args.name`` an invitation (or, ``--reset``, a reset) link through the notice path."""
    from admin_api.account_links import send_link
    from admin_api.services import ConsoleConfig

    def send(mail: Any) -> None:    # an account_links.LinkMail
        with services.engine.begin() as conn:
            services.notifier.send_link(conn, mail)

    try:
        to = send_link(services.engine, args.name, "reset" if args.reset else "invite",
                       base_url=settings.api_base_url, now=time.time(), lifetime=ConsoleConfig().link_lifetime,
                       send=send, language=args.language)
    except (LookupError, ValueError) as exc:
        print(f"mailwarden: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    print(f"a one-time link to set the console password of {args.name} was mailed to {to}")
    return 0


def token_of(link: str) -> str:
    """The token of a link (``…?token=…``), or ``link`` itself when it is a bare token."""
    if "token=" in link:
        found = urllib.parse.parse_qs(urllib.parse.urlsplit(link.strip()).query).get("token")
        if found:
            return found[0]
    return link.strip()


def link_digest(services: Any, args: argparse.Namespace) -> int:
    """Print the keyed digest of a link, to compare with an archived mail's X-Mailwarden-Withheld."""
    from admin_api.account_links import archive_digest
    from archive.keyring import KeyMissing

    try:
        print(archive_digest(services.keyring, token_of(args.link), args.kid))
    except KeyMissing as exc:
        print(f"mailwarden: {exc}", file=sys.stderr)
        return 1
    return 0
