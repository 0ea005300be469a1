"""The annual 考核实施方案 as data: who is assessed, in which groups, how grades and money follow.

An office writes one scheme a year (YAML; see ``examples/kaohe/``)::

    name: 乐山市2024年度创新驱动发展考核
    year: 2024
    region: 乐山市
    as_of: 2024-12-31                 # data and task deadlines counted up to this day
    data_note: 构造数据……             # printed on every result when the data are constructed
    appeal: {opens: 2025-01-20, closes: 2025-01-31}
    groups:                           # units ranked together; grades and money per group
      - name: 县（市、区）
        types: [主城区, 县]            # one framework per unit type (差异化)
        grades: {method: quota, quotas: [{name: 优秀, share: 0.3, min_score: 85}, …], rest: 较差}
        allocation: {name: 创新发展专项资金, pool: 3000, unit: 万元, method: above_floor, floor: 60}
      - name: 市级部门
        types: [部门]
        grades: {method: bands, bands: [{name: 优秀, min: 90}, {name: 良好, min: 80}, …]}
    units:
      - {name: 市中区, type: 主城区, region: 市中区}
      - {name: 市科技局, type: 部门, aliases: [乐山市科学技术局]}

:func:`parse_scheme` checks everything and reports every problem with its place; the
grade and allocation rules are interpreted by :mod:`.grades` and :mod:`.allocation`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from innodrive.errors import InputError, Problem, ValidationFailed, validation_problems

DEFAULT_GRADES = ("优秀", "良好", "一般", "较差")


class GradeBand(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    min: float


class GradeQuota(BaseModel):
    """A grade given to at most ``share`` of the group (or ``count`` units), in rank order,
    and only to units scoring at least ``min_score``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    share: float | None = Field(None, gt=0, le=1)
    count: int | None = Field(None, ge=0)
    min_score: float | None = None


class GradeRule(BaseModel):
    """Grades by score bands, or by quotas in rank order (ties share the better grade)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["bands", "quota"]
    bands: tuple[GradeBand, ...] = ()
    quotas: tuple[GradeQuota, ...] = ()
    rest: str | None = Field(None, description="quota method: the grade of every unit no quota takes")
    rounding: Literal["floor", "round", "ceil"] = "floor"

    @property
    def names(self) -> tuple[str, ...]:
        if self.method == "bands":
            return tuple(b.name for b in sorted(self.bands, key=lambda b: -b.min))
        return tuple(q.name for q in self.quotas) + ((self.rest,) if self.rest else ())

    @property
    def lowest(self) -> str:
        return self.names[-1]


class AllocationRule(BaseModel):
    """How a fund follows the scores (a simulation the office runs before deciding).

    * ``above_floor`` — units scoring above ``floor`` share the pool in proportion to
      (score − floor);
    * ``proportional`` — units scoring at least ``floor`` share it in proportion to score;
    * ``grade_coefficients`` — in proportion to the coefficient of their grade
      (e.g. 优秀 1.2, 良好 1.0, 一般 0.6, 较差 0).

    Amounts are rounded to ``decimals`` by the largest-remainder method, so they sum to
    the pool exactly.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "专项资金"
    pool: float = Field(gt=0)
    unit: str = "万元"
    method: Literal["above_floor", "proportional", "grade_coefficients"] = "above_floor"
    floor: float = 0.0
    coefficients: dict[str, float] = Field(default_factory=dict)
    decimals: int = Field(0, ge=0, le=4)
    max_share: float | None = Field(None, gt=0, le=1, description="no unit receives more than this share of the pool")


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    types: tuple[str, ...]
    grades: GradeRule
    allocation: AllocationRule | None = None


