"""Status rule sets: how a light is decided, declared as data.

A rule set (``tracking/rules/<name>.yaml``) has a name, a version and a date of effect,
and holds *ordered* rules — the first rule whose conditions all hold decides the light
(as ClearPoint does). A condition is either a flag (``{flag: met}``, ``{no_flag: met}``)
or a comparison of a metric with a number (``{metric: schedule_gap, op: "<", value: -15}``).
A condition on a metric that is unknown for this target (no baseline, no forecast) is
false, so an unknown never turns a light green by accident. Every rule list must end
with a rule without conditions, so that every target and task gets a light.

A preset may ``extends: default`` and override only some sections. The metric and flag
names are fixed here and checked on load, so a typo in a rule file is an error with a
Chinese message, not a rule that silently never fires.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from innodrive.errors import InputError, NotFound, Problem, ValidationFailed
from innodrive.tracking.models import Light

# --------------------------------------------------------------------------- vocabulary

TARGET_METRICS: dict[str, str] = {
    "progress_pct": "从基期到目标已完成的进度（%）",
    "time_pct": "最新实际值所在时点已过去的规划期时间（%）",
    "schedule_gap": "序时进度差：进度 − 时间进度（百分点）",
    "progress_ratio_pct": "进度 ÷ 时间进度（%），即完成序时进度的程度",
    "value_ratio_pct": "实际值 ÷ 路径上的应达值（%；逆向指标取倒数）",
    "probability_pct": "按趋势预测到期达标的概率（%）",
    "n_points": "用于趋势预测的年度数据点数",
}
TARGET_FLAGS: dict[str, str] = {
    "met": "最新实际值已达到目标",
    "final": "目标年份的实际值已发布",
    "deadline_passed": "已过目标期限",
    "data_overdue": "按常规发布时间应已发布的数据尚未录入",
    "awaiting_release": "基期之后的数据尚未到常规发布时间",
    "no_data": "基期之后没有实际值",
    "no_baseline": "缺少基期值",
    "no_target_value": "无法确定目标值",
    "not_linked": "目标尚未对应到目录指标",
    "unit_mismatch": "单位无法换算",
    "met_at_baseline": "基期值已达到目标",
    "baseline_from_document": "基期值取自文件所列数值",
    "few_points": "数据点少于3个，不确定性很大",
    "accumulated": "按规划期内逐年增量累计",
    "incomplete_years": "累计所需的某些年份缺少数据",
}
TASK_METRICS: dict[str, str] = {
    "days_to_deadline": "距离期限的天数",
    "days_overdue": "超过期限的天数",
    "days_since_report": "距上次有效报送的天数",
    "completion_pct": "最新有效报送的完成比例（%）",
    "time_pct": "从开始到期限已过去的时间（%）",
    "schedule_gap": "完成比例 − 时间进度（百分点）",
    "progress_ratio_pct": "完成比例 ÷ 时间进度（%）",
    "days_not_started": "开始日期之后仍未启动的天数",
    "missed_reports": "连续未报送的周期数",
}
TASK_FLAGS: dict[str, str] = {
    "completed": "已完成（报送已通过审核）",
    "completed_late": "完成日期晚于期限",
    "overdue": "已过期限仍未完成",
    "approaching": "临近期限",
    "report_missing": "未按期报送进展",
    "not_started": "尚未启动",
    "milestone_overdue": "有节点已逾期",
    "no_deadline": "未设定期限",
    "no_reports": "从未报送",
    "pending_approval": "最新报送待审核",
    "returned": "最新报送被退回",
    "blocked": "报送称工作受阻",
}

Op = Literal["<", "<=", ">", ">=", "==", "!="]


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    flag: str | None = None
    no_flag: str | None = None
    metric: str | None = None
    op: Op | None = None
    value: float | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        kinds = [self.flag is not None, self.no_flag is not None, self.metric is not None]
        if sum(kinds) != 1:
            raise ValueError("每个条件只能是 flag、no_flag 或 metric 之一")
        if self.metric is not None and (self.op is None or self.value is None):
            raise ValueError(f"指标条件“{self.metric}”需要 op 和 value")
        return self

    def holds(self, flags: set[str], metrics: dict[str, float | None]) -> bool:
        if self.flag is not None:
            return self.flag in flags
        if self.no_flag is not None:
            return self.no_flag not in flags
        x = metrics.get(self.metric)  # type: ignore[arg-type]
        if x is None:
            return False
        v = self.value
        return {"<": x < v, "<=": x <= v, ">": x > v, ">=": x >= v, "==": x == v, "!=": x != v}[self.op]  # type: ignore[index,operator]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str
    light: Light
    label: str
    when: list[Condition] = Field(default_factory=list)

    def matches(self, flags: set[str], metrics: dict[str, float | None]) -> bool:
        return all(c.holds(flags, metrics) for c in self.when)


class Outcome(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    light: Light
    label: str


class TrendRules(BaseModel):
    """For ``trend`` targets (持续上升): the change between the last two points."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    flat_tolerance_pct: float = Field(default=0.0, ge=0, description="a relative change within this is flat")
    rising: Outcome
    flat: Outcome
    falling: Outcome


