"""A call's eligibility (申报条件), declared as rules and evaluated like the enterprise rules.

A 榜单 states who may apply: an enterprise registered in the city, a 高新技术企业, no
record of 失信, 自筹资金 at least equal to the money asked for, and so on. The office
declares these in the call file with the same condition language as the enterprise
qualification rules (:mod:`innodrive.enterprises.rules`) — ``test`` comparisons over
named facts, ``all``/``any`` groups, ``on_missing`` for facts not yet known — and the
same explaining evaluator (:func:`innodrive.enterprises.explain.explain`) gives, for
each condition, the value used, the threshold, the basis (the 榜单's article) and the
state. There is no second rule language.

The facts an eligibility rule can read are declared in :data:`FACTS`: they come from
the application, from the enterprise directory (region, date of establishment, the
latest screening verdicts such as 高企) and from the office's credit check. Conditions
are evaluated as at the call's deadline (``ON_DAY`` is the deadline), so
``established <= years_back(ON_DAY, 1)`` reads "registered at least one year before
the deadline".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from innodrive.enterprises import expr as E
from innodrive.enterprises.explain import condition_sentence, explain
from innodrive.enterprises.rules import PROGRAMMES, CondDef, RuleSet, RuleSetDef, build
from innodrive.enterprises.states import STATE_LABELS
from innodrive.errors import Problem, ValidationFailed


@dataclass(frozen=True)
class Fact:
    label: str
    unit: str | None = None  # flag | date | 万元 | 人 | 月 | 家


FACTS: dict[str, Fact] = {
    "is_enterprise": Fact("申报主体为企业", "flag"),
    "is_academic": Fact("申报主体为高校或科研院所", "flag"),
    "in_region": Fact("注册地（所在地）在发榜地区内", "flag"),
    "established": Fact("企业成立日期", "date"),
    **{code: Fact(f"{title}（企业名录结论）", "flag") for code, title in PROGRAMMES.items()},
    "dishonest": Fact("有失信记录（信用核查）", "flag"),
    "requested": Fact("申请财政资金", "万元"),
    "self_funding": Fact("自筹资金", "万元"),
    "budget_total": Fact("项目总预算", "万元"),
    "quota": Fact("榜额", "万元"),
    "team_size": Fact("团队人数", "人"),
    "senior_members": Fact("高级职称人数", "人"),
    "duration_months": Fact("实施期（月）", "月"),
    "partners": Fact("联合申报单位数", "家"),
}

NO_RULES_NOTE = "榜单未声明申报条件：所有申报均视为符合"


class ConditionCheck(BaseModel):
    id: str
    label: str
    basis: str | None = None
    kind: str
    state: str
    state_label: str
    value_text: str | None = None
    op: str | None = None
    threshold_text: str | None = None
    missing: list[str] = Field(default_factory=list)
    children: list[str] = Field(default_factory=list)
    sentence: str = Field(default="", description="the condition as one sentence: value, requirement, state")


class Eligibility(BaseModel):
    """The automatic eligibility check of one application, with its reasons."""

    state: str = Field(description="pass | fail | needs_data | manual_review")
    state_label: str
    on: dt.date
    conditions: list[ConditionCheck] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list, description="unmet / undecided conditions as sentences")
    notes: list[str] = Field(default_factory=list, description="where the facts came from")
    facts: dict[str, float | None] = Field(default_factory=dict)


# --------------------------------------------------------------------------- rules


def build_rules(*, code: str, title: str, source: str | None, eligibility: dict[str, dict[str, Any]],
                file: str | None = None) -> RuleSet | None:
    """The call's eligibility as an evaluable rule set (``None`` when none is declared).

    Every problem is reported at once with its place (``eligibility.C1.test``).
    """
    if not eligibility:
        return None
    problems: list[Problem] = []
    conditions: dict[str, CondDef] = {}
    verdict: CondDef | None = None
    for cid, raw in eligibility.items():
        where = f"eligibility.{cid}"
        if not isinstance(raw, dict):
            problems.append(Problem("条件应写作键值映射（label、basis、test …）", file=file, field=where))
            continue
        data = dict(raw)
        if "basis" in data:
            data["article"] = data.pop("basis")
        if cid == "verdict":
            data.setdefault("label", "申报资格")
        try:
            from innodrive.projects.specs import parse

            cond = parse(CondDef, data, file=file, what=f"申报条件 {cid}")
        except ValidationFailed as exc:
            problems.extend(Problem(p.message, file=file, field=f"{where}.{p.field}" if p.field else where)
                            for p in exc.problems)
            continue
        if cond.score is not None:
            problems.append(Problem("申报条件不支持评分项（score）：请用 test 比较或 all/any 组合", file=file,
                                    field=where))
            continue
        if cid == "verdict":
            verdict = cond
        else:
            conditions[cid] = cond
    if problems:
        raise ValidationFailed(f"申报条件有 {len(problems)} 处问题", file=file, problems=problems)
    if not conditions:
        raise ValidationFailed("申报条件只有 verdict，没有具体条件", file=file,
                               problems=[Problem("至少声明一个条件", file=file, field="eligibility")])
    if verdict is None:  # all of the conditions no other condition groups
        grouped = {k for c in conditions.values() for k in (c.all or []) + (c.any or [])}
        verdict = CondDef(label="申报资格", all=[cid for cid in conditions if cid not in grouped])
    try:
        defn = RuleSetDef(programme=f"call:{code}", title=f"{title}（申报条件）", version=code, status="official",
                          effective_from=dt.date(1949, 10, 1), source=[source or title],
                          conditions=conditions, verdict=verdict)
        rs = build(defn, file=file or "")
    except (ValueError, E.ExprError) as exc:
        raise ValidationFailed(f"申报条件有误：{exc}", file=file,
                               problems=[Problem(str(exc), file=file, field="eligibility")]) from None
    unknown = sorted(f for f in rs.fields if f not in FACTS)
    if unknown:
        names = "、".join(f"{k}（{v.label}）" for k, v in FACTS.items())
        raise ValidationFailed(f"申报条件引用了未知的事实：{'、'.join(unknown)}", file=file, problems=[
            Problem(f"未知的事实“{u}”；可用：{names}", file=file, field="eligibility") for u in unknown])
    for c in rs.conditions.values():  # show values in the fact's unit unless the call says otherwise
        if c.cmp is not None and c.unit is None:
            for side in (c.cmp.a, c.cmp.b):
                if isinstance(side, E.Field) and side.name in FACTS:
                    c.unit = FACTS[side.name].unit
                    break
            if c.unit is None and any(isinstance(s, E.Ctx) for s in (c.cmp.a, c.cmp.b)):
                c.unit = "date"
    return rs


# --------------------------------------------------------------------------- facts


def _flag(v: bool | None) -> float | None:
    return None if v is None else (1.0 if v else 0.0)


def verdict_flag(verdicts: dict[str, dict], programme: str) -> float | None:
    """A directory verdict as a fact: 符合 → 1, 不符合 → 0, anything else unknown."""
    state = (verdicts.get(programme) or {}).get("state")
    return 1.0 if state == "pass" else (0.0 if state == "fail" else None)


def facts_row(*, applicant_kind: str, in_region: bool | None, established: dt.date | None,
              verdicts: dict[str, dict], dishonest: bool | None, requested: float, self_funding: float,
              quota: float, team_size: int, senior_members: int, duration_months: int,
              partners: int) -> dict[str, float | None]:
    """The facts of one application, in the units of :data:`FACTS` (dates as day numbers)."""
    row: dict[str, float | None] = {
        "is_enterprise": _flag(applicant_kind == "enterprise"),
        "is_academic": _flag(applicant_kind in ("university", "institute")),
        "in_region": _flag(in_region),
        "established": E.day_number(established) if established else None,
        "dishonest": _flag(dishonest),
        "requested": float(requested),
        "self_funding": float(self_funding),
        "budget_total": float(requested) + float(self_funding),
        "quota": float(quota),
        "team_size": float(team_size),
        "senior_members": float(senior_members),
        "duration_months": float(duration_months),
        "partners": float(partners),
    }
    for programme in PROGRAMMES:
        row[programme] = verdict_flag(verdicts, programme) if applicant_kind == "enterprise" else 0.0
    return row


def evaluate(rules: RuleSet | None, row: dict[str, float | None], *, on: dt.date,
             notes: list[str] | None = None) -> Eligibility:
    """Every declared condition on ``row`` as at ``on`` (the call's deadline)."""
    notes = list(notes or [])
    if rules is None:
        return Eligibility(state="pass", state_label=STATE_LABELS["pass"], on=on, notes=[NO_RULES_NOTE, *notes],
                           facts=row)
    v = explain(row, rules, on=on)
    labels = {name: f.label for name, f in FACTS.items()}
    checks = []
    for c in v.conditions:
        shown = c.model_copy(update={"missing": [labels.get(m, m) for m in c.missing]})
        checks.append(ConditionCheck(
            id=c.id, label=c.label, basis=c.article, kind=c.kind, state=c.state, state_label=STATE_LABELS[c.state],
            value_text=c.value_text, op=c.op, threshold_text=c.threshold_text, missing=shown.missing,
            children=c.children, sentence=f"{condition_sentence(shown)}（{STATE_LABELS[c.state]}）",
        ))
    by_id = {c.id: c for c in checks}
    reasons: list[str] = []

    def collect(c: ConditionCheck) -> None:
        if c.state == "pass":
            return
        if c.kind == "all":
            for k in c.children:
                collect(by_id[k])
        elif c.kind == "any":
            inner = "；".join(by_id[k].sentence for k in c.children)
            head = c.label + (f"（{c.basis}）" if c.basis else "")
            reasons.append(f"{head}：{c.state_label}（须满足其一，均未满足：{inner}）")
        else:
            reasons.append(c.sentence)

    verdict = next((c for c in checks if c.id == "verdict"), None)
    if verdict is not None:
        collect(verdict)
    return Eligibility(state=v.state, state_label=STATE_LABELS[v.state], on=on, conditions=checks, reasons=reasons,
                       notes=notes, facts=row)
