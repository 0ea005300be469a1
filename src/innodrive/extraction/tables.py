"""Indicator tables: the 主要指标 table of a 规划 (指标 | 单位 | 2020年 | 2025年 | 属性).

A five-year plan states its targets twice: in prose, and in a table with a baseline
column, a target column, sometimes an annual-growth column and the binding attribute
(约束性/预期性). The readers turn each table row into one line with cells separated
by tabs; this module finds such blocks, reads the header to learn what each column is,
and turns every data row into a target with its baseline value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from innodrive import regex_cache
from innodrive.extraction.numbers import parse_number, tidy_number

_YEAR_CELL = regex_cache.compile(r"^(?P<y>20\d\d|19\d\d)\s*年?(?:\s*[(（]?(?P<what>基期|现状|预期|目标|规划)[值]?[)）]?)?$")
_UNIT_IN_NAME = regex_cache.compile(r"[(（](?P<unit>[^()（）]{1,12})[)）]\s*$")
_VALUE = regex_cache.compile(r"(?P<pre>[>≥<≤＞＜]|大于|超过|不低于|不少于|不超过|不高于)?\s*(?P<num>-?\d+(?:,\d{3})*(?:\.\d+)?)"
                    r"\s*(?P<post>以上|以内|以下|左右|\+)?")
_CMP = {">": ">", "＞": ">", "大于": ">", "超过": ">", "≥": ">=", "不低于": ">=", "不少于": ">=", "以上": ">=",
        "+": ">=", "<": "<", "＜": "<", "≤": "<=", "不超过": "<=", "不高于": "<=", "以内": "<=", "以下": "<=",
        "左右": "~"}


@dataclass
class TableTarget:
    indicator: str
    kind: str
    value: float | int
    unit: str | None
    comparator: str
    year: int
    baseline_year: int | None
    baseline_value: float | int | None
    binding: str | None
    direction: str
    start: int      # clean offsets of the row
    end: int
    basis: str | None = None


@dataclass
class _Columns:
    name: int
    unit: int | None
    baseline: int | None
    baseline_year: int | None
    target: int | None
    target_year: int | None
    growth: int | None
    binding: int | None


def _header(cells: list[str], doc_year: int | None, horizon: int | None) -> _Columns | None:
    name = unit = baseline = target = growth = binding = None
    base_year = target_year = None
    years: list[tuple[int, int, str | None]] = []
    for i, raw in enumerate(cells):
        c = raw.replace(" ", "")
        if name is None and re.search(r"^(指标|指标名称|主要指标|项目|指标项)$", c):
            name = i
        elif re.search(r"^(单位|计量单位)$", c):
            unit = i
        elif re.search(r"属性|指标性质|类型", c):
            binding = i
        elif re.search(r"年均增长|年均增速|年均增幅", c):
            growth = i
        elif (m := _YEAR_CELL.match(c)):
            years.append((i, int(m.group("y")), m.group("what")))
        elif re.search(r"基期|现状|基数", c):
            baseline = i
        elif re.search(r"目标|预期值|规划值", c):
            target = i
    if name is None or not (years or target is not None):
        return None
    if years:
        ordered = sorted(years, key=lambda t: t[1])
        marked_base = [y for y in years if y[2] in ("基期", "现状")]
        marked_target = [y for y in years if y[2] in ("目标", "预期", "规划")]
        tgt = marked_target[-1] if marked_target else ordered[-1]
        target, target_year = tgt[0], tgt[1]
        earlier = [y for y in ordered if y[1] < target_year]
        if marked_base:
            baseline, base_year = marked_base[0][0], marked_base[0][1]
        elif earlier:
            baseline, base_year = earlier[-1][0], earlier[-1][1]
    if target_year is None:
        target_year = horizon
    if target_year is None:
        return None
    return _Columns(name, unit, baseline, base_year, target, target_year, growth, binding)


def _value(cell: str):
    """(value, comparator, cumulative): 550以上 → (550, ">=", False); [13.5] → (13.5, "=", True).

    Plans write a change accumulated over the whole period in square brackets."""
    text = cell.replace(" ", "")
    m = _VALUE.search(text)
    if not m:
        return None, None, False
    v = parse_number(m.group("num"))
    if v is None:
        return None, None, False
    cmp = _CMP.get(m.group("post") or "") or _CMP.get(m.group("pre") or "") or "="
    cumulative = bool(re.match(r"^[\[［【〔]", text))
    return tidy_number(v), cmp, cumulative


def find_table_targets(clean: str, paragraphs: list[tuple[int, int]], *, doc_year: int | None,
                       horizon: int | None) -> list[TableTarget]:
    out: list[TableTarget] = []
    i = 0
    n = len(paragraphs)
    while i < n:
        a, b = paragraphs[i]
        if "\t" not in clean[a:b]:
            i += 1
            continue
        j = i
        while j < n and "\t" in clean[paragraphs[j][0]:paragraphs[j][1]]:
            j += 1
        out.extend(_read_block(clean, paragraphs[i:j], doc_year, horizon))
        i = j
    return out


def _read_block(clean: str, rows: list[tuple[int, int]], doc_year, horizon) -> list[TableTarget]:
    cols: _Columns | None = None
    out: list[TableTarget] = []
    for a, b in rows:
        cells = clean[a:b].split("\t")
        header = _header(cells, doc_year, horizon)
        if header is not None:
            cols = header
            continue
        if cols is None or cols.name >= len(cells):
            continue
        name = cells[cols.name].strip()
        if not name or re.fullmatch(r"[\d.、]+", name):
            continue
        unit = cells[cols.unit].strip() if cols.unit is not None and cols.unit < len(cells) else None
        m = _UNIT_IN_NAME.search(name)
        if m:
            name = name[: m.start()].strip()
            unit = unit or m.group("unit").strip()
        if unit in ("-", "—", "/", ""):
            unit = None
        binding = None
        if cols.binding is not None and cols.binding < len(cells):
            bcell = cells[cols.binding]
            binding = "约束性" if "约束" in bcell else ("预期性" if "预期" in bcell else None)
        base_value = None
        if cols.baseline is not None and cols.baseline < len(cells):
            base_value, _, _ = _value(cells[cols.baseline])
        direction = "le" if re.search(r"下降|降低|能耗|排放|PM2\.5|浓度|发生率|死亡率", name) else "ge"
        if cols.target is not None and cols.target < len(cells):
            value, cmp, cumulative = _value(cells[cols.target])
            if value is not None:
                change = re.search(r"增长|增速|增幅|提高|下降|降低|减少", name) and unit in ("%", "个百分点", None)
                kind = "growth" if change or cumulative else "number"
                basis = None
                if kind == "growth":
                    basis = "points" if unit == "个百分点" else ("annual" if "年均" in name else "cumulative")
                out.append(TableTarget(name, kind, value, unit, cmp, cols.target_year, cols.baseline_year,
                                       base_value, binding, direction, a, b, basis=basis))
        if cols.growth is not None and cols.growth < len(cells):
            g, cmp, _ = _value(cells[cols.growth])
            if g is not None:
                out.append(TableTarget(name, "growth", g, "%", cmp, cols.target_year, cols.baseline_year,
                                       None, binding, direction, a, b, basis="annual"))
    return out
