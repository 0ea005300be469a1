"""Enterprise size classes (大型/中型/小型/微型) under 《中小企业划型标准规定》, as data.

The MIIT tiers (创新型、专精特新、小巨人) are open to 中小企业 only. Whether a firm is one
depends on its industry and on two of three measures (从业人员, 营业收入, 资产总额) with
bounds that differ by industry; the table lives in ``rules/sme-size-2011.yaml`` with its
source, and this module turns it into formulas of the rule language, so that the
explaining, NumPy and SQL evaluators all apply it the same way:

* ``sme_size_ok`` — 1 when the firm is 中小微型, 0 when it is 大型, unknown when it cannot
  be told. With the industry unknown the answer is still 0 when the firm would be 大型
  in *every* industry (three-valued ``any``/``all``), and 1 only when its industry is known;
* ``sme_size_class`` — 1 微型, 2 小型, 3 中型, 4 大型 (for display).

Rule files refer to ``sme_size_ok`` by name (see :func:`shared_values`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from innodrive.enterprises import expr as E
from innodrive.enterprises.incentives import _VersionedRules

CLASS_NAMES = {1.0: "微型", 2.0: "小型", 3.0: "中型", 4.0: "大型"}
INDUSTRY_FIELD = "sme_industry"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Measure(_Strict):
    field: str
    label: str
    unit: str


class Industry(_Strict):
    code: int
    name: str
    article: str
    aliases: list[str] = []
    sme_below: dict[str, float]
    medium: dict[str, float]
    small: dict[str, float]


class SizeRules(_VersionedRules):
    measures: dict[str, Measure]
    industries: list[Industry]


@cache
def size_rules() -> SizeRules:
    from innodrive.safeio import load_yaml

    name = "sme-size-2011.yaml"
    text = resources.files("innodrive.enterprises").joinpath("rules").joinpath(name).read_text(encoding="utf-8")
    rules = SizeRules.model_validate(load_yaml(text, name=name))
    for ind in rules.industries:
        for part in (ind.sme_below, ind.medium, ind.small):
            unknown = set(part) - set(rules.measures)
            if unknown:
                raise ValueError(f"{name}: {ind.name} uses unknown measures {sorted(unknown)}")
    return rules


def industry_choices() -> dict[str, int]:
    """Every accepted way of writing an industry (name, aliases, GB/T 4754 section
    letters that map to one industry) → its code."""
    out: dict[str, int] = {}
    for ind in size_rules().industries:
        out[ind.name] = ind.code
        for a in ind.aliases:
            out[a] = ind.code
    return out


def industry_names() -> dict[int, str]:
    return {ind.code: ind.name for ind in size_rules().industries}


def _below(ind: Industry, m: SizeRules) -> str:
    return "any(" + ", ".join(f"{m.measures[k].field} < {v:g}" for k, v in ind.sme_below.items()) + ")"


def _at_least(part: dict[str, float], m: SizeRules) -> str:
    return "all(" + ", ".join(f"{m.measures[k].field} >= {v:g}" for k, v in part.items()) + ")"


def sme_formula() -> str:
    """The formula text of ``sme_size_ok`` (1 中小微型, 0 大型, unknown)."""
    m = size_rules()
    terms = [f"all({INDUSTRY_FIELD} == {ind.code}, {_below(ind, m)})" for ind in m.industries]
    return "any(" + ", ".join(terms) + ")"


def reach_formula(part: str) -> str:
    """1 when the firm reaches the ``medium`` or ``small`` lower bounds of its industry."""
    m = size_rules()
    terms = [f"all({INDUSTRY_FIELD} == {ind.code}, {_at_least(getattr(ind, part), m)})" for ind in m.industries]
    return "any(" + ", ".join(terms) + ")"


CLASS_FORMULA = "if(sme_size_ok == 0, 4, if(sme_size_medium == 1, 3, if(sme_size_small == 1, 2, 1)))"


@cache
def shared_values() -> dict[str, E.Named]:
    """Named values every rule file may use (parsed once, shared by all rule sets so
    that each evaluator computes them once per registry; the SQL compiler gives each
    its own column, so the class formula reads the three tests instead of repeating them)."""
    ok = E.Named("sme_size_ok", E.parse(sme_formula()))
    medium = E.Named("sme_size_medium", E.parse(reach_formula("medium")))
    small = E.Named("sme_size_small", E.parse(reach_formula("small")))
    names = {"sme_size_ok": ok, "sme_size_medium": medium, "sme_size_small": small}
    cls = E.Named("sme_size_class", E.parse(CLASS_FORMULA, names=names))
    return {"sme_size_ok": ok, "sme_size_class": cls}


def size_class_vector(cols: dict, n: int):
    """``sme_size_class`` for every row of a registry (float64: 1 微型 … 4 大型, NaN when it
    cannot be told): the same numbers as evaluating the formula (tested), by looking up
    each row's own industry's bounds instead of testing every industry's — the formula
    tests sixteen industries on every row, a third of a second per 100,000 rows.

    With the industry known the formula reduces to that industry's tests (the others'
    terms are 0); with it unknown the class is 大型 only when the firm is 大型 in every
    industry, else unknown. Bounds are compared as the formula compares them (the same
    tolerance, on arrays)."""
    import numpy as np

    m = size_rules()
    inds = m.industries
    codes = np.array([float(i.code) for i in inds])
    order = np.argsort(codes, kind="stable")
    nan = np.full(n, np.nan)
    ind = cols.get(INDUSTRY_FIELD, nan)
    x = {k: cols.get(meas.field, nan) for k, meas in m.measures.items()}
    pos = np.searchsorted(codes[order], ind).clip(0, len(inds) - 1)
    pos = order[pos]
    known = ~np.isnan(ind)
    listed = known & (codes[pos] == ind)

    def three(part: str, op: str, decisive: float, rows: np.ndarray, which: np.ndarray) -> np.ndarray:
        """any (decisive 1) / all (decisive 0) of the ``part`` tests of industry ``which``
        per row (positions into ``inds``), three-valued."""
        hit = np.zeros(len(rows), dtype=bool)
        unknown = np.zeros(len(rows), dtype=bool)
        for k in m.measures:
            bounds = np.array([getattr(i, part).get(k, np.nan) for i in inds])[which]
            used = ~np.isnan(bounds)
            if not used.any():
                continue
            v = x[k][rows]
            miss = np.isnan(v)
            ok = E._np_cmp(op, v, bounds)
            hit |= used & ~miss & (ok if decisive == 1.0 else ~ok)
            unknown |= used & miss
        out = np.full(len(rows), 1.0 - decisive)
        out[unknown] = np.nan
        out[hit] = decisive
        return out

    cls = np.full(n, np.nan)
    rows = np.flatnonzero(listed)
    which = pos[rows]
    ok = three("sme_below", "<", 1.0, rows, which)
    medium = three("medium", ">=", 0.0, rows, which)
    small = three("small", ">=", 0.0, rows, which)
    inner = np.where(medium == 1.0, 3.0, np.where(small == 1.0, 2.0, 1.0))
    inner[np.isnan(medium) | ((medium != 1.0) & np.isnan(small))] = np.nan
    part = np.where(ok == 0.0, 4.0, inner)
    part[np.isnan(ok)] = np.nan
    cls[rows] = part
    cls[known & ~listed] = 4.0  # an industry the table does not list: no term holds, so 大型
    rows = np.flatnonzero(~known)
    if len(rows):
        large_everywhere = np.ones(len(rows), dtype=bool)
        for j in range(len(inds)):
            below = three("sme_below", "<", 1.0, rows, np.full(len(rows), j))
            large_everywhere &= below == 0.0
        cls[rows[large_everywhere]] = 4.0
    return cls


SHARED_LABELS = {
    "sme_size_ok": ("按《中小企业划型标准规定》测算属于中小企业", "flag"),
    "sme_size_class": ("企业规模（按《中小企业划型标准规定》测算）", "size_class"),
}


def class_name(code: float | None) -> str:
    if code is None:
        return "无法测算"
    return CLASS_NAMES.get(float(code), "无法测算")


__all__ = ["size_rules", "industry_choices", "industry_names", "sme_formula", "reach_formula", "shared_values",
           "size_class_vector", "class_name", "CLASS_NAMES", "SHARED_LABELS"]
