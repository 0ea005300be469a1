"""Reading assessment data from CSV/XLSX, long or wide, with located errors.

Two layouts are accepted (README, 数据格式):

* **long** — one observation per row: ``地区`` (or ``单位``), ``指标``, ``年份``, ``值``;
  optional ``类型`` (unit type) and ``目标值`` (a per-unit target for 考核 scoring);
* **wide** — one row per unit (optionally per unit and ``年份``): ``地区``/``单位``, then
  one column per indicator code (or name), denominators, deduction/veto columns,
  ``类型`` and any grouping column; per-unit targets as ``目标:<code>`` columns.

Indicators may be given by code or by the name the framework declares. Empty cells
and the usual "no data" marks (NA, —, …) are unknown, never zero. Any other text in
a value cell is an error that names the file, the row (as a spreadsheet shows it)
and the column. Nothing here computes; :func:`read_assessment_data` returns plain frames.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from innodrive.errors import InputError, Problem, ValidationFailed, format_location

UNIT_COLS = ("地区", "单位", "地区/单位", "unit", "region", "uCode")
INDICATOR_COLS = ("指标", "指标代码", "indicator", "code")
YEAR_COLS = ("年份", "year", "Time")  # Time: COINr's iData column
VALUE_COLS = ("值", "数值", "value")
TYPE_COLS = ("类型", "unit_type")
TARGET_COLS = ("目标值", "target")
MISSING = {"", "na", "n/a", "nan", "null", "none", "—", "–", "-", "--", "…", "...", "无", "无数据", "暂无", "缺失"}
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
MAX_PROBLEMS = 50


@dataclass
class AssessmentData:
    """Values per year (units × codes), unit metadata, per-unit targets, and what was read."""

    values: dict[int | None, pd.DataFrame]
    units: pd.DataFrame
    targets: dict[int | None, pd.DataFrame]
    layout: str
    file: str
    ignored: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted(y for y in self.values if y is not None)


def parse_number(text) -> float:
    """A cell as a number: NaN for unknown marks; ``ValueError`` for anything else.

    Accepts thousands separators (1,234) and a trailing percent sign (2.5% → 2.5,
    the value as written in the indicator's own unit).
    """
    if text is None:
        return math.nan
    if isinstance(text, bool):
        raise ValueError(str(text))
    if isinstance(text, int | float):
        return float(text)
    s = str(text).strip().replace("，", ",").replace("％", "%")
    if s.lower() in MISSING:
        return math.nan
    s = s.replace(",", "").replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    if not _NUM.match(s):
        raise ValueError(s)
    return float(s)


def _read_table(path: Path) -> pd.DataFrame:
    from innodrive.safeio import read_input

    if not path.exists():
        raise InputError("找不到数据文件", file=path.name, status=3)
    try:
        data = read_input(path, what="数据文件")
    except InputError as exc:
        raise InputError(exc.message, file=path.name) from None
    return read_table_bytes(data, path.name)


# Units × years of one assessment: a few thousand rows. The rows are held as Python
# objects for pandas, so a file of ten million one-letter lines would take a gigabyte.
MAX_DATA_ROWS = 200_000


def read_table_bytes(data: bytes, name: str) -> pd.DataFrame:
    """A CSV or XLSX table from bytes through the one table reader (:mod:`innodrive.tabular`:
    encodings, a title row above the header, limits on decompressed size, rows and cells).

    Cells stay as written (text or the workbook's numbers); ``df.attrs["rows"]`` holds
    each row's number as a spreadsheet shows it, for messages.
    """
    from innodrive.tabular import Limits, is_blank_row, open_table, wide_row_head

    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm"):
        raise InputError(f"不支持的数据文件类型“{suffix or '无扩展名'}”，应为 .csv 或 .xlsx", file=name)
    try:
        table = open_table(data, name=name, expected=(*UNIT_COLS, *INDICATOR_COLS, *YEAR_COLS, *VALUE_COLS,
                                                      *TYPE_COLS, *TARGET_COLS),
                           limits=Limits(max_rows=MAX_DATA_ROWS))
    except InputError as exc:
        if "表格为空" in exc.message:
            raise InputError("数据文件为空", file=name) from None
        raise
    header = [h or table.column_name(i) for i, h in enumerate(table.header)]
    width = len(header)
    rows, numbers = [], []
    for rownum, cells in table.rows():
        if len(cells) > width and not is_blank_row(cells[width:]):
            # (an Excel row keeps its filled cells beyond the header too: no value is dropped unseen)
            raise InputError(wide_row_head(len(cells), width) + "，无法确定各值对应的列；请检查该行是否有未加引号的逗号，"
                             "或为多出的列补上表头", file=name, row=rownum)
        rows.append([("" if c is None else c) for c in list(cells[:width]) + [None] * (width - len(cells))])
        numbers.append(rownum)
    df = pd.DataFrame(rows, columns=header, dtype=object)
    df.attrs["rows"] = numbers
    return df


def _find(cols: list[str], names: tuple[str, ...]) -> str | None:
    low = {str(c).strip().lower(): c for c in cols}
    for n in names:
        if n.lower() in low:
            return low[n.lower()]
    return None


def read_assessment_data(path: Path | str, *, codes: dict[str, str], extra: set[str] = frozenset()
                         ) -> AssessmentData:
    """Read a data file for a framework.

    :param codes: every accepted indicator key → framework code (codes and names).
    :param extra: other column codes to keep (denominators, deduction/veto columns).
    """
    path = Path(path)
    return parse_assessment_table(_read_table(path), path.name, codes=codes, extra=extra)


def parse_assessment_table(df: pd.DataFrame, name: str, *, codes: dict[str, str], extra: set[str] = frozenset()
                           ) -> AssessmentData:
    """Interpret a read table (long or wide layout) for a framework; see :func:`read_assessment_data`."""
    df.columns = [str(c).strip() for c in df.columns]
    if df.empty:
        raise InputError("数据文件没有任何数据行", file=name)
    cols = list(df.columns)
    ucol = _find(cols, UNIT_COLS)
    if ucol is None:
        raise InputError(f"缺少单位列：应有“地区”或“单位”列（现有列：{'、'.join(cols[:12])}）", file=name, row=1)
    icol, vcol = _find(cols, INDICATOR_COLS), _find(cols, VALUE_COLS)
    ycol, tcol = _find(cols, YEAR_COLS), _find(cols, TYPE_COLS)
    if icol and vcol:
        return _read_long(df, name, ucol, icol, vcol, ycol, tcol, _find(cols, TARGET_COLS), codes, extra)
    return _read_wide(df, name, ucol, ycol, tcol, codes, extra)


def _row_numbers(df: pd.DataFrame) -> list[int]:
    """Each data row's number as a spreadsheet shows it (header on row 1 unless the reader said otherwise)."""
    return list(df.attrs.get("rows") or range(2, len(df) + 2))


def _year(v, name: str, row: int, col: str, problems: list[Problem]) -> int | None:
    try:
        y = parse_number(v)
    except ValueError:
        y = math.nan
    if math.isnan(y) or y != int(y) or not 1900 <= y <= 2200:
        problems.append(Problem(f"年份“{v}”无效，应为四位年份", file=name, row=row, field=col))
        return None
    return int(y)


def _read_long(df, name, ucol, icol, vcol, ycol, tcol, gcol, codes, extra) -> AssessmentData:
    rownums = _row_numbers(df)

    def _row(i: int) -> int:
        return rownums[i]

    problems: list[Problem] = []
    records: dict[tuple, tuple[float, int]] = {}
    targets: dict[tuple, float] = {}
    types: dict[str, str] = {}
    ignored: set[str] = set()
    for i, r in enumerate(df.itertuples(index=False)):
        row = dict(zip(df.columns, r, strict=True))
        unit = str(row[ucol] or "").strip()
        key = str(row[icol] or "").strip()
        if not unit and not key and all(str(v or "").strip() == "" for v in row.values()):
            continue
        if not unit:
            problems.append(Problem("单位（地区）为空", file=name, row=_row(i), field=ucol))
            continue
        if not key:
            problems.append(Problem("指标为空", file=name, row=_row(i), field=icol))
            continue
        code = codes.get(key, key if key in extra else None)
        if code is None:
            ignored.add(key)
            continue
        year = _year(row[ycol], name, _row(i), ycol, problems) if ycol else None
        if ycol and year is None:
            continue
        try:
            v = parse_number(row[vcol])
        except ValueError:
            problems.append(Problem(f"值“{row[vcol]}”不是数值", file=name, row=_row(i), field=vcol))
            continue
        k = (year, unit, code)
        if k in records:
            problems.append(Problem(f"“{unit}”“{key}”{year or ''}年重复（另见第 {records[k][1]} 行）", file=name,
                                    row=_row(i), field=icol))
            continue
        records[k] = (v, _row(i))
        if gcol:
            try:
                t = parse_number(row[gcol])
            except ValueError:
                problems.append(Problem(f"目标值“{row[gcol]}”不是数值", file=name, row=_row(i), field=gcol))
                continue
            if not math.isnan(t):
                targets[k] = t
        if tcol:
            _unit_type(types, unit, row[tcol], name, _row(i), tcol, problems)
        if len(problems) >= MAX_PROBLEMS:
            break
    _raise(problems, name)
    values: dict[int | None, dict] = {}
    for (year, unit, code), (v, _) in records.items():
        values.setdefault(year, {}).setdefault(code, {})[unit] = v
    tgt: dict[int | None, dict] = {}
    for (year, unit, code), v in targets.items():
        tgt.setdefault(year, {}).setdefault(code, {})[unit] = v
    units = _units_frame(sorted({u for (_, u, _) in records}), types, tcol)
    return AssessmentData(values={y: pd.DataFrame(d).reindex(units.index) for y, d in values.items()},
                          units=units, targets={y: pd.DataFrame(d) for y, d in tgt.items()}, layout="long",
                          file=name, ignored=sorted(ignored))


def _unit_type(types: dict, unit: str, value, name: str, row: int, col: str, problems: list[Problem]) -> None:
    t = str(value or "").strip()
    if not t:
        return
    if unit in types and types[unit] != t:
        problems.append(Problem(f"“{unit}”的类型前后不一致（“{types[unit]}”与“{t}”）", file=name, row=row, field=col))
    types[unit] = t


def _units_frame(units: list[str], types: dict, tcol: str | None, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.Index(units, name="unit"))
    if tcol:
        out["类型"] = [types.get(u) for u in units]
    if extra is not None:
        for c in extra.columns:
            out[c] = extra[c].reindex(out.index)
    return out


def _read_wide(df, name, ucol, ycol, tcol, codes, extra) -> AssessmentData:
    rownums = _row_numbers(df)

    def _row(i: int) -> int:
        return rownums[i]

    problems: list[Problem] = []
    colmap: dict[str, str] = {}
    target_cols: dict[str, str] = {}
    group_cols: list[str] = []
    ignored = []
    for c in df.columns:
        if c in (ucol, ycol, tcol):
            continue
        if c.startswith("目标:") or c.startswith("目标："):
            key = c[3:].strip()
            if key in codes:
                target_cols[c] = codes[key]
            else:
                problems.append(Problem(f"目标列“{c}”对应的指标“{key}”不在框架中", file=name, row=1, field=c))
        elif c in codes:
            colmap[c] = codes[c]
        elif c in extra:
            colmap[c] = c
        elif df[c].map(lambda v: str(v or "").strip()).map(_is_number_or_missing).all():
            ignored.append(c)
        else:
            group_cols.append(c)  # a text column: a grouping of units (e.g. 区域)
    dup = [c for c in set(colmap.values()) if list(colmap.values()).count(c) > 1]
    for c in dup:
        problems.append(Problem(f"指标“{c}”出现在多列中", file=name, row=1, field=c))
    values: dict[int | None, dict[str, dict[str, float]]] = {}
    targets: dict[int | None, dict[str, dict[str, float]]] = {}
    types: dict[str, str] = {}
    seen: dict[tuple, int] = {}
    groups: dict[str, dict[str, str]] = {g: {} for g in group_cols}
    units: list[str] = []
    for i, r in enumerate(df.itertuples(index=False)):
        row = dict(zip(df.columns, r, strict=True))
        unit = str(row[ucol] or "").strip()
        if not unit:
            if any(str(v or "").strip() for v in row.values()):
                problems.append(Problem("单位（地区）为空", file=name, row=_row(i), field=ucol))
            continue
        year = _year(row[ycol], name, _row(i), ycol, problems) if ycol else None
        if ycol and year is None:
            continue
        if (year, unit) in seen:
            problems.append(Problem(f"“{unit}”{'' if year is None else str(year) + '年'}重复（另见第 {seen[(year, unit)]} 行）",
                                    file=name, row=_row(i), field=ucol))
            continue
        seen[(year, unit)] = _row(i)
        if unit not in units:
            units.append(unit)
        for c, code in colmap.items():
            try:
                v = parse_number(row[c])
            except ValueError:
                problems.append(Problem(f"值“{row[c]}”不是数值", file=name, row=_row(i), field=c))
                continue
            values.setdefault(year, {}).setdefault(code, {})[unit] = v
        for c, code in target_cols.items():
            try:
                v = parse_number(row[c])
            except ValueError:
                problems.append(Problem(f"目标值“{row[c]}”不是数值", file=name, row=_row(i), field=c))
                continue
            if not math.isnan(v):
                targets.setdefault(year, {}).setdefault(code, {})[unit] = v
        if tcol:
            _unit_type(types, unit, row[tcol], name, _row(i), tcol, problems)
        for g in group_cols:
            groups[g][unit] = str(row[g] or "").strip() or None
        if len(problems) >= MAX_PROBLEMS:
            break
    _raise(problems, name)
    if not colmap:
        raise InputError("数据文件中没有任何框架指标列（列名应为指标代码或指标名称）", file=name, row=1)
    extra_units = pd.DataFrame(groups, index=units) if group_cols else None
    uf = _units_frame(units, types, tcol, extra_units)
    return AssessmentData(values={y: pd.DataFrame(d).reindex(uf.index) for y, d in values.items()}, units=uf,
                          targets={y: pd.DataFrame(d) for y, d in targets.items()}, layout="wide", file=name,
                          ignored=ignored)


def _is_number_or_missing(s: str) -> bool:
    try:
        parse_number(s)
    except ValueError:
        return False
    return True


def _raise(problems: list[Problem], name: str) -> None:
    if problems:
        more = "（仅列出前 50 处）" if len(problems) >= MAX_PROBLEMS else ""
        first = problems[0]
        where = format_location(None, first.row, first.field, first.message)
        raise ValidationFailed(f"数据有 {len(problems)} 处错误{more}，第一处：{where}", file=name, problems=problems)
