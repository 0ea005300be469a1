"""What the office declares: a call, an application, an expert, a contract.

These are the boundary models of the projects domain. The office writes them as YAML
files (or fills the same fields in the web forms); :func:`parse` turns a parsed
document into a model or a :class:`~innodrive.errors.ValidationFailed` that names every
bad field in Chinese, so a typo in a 榜单 file is reported once, completely, and
nothing is stored.

Money is in 万元 throughout (the unit calls, budgets and contracts are written in).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from innodrive.errors import Problem, ValidationFailed, format_location

CallKind = Literal["jiebang", "directed", "major", "general"]
CALL_KINDS: dict[str, str] = {
    "jiebang": "揭榜挂帅",
    "directed": "定向委托",
    "major": "重大科技专项",
    "general": "科技计划项目",
}
ApplicantKind = Literal["enterprise", "university", "institute"]
APPLICANT_KINDS: dict[str, str] = {"enterprise": "企业", "university": "高校", "institute": "科研院所"}
MilestoneKind = Literal["start", "milestone", "midterm", "final"]
MILESTONE_KINDS: dict[str, str] = {
    "start": "合同签订（启动）",
    "milestone": "节点",
    "midterm": "中期检查",
    "final": "结题验收",
}
CONSTRUCTED_LABEL = "构造示例（非真实数据）"

_T = TypeVar("_T", bound=BaseModel)


def _by_label(value: Any, table: dict[str, str]) -> Any:
    """Accept a code or its Chinese label (``揭榜挂帅`` → ``jiebang``)."""
    if isinstance(value, str):
        v = value.strip()
        for code, label in table.items():
            if v in (code, label):
                return code
    return value


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------- calls


class Criterion(_Spec):
    """A declared review criterion (评审指标) with its maximum points."""

    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")
    label: str = Field(min_length=1, max_length=200)
    max: float = Field(gt=0, le=1000)
    description: str = ""


class Disagreement(_Spec):
    """When reviewers disagree widely enough to flag a 非共识 second look.

    ``range``: the highest minus the lowest total; ``stdev``: the sample standard
    deviation of the totals. ``threshold`` is in points of the total.
    """

    measure: Literal["range", "stdev"] = "range"
    threshold: float = Field(default=25.0, gt=0)


class ReviewSpec(_Spec):
    reviewers: int = Field(default=5, ge=1, le=25, description="reviewers per application")
    blind: bool = True
    aggregation: Literal["trimmed_mean", "median"] = "trimmed_mean"
    trim: int = Field(default=1, ge=0, le=5, description="scores dropped at each end (trimmed mean)")
    disagreement: Disagreement = Field(default_factory=Disagreement)
    collaboration_years: int = Field(default=3, ge=0, le=20, description="past collaboration within this many years conflicts")

    @model_validator(mode="after")
    def _enough_to_trim(self):
        if self.aggregation == "trimmed_mean" and self.reviewers < 2 * self.trim + 1:
            raise ValueError(f"去掉最高、最低各 {self.trim} 个分数后须至少剩 1 个：每项评审专家应不少于 "
                             f"{2 * self.trim + 1} 人")
        return self


class CallSpec(_Spec):
    """A 榜单 / 指南 as the office declares it."""

    code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=300)
    kind: CallKind = "jiebang"
    problem: str = Field(min_length=1, description="the problem to solve (需求 / 榜单内容)")
    issuer: str = Field(min_length=1, max_length=200, description="发榜单位")
    region: str = Field(min_length=1, description="region name or code of the call")
    field: str = Field(min_length=1, max_length=60, description="技术领域, matched with the experts' fields")
    quota: float = Field(gt=0, description="榜额 in 万元")
    max_awards: int = Field(default=1, ge=1, le=100)
    opens_on: dt.date
    deadline: dt.date
    plan_task: int | None = Field(default=None, description="id of the stored plan task it serves")
    source: str | None = Field(default=None, description="the notice that published it (文号)")
    eligibility: dict[str, dict[str, Any]] = Field(default_factory=dict)
    criteria: list[Criterion] = Field(min_length=1)
    review: ReviewSpec = Field(default_factory=ReviewSpec)
    publicity_days: int = Field(default=7, ge=1, le=60, description="公示期 in calendar days")
    constructed: bool = Field(default=False, description="constructed example data, not a real call")

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v):
        return _by_label(v, CALL_KINDS)

    @model_validator(mode="after")
    def _dates_and_criteria(self):
        if self.deadline < self.opens_on:
            raise ValueError("申报截止日期早于开始日期")
        ids = [c.id for c in self.criteria]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"评审指标编号重复：{'、'.join(dup)}")
        return self

    @property
    def max_total(self) -> float:
        return sum(c.max for c in self.criteria)


# --------------------------------------------------------------------------- applications


class ApplicantSpec(_Spec):
    """An enterprise by its 统一社会信用代码 (name and region come from the directory), or
    a 高校/院所 team by the unit's name and region."""

    kind: ApplicantKind = "enterprise"
    credit_code: str | None = None
    name: str | None = None
    region: str | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v):
        return _by_label(v, APPLICANT_KINDS)

    @model_validator(mode="after")
    def _identity(self):
        if self.kind == "enterprise" and not self.credit_code:
            raise ValueError("企业申报须填写统一社会信用代码")
        if self.kind != "enterprise" and not (self.name and self.region):
            raise ValueError("高校、院所申报须填写单位名称和所在地区")
        return self


