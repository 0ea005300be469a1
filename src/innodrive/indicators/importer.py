"""Importing statistics from CSV and XLSX tables into observations.

Statistics arrive as tables made by people: long tables (one row per region,
indicator and period) or wide ones (one column per year), in UTF-8 or GB18030 CSV or
in Excel, with values in 万元 where the catalogue keeps 亿元. The importer:

1. reads the table (:func:`read_table`) and recognises its layout from the headers;
2. checks every row and names *every* problem with its row and column — unknown
   region or indicator (suggesting the closest catalogue names), a value that is not
   a number, a missing source, a unit of the wrong kind, the same key twice with
   different values — and imports nothing if there is any;
3. converts each value into its indicator's catalogue unit;
4. compares with what is stored: a new key is added, a changed value becomes a new
   revision, an equal value is left alone — so importing the same file twice changes
   nothing, and :func:`preview` shows what an import would do before doing it;
5. writes everything in one transaction (all or nothing; a killed process leaves the
   database as it was), recomputes derived indicators whose parts changed, and logs
   the batch in the audit log.

A blank value cell is an unknown value and is skipped (never read as 0).
"""

from __future__ import annotations

import threading
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from innodrive.errors import InputError, Problem, ValidationFailed
from innodrive.indicators import units
from innodrive.indicators.batch import ADD, REVISE, SOURCE, ValueBatch
from innodrive.indicators.observations import Change, NewValue
from innodrive.indicators.periods import looks_like_period, parse_period
from innodrive.store import Store, audit
from innodrive.store.bulk import deferred_indexes
from innodrive.store.reference import resolve_region
from innodrive.store.schema import ImportBatchRow, IndicatorLinkRow, utcnow
from innodrive.tabular import Table, cell_text, is_blank_row, norm_header, open_table

Layout = Literal["long", "wide"]
Progress = Callable[[str, int, int], None]

DEFAULT_DATASET = "sichuan_innovation_stats.csv"
MAX_ABS_VALUE = 1e15  # beyond any statistic in any catalogue unit: a typo or a hostile cell

# Column headers people use, by role (compared after NFKC and lower-casing).
COLUMNS: dict[str, tuple[str, ...]] = {
    "region": ("地区", "地区名称", "区域", "行政区划", "行政区", "地方", "region", "area"),
    "region_code": ("地区代码", "区划代码", "行政区划代码", "region_code", "code"),
    "indicator": ("指标", "指标名称", "统计指标", "indicator", "item"),
    "period": ("时期", "年份", "年度", "期间", "时间", "统计时期", "period", "year"),
    "value": ("值", "数值", "指标值", "数据", "value"),
    "unit": ("单位", "计量单位", "unit"),
    "source": ("来源", "数据来源", "资料来源", "出处", "source"),
    "note": ("备注", "说明", "注", "note", "notes"),
}
HEADER_NAMES = tuple(n for names in COLUMNS.values() for n in names)
ROLE_NAMES = {"region": "地区", "indicator": "指标", "period": "时期/年份", "value": "值", "unit": "单位",
              "source": "来源", "note": "备注", "region_code": "地区代码"}


@dataclass
class Parsed:
    """The validated content of a table, ready to compare with the store (as columns:
    :class:`~innodrive.indicators.batch.ValueBatch`)."""

    file: str
    sha256: str
    layout: Layout
    batch: ValueBatch
    rows: int
    blank: int = 0

    @property
    def values(self) -> list[NewValue]:
        """The values as objects (small batches and tests; imports use the columns)."""
        return [self.batch.new_value(k) for k in range(len(self.batch))]


@dataclass
class ImportResult:
    file: str
    layout: Layout
    rows: int
    values: int
    added: int
    revised: int
    unchanged: int
    blank: int
    batch_id: int | None
    derived: int = 0
    dry_run: bool = False
    changes: list[Change] = field(default_factory=list)
    sourced: int = 0  # equal values from a further source, recorded as second sources
    kept: int = 0  # values left as a person entered them (shipped data adds only what is missing)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.revised or self.sourced)

    @property
    def total_changes(self) -> int:
        return self.added + self.revised + self.sourced


# --------------------------------------------------------------------- reading


def read_table(path: Path | bytes, *, sheet: str | None = None, name: str | None = None) -> Table:
    """Open a CSV (UTF-8 with or without BOM, GB18030, UTF-16) or XLSX table through the
    one table reader (:func:`innodrive.tabular.open_table`); the header is found by its
    names even below a title row."""
    return open_table(path, name=name, sheet=sheet, expected=HEADER_NAMES)


# --------------------------------------------------------------------- columns


