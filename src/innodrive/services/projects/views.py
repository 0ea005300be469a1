"""The view models the project use cases return (English keys; faces add Chinese labels)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from innodrive.projects.aggregation import Aggregate
from innodrive.projects.assignment import FieldBalance
from innodrive.projects.eligibility import Eligibility
from innodrive.projects.specs import (
    BudgetLine,
    Collaboration,
    CreditCheck,
    Criterion,
    Member,
    Partner,
    ProposedMilestone,
    ReviewSpec,
)

STAGE_LABELS = {
    "upcoming": "未开始申报",
    "open": "申报中",
    "closed": "申报已截止",
    "review": "评审中",
    "publicity": "公示中",
    "decided": "已立项",
}
SELECTION_LABELS = {"proposed": "拟立项", "publicised": "公示中", "confirmed": "已立项", "withdrawn": "已撤销"}
OBJECTION_LABELS = {"pending": "待处理", "upheld": "异议成立", "rejected": "异议不成立"}
CONCLUSION_LABELS = {"pass": "通过", "rectify": "整改", "fail": "不通过"}
CONTRACT_LABELS = {"active": "执行中", "completed": "已结题", "terminated": "已终止"}
PAYMENT_LABELS = {"disburse": "拨付", "recover": "收回"}
SECOND_LOOK_LABELS = {"support": "复议支持立项", "maintain": "复议维持评审结果"}


class TaskRef(BaseModel):
    id: int
    title: str
    plan_title: str | None = None
    active: bool = True


class RuleLine(BaseModel):
    id: str
    label: str
    basis: str | None = None
    test: str | None = None
    all: list[str] | None = None
    any: list[str] | None = None


class CallSummary(BaseModel):
    code: str
    title: str
    kind: str
    kind_label: str
    issuer: str
    region_code: str
    region_name: str | None = None
    field: str
    quota: float
    max_awards: int
    opens_on: dt.date
    deadline: dt.date
    stage: str
    stage_label: str
    applications: int = 0
    constructed: bool = False


class CallView(CallSummary):
    problem: str
    source: str | None = None
    plan_task: TaskRef | None = None
    eligibility: list[RuleLine] = Field(default_factory=list)
    criteria: list[Criterion]
    review: ReviewSpec
    publicity_days: int
    max_total: float


class AttachmentView(BaseModel):
    id: int
    file_name: str
    sha256: str
    size: int
    kind: str
    blind_ok: bool


class ApplicationSummary(BaseModel):
    code: str
    blind_code: str
    call_code: str
    title: str
    applicant_kind: str
    applicant: str
    credit_code: str | None = None
    region_code: str | None = None
    requested: float
    self_funding: float
    received_on: dt.date
    eligibility_state: str
    eligibility_label: str
    withdrawn: bool = False
    selection: str | None = Field(default=None, description="selection state, if any")
    constructed: bool = False


class ApplicationView(ApplicationSummary):
    summary: str
    partners: list[Partner]
    members: list[Member]
    budget: list[BudgetLine]
    duration_months: int
    milestones: list[ProposedMilestone]
    credit_check: CreditCheck
    eligibility: Eligibility
    attachments: list[AttachmentView] = Field(default_factory=list)
    reviewers: int = 0
    second_look: dict | None = None


class ExpertView(BaseModel):
    id: int
    name: str
    affiliation: str
    affiliation_code: str | None = None
    title: str
    fields: list[str]
    posts: list[str]
    collaborations: list[Collaboration]
    max_load: int | None = None
    username: str | None = None
    active: bool


class ExpertsResult(BaseModel):
    added: int = 0
    updated: int = 0
    unchanged: int = 0


class AssignmentLine(BaseModel):
    assignment_id: int | None = None
    application_code: str
    blind_code: str
    expert_id: int
    expert_name: str
    state: str = "assigned"
    recusal_reason: str | None = None
    scored: bool = False


class ExpertLoad(BaseModel):
    expert_id: int
    expert_name: str
    fields: list[str]
    load: int


class Skipped(BaseModel):
    code: str
    reason: str


class AssignmentResult(BaseModel):
    call_code: str
    dry_run: bool
    per_application: int
    new: list[AssignmentLine]
    kept: int = 0
    loads: list[ExpertLoad]
    balance: list[FieldBalance]
    skipped: list[Skipped] = Field(default_factory=list)


class ScoreView(BaseModel):
    assignment_id: int
    scores: dict[str, float]
    total: float
    comment: str
    submitted_at: dt.datetime
    submitted_by: str


class Identity(BaseModel):
    """Who applied: shown to reviewers only when the call is not blind."""

    applicant: str
    credit_code: str | None = None
    partners: list[str] = Field(default_factory=list)
    members: list[Member] = Field(default_factory=list)


class ReviewPacket(BaseModel):
    """What a reviewer sees of one assigned application."""

    assignment_id: int
    state: str
    blind: bool
    blind_code: str
    call_code: str
    call_title: str
    field: str
    problem: str
    title: str
    summary: str
    budget: list[BudgetLine]
    requested: float
    self_funding: float
    duration_months: int
    milestones: list[ProposedMilestone]
    attachments: list[AttachmentView]
    criteria: list[Criterion]
    identity: Identity | None = None
    submitted: ScoreView | None = None


class RankingRow(BaseModel):
    rank: int | None = None
    tied: bool = False
    code: str
    blind_code: str
    title: str
    applicant: str
    reviews: int
    assigned: int
    aggregate: Aggregate | None = None
    criteria: dict[str, float] = Field(default_factory=dict, description="criterion → aggregate with the same method")
    non_consensus: bool = False
    second_look: dict | None = None
    selection: str | None = None
    requested: float


class RankingView(BaseModel):
    call_code: str
    call_title: str
    method: str
    trim: int
    measure: str
    threshold: float
    max_total: float
    ranked: list[RankingRow]
    incomplete: list[RankingRow]


class SelectionView(BaseModel):
    application_code: str
    title: str
    applicant: str
    amount: float
    reason: str
    state: str
    state_label: str
    decided_at: dt.datetime
    decided_by: str


class ObjectionView(BaseModel):
    id: int
    call_code: str
    application_code: str | None = None
    received_on: dt.date
    submitter: str
    contact: str
    contact_masked: bool
    text: str
    state: str
    state_label: str
    response: str | None = None
    handled_by: str | None = None


class PublicEntry(BaseModel):
    application_code: str
    title: str
    applicant: str
    amount: float
    state: str


class PublicityView(BaseModel):
    id: int
    call_code: str
    call_title: str
    issuer: str
    starts_on: dt.date
    ends_on: dt.date
    state: str
    entries: list[PublicEntry]
    objections: int = 0
    pending: int = 0
    constructed: bool = False


class MilestoneView(BaseModel):
    id: int
    ordinal: int
    title: str
    kind: str
    kind_label: str
    due_on: dt.date
    deliverables: list[str]
    tranche: float
    accepted_on: dt.date | None = None
    paid: float = 0.0


class CheckView(BaseModel):
    id: int
    milestone_id: int
    milestone: str
    kind: str
    held_on: dt.date
    conclusion: str
    conclusion_label: str
    comments: str
    experts: list[str]
    recorded_by: str


class PaymentView(BaseModel):
    id: int
    milestone: str | None = None
    kind: str
    kind_label: str
    amount: float
    paid_on: dt.date
    voucher: str
    note: str | None = None
    recorded_by: str


class OutputView(BaseModel):
    id: int
    kind: str
    kind_label: str
    title: str
    identifier: str | None = None
    obtained_on: dt.date
    quantity: float
    amount: float | None = None
    unit: str
    indicators: list[str]


class ProjectStatus(BaseModel):
    light: str
    light_label: str
    label: str
    standing: str
    standing_label: str
    reason: str
    next_milestone: str | None = None
    next_due: dt.date | None = None


class ProjectLine(BaseModel):
    code: str
    application_code: str
    call_code: str
    title: str
    applicant: str
    amount: float
    paid: float
    ends_on: dt.date
    state: str
    status: ProjectStatus
    plan_task: TaskRef | None = None


class ProjectView(ProjectLine):
    signed_on: dt.date
    starts_on: dt.date
    milestones: list[MilestoneView]
    checks: list[CheckView]
    payments: list[PaymentView]
    outputs: list[OutputView]
    balance: float
    note: str | None = None
    constructed: bool = False


class OutputResult(BaseModel):
    output: OutputView
    observations: list[dict] = Field(default_factory=list, description="indicator values written (key, value, change)")
