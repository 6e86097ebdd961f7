"""An administrator mails a person a password-reset link (the users page and
``POST /api/v1/users/{name}/reset-link``; issue 16).

The same link and the same mail path as ``mailwarden user invite --reset``: the gateway archives
the mail with the link withheld and delivers the working copy only to the person (issue 15).
Per account at most ``ConsoleConfig.link_mails`` per ``link_mail_window`` seconds, counted in
the database so every API worker and node sees the same number.
"""

from __future__ import annotations

from admin_api import account_links
from admin_api.services import ApiServices


class MailUnavailable(Exception):
    """This API was started without the gateway's mail path (links cannot be mailed)."""


def mail_reset_link(services: ApiServices, name: str, origin: str) -> str:
    """Mail ``name`` a reset link; returns the address it went to. ``origin``: the request's own
    base URL, used when ``api.base_url`` is not set. Raises LookupError (unknown or disabled
    account), ValueError (no mail address), account_links.TooManyLinks, MailUnavailable."""
    if services.send_link_mail is None:
        raise MailUnavailable("mail cannot be sent from this API process")
    console = services.console
    return account_links.send_link(
        services.engine, name, "reset", base_url=console.base_url or origin, now=services.clock(),
        lifetime=console.link_lifetime, send=services.send_link_mail,
        limit=(console.link_mails, console.link_mail_window))
