"""One 考核 framework per unit type and year: the engine's framework plus where each number comes from.

The 决定 asks for 考核 indicators set 差异化 for each kind of unit (主城区, 县, 市级部门)
and adjusted 动态 year by year. A kaohe framework is therefore an assessment-engine
framework (:mod:`innodrive.assessment.framework`: indicators, weights, targets, the
``scoring`` rules — completion, rank points, deductions, vetoes) for one ``unit_type``
and ``year``, with what the engine does not know:

* each indicator's ``from`` — ``observations`` (the catalogue's statistics for the
  unit's region and the year; the default for catalogue codes), ``tasks.on_time_rate``
  / ``tasks.approved_report_rate`` / ``tasks.overdue_count`` (the unit's tasks in the
  ledger), or ``data`` (values the office imports for the cycle, with their source);
* ``bonuses`` — 加分项 declared as data (a national platform won: ``points_each``, at
  most ``max``), with ``bonus_cap`` on their sum; deductions and vetoes stay the
  engine's (``scoring.deductions`` / ``scoring.vetoes``), counted from the 扣分 items
  recorded with evidence (``from: items``, the default) or from the ledger
  (``from: tasks.overdue_count``);
* ``tasks`` — which tasks count (``role: lead`` for 牵头 only, ``any`` for 牵头 or
  配合) and what a unit with no task due in the year gets (``no_tasks: unknown`` — the
  rule scores nothing and is listed as 未知 — or ``full`` — counted as 100%).

Pure: parsing, validation (every problem located) and the summary tables; the store
keeps each version's text so that a year's diff (:mod:`.diff`) is always possible.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from innodrive.assessment.framework import Framework, parse_framework
from innodrive.errors import InputError, Problem, ValidationFailed, format_location

TASK_METRICS: dict[str, tuple[str, str]] = {
    "tasks.on_time_rate": ("重点任务按期完成率", "%"),
    "tasks.approved_report_rate": ("进展报送审核通过率", "%"),
    "tasks.overdue_count": ("逾期未完成重点任务数", "项"),
}
SOURCES = ("observations", "data", *TASK_METRICS)
SOURCE_NAMES = {"observations": "统计数据（指标目录）", "data": "考核填报数据", **{k: f"任务台账：{v[0]}"
                                                                          for k, v in TASK_METRICS.items()}}
KAOHE_KEYS = ("unit_type", "year", "region", "bonuses", "bonus_cap", "tasks")


class BonusItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    points_each: float = Field(gt=0)
    max: float = Field(gt=0)
    note: str | None = None


class TaskPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["lead", "any"] = "lead"
    no_tasks: Literal["unknown", "full"] = "unknown"


class KaoheFramework(BaseModel):
    """A validated framework for one unit type and year."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    engine: Framework
    unit_type: str
    year: int
    region: str | None = None
    sources: dict[str, str]
    bonuses: tuple[BonusItem, ...] = ()
    bonus_cap: float | None = None
    tasks: TaskPolicy = TaskPolicy()
    deduction_sources: dict[str, str] = Field(default_factory=dict)
    text: str = ""

    @property
    def id(self) -> str:
        return self.engine.id

    @property
    def version(self) -> str:
        return self.engine.version

    @property
    def name(self) -> str:
        return self.engine.name

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def scoring(self) -> dict:
        return self.engine.scoring or {}

    @property
    def full_marks(self) -> float:
        return float(self.scoring.get("total") or sum(float(r["points"]) for r in self.scoring.get("rules") or []))

    def rule(self, code: str) -> dict | None:
        return next((r for r in self.scoring.get("rules") or [] if r["indicator"] == code), None)

    def deductions(self) -> list[dict]:
        return list(self.scoring.get("deductions") or [])

    def vetoes(self) -> list[dict]:
        return list(self.scoring.get("vetoes") or [])

    def item_kinds(self) -> dict[str, tuple[str, str]]:
        """code → (kind, name) of every item a unit can be recorded with: 加分, 扣分, 否决."""
        out = {b.code: ("bonus", b.name) for b in self.bonuses}
        out.update({d["code"]: ("deduction", str(d.get("name", d["code"]))) for d in self.deductions()
                    if self.deduction_sources.get(d["code"], "items") == "items"})
        out.update({v["code"]: ("veto", str(v.get("name", v["code"]))) for v in self.vetoes()})
        return out


