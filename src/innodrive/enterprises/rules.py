"""Qualification rules as versioned data, and the loader that turns them into trees.

Each YAML file under ``enterprises/rules/programmes/`` declares one *version* of one programme
(科技型中小企业, 高新技术企业, 创新型/专精特新/小巨人, 瞪羚): its source documents, the
dates it is in force, derived values, score tables and conditions. The office changes
a threshold by editing data, and an evaluation always uses the version in force on the
evaluation date (:func:`rule_for`), never simply "the latest".

The loaded form is a small tree of :class:`Score` and :class:`Condition` objects over
:mod:`~innodrive.enterprises.expr` nodes. Three evaluators walk the same tree
(:mod:`.explain`, :mod:`.vectorised`, :mod:`.sqlgen`); this module knows nothing of
them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from innodrive.enterprises import expr as E
from innodrive.enterprises.fields import load_yaml_text
from innodrive.enterprises.states import FAIL, MANUAL, NEEDS_DATA, PASS, STATE_CODES
from innodrive.errors import InputError, NotFound

PROGRAMMES: dict[str, str] = {
    "tech_sme": "科技型中小企业",
    "hnte": "高新技术企业",
    "innovative_sme": "创新型中小企业",
    "srdi_sme": "专精特新中小企业",
    "little_giant": "专精特新“小巨人”企业",
    "gazelle": "瞪羚企业",
}

_OPS = (">=", ">", "<=", "<", "==")

STATUS_TEXT = {"official": "正式文件", "unconfirmed": "待核实（仅见转载）", "example": "示例（非官方数值）"}
NOTICES = {"unconfirmed": "规则待核实", "example": "示例规则"}


# --------------------------------------------------------------------------- file models


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class BandDef(_Strict):
    of: str
    steps: list[list[Any]]
    default: float | list[float] = Field(0, alias="else")


class ValueDef(_Strict):
    label: str
    unit: str | None = None
    expr: str | None = None
    band: BandDef | None = None

    @model_validator(mode="after")
    def _one(self):
        if (self.expr is None) == (self.band is None):
            raise ValueError("派生值须且只能给出 expr 或 band 之一")
        return self


class JudgedDef(_Strict):
    field: str
    max: float


class ScoreDef(_Strict):
    label: str
    article: str | None = None
    band: BandDef | None = None
    judged: JudgedDef | None = None
    best: list[str] | None = None
    sum: list[str] | None = None
    cap: float | None = None
    given: str | None = None

    @model_validator(mode="after")
    def _one(self):
        kinds = [k for k in ("band", "judged", "best", "sum") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("评分项须且只能是 band、judged、best、sum 之一")
        return self


State = Literal["pass", "fail", "needs_data", "manual_review"]


class CondDef(_Strict):
    label: str
    article: str | None = None
    test: str | None = None
    score: str | None = None
    op: str | None = None
    threshold: float | None = None
    all: list[str] | None = None
    any: list[str] | None = None
    unit: str | None = None
    on_true: State = "pass"
    on_false: State = "fail"
    on_missing: State = "needs_data"

    @model_validator(mode="after")
    def _one(self):
        kinds = [k for k in ("test", "score", "all", "any") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("条件须且只能是 test、score、all、any 之一")
        if self.score is not None and (self.op not in (">=", ">") or self.threshold is None):
            raise ValueError("评分条件须给出 op（>= 或 >）和 threshold")
        return self


class LeverDef(_Strict):
    field: str
    also: list[str] = Field(default_factory=list)
    label: str
    unit: str
    step: float = 0.01
    max_delta: str | float = 1000


class RuleSetDef(_Strict):
    programme: str
    title: str
    version: str
    status: Literal["official", "unconfirmed", "example"]
    effective_from: dt.date
    effective_to: dt.date | None = None
    source: list[str]
    notes: str = ""
    values: dict[str, ValueDef] = Field(default_factory=dict)
    scores: dict[str, ScoreDef] = Field(default_factory=dict)
    conditions: dict[str, CondDef]
    verdict: CondDef
    levers: list[LeverDef] = Field(default_factory=list)
    reach: dict[str, float] = Field(default_factory=dict)


# --------------------------------------------------------------------------- loaded tree


@dataclass(eq=False)
class Score:
    """A score item with a range ``[lo, hi]`` (expert-judged items have a width)."""

    id: str
    label: str
    article: str | None
    kind: str  # band | judged | best | sum
    x: E.Node | None = None
    steps: tuple[tuple[str, float, float, float], ...] = ()
    default: tuple[float, float] = (0.0, 0.0)
    given: str | None = None
    field: str | None = None
    max: float = 0.0
    children: tuple[Score, ...] = ()
    cap: float | None = None

    @property
    def lo_bound(self) -> float:
        """The least points the item can give (used when its data is unknown)."""
        if self.kind == "band":
            return min([s[2] for s in self.steps] + [self.default[0]])
        if self.kind == "judged":
            return 0.0
        if self.kind == "best":
            return max(c.lo_bound for c in self.children)
        total = sum(c.lo_bound for c in self.children)
        return min(total, self.cap) if self.cap is not None else total

    @property
    def hi_bound(self) -> float:
        if self.kind == "band":
            return max([s[3] for s in self.steps] + [self.default[1]])
        if self.kind == "judged":
            return self.max
        if self.kind == "best":
            return max(c.hi_bound for c in self.children)
        total = sum(c.hi_bound for c in self.children)
        return min(total, self.cap) if self.cap is not None else total

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass(eq=False)
class Condition:
    id: str
    label: str
    article: str | None
    kind: str  # test | score | all | any
    cmp: E.Cmp | None = None
    on_true: int = PASS
    on_false: int = FAIL
    on_missing: int = NEEDS_DATA
    score: Score | None = None
    op: str | None = None
    threshold: float | None = None
    children: tuple[Condition, ...] = ()
    unit: str | None = None

    def leaves(self):
        if self.kind in ("all", "any"):
            for c in self.children:
                yield from c.leaves()
        else:
            yield self

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass(eq=False)
class Lever:
    field: str
    also: tuple[str, ...]
    label: str
    unit: str
    step: float
    max_delta: E.Node


@dataclass(eq=False)
class RuleSet:
    """One version of one programme, loaded and ready to evaluate."""

    programme: str
    title: str
    version: str
    status: str
    effective_from: dt.date
    effective_to: dt.date | None
    source: tuple[str, ...]
    notes: str
    values: dict[str, E.Named]
    value_meta: dict[str, ValueDef]
    scores: dict[str, Score]
    conditions: dict[str, Condition]
    verdict: Condition
    levers: tuple[Lever, ...]
    reach: dict[str, float]
    file: str = ""
    fields: frozenset[str] = field(default_factory=frozenset)

    @property
    def key(self) -> str:
        return f"{self.programme}@{self.version}"

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    @property
    def notice(self) -> str | None:
        """What every verdict under this version must say about the rule itself:
        ``None`` for an official text, else why the thresholds are not settled."""
        return NOTICES.get(self.status)


def _band_steps(b: BandDef, where: str, ranged: bool) -> tuple[tuple, tuple[float, float]]:
    steps = []
    for s in b.steps:
        if len(s) not in ((3, 4) if ranged else (3,)) or s[0] not in _OPS:
            raise ValueError(f"{where}：档位应写作 [比较符, 边界, 分值] 或 [比较符, 边界, 最低分, 最高分]：{s}")
        op, edge = s[0], float(s[1])
        lo = float(s[2])
        hi = float(s[3]) if len(s) == 4 else lo
        steps.append((op, edge, lo, hi))
    d = b.default
    default = (float(d[0]), float(d[1])) if isinstance(d, list) else (float(d), float(d))
    return tuple(steps), default


def build(defn: RuleSetDef, *, file: str = "") -> RuleSet:
    """Turn the file model into the evaluable tree, checking every reference."""
    from innodrive.enterprises.sme_size import shared_values

    where = file or defn.programme
    names: dict[str, E.Node] = dict(shared_values())
    values: dict[str, E.Named] = {}
    for name, v in defn.values.items():
        if v.expr is not None:
            node = E.parse(v.expr, names=names)
        else:
            steps, default = _band_steps(v.band, f"{where} 派生值 {name}", ranged=False)
            node = E.Band(E.parse(v.band.of, names=names), tuple((o, e, lo) for o, e, lo, _ in steps), default[0])
        named = E.Named(name, node)
        names[name] = named
        values[name] = named

    scores: dict[str, Score] = {}

    def score(sid: str) -> Score:
        if sid in scores:
            return scores[sid]
        sd = defn.scores.get(sid)
        if sd is None:
            raise ValueError(f"{where}：引用了未定义的评分项 {sid}")
        s = Score(id=sid, label=sd.label, article=sd.article, kind="band", given=sd.given)
        if sd.band is not None:
            s.x = E.parse(sd.band.of, names=names)
            s.steps, s.default = _band_steps(sd.band, f"{where} 评分项 {sid}", ranged=True)
        elif sd.judged is not None:
            s.kind, s.field, s.max = "judged", sd.judged.field, sd.judged.max
        else:
            s.kind = "best" if sd.best is not None else "sum"
            s.children = tuple(score(c) for c in (sd.best or sd.sum or []))
            s.cap = sd.cap
        scores[sid] = s
        return s

    for sid in defn.scores:
        score(sid)

    conditions: dict[str, Condition] = {}
    building: set[str] = set()

    def cond(cid: str, cd: CondDef) -> Condition:
        if cid in conditions:
            return conditions[cid]
        if cid in building:
            raise ValueError(f"{where}：条件 {cid} 循环引用")
        building.add(cid)
        c = Condition(id=cid, label=cd.label, article=cd.article, kind="test", unit=cd.unit,
                      on_true=STATE_CODES[cd.on_true], on_false=STATE_CODES[cd.on_false],
                      on_missing=STATE_CODES[cd.on_missing])
        if cd.test is not None:
            node = E.parse(cd.test, names=names)
            if not isinstance(node, E.Cmp):
                raise ValueError(f"{where}：条件 {cid} 的 test 必须是比较式：{cd.test}")
            c.cmp = node
        elif cd.score is not None:
            c.kind, c.score, c.op, c.threshold = "score", score(cd.score), cd.op, float(cd.threshold)
        else:
            c.kind = "all" if cd.all is not None else "any"
            kids = []
            for k in cd.all or cd.any or []:
                if k not in defn.conditions:
                    raise ValueError(f"{where}：条件 {cid} 引用了未定义的条件 {k}")
                kids.append(cond(k, defn.conditions[k]))
            if not kids:
                raise ValueError(f"{where}：条件 {cid} 没有子条件")
            c.children = tuple(kids)
        building.discard(cid)
        conditions[cid] = c
        return c

    for cid, cd in defn.conditions.items():
        cond(cid, cd)
    verdict = cond("verdict", defn.verdict)
    levers = tuple(
        Lever(field=lv.field, also=tuple(lv.also), label=lv.label, unit=lv.unit, step=lv.step,
              max_delta=E.parse(lv.max_delta, names=names))
        for lv in defn.levers
    )
    used: set[str] = set()
    for v in values.values():
        E.fields_of(v, used)
    for s in scores.values():
        if s.x is not None:
            E.fields_of(s.x, used)
        if s.field:
            used.add(s.field)
        if s.given:
            used.add(s.given)
    for c in conditions.values():
        if c.cmp is not None:
            E.fields_of(c.cmp, used)
    return RuleSet(
        programme=defn.programme, title=defn.title, version=defn.version, status=defn.status,
        effective_from=defn.effective_from, effective_to=defn.effective_to, source=tuple(defn.source),
        notes=defn.notes, values=values, value_meta=dict(defn.values), scores=scores,
        conditions=conditions, verdict=verdict, levers=levers, reach=dict(defn.reach), file=file,
        fields=frozenset(used),
    )


def load_text(text: str, *, file: str = "") -> RuleSet:
    """Load one rule file's text; errors name the file and what is wrong."""
    try:
        raw = load_yaml_text(text)
    except yaml.YAMLError as exc:
        raise InputError(f"规则文件不是有效的 YAML：{exc}", file=file) from None
    if not isinstance(raw, dict):
        raise InputError("规则文件应为一个映射（键: 值）", file=file)
    try:
        defn = RuleSetDef.model_validate(raw)
        rs = build(defn, file=file)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise InputError(f"规则文件字段 {loc}：{first['msg']}", file=file) from None
    except (ValueError, E.ExprError) as exc:
        raise InputError(str(exc), file=file) from None
    from innodrive.enterprises.fields import FIELDS

    unknown = sorted(f for f in rs.fields if f not in FIELDS)
    if unknown:
        raise InputError(f"规则引用了登记表中没有的字段：{'、'.join(unknown)}", file=file)
    return rs


