"""The row-wise evaluator: one enterprise, one programme, every step explained.

This is the evaluator a person reads. It walks the rule tree in plain Python and keeps,
for every condition, the value used, the threshold, the article of the source and the
state; for every score item the input, the band reached and the points (a range when
experts still have to judge); and a flag wherever a value sits exactly on a band edge or
a threshold, because that is where the reading of "以上/以下" decides the outcome.

It must agree with :mod:`.vectorised` and :mod:`.sqlgen` on every verdict; tests check
that on the spec's examples and on random registries.
"""

from __future__ import annotations

import datetime as dt
import math

from pydantic import BaseModel, Field

from innodrive.enterprises import expr as E
from innodrive.enterprises.rules import Condition, RuleSet, Score
from innodrive.enterprises.states import MANUAL, NEEDS_DATA, PASS, STATE_NAMES, label

Row = dict[str, float | None]


class ConditionResult(BaseModel):
    id: str
    label: str
    article: str | None
    kind: str
    state: str
    value: float | None = None
    value_text: str | None = None
    op: str | None = None
    threshold: float | None = None
    threshold_text: str | None = None
    unit: str | None = None
    missing: list[str] = Field(default_factory=list, description="fields whose absence left it undecided")
    children: list[str] = Field(default_factory=list)
    edge: bool = False


class ScoreResult(BaseModel):
    id: str
    label: str
    article: str | None
    kind: str
    lo: float
    hi: float
    missing: bool
    input: float | None = None
    input_text: str | None = None
    band: str | None = None
    given: bool = False
    children: list[str] = Field(default_factory=list)
    edge: bool = False


class ValueResult(BaseModel):
    name: str
    label: str
    value: float | None
    text: str


class Gap(BaseModel):
    """One way to qualify: a single lever moved by the least amount that makes it pass."""

    field: str
    label: str
    unit: str
    delta: float
    reached_state: str
    fixes: list[str] = Field(default_factory=list, description="conditions it turns from fail to pass")
    text: str


class Verdict(BaseModel):
    programme: str
    title: str
    rule_version: str
    rule_status: str
    notice: str | None = Field(None, description="set when the rule version is not an official text (待核实, 示例)")
    source: list[str]
    on: dt.date
    state: str
    conditions: list[ConditionResult]
    scores: list[ScoreResult]
    values: list[ValueResult]
    flags: list[str] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    blocking: list[str] = Field(default_factory=list, description="failed conditions no lever can change")

    @property
    def state_label(self) -> str:
        """符合 / 不符合 …, with the rule's notice when the version is not official
        (``符合（规则待核实）``): a verdict never hides that its thresholds are unsettled."""
        return label(self.state) + (f"（{self.notice}）" if self.notice else "")

    def reasons(self) -> list[str]:
        """The failed / missing / to-review leaf conditions, in rule order, as sentences."""
        out = []
        for c in self.conditions:
            if c.kind in ("all", "any") or c.state == "pass":
                continue
            out.append(condition_sentence(c))
        return out

    def explain_text(self) -> str:
        """A complete plain-text explanation (used by the CLI and reports)."""
        lines = [
            f"{self.title}（规则版本 {self.rule_version}，{_status_label(self.rule_status)}，评价日期 {self.on.isoformat()}）："
            f"{self.state_label}",
            "依据：" + "；".join(self.source),
        ]
        if self.notice:
            lines.append(f"注意：{self.notice}——该版本的门槛仅见转载或为示例，尚未与正式文件原文核对，结论仅供参考。")
        lines.append("条件：")
        for c in self.conditions:
            lines.append(f"  [{label(c.state)}] {c.id} {condition_sentence(c)}")
        if self.scores:
            lines.append("评分：")
            for s in self.scores:
                pts = _pts(s.lo) if s.lo == s.hi else f"{_pts(s.lo)}–{_pts(s.hi)}"
                extra = []
                if s.input_text is not None:
                    extra.append(f"取值 {s.input_text}")
                if s.band:
                    extra.append(f"档位 {s.band}")
                if s.given:
                    extra.append("采用评审给分")
                if s.missing:
                    extra.append("数据缺失")
                art = f"（{s.article}）" if s.article else ""
                lines.append(f"  {s.id} {s.label}{art}：{pts} 分" + (f"，{'，'.join(extra)}" if extra else ""))
        if self.flags:
            lines.append("提示：")
            lines.extend(f"  {f}" for f in self.flags)
        if self.gaps:
            lines.append("差距与培育建议：")
            lines.extend(f"  {g.text}" for g in self.gaps)
        if self.blocking:
            lines.append("无法通过单项投入弥补的条件：" + "；".join(self.blocking))
        return "\n".join(lines)


