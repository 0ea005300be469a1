"""Domain objects of the living plan, as the store hands them out.

The extracted plan (``innodrive.extraction.models``) is what a document says; these
models add what the office does with it: which stored plan and version a document
became, the tasks with their owners and deadlines, milestones, progress reports and
their review. They are plain pydantic models so the CLI, the web layer and tracking
can use them without a database session.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from innodrive.extraction.models import Target

ReviewState = Literal["submitted", "approved", "returned"]
TaskStatus = Literal["not_started", "in_progress", "blocked", "completed"]

REVIEW_STATE_NAMES: dict[str, str] = {"submitted": "已报送（待审核）", "approved": "已通过", "returned": "已退回"}
TASK_STATUS_NAMES: dict[str, str] = {
    "not_started": "未启动", "in_progress": "推进中", "blocked": "受阻", "completed": "已完成",
}


class PlanVersionInfo(BaseModel):
    id: int
    number: int
    file_name: str
    sha256: str
    title: str | None
    issued: str | None
    horizon: int | None
    added_at: dt.datetime
    added_by: str
    targets: int
    outline_nodes: int


class PlanSummary(BaseModel):
    id: int
    key: str
    title: str | None
    issuer: str | None
    region_code: str | None
    region_name: str | None
    versions: list[PlanVersionInfo]
    tasks: int = Field(description="active tasks")
    removed_at: dt.datetime | None = None
    removed_by: str | None = None

    @property
    def latest(self) -> PlanVersionInfo:
        return self.versions[-1]


class StoredTarget(BaseModel):
    """A target of a stored plan version, with its link to the indicator catalogue."""

    id: int
    plan_id: int
    version_id: int
    version_number: int
    region_code: str | None
    target: Target
    indicator_code: str | None
    link_method: str | None
    link_score: float | None
    link_candidates: list[str] = Field(default_factory=list)


class Milestone(BaseModel):
    id: int
    task_id: int
    title: str
    due_date: dt.date


class EvidenceFile(BaseModel):
    """A piece of evidence of a report: its name, hash and size; ``blob_key`` finds its
    bytes in the blob store (:mod:`innodrive.blobs`), on whichever machine asks."""

    file_name: str
    sha256: str
    size: int
    blob_key: str


class ProgressReport(BaseModel):
    id: int
    task_id: int
    milestone_id: int | None
    as_of: dt.date
    status: TaskStatus
    percent: float | None
    narrative: str
    reporter: str
    unit: str | None
    submitted_at: dt.datetime
    review_state: ReviewState
    reviewer: str | None
    reviewed_at: dt.datetime | None
    review_reason: str | None
    evidence: list[EvidenceFile] = Field(default_factory=list)


class Task(BaseModel):
    """A key task (重点任务) of a plan with its owners, deadline and reports."""

    id: int
    plan_id: int
    plan_title: str | None
    region_code: str | None
    path: str
    label: str
    title: str
    level: int
    lead_units: list[str]
    co_units: list[str]
    deadline: str | None = Field(description="the time limit as written (YYYY-MM-DD, YYYY-MM or YYYY)")
    due_date: dt.date | None = Field(description="the last day the deadline allows")
    active: bool
    milestones: list[Milestone] = Field(default_factory=list)
    reports: list[ProgressReport] = Field(default_factory=list)

    def approved_reports(self) -> list[ProgressReport]:
        """Only approved reports count for tracking (报送 → 审核 → 通过)."""
        return [r for r in self.reports if r.review_state == "approved"]

    def latest_approved(self) -> ProgressReport | None:
        approved = sorted(self.approved_reports(), key=lambda r: (r.as_of, r.id))
        return approved[-1] if approved else None


class TaskChange(BaseModel):
    added: int = 0
    updated: int = 0
    retired: int = 0


class AddResult(BaseModel):
    """What adding one document did."""

    file: str
    outcome: Literal["new_plan", "new_version", "unchanged"]
    plan_id: int
    plan_title: str | None
    version_number: int
    targets: int
    linked_targets: int
    unlinked: int = Field(default=0, description="targets other than milestones that no catalogue indicator matched")
    tasks: TaskChange
    diff_lines: list[str] = Field(default_factory=list)
