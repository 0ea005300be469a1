"""The CLI's actor: who is typing, and with which rights.

The CLI names its operator with ``--by`` or ``INNODRIVE_USER`` (else the login name).
When that name is a registered account (``innodrive users``), the command runs with
the account's role and region, exactly as the same person would in the browser (a
disabled account is refused, as it would be at the sign-in page); otherwise it runs as
the local operator (see :class:`~innodrive.services.actor.Actor`).

The same decision is available over a plain ``sqlite3`` connection
(:func:`cli_scope_sqlite`) for the stored ``status`` board, which must import neither
SQLAlchemy nor pydantic; both read the same columns (:data:`ACCOUNT_COLUMNS`) and
refuse a disabled account the same way. Nothing heavy is imported at module level for
that reason.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from innodrive.services.actor import Actor, Channel
    from innodrive.services.roles import Scope

# The columns of ``users`` (innodrive.accounts.db.UserRow) an actor is made of, in the
# order :func:`account_actor` takes them.
ACCOUNT_COLUMNS = ("username", "name", "role", "region_code", "unit", "id", "active")


def operator_name(by: str | None = None) -> str:
    """``--by`` if given, else ``INNODRIVE_USER``, else the login name."""
    from innodrive.settings import current_user

    return (by or "").strip() or current_user()


def cli_actor(store, by: str | None = None) -> Actor:
    """The actor for a CLI command on ``store``."""
    from innodrive.services.actor import Actor

    name = operator_name(by)
    account = _account(store, name)
    return account if account is not None else Actor.local_operator(name)


def cli_scope_sqlite(conn, by: str | None = None) -> Scope:
    """What :func:`cli_actor` decides, over a ``sqlite3`` connection to the same database
    and without pydantic: the :class:`~innodrive.services.roles.Scope` a rights check and
    the stored board's key read. A disabled account is refused as by :func:`account_actor`.
    A database without the accounts table raises ``sqlite3.OperationalError``: the
    caller, a fast path, then leaves the decision to :func:`cli_actor`."""
    from innodrive.services.roles import LOCAL_OPERATOR_ROLE, Role, Scope

    name = operator_name(by)
    row = conn.execute(f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM users WHERE username = ?", (name,)).fetchone()
    if row is None:
        return Scope(role=LOCAL_OPERATOR_ROLE, local=True)  # as Actor.local_operator
    username, _name, role, region_code, unit, _user_id, active = row
    _refuse_disabled(username, active)
    return Scope(role=Role(role), region_code=region_code, unit=unit)


def account_actor(username: str, name: str, role: str, region_code: str | None, unit: str | None, user_id: int,
                  active: bool, *, via: Channel) -> Actor:
    """A registered account as the actor of a command, a web session or an API token:
    the one place an :class:`Actor` is made of an account's columns. A disabled account
    is refused."""
    from innodrive.services.actor import Actor, Role

    _refuse_disabled(username, active)
    return Actor(username=username, name=name, role=Role(role), region_code=region_code, unit=unit, user_id=user_id,
                 via=via)


def _refuse_disabled(username: str, active: bool) -> None:
    if not active:
        from innodrive.errors import Forbidden

        raise Forbidden(f"账号“{username}”已停用")


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
