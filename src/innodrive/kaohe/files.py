"""Reading the office's tables for a 考核 cycle: figures and targets, 加分/扣分 items.

Two long tables, CSV or XLSX (through the one table reader, :mod:`innodrive.tabular`):

* **figures** — ``单位, 指标, 类别, 数值, 计量单位, 来源, 备注``: a unit's actual value
  (类别 实际, the default) or target (目标) of an indicator of its framework, by code or
  name; converted to the catalogue's unit for catalogue indicators (万元 → 亿元), to the
  framework's unit otherwise. Every figure needs its 来源.
* **items** — ``单位, 事项, 事由, 证据, 日期, 来源``: a 加分/扣分/否决 item of the unit's
  framework (by code or name), what happened, the evidence it rests on (required).

Every row is checked before anything is kept; any problem and nothing is kept, with
every problem listed (file, row, column, what was expected).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass

from innodrive.errors import InputError, Problem, ValidationFailed
from innodrive.kaohe.framework import KaoheFramework
from innodrive.kaohe.scheme import Scheme, normalise_unit

VALUE_COLUMNS = {"unit": ("单位", "考核单位", "被考核单位", "地区"), "indicator": ("指标", "指标代码", "指标名称"),
                 "kind": ("类别", "类型", "实际/目标"), "value": ("数值", "值", "数据"),
                 "measure": ("计量单位", "指标单位"), "source": ("来源", "数据来源"), "note": ("备注", "说明")}
ITEM_COLUMNS = {"unit": ("单位", "考核单位", "被考核单位", "地区"), "item": ("事项", "事项代码", "加扣分事项"),
                "title": ("事由", "具体事项", "内容"), "evidence": ("证据", "依据", "证明材料"),
                "date": ("日期", "发生日期"), "source": ("来源", "数据来源")}
KINDS = {"实际": "actual", "实际值": "actual", "完成": "actual", "完成值": "actual", "actual": "actual",
         "目标": "target", "目标值": "target", "target": "target"}
MAX_ROWS = 100_000


@dataclass(frozen=True)
class ValueRow:
    row: int
    unit: str
    indicator: str
    kind: str
    value: float
    measure: str | None
    source: str
    note: str | None


@dataclass(frozen=True)
class ItemRow:
    row: int
    unit: str
    code: str
    title: str
    evidence: str
    occurred_on: dt.date | None
    source: str | None


def _columns(header: list[str], wanted: dict[str, tuple[str, ...]], required: tuple[str, ...], file: str,
             header_row: int) -> dict[str, int]:
    from innodrive.tabular import norm_header

    index: dict[str, int] = {}
    norm = [norm_header(h) for h in header]
    for role, names in wanted.items():
        for name in names:
            if norm_header(name) in norm:
                index[role] = norm.index(norm_header(name))
                break
    missing = [wanted[r][0] for r in required if r not in index]
    if missing:
        raise InputError(f"表头缺少列：{'、'.join(missing)}（应有：{'、'.join(wanted[r][0] for r in wanted)}）",
                         file=file, row=header_row)
    return index


def _text(cells: list, i: int | None, *, as_written: bool = False) -> str:
    """A cell as text: NFKC for what is matched (units, indicators, numbers); as written
    (only trimmed) for what is kept and shown (事由, 证据, 来源, 备注)."""
    if i is None or i >= len(cells) or cells[i] is None:
        return ""
    v = cells[i]
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip() if as_written else unicodedata.normalize("NFKC", str(v)).strip()


def _number(text: str) -> float | None:
    s = text.replace(",", "").replace("，", "").replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    try:
        x = float(s)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _unit_of(scheme: Scheme, name: str):
    key = normalise_unit(name)
    return next((u for u in scheme.units if key in u.names()), None)


def _indicator(fw: KaoheFramework, text: str) -> str | None:
    if text in fw.engine.by_code and fw.engine.by_code[text].kind == "indicator":
        return text
    key = normalise_unit(text)
    hits = [c for c in fw.engine.indicators if normalise_unit(fw.engine.by_code[c].name) == key]
    if hits:
        return hits[0]
    from innodrive.indicators.catalogue import load_catalogue

    ind = load_catalogue().by_name(text)
    return ind.code if ind is not None and ind.code in fw.engine.indicators else None


def _unit_rows(table, col: dict[str, int], scheme: Scheme, frameworks: dict[str, KaoheFramework],
               problems: list[Problem], kept: list):
    """Each data row whose 单位 is an assessed unit with a framework, as (row, cells, unit,
    framework, bad) — ``bad(message, column)`` records a problem on that row; rows whose
    unit is unknown are recorded here and skipped."""
    for row, cells in table.rows():
        if len(kept) + len(problems) > MAX_ROWS:
            raise InputError(f"表格超过 {MAX_ROWS} 行", file=table.where)

        def bad(message: str, field: str, row: int = row) -> None:
            problems.append(Problem(message, file=table.where, row=row, field=field))

        unit_text = _text(cells, col["unit"])
        u = _unit_of(scheme, unit_text)
        if u is None:
            bad(f"“{unit_text}”不是本年度的考核单位；考核单位：{'、'.join(x.name for x in scheme.units)}", "单位")
            continue
        fw = frameworks.get(u.type)
        if fw is None:
            bad(f"单位类型“{u.type}”还没有 {scheme.year} 年度的考核框架", "单位")
            continue
        yield row, cells, u, fw, bad


def read_values(data: bytes, *, name: str, scheme: Scheme, frameworks: dict[str, KaoheFramework]) -> list[ValueRow]:
    """Every figure of the table, checked; :class:`ValidationFailed` listing every bad row."""
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.indicators.units import convert
    from innodrive.tabular import open_table

    table = open_table(data, name=name, expected=[n for names in VALUE_COLUMNS.values() for n in names])
    col = _columns(table.header, VALUE_COLUMNS, ("unit", "indicator", "value", "source"), table.where,
                   table.header_row)
    catalogue = load_catalogue()
    out: list[ValueRow] = []
    problems: list[Problem] = []
    seen: dict[tuple, int] = {}
    for row, cells, u, fw, bad in _unit_rows(table, col, scheme, frameworks, problems, out):
        ind_text = _text(cells, col["indicator"])
        code = _indicator(fw, ind_text)
        if code is None:
            bad(f"指标“{ind_text}”不在{u.type}的考核框架中；框架指标："
                f"{'、'.join(fw.engine.by_code[c].name for c in fw.engine.indicators)}", "指标")
            continue
        kind_text = _text(cells, col.get("kind")) or "实际"
        kind = KINDS.get(kind_text)
        if kind is None:
            bad(f"类别“{kind_text}”无法识别：应为 实际 或 目标", "类别")
            continue
        src = fw.sources.get(code)
        if kind == "actual" and src != "data":
            where = "统计数据（请用 innodrive data import 导入统计数据）" if src == "observations" else "任务台账"
            bad(f"指标“{fw.engine.label(code)}”的实际值取自{where}，不在考核数据中填报", "类别")
            continue
        value_text = _text(cells, col["value"])
        value = _number(value_text)
        if value is None:
            bad(f"数值“{value_text}”不是数字" if value_text else "数值为空（未知的数值不要填 0，请删去该行）", "数值")
            continue
        measure = _text(cells, col.get("measure")) or None
        target_unit = catalogue.get(code).unit if code in catalogue else fw.engine.by_code[code].unit
        if measure and target_unit and measure != target_unit:
            try:
                value = convert(value, measure, target_unit)
            except InputError as exc:
                bad(f"计量单位“{measure}”不能换算为指标单位“{target_unit}”（{exc.message}）", "计量单位")
                continue
        source = _text(cells, col["source"], as_written=True)
        if not source:
            bad("来源为空：每个数据都要写明来源（文件、报表或调查）", "来源")
            continue
        key = (u.name, code, kind)
        if key in seen:
            bad(f"与第 {seen[key]} 行重复（同一单位、指标和类别）", "指标")
            continue
        seen[key] = row
        out.append(ValueRow(row, u.name, code, kind, value, target_unit or measure, source,
                            _text(cells, col.get("note"), as_written=True) or None))
    if problems:
        raise ValidationFailed(f"考核数据有 {len(problems)} 处问题，未导入任何数据；第一处：{problems[0]}",
                               file=table.where, problems=problems)
    if not out:
        raise InputError("表格中没有数据行", file=table.where)
    return out


def read_items(data: bytes, *, name: str, scheme: Scheme, frameworks: dict[str, KaoheFramework]) -> list[ItemRow]:
    """Every 加分/扣分/否决 item of the table, checked."""
    from innodrive.dates import parse_date
    from innodrive.tabular import open_table

    table = open_table(data, name=name, expected=[n for names in ITEM_COLUMNS.values() for n in names])
    col = _columns(table.header, ITEM_COLUMNS, ("unit", "item", "title", "evidence"), table.where, table.header_row)
    out: list[ItemRow] = []
    problems: list[Problem] = []
    for row, cells, u, fw, bad in _unit_rows(table, col, scheme, frameworks, problems, out):
        kinds = fw.item_kinds()
        item_text = _text(cells, col["item"])
        code = item_text if item_text in kinds else next(
            (c for c, (_, n) in kinds.items() if normalise_unit(n) == normalise_unit(item_text)), None)
        if code is None:
            bad(f"事项“{item_text}”不是{u.type}考核框架中的加分、扣分或否决事项；可用："
                f"{'、'.join(n for _, n in kinds.values())}", "事项")
            continue
        title = _text(cells, col["title"], as_written=True)
        evidence = _text(cells, col["evidence"], as_written=True)
        if not title:
            bad("事由为空：请写明具体事项", "事由")
            continue
        if not evidence:
            bad("证据为空：每个加分、扣分或否决事项都要写明依据（文件、通报或批复）", "证据")
            continue
        when = None
        date_text = _text(cells, col.get("date"))
        if date_text:
            try:
                when = parse_date(cells[col["date"]], field="日期")
            except InputError as exc:
                bad(exc.message, "日期")
                continue
            if when.year != scheme.year:
                bad(f"日期 {when} 不在考核年度 {scheme.year} 年内", "日期")
                continue
        out.append(ItemRow(row, u.name, code, title, evidence, when,
                           _text(cells, col.get("source"), as_written=True) or None))
    if problems:
        raise ValidationFailed(f"加扣分事项有 {len(problems)} 处问题，未导入任何事项；第一处：{problems[0]}",
                               file=table.where, problems=problems)
    if not out:
        raise InputError("表格中没有数据行", file=table.where)
    return out


__all__ = ["ITEM_COLUMNS", "VALUE_COLUMNS", "ItemRow", "ValueRow", "read_items", "read_values"]
