"""Who is acting: the :class:`Actor` every service takes.

A service never asks the process who is running it. The web face builds the actor
from the logged-in account (or the API token), the CLI from ``--by`` /
``INNODRIVE_USER``: when that name is a registered account, the CLI acts with that
account's role and region; otherwise it acts as the *local operator*, who has every
right — a person with a shell on the server and the database file can do everything
anyway, and accounts exist to limit what web and API users can do.

Roles (``Role``) are the offices of the 创新驱动发展 machinery; each account has one
role and one region scope (``region_code``: the 市 or 区县 it works for; ``None``
means every region). A 责任单位 account also names its ``unit`` (市经信局 …) as the
task ledgers write it, so that it sees and reports on its own tasks only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from innodrive.services.roles import LOCAL_OPERATOR_ROLE, ROLE_NAMES, Role, covers  # noqa: F401  (re-exported)

Channel = Literal["cli", "web", "api", "system"]


class Actor(BaseModel):
    """The person (or process) on whose behalf a service acts.

    ``username`` is what the audit log records: the real account name on the web and
    API, the operator's name on the CLI. ``local`` marks the CLI's local operator
    (no account), who holds every right over every region.
    """

    model_config = ConfigDict(frozen=True)

    username: str
    name: str = ""
    role: Role
    region_code: str | None = None
    unit: str | None = None
    user_id: int | None = None
    via: Channel = "cli"
    local: bool = False

    @property
    def display(self) -> str:
        """``张三（创新办）`` for messages and pages."""
        return f"{self.name or self.username}（{ROLE_NAMES[self.role]}）"

    def covers(self, region_code: str | None) -> bool:
        """Whether an object of ``region_code`` lies inside this actor's scope.

        An actor without a region covers everything; an object without a region
        (a plan whose region is unknown) is covered only by such actors.
        """
        return covers(self, region_code)

    @classmethod
    def local_operator(cls, name: str) -> Actor:
        return cls(username=name, name=name, role=LOCAL_OPERATOR_ROLE, via="cli", local=True)

    @classmethod
    def public(cls) -> Actor:
        return cls(username="公众", name="公众", role=Role.PUBLIC, via="web")

    @classmethod
    def system(cls, what: str = "innodrive") -> Actor:
        """Work innodrive does by itself (a scheduled rule raising a 督办单)."""
        return cls(username=f"系统（{what}）", name=what, role=Role.OFFICE, via="system", local=True)