@cache
def all_rule_sets() -> tuple[RuleSet, ...]:
    """Every bundled rule set (programme versions), loaded once."""
    out = []
    folder = resources.files("innodrive.enterprises").joinpath("rules").joinpath("programmes")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            out.append(load_text(entry.read_text(encoding="utf-8"), file=f"programmes/{entry.name}"))
    _check_overlaps(out)
    return tuple(out)


def _check_overlaps(sets: list[RuleSet]) -> None:
    by_prog: dict[str, list[RuleSet]] = {}
    for rs in sets:
        by_prog.setdefault(rs.programme, []).append(rs)
    for prog, versions in by_prog.items():
        versions.sort(key=lambda r: r.effective_from)
        for a, b in zip(versions, versions[1:], strict=False):
            if a.effective_to is None or a.effective_to >= b.effective_from:
                raise InputError(f"项目 {prog} 的版本 {a.version} 与 {b.version} 生效期重叠", file=b.file)


def rule_for(programme: str, on: dt.date) -> RuleSet:
    """The version of ``programme`` in force on date ``on``."""
    if programme not in PROGRAMMES:
        raise NotFound(f"未知的培育项目“{programme}”，可选：{'、'.join(PROGRAMMES)}")
    for rs in all_rule_sets():
        if rs.programme == programme and rs.in_force(on):
            return rs
    raise NotFound(f"{on.isoformat()} 没有生效的“{PROGRAMMES[programme]}”规则版本")


def rules_in_force(on: dt.date, programmes: list[str] | None = None) -> list[RuleSet]:
    """One rule set per programme in force on ``on`` (programmes with none are skipped
    only when not asked for explicitly)."""
    wanted = programmes or list(PROGRAMMES)
    out = []
    for p in wanted:
        try:
            out.append(rule_for(p, on))
        except NotFound:
            if programmes:
                raise
    return out


__all__ = ["PROGRAMMES", "RuleSet", "Score", "Condition", "Lever", "rule_for", "rules_in_force",
           "all_rule_sets", "load_text", "MANUAL"]
