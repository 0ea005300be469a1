"""The 考核's inputs and results as plain models: every number with where it came from.

A result that cannot be explained cannot be defended when a unit disputes it, so the
models carry provenance all the way: a :class:`Fact` is a value with its
:class:`Source` (an observation with its statistical source and revision, the tasks
counted, an imported figure with its file, an appeal's correction); a
:class:`RuleLine` is one scoring rule applied to one unit with its formula in words; an
:class:`ItemLine` is one 加分/扣分/否决 item with its evidence. These are also the view
models the services return (English keys; the faces add Chinese labels).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

SourceKind = Literal["observation", "tasks", "data", "correction", "framework", "none"]
ItemKind = Literal["bonus", "deduction", "veto"]
ITEM_KIND_NAMES = {"bonus": "加分", "deduction": "扣分", "veto": "一票否决"}


class Source(BaseModel):
    kind: SourceKind
    text: str
    ref: dict = Field(default_factory=dict, description="ids of the records behind the value")


class Fact(BaseModel):
    value: float | None
    unit: str | None = None
    source: Source


class TaskFact(BaseModel):
    """One ledger task as the 考核 counts it for one unit."""

    task_id: int
    title: str
    plan_title: str | None = None
    role: Literal["lead", "co"]
    deadline: dt.date | None
    completed: bool
    completed_on: dt.date | None = None
    on_time: bool
    due_in_year: bool
    overdue: bool
    reason: str
    excluded: str | None = Field(None, description="why an appeal took it out of the count")


class EvidenceRef(BaseModel):
    file_name: str
    sha256: str
    size: int


class Item(BaseModel):
    """A 加分/扣分/否决 event recorded for a unit, with its evidence."""

    id: int
    unit: str
    code: str
    title: str
    evidence: str
    files: list[EvidenceRef] = Field(default_factory=list)
    occurred_on: dt.date | None = None
    source: str | None = None
    withdrawn: str | None = None


class UnitInputs(BaseModel):
    unit: str
    values: dict[str, Fact] = Field(default_factory=dict)
    targets: dict[str, Fact] = Field(default_factory=dict)
    tasks: list[TaskFact] = Field(default_factory=list)
    reports_approved: int = 0
    reports_returned: int = 0
    items: list[Item] = Field(default_factory=list)
    corrections: list[int] = Field(default_factory=list, description="ids of the accepted appeals applied")


class RuleLine(BaseModel):
    code: str
    name: str
    method: Literal["completion", "rank"]
    points: float
    actual: Fact
    target: Fact | None = None
    ratio: float | None = None
    rank: int | None = None
    ranked: int | None = None
    base: float
    bonus: float = 0.0
    unknown: bool = False
    formula: str


class ItemLine(BaseModel):
    item_id: int | None
    code: str
    kind: ItemKind
    name: str
    title: str
    evidence: str
    points: float = Field(description="signed: + for 加分, − for 扣分, 0 for a veto or an item over the cap")
    note: str | None = None


class UnitResult(BaseModel):
    unit: str
    unit_type: str
    group: str
    region_code: str | None
    framework_id: str
    framework_version: str
    framework_sha256: str
    full_marks: float
    rules: list[RuleLine]
    items: list[ItemLine]
    tasks: list[TaskFact] = Field(default_factory=list)
    base: float
    over_bonus: float
    item_bonus: float
    deduction: float
    vetoed: bool
    veto_reasons: list[str] = Field(default_factory=list)
    total: float
    rank: int
    grade: str
    grade_reason: str
    unknown: list[str] = Field(default_factory=list)
    corrections: list[int] = Field(default_factory=list)


class GroupResult(BaseModel):
    name: str
    types: list[str]
    grade_rule: str
    units: list[str] = Field(description="ranked, best first")


class CycleResult(BaseModel):
    name: str
    year: int
    region: str
    region_code: str | None
    as_of: dt.date
    data_note: str | None = None
    groups: list[GroupResult]
    units: list[UnitResult]

    def unit(self, name: str) -> UnitResult:
        return next(u for u in self.units if u.unit == name)


__all__ = ["ITEM_KIND_NAMES", "CycleResult", "EvidenceRef", "Fact", "GroupResult", "Item", "ItemKind", "ItemLine",
           "RuleLine", "Source", "SourceKind", "TaskFact", "UnitInputs", "UnitResult"]