def map_columns(header: list[str], file: str, *, header_row: int = 1) -> tuple[Layout, dict[str, int], dict[int, str]]:
    """Find each role's column and the layout; year columns for a wide table."""
    roles: dict[str, int] = {}
    problems: list[Problem] = []
    lookup = {name: role for role, names in COLUMNS.items() for name in names}
    periods: dict[int, str] = {}
    for i, h in enumerate(header):
        key = norm_header(h)
        if not key:
            continue
        role = lookup.get(key)
        if role is None and looks_like_period(h):
            periods[i] = parse_period(h)
            continue
        if role is None:
            continue
        if role in roles:
            problems.append(Problem(f"表头中“{ROLE_NAMES[role]}”列出现两次（第 {roles[role] + 1} 列与第 {i + 1} 列）",
                                    file=file, row=header_row, field=h))
        roles[role] = i
    layout: Layout = "long" if ("value" in roles or "period" in roles) else "wide"
    required = ["indicator", "unit", "source"] + (["period", "value"] if layout == "long" else [])
    if "region" not in roles and "region_code" not in roles:
        required.insert(0, "region")
    missing = [r for r in required if r not in roles]
    if missing:
        found = "、".join(h for h in header if h) or "（无）"
        expected = "长表：地区、指标、时期/年份、值、单位、来源[、备注]；宽表：地区、指标、单位、来源，再加每年一列（2019、2020…）"
        problems.append(Problem(f"缺少必需的列：{'、'.join(ROLE_NAMES[m] for m in missing)}。现有表头：{found}。"
                                f"应为 {expected}", file=file, row=header_row))
    if layout == "wide" and not periods and "indicator" in roles:
        problems.append(Problem("宽表中没有年份列（表头应为 2019、2020年 等）", file=file, row=header_row))
    if problems:
        raise ValidationFailed("表头有问题，未导入任何数据：" + "；".join(p.message for p in problems), file=file,
                               problems=problems)
    return layout, roles, periods


# --------------------------------------------------------------------- validation


class _Resolver:
    """Cached name → code lookups for regions and indicators, with suggestions."""

    def __init__(self, remembered: dict[str, str]) -> None:
        from innodrive.indicators.catalogue import load_catalogue

        self.catalogue = load_catalogue()
        self.remembered = remembered
        self._regions: dict[str, tuple[str | None, str | None]] = {}
        self._indicators: dict[str, tuple[str | None, str | None]] = {}
        self._units: dict[tuple[str, str], tuple[float | None, str | None]] = {}

    def region(self, name: str) -> tuple[str | None, str | None]:
        """(code, None) or (None, the problem)."""
        hit = self._regions.get(name)
        if hit is None:
            hit = self._regions[name] = resolve_region(name)
        return hit

    def indicator(self, name: str) -> tuple[str | None, str | None]:
        hit = self._indicators.get(name)
        if hit is None:
            hit = self._indicators[name] = self._indicator(name)  # the catalogue normalises names itself
        return hit

    def _indicator(self, name: str) -> tuple[str | None, str | None]:
        if name in self.remembered and self.remembered[name] in self.catalogue:
            return self.remembered[name], None
        ind = self.catalogue.by_name(name) or self.catalogue.get(name)
        if ind is not None:
            return ind.code, None
        return None, f"指标目录中没有指标“{name}”；{self.suggest(name)}"

    @cache  # noqa: B019 - one resolver per import; the cache dies with it
    def suggest(self, name: str) -> str:
        from rapidfuzz import fuzz, process

        choices = {n: ind.name for ind in self.catalogue for n in ind.names}
        best: list[str] = []
        for n, _score, _ in process.extract(name, list(choices), scorer=fuzz.WRatio, limit=10):
            if choices[n] not in best:
                best.append(choices[n])
        return ("最接近的目录指标：" + "、".join(best[:3]) if best else "请检查指标名称") + \
            "（也可将此名称指定对应到某个目录指标，之后自动识别）"

    def factor(self, unit: str, code: str) -> tuple[float | None, str | None]:
        """The factor from the written unit to the catalogue unit, or the problem."""
        key = (unit, code)
        hit = self._units.get(key)
        if hit is None:
            ind = self.catalogue.require(code)
            try:
                hit = (units.convert(1.0, unit, ind.unit), None)
            except InputError:
                if not units.is_known_unit(unit):
                    hit = (None, f"无法识别的单位“{unit}”")
                else:
                    hit = (None, f"单位“{unit}”与指标“{ind.name}”的目录单位“{ind.unit}”不属于同一类，无法换算")
            self._units[key] = hit
        return hit