class Partner(_Spec):
    name: str = Field(min_length=1, max_length=200)
    credit_code: str | None = None


SENIOR_TITLES = re.compile(r"教授|研究员|高级|高工|正高|副高|主任医师|主任药师")


class Member(_Spec):
    name: str = Field(min_length=1, max_length=60)
    organisation: str = ""
    title: str = Field(default="", description="职称")
    role: str = Field(default="", description="项目负责人 / 技术骨干 …")
    senior: bool | None = Field(default=None, description="高级职称; None: read from the title")

    @property
    def is_senior(self) -> bool:
        return self.senior if self.senior is not None else bool(SENIOR_TITLES.search(self.title))


class BudgetLine(_Spec):
    item: str = Field(min_length=1, max_length=100)
    fiscal: float = Field(default=0, ge=0, description="申请财政资金（万元）")
    own: float = Field(default=0, ge=0, alias="self", description="自筹资金（万元）")


class ProposedMilestone(_Spec):
    title: str = Field(min_length=1, max_length=200)
    kind: MilestoneKind = "milestone"
    due_in_months: int | None = Field(default=None, ge=0, le=120)
    deliverables: list[str] = Field(default_factory=list)
    tranche: float | None = Field(default=None, ge=0, description="拨付金额（万元） tied to this milestone")

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v):
        return _by_label(v, MILESTONE_KINDS)


class CreditCheck(_Spec):
    """The result of the office's 失信 check (信用中国 and the like)."""

    dishonest: bool | None = None
    source: str | None = None
    checked_on: dt.date | None = None


class AttachmentSpec(_Spec):
    file: str = Field(min_length=1)
    kind: str = "其他"
    blind: bool = Field(default=False, description="anonymised: reviewers may see it in blind mode")


class ApplicationSpec(_Spec):
    """An application entered by the office on the applicant's behalf."""

    call: str = Field(min_length=1)
    title: str = Field(min_length=1, max_length=300)
    summary: str = Field(min_length=1, description="技术方案摘要 shown to reviewers (identity removed in blind mode)")
    received_on: dt.date
    applicant: ApplicantSpec
    partners: list[Partner] = Field(default_factory=list)
    members: list[Member] = Field(min_length=1)
    budget: list[BudgetLine] = Field(min_length=1)
    requested: float | None = Field(default=None, ge=0)
    self_funding: float | None = Field(default=None, ge=0)
    duration_months: int = Field(ge=1, le=120)
    milestones: list[ProposedMilestone] = Field(default_factory=list)
    credit_check: CreditCheck = Field(default_factory=CreditCheck)
    attachments: list[AttachmentSpec] = Field(default_factory=list)
    constructed: bool = False

    @model_validator(mode="after")
    def _budget(self):
        fiscal = round(sum(b.fiscal for b in self.budget), 4)
        own = round(sum(b.own for b in self.budget), 4)
        if self.requested is None:
            self.requested = fiscal
        elif abs(self.requested - fiscal) > 1e-6:
            raise ValueError(f"申请财政资金 {self.requested:g} 万元与预算明细合计 {fiscal:g} 万元不一致")
        if self.self_funding is None:
            self.self_funding = own
        elif abs(self.self_funding - own) > 1e-6:
            raise ValueError(f"自筹资金 {self.self_funding:g} 万元与预算明细合计 {own:g} 万元不一致")
        for m in self.milestones:
            if m.due_in_months is not None and m.due_in_months > self.duration_months:
                raise ValueError(f"节点“{m.title}”在实施期（{self.duration_months} 个月）之外")
        return self

    @property
    def budget_total(self) -> float:
        return (self.requested or 0) + (self.self_funding or 0)