class RelativeRules(BaseModel):
    """For ``relative`` targets (高于全省平均水平): compared with a reference region."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    better: Outcome
    equal: Outcome
    worse: Outcome


class MilestoneRules(BaseModel):
    """For ``milestone`` targets (建成…): a reported fact, or the calendar."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    approaching_days: int = Field(default=90, ge=0)
    achieved: Outcome
    pending: Outcome
    approaching: Outcome
    overdue: Outcome


class TargetRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    unjudgeable: list[Rule] = Field(default_factory=list)
    rules: list[Rule]
    trend: TrendRules
    relative: RelativeRules
    milestone: MilestoneRules


class TaskRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    approaching_days: int = Field(default=7, ge=0)
    report_interval_days: int = Field(default=31, ge=1)
    report_grace_days: int = Field(default=5, ge=0)
    completion_requires_approval: bool = True
    rules: list[Rule]


class PathRules(BaseModel):
    """The shape of the expected path from baseline to target, per kind of target."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    number: Literal["linear", "compound"] = "linear"
    multiple: Literal["linear", "compound"] = "compound"
    growth: Literal["linear", "compound"] = "compound"
    points: Literal["linear", "compound"] = "linear"


class ReleaseRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    default_lag_months: int = Field(default=6, ge=0, le=36, description="when the catalogue has no lag")
    grace_months: int = Field(default=1, ge=0, le=12, description="added to the usual lag before data is overdue")


class ForecastRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    model: Literal["auto", "linear", "loglinear"] = "auto"
    level: float = Field(default=0.8, gt=0, lt=1)
    max_points: int = Field(default=8, ge=2)


class RuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str
    title: str
    version: int
    effective: dt.date
    description: str
    based_on: str | None = Field(default=None, description="the practice the preset models, with its source")
    path: PathRules = PathRules()
    release: ReleaseRules = ReleaseRules()
    forecast: ForecastRules = ForecastRules()
    targets: TargetRules
    tasks: TaskRules

    @property
    def ident(self) -> str:
        return f"{self.name}@{self.version}"


# --------------------------------------------------------------------------- loading

RULES_PACKAGE = "innodrive.tracking.rules"  # the folder of YAML presets


def _check_vocabulary(rs: RuleSet, source: str) -> list[Problem]:
    problems: list[Problem] = []

    def check(rules: list[Rule], metrics: dict, flags: dict, where: str, need_fallback: bool) -> None:
        for r in rules:
            for c in r.when:
                if c.metric is not None and c.metric not in metrics:
                    problems.append(Problem(f"{where} 规则“{r.id}”使用了未知指标“{c.metric}”（可用：{'、'.join(metrics)}）",
                                            file=source, field="when"))
                for f in (c.flag, c.no_flag):
                    if f is not None and f not in flags:
                        problems.append(Problem(f"{where} 规则“{r.id}”使用了未知标志“{f}”（可用：{'、'.join(flags)}）",
                                                file=source, field="when"))
        if need_fallback and (not rules or rules[-1].when):
            problems.append(Problem(f"{where} 规则列表最后一条必须是无条件的兜底规则", file=source, field="rules"))
        ids = [r.id for r in rules]
        for i in {i for i in ids if ids.count(i) > 1}:
            problems.append(Problem(f"{where} 规则编号“{i}”重复", file=source, field="id"))

    check(rs.targets.rules, TARGET_METRICS, TARGET_FLAGS, "targets.rules", True)
    check(rs.targets.unjudgeable, TARGET_METRICS, TARGET_FLAGS, "targets.unjudgeable", False)
    check(rs.tasks.rules, TASK_METRICS, TASK_FLAGS, "tasks.rules", True)
    return problems


def _merge(parent: dict, child: dict) -> dict:
    """``child`` over ``parent``: nested sections merge, lists and scalars replace."""
    out = dict(parent)
    for k, v in child.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


_RULE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def _read_builtin(name: str) -> dict:
    if not _RULE_NAME.fullmatch(name or ""):
        raise NotFound(f"没有名为“{name}”的状态规则集（可用：{'、'.join(list_rule_sets())}）", field="rules")
    try:
        text = resources.files(RULES_PACKAGE).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise NotFound(f"没有名为“{name}”的状态规则集（可用：{'、'.join(list_rule_sets())}）", field="rules") from exc
    return _parse_yaml(text, f"{name}.yaml", shipped=True)


def _parse_yaml(text: str, source: str, *, shipped: bool = False) -> dict:
    from innodrive.safeio import load_yaml

    try:
        data = load_yaml(text, name=source, shipped=shipped)
    except InputError as exc:
        raise ValidationFailed(f"状态规则集不是有效的 YAML：{exc.message}", file=source) from None
    if not isinstance(data, dict):
        raise ValidationFailed("状态规则集应为 YAML 映射（name、version、targets、tasks …）", file=source)
    return data


def _resolve(data: dict, source: str, seen: tuple[str, ...] = ()) -> dict:
    parent = data.get("extends")
    if not parent:
        return data
    if not isinstance(parent, str) or not _RULE_NAME.fullmatch(parent) or parent not in list_rule_sets():
        # a name of a shipped rule set only: never a path (``../../secret``) that would read any file
        raise NotFound(f"extends 只能指定内置的状态规则集名称（{'、'.join(list_rule_sets())}），"
                       f"不能是“{parent}”", file=source, field="extends")
    if parent in seen:
        raise ValidationFailed(f"状态规则集的 extends 形成循环：{' → '.join((*seen, parent))}", file=source)
    base = _resolve(_read_builtin(parent), f"{parent}.yaml", (*seen, parent))
    child = {k: v for k, v in data.items() if k != "extends"}
    return _merge({k: v for k, v in base.items() if k not in ("based_on",)}, child)


def parse_rules(data: dict, *, source: str) -> RuleSet:
    """Validate a rule-set document (after ``extends`` is resolved), naming every problem."""
    data = _resolve(data, source)
    try:
        rs = RuleSet.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(err["msg"], file=source, field=".".join(str(p) for p in err["loc"])) for err in exc.errors()]
        raise ValidationFailed(f"状态规则集 {source} 有 {len(problems)} 处错误", file=source, problems=problems) from None
    problems = _check_vocabulary(rs, source)
    if problems:
        raise ValidationFailed(f"状态规则集 {source} 有 {len(problems)} 处错误", file=source, problems=problems)
    return rs


@cache
def _builtin(name: str) -> RuleSet:
    return parse_rules(_read_builtin(name), source=f"{name}.yaml")


def load_rules(name: str = "default") -> RuleSet:
    """A shipped rule set by name (``default``, ``yinchuan``, ``sanya``, ``wuhan``,
    ``cascade``, ``clearpoint`` …), or a rule-set file when ``name`` is a path to a
    ``.yaml``/``.yml`` file."""
    if name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name:
        from innodrive.safeio import read_input

        p = Path(name)
        if not p.exists() and not p.is_symlink():
            raise NotFound("状态规则集文件不存在", file=str(p))
        data = read_input(p, what="状态规则集文件")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("状态规则集文件应为 UTF-8 编码", file=str(p)) from None
        return parse_rules(_parse_yaml(text, str(p)), source=str(p))
    return _builtin(name)


def list_rule_sets() -> list[str]:
    """Names of the shipped rule sets."""
    folder = resources.files(RULES_PACKAGE)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))