def _status_label(status: str) -> str:
    from innodrive.enterprises.rules import STATUS_TEXT

    return STATUS_TEXT[status]


def _pts(v: float) -> str:
    return str(int(v)) if v == int(v) else f"{v:g}"


# --------------------------------------------------------------------------- formatting


def format_value(v: float | None, unit: str | None) -> str:
    """Render a value in the unit a reader expects (ratios as percents, dates as dates)."""
    if v is None:
        return "（缺失）"
    if unit == "flag":
        return "是" if v == 1 else ("否" if v == 0 else _trim(v, 4))
    if unit == "ratio":
        return f"{_trim(v * 100, 2)}%"
    if unit == "date":
        return E.from_day_number(v).isoformat()
    if unit == "年度":
        return f"{int(v)}年" if v == int(v) else _trim(v, 4)
    if unit == "size_class":
        from innodrive.enterprises.sme_size import class_name

        return class_name(v)
    if unit is not None and unit.startswith("choice:"):
        from innodrive.enterprises.fields import FIELDS

        spec = next((f for f in FIELDS.values() if f.choices == unit[7:]), None)
        names = spec.choice_names() if spec else {}
        return names.get(int(v), _trim(v, 4)) if v == int(v) else _trim(v, 4)
    if unit == "multiple":
        return f"{_trim(v, 4)}倍"
    if unit in ("人", "项", "件", "年", "天"):
        return f"{_trim(v, 2)}{unit}"
    if unit == "万元":
        return f"{_trim(v, 2)}万元"
    return _trim(v, 4)


def _trim(v: float, digits: int) -> str:
    text = f"{v:,.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def condition_sentence(c: ConditionResult) -> str:
    art = f"（{c.article}）" if c.article else ""
    head = f"{c.label}{art}"
    if c.kind in ("all", "any"):
        word = "全部满足" if c.kind == "all" else "满足其一"
        return f"{head}：须{word} {', '.join(c.children)}"
    parts = []
    if c.value_text is not None:
        parts.append(f"取值 {c.value_text}")
    if c.threshold_text is not None:
        op = "" if c.op == "==" else f"{c.op} "
        parts.append(f"要求 {op}{c.threshold_text}")
    if c.missing:
        note = "（未填写，按“否”处理）" if c.state == "fail" else ""
        parts.append("缺少：" + "、".join(c.missing) + note)
    if c.edge:
        parts.append("恰在门槛上")
    return head + ("：" + "，".join(parts) if parts else "")


# --------------------------------------------------------------------------- evaluation


def _field_kind(name: str) -> str | None:
    from innodrive.enterprises.fields import FIELDS

    f = FIELDS.get(name)
    return f.kind if f else None


def _edge_hit(x: float, edge: float) -> bool:
    return math.isclose(x, edge, rel_tol=1e-9, abs_tol=1e-12)


