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

import math
import unicodedata
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
from innodrive.indicators.observations import (
    Change,
    NewValue,
    apply_changes,
    clean,
    current_by_key,
    plan_changes,
)
from innodrive.indicators.periods import looks_like_period, parse_period
from innodrive.store import Store, audit
from innodrive.store.reference import resolve_region
from innodrive.store.schema import ImportBatchRow, IndicatorLinkRow, utcnow
from innodrive.tabular import Table, cell_text, norm_header, open_table

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
    """The validated content of a table, ready to compare with the store."""

    file: str
    sha256: str
    layout: Layout
    values: list[NewValue]
    rows: int
    blank: int = 0


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


def parse_table(table: Table, *, remembered: dict[str, str] | None = None) -> Parsed:
    """Validate and convert every row; raise :class:`ValidationFailed` naming every problem.

    Tables repeat a few regions, indicators, units and periods many times, so each
    distinct text is resolved once and remembered for the rest of the table.
    """
    file = table.where
    layout, roles, period_cols = map_columns(table.header, file, header_row=table.header_row)
    res = _Resolver(remembered or {})
    problems: list[Problem] = []
    values: list[NewValue] = []
    located: list[tuple[NewValue, int, str]] = []
    blank = 0
    hdr = [table.column_name(i) for i in range(len(table.header))]
    catalogue_units = {ind.code: ind.unit for ind in res.catalogue}

    def cell(row: list[object], i: int | None) -> str:
        if i is None or i >= len(row):
            return ""
        v = row[i]
        return v.strip() if isinstance(v, str) else cell_text(v)

    periods: dict[object, str | InputError] = {}

    def period_of(text: object) -> str:
        key = text if isinstance(text, str | int | float) else repr(text)
        hit = periods.get(key)
        if hit is None:
            try:
                hit = parse_period(text)
            except InputError as exc:
                hit = exc
            periods[key] = hit
        if isinstance(hit, InputError):
            raise hit
        return hit

    i_region, i_code, i_ind = roles.get("region"), roles.get("region_code"), roles["indicator"]
    i_unit, i_source, i_note = roles["unit"], roles["source"], roles.get("note")
    f_region = hdr[i_region] if i_region is not None else hdr[i_code]
    f_code = hdr[i_code] if i_code is not None else None
    if layout == "long":
        i_period, i_value = roles["period"], roles["value"]
        value_cols = [(None, i_value, hdr[i_value])]
    else:
        i_period = None
        value_cols = [(p, i, hdr[i]) for i, p in period_cols.items()]

    nrows = 0
    for rownum, row in table.rows():
        nrows += 1
        row_problems: list[Problem] = []
        # region: a code column wins over a name column
        code_text = cell(row, i_code)
        ref = code_text or cell(row, i_region)
        region_code = None
        if not ref:
            row_problems.append(Problem("地区为空", file=file, row=rownum, field=f_region))
        else:
            region_code, msg = res.region(ref)
            if msg:
                row_problems.append(Problem(msg, file=file, row=rownum, field=f_code if code_text else f_region))
        # indicator
        ind_text = cell(row, i_ind)
        code = None
        if not ind_text:
            row_problems.append(Problem("指标为空", file=file, row=rownum, field=hdr[i_ind]))
        else:
            code, msg = res.indicator(ind_text)
            if msg:
                row_problems.append(Problem(msg, file=file, row=rownum, field=hdr[i_ind]))
        # unit
        unit = cell(row, i_unit)
        factor = None
        if not unit:
            row_problems.append(Problem("单位为空", file=file, row=rownum, field=hdr[i_unit]))
        elif code is not None:
            factor, msg = res.factor(unit, code)
            if msg:
                row_problems.append(Problem(msg, file=file, row=rownum, field=hdr[i_unit]))
        # source
        source = cell(row, i_source)
        if not source:
            row_problems.append(Problem("来源为空：每个数值都必须注明出处（发布机关、文件名称、日期或网址）",
                                        file=file, row=rownum, field=hdr[i_source]))
        note = cell(row, i_note) or None
        # the values
        n = len(row)
        for period, vi, vfield in value_cols:
            raw = row[vi] if vi < n else None
            if _blank(raw):
                blank += 1
                continue
            if period is None:
                try:
                    period = period_of(row[i_period] if i_period < n else None)
                except InputError as exc:
                    row_problems.append(Problem(exc.message, file=file, row=rownum, field=hdr[i_period]))
                    continue
            x = _number(raw)
            if x is None:
                row_problems.append(Problem(f"值“{cell_text(raw)}”不是数字", file=file, row=rownum, field=vfield))
                continue
            if row_problems or region_code is None or code is None or factor is None:
                continue
            converted = clean(x * factor) if factor != 1.0 else x
            if not math.isfinite(converted) or abs(converted) > MAX_ABS_VALUE:
                row_problems.append(Problem(f"值“{cell_text(raw)}{unit}”换算为目录单位 {catalogue_units[code]} 后超出"
                                            f"可存储的范围", file=file, row=rownum, field=vfield))
                continue
            located.append((NewValue(region_code=region_code, indicator_code=code, period=period,
                                     value=converted, unit=catalogue_units[code],
                                     source=source, note=note, value_as_written=x, unit_as_written=unit),
                            rownum, vfield))
        if row_problems:
            problems.extend(row_problems)

    # the same key twice: identical values are one value, different ones a conflict
    seen: dict[tuple, tuple[NewValue, int]] = {}
    for v, rownum, vfield in located:
        key = (v.region_code, v.indicator_code, v.period)
        first = seen.get(key)
        if first is None:
            seen[key] = (v, rownum)
            values.append(v)
        elif first[0].value != v.value:
            a = first[0]
            problems.append(Problem(
                f"与第 {first[1]} 行重复（同一地区、指标、时期 {v.period}）但数值不同："
                f"{a.value_as_written:g}{a.unit_as_written} 与 {v.value_as_written:g}{v.unit_as_written}",
                file=file, row=rownum, field=vfield))
    if problems:
        problems.sort(key=lambda p: (p.row or 0))
        raise ValidationFailed(f"有 {len(problems)} 处问题，未导入任何数据", file=file, problems=problems)
    return Parsed(file=table.name, sha256=table.sha256, layout=layout, values=values, rows=nrows, blank=blank)


