"""Roles and region scope without pydantic: what :func:`innodrive.services.access.can` reads.

:class:`~innodrive.services.actor.Actor` is a pydantic model (it travels in view models
and web sessions), and importing pydantic costs about a tenth of a second. The stored
status board (:mod:`innodrive.status_snapshot`) is printed before anything heavy is
imported, yet must obey the same rights as the full path; so the roles, their names and
the region-scope rule live here, in the standard library only, and ``Actor`` takes them
from here. :class:`Scope` is the part of an actor a rights check reads, for that path.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"          # 管理员: accounts and settings
    OFFICE = "office"        # 创新办 / 市科技局: everything in its region
    UNIT = "unit"            # 责任单位: its own tasks, reports, 督办单, service requests
    COUNTY = "county"        # 区县: its county's targets and data entry
    EVALUATOR = "evaluator"  # 第三方评估: read-only over its scope + its verdicts
    REVIEWER = "reviewer"    # 评审专家: its own review assignments (blind)
    NPC = "npc"              # 人大: read-only view of the plan's state
    PUBLIC = "public"        # 公众: the published summary, no login


ROLE_NAMES: dict[Role, str] = {
    Role.ADMIN: "管理员",
    Role.OFFICE: "创新办",
    Role.UNIT: "责任单位",
    Role.COUNTY: "区县",
    Role.EVALUATOR: "第三方评估",
    Role.REVIEWER: "评审专家",
    Role.NPC: "人大",
    Role.PUBLIC: "公众",
}

# The local operator (a command run without an account) acts as the office, unrestricted.
LOCAL_OPERATOR_ROLE = Role.OFFICE


def covers(actor, region_code: str | None) -> bool:
    """Whether an object of ``region_code`` lies inside ``actor``'s scope (an
    :class:`~innodrive.services.actor.Actor` or a :class:`Scope`).

    An actor without a region covers everything; an object without a region
    (a plan whose region is unknown) is covered only by such actors.
    """
    if actor.local or actor.region_code is None:
        return True
    if region_code is None:
        return False
    from innodrive.regions import all_regions

    return region_code == actor.region_code or all_regions().is_within(region_code, actor.region_code)


@dataclass(frozen=True, slots=True)
class Scope:
    """An actor as a rights check sees it: role, region, unit, or the local operator
    (who holds every right). Built by :func:`innodrive.services.identity.cli_scope_sqlite`."""

    role: Role
    region_code: str | None = None
    unit: str | None = None
    local: bool = False

    def covers(self, region_code: str | None) -> bool:
        return covers(self, region_code)