def _as_list(value: Any) -> list:
    """``value`` when it is a list, else nothing to iterate (the wrong type is reported on its own)."""
    return value if isinstance(value, list) else []


def parse_kaohe_framework(raw: Any, *, file: str | None = None, text: str = "") -> KaoheFramework:
    """Validate a kaohe framework; the engine's checks and ours, every problem located."""
    if not isinstance(raw, dict):
        raise InputError("考核框架的顶层应是键值映射（id、name、version、unit_type、year、indicators…）", file=file)
    problems: list[Problem] = []
    try:
        engine = parse_framework(raw, file=file)
    except ValidationFailed as exc:
        problems += exc.problems or [Problem(exc.message, file=file, field=exc.field)]
        engine = None
    unit_type = raw.get("unit_type")
    if not isinstance(unit_type, str) or not unit_type.strip():
        problems.append(Problem("缺少“unit_type”（本框架适用的单位类型，如 主城区、县、部门）", file=file,
                                field="unit_type"))
    year = raw.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.append(Problem(f"“year”应是考核年度（如 2024），实际为“{year}”", file=file, field="year"))
    if engine is not None and not engine.scoring:
        problems.append(Problem("考核框架需要计分规则（scoring.rules）", file=file, field="scoring"))
    sources: dict[str, str] = {}
    catalogue = _catalogue_codes()
    for key in ("indicators",):
        for i, e in enumerate(_as_list(raw.get(key))):
            if not isinstance(e, dict) or not isinstance(e.get("code"), str):
                continue
            src = e.get("from")
            if src is None:
                src = "observations" if e["code"] in catalogue else "data"
            if src not in SOURCES:
                problems.append(Problem(f"未知的数据来源“{src}”；可用：{'、'.join(SOURCES)}", file=file,
                                        field=f"indicators[{i + 1}]（{e['code']}）.from"))
            elif src == "observations" and e["code"] not in catalogue:
                problems.append(Problem(f"指标“{e['code']}”不在指标目录中，不能取自统计数据；"
                                        "请改用 from: data（考核填报数据）", file=file,
                                        field=f"indicators[{i + 1}]（{e['code']}）.from"))
            sources[e["code"]] = src
    bonuses: list[BonusItem] = []
    for i, b in enumerate(_as_list(raw.get("bonuses"))):
        try:
            bonuses.append(BonusItem.model_validate(b))
        except Exception as exc:  # pydantic.ValidationError
            problems.append(Problem(f"加分项应含 code、name、正数 points_each 与 max（{_first(exc)}）", file=file,
                                    field=f"bonuses[{i + 1}]"))
    if raw.get("bonuses") is not None and not isinstance(raw.get("bonuses"), list):
        problems.append(Problem("“bonuses”应是列表", file=file, field="bonuses"))
    cap = raw.get("bonus_cap")
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int | float) or cap <= 0):
        problems.append(Problem("“bonus_cap”（加分合计上限）应是正数", file=file, field="bonus_cap"))
    try:
        policy = TaskPolicy.model_validate(raw.get("tasks") or {})
    except Exception as exc:
        problems.append(Problem(f"“tasks”应为 {{role: lead|any, no_tasks: unknown|full}}（{_first(exc)}）", file=file,
                                field="tasks"))
        policy = TaskPolicy()
    scoring = raw.get("scoring") if isinstance(raw.get("scoring"), dict) else {}
    for key in ("deductions", "vetoes"):
        if scoring.get(key) is not None and not isinstance(scoring.get(key), list):
            problems.append(Problem(f"“scoring.{key}”应为列表", file=file, field=f"scoring.{key}"))
            scoring = {**scoring, key: []}
    deduction_sources: dict[str, str] = {}
    for i, d in enumerate(scoring.get("deductions") or []):
        if isinstance(d, dict) and isinstance(d.get("code"), str):
            src = d.get("from", "items")
            if src not in ("items", "tasks.overdue_count"):
                problems.append(Problem(f"扣分项的来源应为 items（记录的扣分事项）或 tasks.overdue_count，实际为“{src}”",
                                        file=file, field=f"scoring.deductions[{i + 1}].from"))
            deduction_sources[d["code"]] = src
    codes: dict[str, str] = {}
    for where, items in (("bonuses", [b.code for b in bonuses]),
                         ("scoring.deductions", [d.get("code") for d in scoring.get("deductions") or []
                                                 if isinstance(d, dict)]),
                         ("scoring.vetoes", [v.get("code") for v in scoring.get("vetoes") or [] if isinstance(v, dict)])):
        for c in items:
            if not isinstance(c, str):
                continue  # a code that is not text is reported where the item itself is checked
            if c in codes:
                problems.append(Problem(f"事项代码“{c}”重复（另见 {codes[c]}）", file=file, field=where))
            codes[c] = where
    if engine is not None:
        clash = sorted(set(codes) & set(engine.indicators))
        for c in clash:
            problems.append(Problem(f"代码“{c}”既是指标又是加扣分事项", file=file, field=codes[c]))
    if problems:
        first = problems[0]
        raise ValidationFailed(f"考核框架有 {len(problems)} 处错误，第一处："
                               f"{format_location(None, first.row, first.field, first.message)}", file=file,
                               problems=problems)
    return KaoheFramework(engine=engine, unit_type=unit_type.strip(), year=year, region=raw.get("region"),
                          sources=sources, bonuses=tuple(bonuses), bonus_cap=None if cap is None else float(cap),
                          tasks=policy, deduction_sources=deduction_sources, text=text)