class UnitDecl(BaseModel):
    """An assessed unit: a 县(市、区) (with its region code) or a 市级部门 (a unit name)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    type: str
    region: str | None = Field(None, description="the region as written; resolved to region_code")
    region_code: str | None = None
    aliases: tuple[str, ...] = Field((), description="other names the task ledgers use for this unit")

    def names(self) -> set[str]:
        return {normalise_unit(n) for n in (self.name, *self.aliases)}


class AppealWindow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    opens: dt.date
    closes: dt.date


class Scheme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    year: int = Field(ge=2000, le=2100)
    region: str
    region_code: str | None = None
    as_of: dt.date | None = None
    data_note: str | None = None
    source: str | None = None
    appeal: AppealWindow | None = None
    groups: tuple[Group, ...]
    units: tuple[UnitDecl, ...]

    @property
    def cutoff(self) -> dt.date:
        return self.as_of or dt.date(self.year, 12, 31)

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u.type for u in self.units))

    def group_of(self, unit_type: str) -> Group:
        return next(g for g in self.groups if unit_type in g.types)

    def unit(self, name: str) -> UnitDecl:
        key = normalise_unit(name)
        for u in self.units:
            if key in u.names():
                return u
        raise InputError(f"本年度考核没有单位“{name}”；考核对象：{'、'.join(u.name for u in self.units)}", field="unit")


def normalise_unit(name: str) -> str:
    """Unit names compared as people type them: NFKC, no spaces."""
    return unicodedata.normalize("NFKC", name or "").replace(" ", "").replace("\u3000", "").strip()


def parse_scheme(raw: object, *, file: str | None = None) -> Scheme:
    """Validate a scheme (already read from YAML); every problem is reported with its place."""
    from innodrive.regions import try_resolve

    if not isinstance(raw, dict):
        raise InputError("考核方案的顶层应是键值映射（name、year、region、groups、units…）", file=file)
    try:
        scheme = Scheme.model_validate(raw)
    except ValidationError as exc:
        problems = validation_problems(exc, file=file)
        raise ValidationFailed(f"考核方案有 {len(problems)} 处格式错误，第一处：{problems[0]}", file=file,
                               problems=problems) from None
    problems: list[Problem] = []
    city, why = try_resolve(scheme.region)
    if city is None:
        problems.append(Problem(why or "未知的地区", file=file, field="region"))
    if scheme.as_of is not None and scheme.as_of.year not in (scheme.year, scheme.year + 1):
        problems.append(Problem(f"数据截止日期 {scheme.as_of} 不在考核年度 {scheme.year} 年内或次年",
                                file=file, field="as_of"))
    if scheme.appeal is not None and scheme.appeal.closes < scheme.appeal.opens:
        problems.append(Problem("申诉截止日期早于开始日期", file=file, field="appeal.closes"))
    seen_types: dict[str, str] = {}
    for i, g in enumerate(scheme.groups):
        where = f"groups[{i + 1}]（{g.name}）"
        if not g.types:
            problems.append(Problem("每个考核组至少包含一种单位类型（types）", file=file, field=f"{where}.types"))
        for t in g.types:
            if t in seen_types:
                problems.append(Problem(f"单位类型“{t}”同时属于考核组“{seen_types[t]}”和“{g.name}”", file=file,
                                        field=f"{where}.types"))
            seen_types[t] = g.name
        problems += _grade_problems(g.grades, f"{where}.grades", file)
        a = g.allocation
        if a is not None:
            if a.method == "grade_coefficients":
                missing = [n for n in g.grades.names if n not in a.coefficients]
                unknown = [n for n in a.coefficients if n not in g.grades.names]
                if missing:
                    problems.append(Problem(f"按等次系数分配需要每个等次的系数，缺少：{'、'.join(missing)}", file=file,
                                            field=f"{where}.allocation.coefficients"))
                if unknown:
                    problems.append(Problem(f"系数中的等次未在等次规则中声明：{'、'.join(unknown)}", file=file,
                                            field=f"{where}.allocation.coefficients"))
                if any(v < 0 for v in a.coefficients.values()):
                    problems.append(Problem("等次系数不能为负数", file=file, field=f"{where}.allocation.coefficients"))
            elif a.coefficients:
                problems.append(Problem("只有 grade_coefficients 方法使用 coefficients", file=file,
                                        field=f"{where}.allocation.coefficients"))
    names: dict[str, str] = {}
    units = []
    for i, u in enumerate(scheme.units):
        where = f"units[{i + 1}]（{u.name}）"
        if u.type not in seen_types:
            problems.append(Problem(f"单位类型“{u.type}”不属于任何考核组；考核组的类型：{'、'.join(seen_types) or '无'}",
                                    file=file, field=f"{where}.type"))
        for n in u.names():
            if n in names:
                problems.append(Problem(f"单位名称或别名“{n}”重复（另见 {names[n]}）", file=file, field=where))
            names[n] = where
        code = None
        if u.region is not None and city is not None:
            found, why = try_resolve(u.region, within=city.code)
            if found is None:
                problems.append(Problem(why or "未知的地区", file=file, field=f"{where}.region"))
            else:
                code = found.code
        units.append(u.model_copy(update={"region_code": code}))
    for t, g in seen_types.items():
        if not any(u.type == t for u in scheme.units):
            problems.append(Problem(f"考核组“{g}”的单位类型“{t}”没有任何考核对象", file=file, field="units"))
    if not scheme.units:
        problems.append(Problem("没有考核对象（units 为空）", file=file, field="units"))
    if problems:
        raise ValidationFailed(f"考核方案有 {len(problems)} 处错误，第一处：{problems[0]}", file=file, problems=problems)
    return scheme.model_copy(update={"units": tuple(units), "region_code": city.code, "region": city.name,
                                     "source": scheme.source or file})


def _grade_problems(rule: GradeRule, where: str, file: str | None) -> list[Problem]:
    problems = []
    if rule.method == "bands":
        if not rule.bands:
            problems.append(Problem("按分数段评定等次需要 bands（[{name, min}]）", file=file, field=f"{where}.bands"))
        elif min(b.min for b in rule.bands) > 0:
            problems.append(Problem("最低一档的 min 应为 0（否则低分单位没有等次）", file=file, field=f"{where}.bands"))
        if rule.quotas or rule.rest:
            problems.append(Problem("bands 方法不使用 quotas、rest", file=file, field=where))
    else:
        if not rule.quotas:
            problems.append(Problem("按比例评定等次需要 quotas（[{name, share 或 count, min_score}]）", file=file,
                                    field=f"{where}.quotas"))
        for j, q in enumerate(rule.quotas):
            if (q.share is None) == (q.count is None):
                problems.append(Problem("每个等次给出 share（比例）或 count（个数）之一", file=file,
                                        field=f"{where}.quotas[{j + 1}]"))
        if not rule.rest:
            problems.append(Problem("按比例评定等次需要 rest：不在任何比例内的单位的等次（如 较差 或 一般）", file=file,
                                    field=f"{where}.rest"))
        if rule.bands:
            problems.append(Problem("quota 方法不使用 bands", file=file, field=where))
    names = list(rule.names)
    if len(set(names)) != len(names):
        problems.append(Problem(f"等次名称重复：{'、'.join(names)}", file=file, field=where))
    return problems


def load_scheme(data: bytes, *, file: str) -> Scheme:
    """A scheme from the bytes of a YAML file (bounded, safe)."""
    from innodrive.safeio import load_yaml

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("考核方案不是 UTF-8 编码的文本", file=file) from None
    return parse_scheme(load_yaml(text, name=file), file=file)


__all__ = ["DEFAULT_GRADES", "AllocationRule", "AppealWindow", "GradeBand", "GradeQuota", "GradeRule", "Group",
           "Scheme", "UnitDecl", "load_scheme", "normalise_unit", "parse_scheme"]
