"""The shape of a chain, as imported and as shown."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SEGMENTS = ("上游", "中游", "下游")
Segment = Literal["上游", "中游", "下游"]
PLATFORM_LEVELS = ("国家级", "省级", "市级", "县级", "其他")


class NodeSpec(BaseModel):
    code: str
    name: str
    segment: Segment
    parent: str | None = None
    note: str | None = None


class EnterpriseLink(BaseModel):
    node: str
    credit_code: str
    name: str
    region: str | None = Field(None, description="所在地区 as written; resolved to a code on import")
    region_code: str | None = None
    leader: bool = False
    note: str | None = None


class PlatformSpec(BaseModel):
    node: str
    name: str
    level: str = "其他"
    kind: str | None = None


class TargetSpec(BaseModel):
    node: str | None = None
    text: str
    value: float | None = None
    unit: str | None = None
    year: int | None = None
    plan_target_id: int | None = None


class ChainSpec(BaseModel):
    """A whole chain as a file declares it (YAML or the XLSX template)."""

    key: str
    name: str
    region: str | None = None
    region_code: str | None = None
    description: str | None = None
    source: str | None = None
    example: bool = False
    nodes: list[NodeSpec]
    enterprises: list[EnterpriseLink] = Field(default_factory=list)
    platforms: list[PlatformSpec] = Field(default_factory=list)
    targets: list[TargetSpec] = Field(default_factory=list)


class NodeView(BaseModel):
    code: str
    name: str
    segment: str
    parent: str | None
    depth: int
    note: str | None = None
    enterprises: list[dict] = Field(default_factory=list, description="credit_code, name, region, leader, local, verdicts")
    platforms: list[PlatformSpec] = Field(default_factory=list)
    targets: list[TargetSpec] = Field(default_factory=list)
    local_enterprises: int = 0
    gap_enterprise: bool = False
    gap_platform: bool = False


class ChainView(BaseModel):
    key: str
    name: str
    region_code: str | None
    region_name: str | None
    description: str | None
    source: str | None
    example: bool
    nodes: list[NodeView]
    targets: list[TargetSpec] = Field(default_factory=list, description="targets of the whole chain")

    @property
    def gaps(self) -> list[NodeView]:
        return [n for n in self.nodes if n.gap_enterprise or n.gap_platform]