class _Walker:
    def __init__(self, rs: RuleSet, row: Row, on: dt.date) -> None:
        self.rs = rs
        self.row = row
        self.ctx = E.context_for(on)
        self.memo: dict = {-1: self.ctx}
        self.scores: dict[str, tuple[float, float, bool]] = {}
        self.cond_states: dict[str, int] = {}
        self.score_results: list[ScoreResult] = []
        self.cond_results: dict[str, ConditionResult] = {}
        self.flags: list[str] = []

    def num(self, node: E.Node) -> float | None:
        return E.scalar(node, self.row, self.memo)

    def missing_fields(self, node: E.Node) -> list[str]:
        from innodrive.enterprises.fields import FIELDS

        names = sorted(f for f in E.fields_of(node) if self.row.get(f) is None
                       or (isinstance(self.row.get(f), float) and math.isnan(self.row.get(f))))
        return [FIELDS[f].header if f in FIELDS else f for f in names]

    # scores ---------------------------------------------------------------
    def score(self, s: Score) -> tuple[float, float, bool]:
        if s.id in self.scores:
            return self.scores[s.id]
        result = ScoreResult(id=s.id, label=s.label, article=s.article, kind=s.kind, lo=0, hi=0, missing=False)
        given = self.row.get(s.given) if s.given else None
        if s.kind == "judged":
            given = self.row.get(s.field)
        if given is not None and not (isinstance(given, float) and math.isnan(given)):
            # children are still evaluated so the explanation shows what the data says
            for c in s.children:
                self.score(c)
            if s.kind == "band":
                self._band_detail(s, result)
            lo = hi = float(given)
            miss = False
            result.given = True
        elif s.kind == "band":
            lo, hi, miss = self._band_detail(s, result)
        elif s.kind == "judged":
            lo, hi, miss = 0.0, s.max, False
            result.band = f"待专家评判（0–{_pts(s.max)} 分）"
        elif s.kind == "best":
            parts = [self.score(c) for c in s.children]
            lo, hi, miss = max(p[0] for p in parts), max(p[1] for p in parts), any(p[2] for p in parts)
        else:
            parts = [self.score(c) for c in s.children]
            lo, hi, miss = sum(p[0] for p in parts), sum(p[1] for p in parts), any(p[2] for p in parts)
            if s.cap is not None:
                lo, hi = min(lo, s.cap), min(hi, s.cap)
        result.lo, result.hi, result.missing = lo, hi, miss
        result.children = [c.id for c in s.children]
        self.score_results.append(result)
        self.scores[s.id] = (lo, hi, miss)
        return lo, hi, miss

    def _band_detail(self, s: Score, result: ScoreResult) -> tuple[float, float, bool]:
        x = self.num(s.x)
        unit = self._unit_of(s.x)
        result.input = x
        result.input_text = format_value(x, unit)
        if x is None:
            result.band = "数据缺失，按可能的最低至最高分计"
            return s.lo_bound, s.hi_bound, True
        for op, edge, _lo, _hi in s.steps:
            if self.continuous(s.x) and _edge_hit(x, edge):
                result.edge = True
                self.flags.append(
                    f"{s.label}：取值 {format_value(x, unit)} 恰在档位边界 {format_value(edge, unit)}"
                    f"（本规则按 {op} {format_value(edge, unit)} 判定，请复核）"
                )
                break
        for op, edge, lo, hi in s.steps:
            if E._cmp(op, x, edge):
                result.band = f"{op} {format_value(edge, unit)}"
                return lo, hi, False
        result.band = "未达最低档"
        return s.default[0], s.default[1], False

    def _unit_of(self, node: E.Node) -> str | None:
        from innodrive.enterprises.fields import FIELDS

        if isinstance(node, E.Named):
            meta = self.rs.value_meta.get(node.name)
            if meta is None:
                from innodrive.enterprises.sme_size import SHARED_LABELS

                return SHARED_LABELS.get(node.name, (None, None))[1]
            return meta.unit
        if isinstance(node, E.Field) and node.name in FIELDS:
            f = FIELDS[node.name]
            if f.kind == "choice":
                return f"choice:{f.choices}"
            return f.kind if f.kind in ("ratio", "date", "flag") else f.unit
        return None

    def continuous(self, node: E.Node) -> bool:
        """Whether edge hits mean anything: counts and flags sit on edges by nature."""
        unit = self._unit_of(node)
        return unit not in ("项", "件", "人", "年", "天", "date", "flag", "size_class") and not (
            unit or "").startswith("choice:") and not (
            isinstance(node, E.Field) and _field_kind(node.name) in ("count", "level", "score", "flag", "people"))

    # conditions -------------------------------------------------------------
    def cond(self, c: Condition) -> int:
        if c.id in self.cond_states:
            return self.cond_states[c.id]
        r = ConditionResult(id=c.id, label=c.label, article=c.article, kind=c.kind, state="fail", unit=c.unit)
        if c.kind == "test":
            a, b = self.num(c.cmp.a), self.num(c.cmp.b)
            unit = c.unit or self._unit_of(c.cmp.a) or self._unit_of(c.cmp.b)
            r.value, r.threshold, r.op = a, b, c.cmp.op
            r.value_text, r.threshold_text = format_value(a, unit), format_value(b, unit)
            if a is None or b is None:
                st = c.on_missing
                r.missing = self.missing_fields(c.cmp)
            else:
                st = c.on_true if E._cmp(c.cmp.op, a, b) else c.on_false
                if _edge_hit(a, b) and c.cmp.op in (">=", "<=", ">", "<") and self.continuous(c.cmp.a):
                    r.edge = True
                    self.flags.append(f"{c.label}：取值 {r.value_text} 恰好等于门槛 {r.threshold_text}")
        elif c.kind == "score":
            lo, hi, miss = self.score(c.score)
            t = c.threshold
            r.op, r.threshold, r.threshold_text = c.op, t, _pts(t) + " 分"
            r.value = lo if lo == hi else None
            r.value_text = f"{_pts(lo)} 分" if lo == hi else f"{_pts(lo)}–{_pts(hi)} 分"
            ok_lo, ok_hi = E._cmp(c.op, lo, t), E._cmp(c.op, hi, t)
            st = PASS if ok_lo else (0 if not ok_hi else (NEEDS_DATA if miss else MANUAL))
            if miss and st == NEEDS_DATA:
                r.missing = self._score_missing(c.score)
            if lo == hi and _edge_hit(lo, t):
                r.edge = True
        else:
            states = [self.cond(k) for k in c.children]
            st = min(states) if c.kind == "all" else max(states)
            r.children = [k.id for k in c.children]
        r.state = STATE_NAMES[st]
        self.cond_results[c.id] = r
        self.cond_states[c.id] = st
        return st

    def _score_missing(self, s: Score) -> list[str]:
        out: list[str] = []
        for item in s.walk():
            if item.kind == "band" and item.x is not None and self.scores.get(item.id, (0, 0, False))[2]:
                out.extend(m for m in self.missing_fields(item.x) if m not in out)
        return out