def _number(v: object) -> float | None:
    """A cell as a number; ``None`` if it is not one (blank cells are handled before)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v) if v == v else None  # NaN is not a value
    s = unicodedata.normalize("NFKC", str(v)).strip().replace(",", "").replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    try:
        x = float(s)
    except ValueError:
        return None
    if x != x or x in (float("inf"), float("-inf")):
        return None
    return x


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and v.strip() in ("", "-", "—", "…", "..."))


MAX_PROBLEMS = 1000  # problems kept for the message; all are counted


def _fast_number(v: object) -> float | None:
    if type(v) is str:
        try:
            x = float(v)
        except ValueError:
            return _number(v)
        return x if x == x and x not in (_INF, -_INF) else None
    return _number(v)


_INF = float("inf")
_BLANKS = frozenset(("", "-", "—", "…", "..."))


def parse_table(table: Table, *, remembered: dict[str, str] | None = None) -> Parsed:
    """Validate and convert every row; raise :class:`ValidationFailed` naming every problem.

    Rows are read in chunks and kept as columns (:class:`ValueBatch`); tables repeat
    a few regions, indicators, units and periods many times, so each distinct
    combination is resolved once and remembered for the rest of the table. The cyclic
    garbage collector is paused meanwhile: the chunks are many small acyclic objects
    that reference counting frees, and its passes over them cost a third of the time.
    """
    from innodrive.documents import paused_gc

    try:
        _parsed_last.table = weakref.ref(table)
    except TypeError:  # a table that cannot be referred to weakly: collected in full after use
        _parsed_last.table = None
    with paused_gc():
        return _parse_table(table, remembered=remembered)


def _parse_table(table: Table, *, remembered: dict[str, str] | None = None) -> Parsed:
    file = table.where
    layout, roles, period_cols = map_columns(table.header, file, header_row=table.header_row)
    res = _Resolver(remembered or {})
    problems: list[Problem] = []
    n_problems = 0
    blank = 0
    hdr = [table.column_name(i) for i in range(len(table.header))]
    catalogue_units = {ind.code: ind.unit for ind in res.catalogue}
    batch = ValueBatch()

    def add_problem(p: Problem) -> None:
        nonlocal n_problems
        n_problems += 1
        if len(problems) < MAX_PROBLEMS:
            problems.append(p)

    periods: dict[object, tuple[int, None] | tuple[None, str]] = {}

    def period_id(text: object) -> tuple[int | None, str | None]:
        key = text if isinstance(text, str | int | float) else repr(text)
        hit = periods.get(key)
        if hit is None:
            try:
                hit = (batch.periods.id(parse_period(text)), None)
            except InputError as exc:
                hit = (None, exc.message)
            periods[key] = hit
        return hit

    i_region, i_code, i_ind = roles.get("region"), roles.get("region_code"), roles["indicator"]
    i_unit, i_source, i_note = roles["unit"], roles["source"], roles.get("note")
    f_region = hdr[i_region] if i_region is not None else hdr[i_code]
    f_code = hdr[i_code] if i_code is not None else None
    if layout == "long":
        i_period, i_value = roles["period"], roles["value"]
        value_cols = [(None, i_value, 0)]
        batch.columns = [hdr[i_value]]
    else:
        i_period = None
        value_cols = [(batch.periods.id(p), i, j) for j, (i, p) in enumerate(period_cols.items())]
        batch.columns = [hdr[i] for i in period_cols]

    texts = batch.texts
    text_id = texts.id

    def resolve_region(region_text: str, code_text: str) -> tuple:
        """(region id or -1, problems) of a region cell and a code cell."""
        found: list[tuple[str, str]] = []  # (message, field)
        ref = code_text or region_text
        region_id = -1
        if not ref:
            found.append(("地区为空", f_region))
        else:
            region_code, msg = res.region(ref)
            if msg:
                found.append((msg, f_code if code_text else f_region))
            else:
                region_id = batch.regions.id(region_code)
        return region_id, tuple(found)

    def resolve_indicator(ind_text: str, unit: str) -> tuple:
        """(indicator id or -1, factor, unit text id, problems) of an indicator cell and a unit cell."""
        found: list[tuple[str, str]] = []
        code = factor = None
        if not ind_text:
            found.append(("指标为空", hdr[i_ind]))
        else:
            code, msg = res.indicator(ind_text)
            if msg:
                found.append((msg, hdr[i_ind]))
        if not unit:
            found.append(("单位为空", hdr[i_unit]))
        elif code is not None:
            factor, msg = res.factor(unit, code)
            if msg:
                found.append((msg, hdr[i_unit]))
        ind_id = -1
        if code is not None:
            ind_id = batch.indicators.id(code)
            batch.units[ind_id] = catalogue_units[code]
        return ind_id, 1.0 if factor is None else factor, text_id(unit) if unit else -1, tuple(found)

    import heapq

    import numpy as np

    tindex = texts.index
    # the problems kept for the message: the first MAX_PROBLEMS in the order the row-by-row
    # reading met them (chunk of CHUNK rows, then kind of check, then row), whatever the
    # size of the blocks read here
    found: list[tuple] = []  # a max-heap of (-chunk, -phase, -row, -order, -seq, problem)
    seq = 0

    def note_problem(chunk: int, phase: int, rownum: int, order: int, p: Problem) -> None:
        nonlocal n_problems, seq
        n_problems += 1
        seq += 1
        item = (-chunk, -phase, -rownum, -order, -seq, p)
        if len(found) < MAX_PROBLEMS:
            heapq.heappush(found, item)
        elif item > found[0]:
            heapq.heapreplace(found, item)

    is_csv = table.kind == "csv"
    # each distinct (region, code) and (indicator, unit) pair resolved once, in order of first
    # appearance; their results as columns by pair number (a row's problems: its region's, then
    # its indicator's and unit's, as one row-by-row check finds them)
    parts = [_Resolved((np.int32,)), _Resolved((np.int32, np.float64, np.int32))]
    pcache: dict[object, tuple[int | None, str | None]] = {}

    def stripped(values: list) -> list[str]:
        """Cells as compared: stripped text (an XLSX number as written, 2020.0 → "2020")."""
        if is_csv:
            return list(map(str.strip, values))
        return [v.strip() if type(v) is str else cell_text(v) for v in values]

    def text_column(cols: dict, i: int | None, n: int) -> tuple[np.ndarray, list[str]]:
        """(code per row, the distinct stripped cells): each distinct cell stripped once."""
        if i is None:
            return np.zeros(n, dtype=np.intp), [""]
        codes, uniques = _distinct(cols[i], is_csv)
        return codes, stripped(uniques)

    cells_of = [_Numbered(is_csv) for _ in range(4)]  # region, code, indicator, unit cells
    pairs_of = [_Numbered(True), _Numbered(True)]  # (region, code) and (indicator, unit) pairs
    positions = sorted({i for i in (i_region, i_code, i_ind, i_unit, i_source, i_note, i_period,
                                    *(c[1] for c in value_cols)) if i is not None})
    nrows = 0
    width = len(table.header)
    for nums, chunk_of, cols, wide in _column_chunks(table, positions, READ_BLOCK, CHUNK):
        n = len(nums)
        nrows += n
        if wide:  # reported as a whole row; the cells it has under the header would be read shifted
            skip = np.isin(np.asarray(nums, dtype=np.int64), np.fromiter(wide, dtype=np.int64, count=len(wide)))
            for k in np.flatnonzero(skip).tolist():
                note_problem(chunk_of[k], -1, nums[k], 0, Problem(wide_row_message(wide[nums[k]], width), file=file,
                                                                  row=nums[k], field="整行"))
        else:
            skip = None
        # the pairs of each row, numbered for the whole table: each distinct cell and pair of
        # cells of the chunk is hashed once (a chunk has thousands of rows, a table a few
        # thousand regions and a handful of indicators and units)
        g = [cells_of[j].ids(cols, i, n) for j, i in enumerate((i_region, i_code, i_ind, i_unit))]
        rc = pairs_of[0].ids_of(g[0] << 32 | g[1])
        iu = pairs_of[1].ids_of(g[2] << 32 | g[3])
        for part, pairs, cells, resolve in ((parts[0], pairs_of[0], (cells_of[0], cells_of[1]), resolve_region),
                                            (parts[1], pairs_of[1], (cells_of[2], cells_of[3]), resolve_indicator)):
            for u in pairs.items[len(part):]:  # pairs first met in this chunk
                key = tuple(stripped([cells[0].value(u >> 32), cells[1].value(u & 0xFFFFFFFF)]))
                part.add(key, resolve)
        (r_ids, r_bad, r_problems), (i_ids, i_factor, u_ids, i_bad, i_problems) = parts[0].arrays(), parts[1].arrays()
        bad = r_bad[rc] | i_bad[iu]
        if skip is not None:  # a wide row's one problem is that it is wide
            bad &= ~skip
        for k in np.flatnonzero(bad).tolist():
            for order, (msg, fld) in enumerate(r_problems[rc[k]] + i_problems[iu[k]]):
                note_problem(chunk_of[k], 0, nums[k], order, Problem(msg, file=file, row=nums[k], field=fld))
        s_codes, s_uniques = text_column(cols, i_source, n)
        empty = np.asarray([not v for v in s_uniques], dtype=bool)[s_codes]
        if skip is not None:
            empty &= ~skip
        for k in np.flatnonzero(empty).tolist():
            bad[k] = True
            note_problem(chunk_of[k], 1, nums[k], 5, Problem(
                "来源为空：每个数值都必须注明出处（发布机关、文件名称、日期或网址）",
                file=file, row=nums[k], field=hdr[i_source]))
        if skip is not None:
            bad |= skip
        src_ids = np.asarray([tindex[v] if v in tindex else text_id(v) for v in s_uniques], dtype=np.int32)[s_codes]
        if i_note is not None:
            n_codes, n_uniques = text_column(cols, i_note, n)
            note_ids = np.asarray([tindex[v] if v in tindex else text_id(v) if v else -1 for v in n_uniques],
                                  dtype=np.int32)[n_codes]
        else:
            note_ids = np.full(n, -1, dtype=np.int32)
        region_ids, ind_ids, factors, unit_ids = r_ids[rc], i_ids[iu], i_factor[iu], u_ids[iu]
        row_nums = np.asarray(nums, dtype=np.int32)
        if i_period is not None:
            p_codes, p_uniques = _distinct(cols[i_period], is_csv)
            p_hits = [pcache[v] if v in pcache else pcache.setdefault(v, period_id(v)) for v in p_uniques]
            p_ids = np.asarray([-1 if h[0] is None else h[0] for h in p_hits], dtype=np.int32)
        for period, vi, col in value_cols:
            raw = cols[vi]
            phase = 2 + 3 * col
            direct = _plain_numbers(raw)  # every cell a plain finite number: no blank, nothing to check
            if direct is None and is_csv:
                raw = _as_text(raw)
            if direct is not None:
                blanks = np.zeros(n, dtype=bool)
            elif is_csv:
                blanks = np.isin(np.asarray(list(map(str.strip, raw)), dtype=object), list(_BLANKS))
            else:
                blanks = np.asarray([v is None or (type(v) is str and v.strip() in _BLANKS) for v in raw], dtype=bool)
            blank += int(blanks.sum())
            ok = ~blanks if skip is None else ~blanks & ~skip
            if period is None:
                pids = p_ids[p_codes]
                for k in np.flatnonzero(ok & (pids < 0)).tolist():
                    note_problem(chunk_of[k], phase, nums[k], 6, Problem(p_hits[p_codes[k]][1], file=file, row=nums[k],
                                                                         field=hdr[i_period]))
                    bad[k] = True
                ok &= pids >= 0
            else:
                pids = np.full(n, period, dtype=np.int32)
            if direct is not None:
                xs = direct
                not_number = np.zeros(n, dtype=bool)
            else:
                try:  # every cell a plain number once blanks and bad periods are set aside (C speed)
                    fast = np.asarray(raw if ok.all() else [v if o else "0" for v, o in zip(raw, ok.tolist(), strict=True)],
                                      dtype=np.float64)
                    if not np.isfinite(fast).all():
                        raise ValueError
                    xs = fast
                    not_number = np.zeros(n, dtype=bool)
                except (ValueError, TypeError):
                    xs = np.asarray([_fast_number(v) if o else 0.0 for v, o in zip(raw, ok.tolist(), strict=True)],
                                    dtype=object)
                    not_number = np.asarray([x is None for x in xs], dtype=bool)
            for k in np.flatnonzero(not_number).tolist():
                bad[k] = True
                note_problem(chunk_of[k], phase + 1, nums[k], 7, Problem(
                    f"值“{cell_text(raw[k])}”不是数字", file=file, row=nums[k], field=batch.columns[col]))
            ok &= ~not_number
            take = ok & ~bad
            idx = np.flatnonzero(take)
            if not len(idx):
                continue
            x = np.asarray(xs[idx], dtype=np.float64)
            f = factors[idx]
            with np.errstate(over="ignore"):  # an overflow is reported as out of range just below
                converted = x * f
            scaled = np.flatnonzero(f != 1.0)
            if len(scaled):
                converted[scaled] = units.clean_many(converted[scaled])
            out_of_range = ~np.isfinite(converted) | (np.abs(converted) > MAX_ABS_VALUE)
            for j in np.flatnonzero(out_of_range).tolist():
                k = int(idx[j])
                bad[k] = True
                note_problem(chunk_of[k], phase + 2, nums[k], 8, Problem(
                    f"值“{cell_text(raw[k])}{texts.items[unit_ids[k]]}”换算为目录单位 "
                    f"{batch.units.get(int(ind_ids[k]), '')} 后超出可存储的范围",
                    file=file, row=nums[k], field=batch.columns[col]))
            if out_of_range.any():
                keep_j = ~out_of_range
                idx, x, converted = idx[keep_j], x[keep_j], converted[keep_j]
            batch.r.frombytes(region_ids[idx].tobytes())
            batch.i.frombytes(ind_ids[idx].tobytes())
            batch.p.frombytes(pids[idx].tobytes())
            batch.value.frombytes(np.ascontiguousarray(converted, dtype=np.float64).tobytes())
            batch.written.frombytes(np.ascontiguousarray(x, dtype=np.float64).tobytes())
            batch.unit_w.frombytes(unit_ids[idx].tobytes())
            batch.source.frombytes(src_ids[idx].tobytes())
            batch.note.frombytes(note_ids[idx].tobytes())
            batch.row.frombytes(row_nums[idx].tobytes())
            batch.column.frombytes(np.full(len(idx), col, dtype=np.int32).tobytes())
        if bad.any() and len(batch):
            # a row found bad by a later value column: drop what an earlier column of it added
            bad_rows = list(set(row_nums[bad].tolist()))
            drop = np.isin(np.frombuffer(batch.row, dtype=np.int32), bad_rows)  # the view dies here: the
            if drop.any():  # arrays must stay resizable for the next chunk
                batch.keep(~drop)

    kept = sorted(found, key=lambda t: (-t[2], -t[3], -t[0], -t[1], -t[4]))
    for *_key, p in kept:
        problems.append(p)
    _drop_repeats(batch, file, add_problem)
    if n_problems:
        problems.sort(key=lambda p: (p.row or 0))
        more = f"（列出前 {len(problems)} 处）" if n_problems > len(problems) else ""
        raise ValidationFailed(f"有 {n_problems} 处问题，未导入任何数据{more}", file=file, problems=problems)
    return Parsed(file=table.name, sha256=table.sha256, layout=layout, batch=batch, rows=nrows, blank=blank)


CHUNK = 20_000  # rows of the row-by-row reading that problems are listed by (see note_problem)
READ_BLOCK = 20_000  # rows read and validated at a time


def _column_chunks(table: Table, positions: list[int], size: int, chunk: int):
    """The data rows as columns: ``(row numbers, chunk index per row, {position: cells},
    {row number: cells in the row} of the rows with filled cells beyond the header)``.

    CSV goes through the C parser (:meth:`Table.frames`), every cell as the text
    :mod:`csv` reads (an empty cell: ``""``); XLSX through the row reader, cells as
    the workbook holds them (``None`` for a missing one). The chunk index is the
    row's block of ``chunk`` rows in the row-by-row reading, which orders the problems.
    The wide rows are the reader's (:attr:`Frame.wide`): their cells beyond the header
    are not in the columns, so the caller must report them rather than import the rest."""

    if table.kind == "csv":
        first = table.header_row + 1
        for block in table.frames(size, columns=positions, text=positions):
            # an empty cell is NaN here (None where a line was read by csv): "" where it matters
            # (_distinct, _as_text), not in a pass over every cell
            cols = {c: block.frame[c].to_numpy(dtype=object) for c in positions}
            yield block.numbers.tolist(), ((block.numbers - first) // chunk).tolist(), cols, block.wide
        return
    width = max(positions) + 1
    header = len(table.header)
    for k, (nums, rows) in enumerate(table.chunks(chunk)):
        wide = {}
        if max(map(len, rows)) > header:  # the XLSX reader keeps a row's filled cells beyond the header
            wide = {n: len(r) for n, r in zip(nums, rows, strict=True)
                    if len(r) > header and not is_blank_row(r[header:])}
        if min(map(len, rows)) < width:
            rows = [r if len(r) >= width else list(r) + [None] * (width - len(r)) for r in rows]
        cols = list(zip(*rows))  # noqa: B905 - every row has at least ``width`` cells; columns beyond are unused
        yield nums, [k] * len(nums), {c: cols[c] for c in positions}, wide


def wide_row_message(cells: int, columns: int) -> str:
    """A row with filled cells beyond the header's last column: which value belongs to which
    column cannot be told (a comma inside a name without quotes shifts every later cell),
    so the row is reported instead of imported without its last cells."""
    from innodrive.tabular import wide_row_head

    return wide_row_head(cells, columns) + "，无法确定各值对应的列；请检查该行是否有未加引号的逗号，或为多出的列补上表头"


def _distinct(values, is_csv: bool):
    """(code per cell, the distinct cells in order of first appearance).

    CSV cells are all text (hashed in C); XLSX cells are told apart by type as well,
    so the number 1 and the boolean True stay two cells as they were."""
    import numpy as np
    import pandas as pd

    if is_csv:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        uniques = list(uniques)
        if len(codes) and codes.min() < 0:  # empty cells (NaN or None)
            codes[codes < 0] = len(uniques)
            uniques.append("")
        return codes, uniques
    index: dict[tuple, int] = {}
    codes = np.asarray([index.setdefault((type(v), v), len(index)) for v in values], dtype=np.intp)
    return codes, [k[1] for k in index]


def _factorize_ints(x):
    import pandas as pd

    codes, uniques = pd.factorize(x)
    return codes.astype("int64"), uniques


class _Resolved:
    """The results of resolving distinct pairs of cells, by pair number; pairs that strip
    to the same texts share one resolution."""

    def __init__(self, dtypes: tuple) -> None:
        self.dtypes = dtypes  # of the result fields before the problems
        self.by_text: dict[tuple, tuple] = {}
        self.results: list[tuple] = []
        self._arrays: tuple | None = None

    def __len__(self) -> int:
        return len(self.results)

    def add(self, key: tuple, resolve) -> None:
        hit = self.by_text.get(key)
        if hit is None:
            hit = self.by_text[key] = resolve(*key)
        self.results.append(hit)
        self._arrays = None

    def arrays(self) -> tuple:
        """Each result field as an array (problems: a list), rebuilt only after new pairs,
        and ``bad``: whether a pair has problems, before the problems."""
        import numpy as np

        if self._arrays is None:
            fields = list(zip(*self.results, strict=True)) if self.results else [()] * (len(self.dtypes) + 1)
            *values, problems = fields
            self._arrays = (*(np.asarray(v, dtype=t) for v, t in zip(values, self.dtypes, strict=True)),
                            np.asarray([bool(p) for p in problems], dtype=bool), list(problems))
        return self._arrays


class _Numbered:
    """Distinct cells (or keys) numbered for the whole table, hashing each distinct value of a
    chunk once: ``ids`` maps a column of a chunk to those numbers (int64)."""

    def __init__(self, is_csv: bool) -> None:
        self.is_csv = is_csv
        self.index: dict = {}
        self.items: list = []

    def _ids(self, uniques) -> list[int]:
        index, items = self.index, self.items
        out = []
        for u in uniques:
            k = index.get(u)
            if k is None:
                k = index[u] = len(items)
                items.append(u)
            out.append(k)
        return out

    def ids(self, cols: dict, i: int | None, n: int):
        import numpy as np

        if i is None:
            return np.full(n, self._ids([self._key("")])[0], dtype=np.int64)
        codes, uniques = _distinct(cols[i], self.is_csv)
        found = np.asarray(self._ids([self._key(u) for u in uniques] if not self.is_csv else uniques), dtype=np.int64)
        return found[codes] if len(found) else np.zeros(n, dtype=np.int64)

    def _key(self, u):
        return u if self.is_csv else (type(u), u)  # XLSX cells told apart by type (1 and True are two cells)

    def value(self, k: int):
        return self.items[k] if self.is_csv else self.items[k][1]

    def ids_of(self, keys):
        """Numbers for int64 keys."""
        import numpy as np

        codes, uniques = _factorize_ints(keys)
        found = np.asarray(self._ids(uniques.tolist()), dtype=np.int64)
        return found[codes] if len(found) else np.zeros(len(keys), dtype=np.int64)


def _as_text(cells):
    """CSV cells with the empty ones (NaN or None from the readers) as ""."""
    import pandas as pd

    missing = pd.isna(cells)
    if not missing.any():
        return cells
    cells = cells.copy()
    cells[missing] = ""
    return cells


def _plain_numbers(raw):
    """The cells as float64 when every one is a plain finite number (C speed), else ``None``.

    A blank cell ("", "-", "…") is not a number, so a column that converts has none."""
    import numpy as np

    try:
        x = np.asarray(raw, dtype=np.float64)
    except (ValueError, TypeError):
        return None
    if x.ndim != 1 or not np.isfinite(x).all():
        return None
    return x


def _drop_repeats(batch: ValueBatch, file: str, add_problem) -> None:
    """The same key twice: an identical value is one value, a different one a conflict."""
    import numpy as np

    if len(batch) < 2:
        return
    keys = batch.keys()
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    dup = np.flatnonzero(sk[1:] == sk[:-1]) + 1
    if not len(dup):
        return
    keep = np.ones(len(batch), dtype=bool)
    first_of = {}
    for j in dup.tolist():
        k = int(order[j])
        g = j
        while g > 0 and sk[g - 1] == sk[j]:
            g -= 1
        first = first_of.setdefault(g, int(order[g]))
        keep[k] = False
        if batch.value[first] != batch.value[k]:
            t = batch.texts.items
            add_problem(Problem(
                f"与第 {batch.row[first]} 行重复（同一地区、指标、时期 {batch.periods.items[batch.p[k]]}）但数值不同："
                f"{batch.written[first]:g}{t[batch.unit_w[first]]} 与 {batch.written[k]:g}{t[batch.unit_w[k]]}",
                file=file, row=batch.row[k], field=batch.columns[batch.column[k]]))
    batch.keep(keep)


# --------------------------------------------------------------------- import


def release_read_table() -> None:
    """Free a table the caller has let go of, with its file's bytes, before writing.

    An open table and its readers refer to each other (a reference cycle), so only the
    cyclic collector frees them — and it is paused during the bulk phases. One
    collection here returns a million-row file's bytes (80 MB) before the write starts.
    The table is young (made just before the paused parse), so a collection of the
    young generations finds it without walking every object of the program (a tenth of
    the time); only if the table parsed last is still there is the whole heap collected."""
    import gc

    gc.collect(1)
    ref = getattr(_parsed_last, "table", None)
    if ref is None or ref() is not None:
        gc.collect()
    _parsed_last.table = None


_parsed_last = threading.local()  # .table: a weak reference to the table this thread parsed last


def _remembered(store: Store) -> dict[str, str]:
    with store.read() as session:
        return {r.text: r.indicator_code for r in session.scalars(select(IndicatorLinkRow))}


def preview(store: Store, path: Path, *, sheet: str | None = None) -> ImportResult:
    """What importing ``path`` would change, without changing anything (``--dry-run``)."""
    return import_file(store, path, actor="", sheet=sheet, dry_run=True)


def import_file(store: Store, path: Path | bytes, *, actor: str, sheet: str | None = None, dry_run: bool = False,
                progress: Progress | None = None, name: str | None = None, only_missing: bool = False) -> ImportResult:
    """Import a CSV/XLSX table of statistics (a path, or bytes named ``name``), all or nothing.

    :param dry_run: compute and return the changes, write nothing.
    :param progress: called as ``progress(stage, done, total)`` while writing.
    :param only_missing: add values for keys that have none and touch nothing else
        (the shipped statistics must never overwrite what a person entered later).
    """
    # the table (and the file's bytes) are gone once parsed: not kept while writing
    parsed = parse_table(read_table(path if isinstance(path, bytes) else Path(path), sheet=sheet, name=name),
                         remembered=_remembered(store))
    release_read_table()
    return import_parsed(store, parsed, actor=actor, dry_run=dry_run, progress=progress, only_missing=only_missing)


PREVIEW_CHANGES = 200  # changes kept as objects for a preview; all are counted


def import_parsed(store: Store, parsed: Parsed, *, actor: str, dry_run: bool = False,
                  progress: Progress | None = None, only_missing: bool = False) -> ImportResult:
    from innodrive.indicators import batch as columns

    b = parsed.batch

    # foreign keys checked once per region instead of per row (a large batch on SQLite)
    by_writer = len(b) >= FOREIGN_KEYS_BY_WRITER_MIN

    def work(session: Session) -> ImportResult:
        from innodrive.documents import paused_gc

        with paused_gc():
            return _work(session)

    def _work(session: Session) -> ImportResult:
        if session.bind.dialect.name == "postgresql":
            # one import at a time: revisions are numbered from the current one
            session.execute(text("SELECT pg_advisory_xact_lock(2060010)"))
        cmp = columns.compare(session, b, only_missing=only_missing)
        added, revised, sourced = cmp.count(ADD), cmp.count(REVISE), cmp.count(SOURCE)
        result = ImportResult(file=parsed.file, layout=parsed.layout, rows=parsed.rows, values=len(b),
                              added=added, revised=revised, unchanged=len(b) - added - revised - sourced,
                              blank=parsed.blank, batch_id=None, dry_run=dry_run,
                              changes=cmp.changes(b, limit=PREVIEW_CHANGES), sourced=sourced, kept=cmp.kept)
        if dry_run or not result.changed:
            return result
        if by_writer and not _regions_exist(session, b.regions.items):
            raise _RegionMissing  # written the plain way instead, which SQLite refuses as before
        batch_row = ImportBatchRow(file_name=parsed.file, sha256=parsed.sha256, layout=parsed.layout,
                                   imported_at=utcnow(), imported_by=actor, rows=parsed.rows, added=added,
                                   revised=revised, unchanged=result.unchanged)
        session.add(batch_row)
        session.flush()
        # a large import into a small table: the secondary indexes are built once at the end
        with deferred_indexes(session, "observations", rows=added + revised):
            columns.write(session, b, cmp, origin="reported", actor=actor, batch_id=batch_row.id, progress=progress)
            result.batch_id = batch_row.id
            result.derived = columns.derive(session, b, cmp, actor=actor, batch_id=batch_row.id)
        audit.record(session, actor=actor, action="data.import", entity="import_batch", entity_id=batch_row.id,
                     summary=f"导入 {parsed.file}：新增 {added} 个数值，修正 {revised} 个，增加出处 {sourced} 个，"
                             f"未变 {result.unchanged} 个，派生 {result.derived} 个",
                     after={"file": parsed.file, "sha256": parsed.sha256, "rows": parsed.rows, "added": added,
                            "revised": revised, "sourced": sourced, "unchanged": result.unchanged,
                            "derived": result.derived})
        return result

    from contextlib import nullcontext

    from innodrive.store.bulk import foreign_keys_checked_by_writer, written_once

    # a large batch on SQLite: its pages written once, through a rollback journal, when it can
    with written_once(store.engine) if len(b) >= WRITTEN_ONCE_MIN and not dry_run else nullcontext():
        if by_writer:
            try:
                with foreign_keys_checked_by_writer(store.engine) as unchecked:
                    by_writer = unchecked
                    return store.run(work)
            except _RegionMissing:
                by_writer = False
        return store.run(work)


FOREIGN_KEYS_BY_WRITER_MIN = 10_000  # values in a batch from which its foreign keys are checked once per region
WRITTEN_ONCE_MIN = 100_000  # values in a batch from which it is written through a rollback journal (SQLite)


class _RegionMissing(Exception):
    """A region of the batch is not in the store's regions table (an older ``init``)."""


def _regions_exist(session: Session, codes: list[str]) -> bool:
    """Whether every one of ``codes`` is in the regions table (the observations' foreign key)."""
    from innodrive.store.schema import RegionRow

    wanted = set(codes)
    found: set[str] = set()
    listed = sorted(wanted)
    for s in range(0, len(listed), 500):
        found.update(session.scalars(select(RegionRow.code).where(RegionRow.code.in_(listed[s:s + 500]))))
    return found == wanted


def default_dataset() -> Path:
    """The shipped statistics (``innodrive/data/stats``), with their sources."""
    return Path(str(resources.files("innodrive.data").joinpath("stats", DEFAULT_DATASET)))


def import_default(store: Store, *, actor: str, dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
    """The shipped statistics, adding only what is missing: running ``init`` again never
    reverts a value a person corrected or imported later."""
    return import_file(store, default_dataset(), actor=actor, dry_run=dry_run, progress=progress, only_missing=True)
