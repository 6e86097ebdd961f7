"""Why an account was refused, in the reader's language.

The checks on an account (the directory's word, :mod:`gateway.account_check`; the account
rules, :mod:`admin_api.users`) run where there is no request and no reader -- the CLI, the
API, the users page -- so they raise :class:`AccountRefused` with a code and parameters.
``str()`` is the English sentence (the CLI's message, the JSON API's ``detail``); a page shows
``refusal_text(_, exc)``, the same sentence through its reader's catalog. Each sentence is
written once, below, as a ``_()`` literal the catalog update extracts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

Gettext = Callable[[str], str]


def sentences(_: Gettext) -> dict[str, str]:
    """code -> the sentence, with ``%(name)s`` parameters."""
    return {
        # the directory (gateway/account_check.py)
        "unknown-department": _("unknown department '%(department)s' (directory.yaml has: %(known)s)"),
        "not-our-address": _("%(address)s is not an address of ours (%(domains)s)"),
        "not-in-directory": _("%(address)s is not in directory.yaml (no department or group lists it)"),
        "not-a-supervisor": _("none of %(addresses)s is a supervisor of %(department)s in directory.yaml "
                              "(its supervisors: %(supervisors)s)"),
        "not-in-a-group": _("none of %(addresses)s is in a directory group (e.g. %(group)s): compliance "
                            "officers review what is routed to their group"),
        # the account rules (admin_api/users.py, admin_api/user_admin.py)
        "bad-name": _("user name must be 1-200 characters without surrounding spaces"),
        "bad-role": _("role must be one of %(roles)s"),
        "supervisor-without-department": _("a supervisor needs at least one department"),
        "bad-address": _("'%(address)s' is not a mail address"),
        "needs-address": _("a %(role)s needs --email: the address(es) they send mail from, so they never "
                           "decide on their own messages and are routed what is theirs to review"),
        "address-taken": _("%(address)s is already bound to user '%(user)s'"),
        "user-exists": _("user '%(name)s' exists"),
    }


ENGLISH = sentences(lambda text: text)
NONE = "none"   # an empty list in a parameter; translated on pages like a word
# parameters that are codes, not names: shown in the reader's words on a page
ROLE_PARAMS = ("role",)


class AccountRefused(ValueError):
    """A refused account change: ``code`` (a key of :func:`sentences`), ``params``, and the
    ``field`` of the request it is about (the JSON API's 422 ``loc``)."""

    def __init__(self, code: str, field: str, **params: str) -> None:
        self.code, self.field, self.params = code, field, params
        super().__init__(ENGLISH[code] % params)


def refusal_text(_: Gettext, exc: ValueError, roles: Mapping[str, str] | None = None) -> str:
    """The refusal in the reader's language (``_`` is the page's gettext; ``roles`` the role
    words, :func:`admin_api.words.roles`); any other ValueError as it is."""
    if not isinstance(exc, AccountRefused):
        return str(exc)
    params = {k: (_("none") if v == NONE else v) for k, v in exc.params.items()}
    for key in ROLE_PARAMS:
        if key in params and roles:
            params[key] = roles.get(params[key], params[key])
    return sentences(_)[exc.code] % params