def explain(row: Row, rs: RuleSet, *, on: dt.date) -> Verdict:
    """Evaluate one enterprise (``row``: field → float/None) against one rule set."""
    w = _Walker(rs, row, on)
    state = w.cond(rs.verdict)
    for s in rs.scores.values():  # scores not reached by the verdict are still shown
        w.score(s)
    ordered = [w.cond_results[c.id] for c in rs.conditions.values() if c.id in w.cond_results]
    values = []
    for name, node in rs.values.items():
        v = w.num(node)
        meta = rs.value_meta[name]
        values.append(ValueResult(name=name, label=meta.label, value=v, text=format_value(v, meta.unit)))
        inner = node.node
        if isinstance(inner, E.Band) and v is not None:
            x = w.num(inner.x)
            if x is not None and w.continuous(inner.x) and any(_edge_hit(x, e) for _, e, _ in inner.steps):
                w.flags.append(f"{meta.label}：依据值 {format_value(x, w._unit_of(inner.x))} 恰在档位边界，"
                               f"取 {format_value(v, meta.unit)}，请复核")
    score_order = {sid: i for i, sid in enumerate(rs.scores)}
    scores = sorted(w.score_results, key=lambda s: score_order.get(s.id, 0))
    return Verdict(
        programme=rs.programme, title=rs.title, rule_version=rs.version, rule_status=rs.status, notice=rs.notice,
        source=list(rs.source), on=on, state=STATE_NAMES[state], conditions=ordered, scores=scores,
        values=values, flags=list(dict.fromkeys(w.flags)),
    )


def state_of(row: Row, rs: RuleSet, *, on: dt.date) -> str:
    """Only the verdict state (the same walk, without building the explanation)."""
    return explain(row, rs, on=on).state