# --------------------------------------------------------------------------- experts


class Collaboration(_Spec):
    """A declared past collaboration: with an organisation or a person, last in ``until``."""

    with_: str = Field(alias="with", min_length=1, max_length=200)
    until: int | None = Field(default=None, ge=1949, le=2100, description="last year of the collaboration")
    note: str = ""


class ExpertSpec(_Spec):
    name: str = Field(min_length=1, max_length=60)
    affiliation: str = Field(min_length=1, max_length=200, description="工作单位")
    affiliation_code: str | None = Field(default=None, description="单位统一社会信用代码 (when known)")
    title: str = ""
    fields: list[str] = Field(min_length=1, description="专业领域; the first is the main one")
    posts: list[str] = Field(default_factory=list, description="兼职单位")
    collaborations: list[Collaboration] = Field(default_factory=list)
    max_load: int | None = Field(default=None, ge=0, le=500, description="most applications per call")
    username: str | None = Field(default=None, description="the reviewer's account, when they log in")
    active: bool = True

    @field_validator("fields", "posts", mode="before")
    @classmethod
    def _split(cls, v):
        if isinstance(v, str):
            return [p.strip() for p in re.split(r"[;；,，、/\n]+", v) if p.strip()]
        return v


# --------------------------------------------------------------------------- contracts


class ContractMilestone(_Spec):
    title: str = Field(min_length=1, max_length=200)
    kind: MilestoneKind = "milestone"
    due_on: dt.date
    deliverables: list[str] = Field(default_factory=list)
    tranche: float = Field(default=0, ge=0, description="拨付金额（万元） released on acceptance")

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v):
        return _by_label(v, MILESTONE_KINDS)


class ContractSpec(_Spec):
    code: str = Field(min_length=1, max_length=60, description="合同编号")
    signed_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    milestones: list[ContractMilestone] = Field(min_length=1)


# --------------------------------------------------------------------------- parsing


_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的字段（请检查拼写）",
    "string_too_short": "不能为空",
    "string_too_long": "内容过长",
    "string_type": "应为文字",
    "string_pattern_mismatch": "只能使用字母、数字、下划线和连字符",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为 是/否（true/false）",
    "bool_type": "应为 是/否（true/false）",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_type": "应为日期 YYYY-MM-DD",
    "list_type": "应为列表",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "literal_error": "取值不在允许范围内",
    "too_short": "至少需要一项",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
}


def _message(err: dict) -> str:
    kind = err.get("type", "")
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error") or err.get("msg", "")).removeprefix("Value error, ")
    if kind == "literal_error":
        return f"取值不在允许范围内（可选：{err.get('ctx', {}).get('expected', '')}）"
    text = _MESSAGES.get(kind)
    if text is None:
        return err.get("msg", "取值无效")
    try:
        return text.format(**err.get("ctx", {}))
    except (KeyError, IndexError):
        return text


def parse(model: type[_T], data: Any, *, file: str | None = None, what: str = "文件") -> _T:
    """``data`` as ``model``, or :class:`ValidationFailed` listing every bad field in Chinese."""
    if not isinstance(data, dict):
        raise ValidationFailed(f"{what}应为键值映射（YAML 的 键: 值 形式）", file=file)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or None
            problems.append(Problem(_message(err), file=file, field=loc))
        first = format_location(None, None, problems[0].field, problems[0].message)
        raise ValidationFailed(f"{what}有 {len(problems)} 处问题：{first}", file=file, problems=problems) from None


def org_key(name: str | None) -> str:
    """The key under which organisation names are compared (width, spaces, brackets)."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).strip().upper()
    text = re.sub(r"\s+", "", text)
    return text.replace("(", "（").replace(")", "）")