def _first(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        e = errors()[0]
        return f"{'.'.join(str(p) for p in e['loc'])}：{e['msg']}"
    return str(exc)


def _catalogue_codes() -> set[str]:
    from innodrive.indicators.catalogue import load_catalogue

    return set(load_catalogue().codes())


def load_kaohe_framework(data: bytes, *, file: str) -> KaoheFramework:
    """A framework from the bytes of a YAML file (bounded, safe)."""
    from innodrive.safeio import load_yaml

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("考核框架不是 UTF-8 编码的文本", file=file) from None
    return parse_kaohe_framework(load_yaml(text, name=file), file=file, text=text)


def describe_rule(fw: KaoheFramework, rule: dict) -> str:
    """A scoring rule in words, as the 考核办法 would state it."""
    code = rule["indicator"]
    node = fw.engine.by_code[code]
    pts = float(rule["points"])
    if rule.get("method", "completion") == "rank":
        rp = rule["rank_points"]
        if isinstance(rp, list):
            table = "、".join(f"{float(v):g}" for v in rp)
            how = f"按排名计分（第 1 名起依次 {table} 分，其后同末位）"
        else:
            how = (f"按排名计分（第 1 名 {float(rp['first']):g} 分，每降一名减 {float(rp['step']):g} 分，"
                   f"最低 {float(rp.get('min', 0)):g} 分）")
    else:
        ratio = "目标 ÷ 实际" if node.direction < 0 else "实际 ÷ 目标"
        cap = float(rule.get("cap", 1.0))
        how = f"按完成率计分（完成率 = {ratio}，基础分 = min(完成率, {cap:.0%}) × {pts:g}）"
        b = rule.get("bonus")
        if b:
            how += f"；超目标每 {float(b['per']):.0%} 加 {float(b['points']):g} 分，最多加 {float(b['max']):g} 分"
    return f"{node.name}：{pts:g} 分，{how}"


__all__ = ["KAOHE_KEYS", "SOURCES", "SOURCE_NAMES", "TASK_METRICS", "BonusItem", "KaoheFramework", "TaskPolicy",
           "describe_rule", "load_kaohe_framework", "parse_kaohe_framework"]
