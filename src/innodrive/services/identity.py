"""The CLI's actor: who is typing, and with which rights.

The CLI names its operator with ``--by`` or ``INNODRIVE_USER`` (else the login name).
When that name is a registered account (``innodrive users``), the command runs with
the account's role and region, exactly as the same person would in the browser (a
disabled account is refused, as it would be at the sign-in page); otherwise it runs as
the local operator (see :class:`~innodrive.services.actor.Actor`).
"""

from __future__ import annotations

from innodrive.services.actor import Actor


def operator_name(by: str | None = None) -> str:
    """``--by`` if given, else ``INNODRIVE_USER``, else the login name."""
    from innodrive.store import current_user

    return (by or "").strip() or current_user()


def cli_actor(store, by: str | None = None) -> Actor:
    """The actor for a CLI command on ``store``."""
    name = operator_name(by)
    account = _account(store, name)
    return account if account is not None else Actor.local_operator(name)


def _account(store, name: str) -> Actor | None:
    """The registered account called ``name`` as an actor, if accounts exist.

    Accounts arrive with the web workbench (``innodrive.services.accounts``); until a
    database has them, every CLI operator is the local operator.
    """
    try:
        from innodrive.services import accounts
    except ImportError:
        return None
    return accounts.actor_for_username(store, name, via="cli")