# --------------------------------------------------------------------- import


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
    table = read_table(path if isinstance(path, bytes) else Path(path), sheet=sheet, name=name)
    parsed = parse_table(table, remembered=_remembered(store))
    return import_parsed(store, parsed, actor=actor, dry_run=dry_run, progress=progress, only_missing=only_missing)


def import_parsed(store: Store, parsed: Parsed, *, actor: str, dry_run: bool = False,
                  progress: Progress | None = None, only_missing: bool = False) -> ImportResult:
    from innodrive.indicators.observations import extra_sources_of

    codes = {v.indicator_code for v in parsed.values}

    def work(session: Session) -> ImportResult:
        if session.bind.dialect.name == "postgresql":
            # one import at a time: revisions are numbered from the current one
            session.execute(text("SELECT pg_advisory_xact_lock(2060010)"))
        current = current_by_key(session, indicator_codes=codes)
        extra = extra_sources_of(session, [c.id for c in current.values()]) if current else {}
        changes = plan_changes(parsed.values, current, extra)
        kept = 0
        if only_missing:
            kept = sum(c.kind in ("revise", "source") for c in changes)
            changes = [c if c.kind == "add" else Change("same", c.new, c.before) for c in changes]
        added = sum(c.kind == "add" for c in changes)
        revised = sum(c.kind == "revise" for c in changes)
        sourced = sum(c.kind == "source" for c in changes)
        result = ImportResult(file=parsed.file, layout=parsed.layout, rows=parsed.rows, values=len(parsed.values),
                              added=added, revised=revised, unchanged=len(changes) - added - revised - sourced,
                              blank=parsed.blank, batch_id=None, dry_run=dry_run,
                              changes=[c for c in changes if c.kind != "same"], sourced=sourced, kept=kept)
        if dry_run or not result.changed:
            return result
        batch = ImportBatchRow(file_name=parsed.file, sha256=parsed.sha256, layout=parsed.layout,
                               imported_at=utcnow(), imported_by=actor, rows=parsed.rows, added=added,
                               revised=revised, unchanged=result.unchanged)
        session.add(batch)
        session.flush()
        apply_changes(session, changes, origin="reported", actor=actor, batch_id=batch.id, progress=progress)
        result.batch_id = batch.id
        result.derived = _refresh_derived(session, result.changes, actor=actor, batch_id=batch.id)
        audit.record(session, actor=actor, action="data.import", entity="import_batch", entity_id=batch.id,
                     summary=f"导入 {parsed.file}：新增 {added} 个数值，修正 {revised} 个，增加出处 {sourced} 个，"
                             f"未变 {result.unchanged} 个，派生 {result.derived} 个",
                     after={"file": parsed.file, "sha256": parsed.sha256, "rows": parsed.rows, "added": added,
                            "revised": revised, "sourced": sourced, "unchanged": result.unchanged,
                            "derived": result.derived})
        return result

    return store.run(work)


def _refresh_derived(session: Session, changes: list[Change], *, actor: str, batch_id: int | None) -> int:
    """Recompute derived indicators whose parts changed (see :mod:`innodrive.indicators.derivation`)."""
    from innodrive.indicators.derivation import refresh

    return refresh(session, changes, actor=actor, batch_id=batch_id)


def default_dataset() -> Path:
    """The shipped statistics (``innodrive/data/stats``), with their sources."""
    return Path(str(resources.files("innodrive.data").joinpath("stats", DEFAULT_DATASET)))


def import_default(store: Store, *, actor: str, dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
    """The shipped statistics, adding only what is missing: running ``init`` again never
    reverts a value a person corrected or imported later."""
    return import_file(store, default_dataset(), actor=actor, dry_run=dry_run, progress=progress, only_missing=True)
