"""Bulk screening: a checked registry → verdicts, reasons, gaps and incentives → XLSX.

The office's weekly question — "which enterprises qualify for what today, what do the
others lack, what are they due" — answered for a whole registry at once. Evaluation is
vectorised (:mod:`.vectorised`); reasons follow the rule tree (the required conditions
not met, and for alternatives the route that came closest); gaps come from :mod:`.gaps`;
the 加计扣除 and local incentives from :mod:`.incentives`. Bad rows were already set
aside by :mod:`.registry` and are listed in their own sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from innodrive.enterprises import gaps as gaps_mod
from innodrive.enterprises.incentives import local_incentive_arrays, local_rules_for, super_deduction_arrays
from innodrive.enterprises.registry import Registry
from innodrive.enterprises.rules import Condition, RuleSet, rules_in_force
from innodrive.enterprises.states import PASS, STATE_LABELS, STATE_NAMES
from innodrive.enterprises.vectorised import ProgrammeArrays, columns_of, evaluate_arrays
from innodrive.errors import NotFound

Progress = Callable[[str, int, int], None]


@dataclass
class ScreeningResult:
    on: dt.date
    rule_sets: list[RuleSet]
    registry: Registry
    table: pd.DataFrame  # one row per evaluated enterprise, Chinese column names
    states: dict[str, np.ndarray] = field(default_factory=dict)
    within_reach: dict[str, np.ndarray] = field(default_factory=dict)
    local_rules_title: str | None = None

    def summary(self) -> pd.DataFrame:
        rows = []
        for rs in self.rule_sets:
            st = self.states[rs.programme]
            counts = {STATE_LABELS[STATE_NAMES[c]]: int((st == c).sum()) for c in (3, 2, 1, 0)}
            rows.append({"项目": rs.title, "规则版本": rs.version, "规则性质": rs.status_text(), **counts,
                         "培育可及（单项差距在阈值内）": int(self.within_reach[rs.programme].sum())})
        return pd.DataFrame(rows)


def _leaf_count(c: Condition) -> int:
    """Leaves under ``c`` (a condition reached by two routes counts on each)."""
    if c.kind in ("all", "any"):
        return sum(_leaf_count(k) for k in c.children)
    return 1


def _reasons(rs: RuleSet, pa: ProgrammeArrays, n: int) -> np.ndarray:
    """Per row, the 原因 cell (see :func:`_reason_codes`)."""
    codes, texts = _reason_codes(rs, pa, n)
    return texts[codes]


def _reason_keys(rs: RuleSet, pa: ProgrammeArrays, n: int) -> tuple[np.ndarray, list]:
    """Per row, a code for its unmet conditions in rule order: every required one, and for
    a choice of routes the route that came closest (ties: the later, usually the general
    route); and per leaf slot its four pieces of text with each distinct code's choice.

    Every leaf of the rule tree (in rule order) gets a slot; the walk records per row and
    slot the state of an unmet condition as a 2-bit digit of a 64-bit key (0 where the
    leaf is met or not on the row's route). A registry has few distinct keys: they are
    numbered by hashing, each distinct key's text is built column-wise over the distinct
    keys, and spread back (a string per row and condition was most of a screening's time)."""
    digits: list[tuple[int, np.ndarray]] = []  # (slot, state + 1 where unmet, else 0)
    labels: dict[int, str] = {}

    def visit(c: Condition, mask: np.ndarray, slot: int) -> None:
        st = pa.conditions[c.id]
        here = mask & (st != PASS)
        if not here.any():
            return
        if c.kind == "all":
            for k in c.children:
                visit(k, here, slot)
                slot += _leaf_count(k)
        elif c.kind == "any":
            # closest route: highest state; on ties a composite route (the general path,
            # whose parts say more) over a single alternative, then the later one
            stacked = np.stack([pa.conditions[k.id].astype(np.int16) * 2 + (k.kind in ("all", "any"))
                                for k in c.children])
            best = len(c.children) - 1 - np.argmax(stacked[::-1], axis=0)
            for j, k in enumerate(c.children):
                visit(k, here & (best == j), slot)
                slot += _leaf_count(k)
        else:
            labels[slot] = c.label
            digits.append((slot, np.where(here, st.astype(np.uint64) + 1, 0).astype(np.uint64)))

    visit(rs.verdict, np.ones(n, dtype=bool), 0)
    if not digits:
        return np.zeros(n, dtype=np.int64), []
    digits.sort(key=lambda d: d[0])
    words: dict[int, np.ndarray] = {}
    for slot, d in digits:
        w = slot // 32
        if w in words:
            words[w] |= d << np.uint64(2 * (slot % 32))
        else:
            words[w] = d << np.uint64(2 * (slot % 32))
    codes = None
    for w in sorted(words):
        c_w, u_w = pd.factorize(words[w])
        codes = c_w.astype(np.int64) if codes is None else pd.factorize(codes * len(u_w) + c_w)[0].astype(np.int64)
    # a row of each distinct key, by code: factorize numbers keys in order of first appearance
    first = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
    # per slot, the piece of each state (empty where the leaf is met) and each distinct key's state
    parts = [([""] + [f"{STATE_LABELS[STATE_NAMES[code]]}：{labels[slot]}；" for code in range(3)],
              d[first].astype(np.intp)) for slot, d in digits]
    return codes, parts


def _reason_codes(rs: RuleSet, pa: ProgrammeArrays, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the unmet conditions in rule order: every required one, and for a choice
    of routes the route that came closest (ties: the later, usually the general route),
    as a code per row into the distinct texts (see :func:`_reason_keys`)."""
    codes, parts = _reason_keys(rs, pa, n)
    if not parts:
        return codes, np.array([""], dtype=object)
    texts = np.empty(len(parts[0][1]), dtype=object)
    texts[:] = list(map("".join, zip(*(np.array(v, dtype=object)[d].tolist() for v, d in parts), strict=True)))
    return codes, texts


def _reason_column(rs: RuleSet, pa: ProgrammeArrays, n: int) -> tuple:
    """The 原因 column as a writer takes it: (codes, texts), or (codes, None, CSV fields)
    when every piece is plain text (no character that needs quoting or that a cell
    cannot hold, no formula lead, short enough): then each distinct text's field is its
    pieces' UTF-8 joined — a piece is encoded once, not once per text it is in — and the
    texts are decoded from the fields only if a table of cells is asked for."""
    from innodrive.enterprises.stream import _SAFE_BYTES
    from innodrive.safeio import _FORMULA_LEAD, XLSX_MAX_CELL

    codes, parts = _reason_keys(rs, pa, n)
    if not parts:
        return codes, np.array([""], dtype=object)
    encoded = []
    length = np.zeros(len(parts[0][1]), dtype=np.int64)
    lead = frozenset(_FORMULA_LEAD)
    for variants, d in parts:
        try:
            enc = [v.encode() for v in variants]
        except UnicodeEncodeError:
            return _reason_codes(rs, pa, n)
        if any(v[:1] in lead or "\ufffe" in v or "\uffff" in v for v in variants) or \
                any(b"\x00" in e or e.translate(None, _SAFE_BYTES) for e in enc):
            return _reason_codes(rs, pa, n)
        length += np.array([len(v) for v in variants])[d]
        encoded.append(np.array(enc, dtype=object)[d].tolist())
    if length.max() > XLSX_MAX_CELL:
        return _reason_codes(rs, pa, n)
    fields = np.empty(len(length), dtype=object)
    fields[:] = list(map(b"".join, zip(*encoded, strict=True)))
    return codes, None, fields


@dataclass
class Block:
    """One screened block of rows: its output columns (Chinese names, in order), verdict
    codes and "within reach" flags per programme.

    A column is an array with a cell per row, or — for columns of few distinct texts
    (verdicts, reasons, advice, notes) — a pair (code per row, texts): a writer encodes
    each text once and spreads it by code. The table of cells (:attr:`table`) is built
    only when asked for (a workbook, a page, :func:`screen`); a CSV writer reads the
    columns and never needs it (spreading a dozen text columns into pandas' string type
    cost more than writing them)."""

    columns: dict[str, np.ndarray | tuple]
    states: dict[str, np.ndarray]
    within_reach: dict[str, np.ndarray]
    local_rules_title: str | None = None
    _table: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def coded(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The columns given as (code per row, texts)."""
        return {k: (v[0], _texts(v)) for k, v in self.columns.items() if isinstance(v, tuple)}

    @property
    def table(self) -> pd.DataFrame:
        """The block as a table of cells, one row per enterprise (built once)."""
        if self._table is None:
            self._table = _table_of(self.columns)
        return self._table

    def head(self, k: int) -> pd.DataFrame:
        """The first ``k`` rows as a table of cells (without building the whole table)."""
        if self._table is not None:
            return self._table.iloc[:k]
        return _table_of({c: (v[0][:k], *v[1:]) if isinstance(v, tuple) else v[:k] for c, v in self.columns.items()})


_BASE_COLUMNS = 4  # 行号, 统一社会信用代码, 企业名称, 所属地区: the frame the other columns are added to


def _texts(column: tuple) -> np.ndarray:
    """The texts of a coded column: given, or decoded from its plain CSV fields."""
    if column[1] is not None:
        return column[1]
    texts = np.empty(len(column[2]), dtype=object)
    texts[:] = [f.decode() for f in column[2].tolist()]
    return texts


def _table_of(columns: dict[str, np.ndarray | tuple]) -> pd.DataFrame:
    """The cells of ``columns`` as a DataFrame, built column by column as the screening
    always built it (the base identity columns first, then each column set in order), so
    that every column gets the dtype it always had."""
    items = [(c, _texts(v)[v[0]] if isinstance(v, tuple) else v) for c, v in columns.items()]
    table = pd.DataFrame(dict(items[:_BASE_COLUMNS]))
    for c, v in items[_BASE_COLUMNS:]:
        table[c] = v
    return table


def _text_cells(column: pd.Series) -> pd.Series:
    """A text column as cells, an unknown value as ``None`` (an empty cell). pandas (3)
    turns an array of texts into its string type, where a missing text is NaN — which a
    CSV writer prints as the word "nan" and a page as "nan"."""
    arr = column.to_numpy(dtype=object)
    missing = pd.isna(arr)
    if missing.any():
        arr = arr.copy()
        arr[missing] = None
    return pd.Series(arr, dtype=object, index=None).set_axis(range(len(arr)))


def screen_block(frame: pd.DataFrame, row_numbers: np.ndarray, rule_sets: list[RuleSet], *, on: dt.date,
                 with_gaps: bool = True, with_incentives: bool = True, progress: Progress | None = None) -> Block:
    """Verdicts, reasons, gaps and incentives of the rows of ``frame`` (canonical columns)."""
    cols, n = columns_of(frame)
    if progress:
        progress("评价", 0, len(rule_sets))
    arrays = evaluate_arrays(cols, n, rule_sets, on=on)
    if progress:
        progress("评价", len(rule_sets), len(rule_sets))
    columns: dict[str, np.ndarray | tuple[np.ndarray, np.ndarray]] = {
        "行号": row_numbers,
        "统一社会信用代码": _text_cells(frame["credit_code"]),
        "企业名称": _text_cells(frame["name"]),
        "所属地区": _text_cells(frame["region"]) if "region" in frame else np.full(n, None),
    }
    if "sme_industry" in frame or "employees_total" in frame:
        from innodrive.enterprises.sme_size import CLASS_NAMES, size_class_vector

        size = size_class_vector(cols, n)
        names = np.array(["", *CLASS_NAMES.values()], dtype=object)
        size_codes = np.where(np.isnan(size) | (size < 1), 0, size).astype(int)
        columns["企业规模（划型测算）"] = (size_codes, names)
    block = Block(columns=columns, states={}, within_reach={})
    for i, rs in enumerate(rule_sets):
        pa = arrays[rs.programme]
        block.states[rs.programme] = pa.state
        tag = f"（{rs.notice}）" if rs.notice else ""
        labels = np.array([STATE_LABELS[STATE_NAMES[c]] + tag for c in range(4)], dtype=object)
        columns[f"{rs.title}｜结论"] = (pa.state, labels)
        columns[f"{rs.title}｜原因"] = _reason_column(rs, pa, n)
        reach = np.zeros(n, dtype=bool)
        if with_gaps:
            a_codes, a_texts, within = gaps_mod.advice_coded(cols, n, rs, on=on, state=pa.state, arrays=pa)
            columns[f"{rs.title}｜培育建议"] = (a_codes, a_texts)
            reach = within | (pa.state >= 2)
        block.within_reach[rs.programme] = reach
        if progress:
            progress("差距分析", i + 1, len(rule_sets))
    if with_incentives:
        year = frame["data_year"].to_numpy(dtype=float) if "data_year" in frame else np.full(n, np.nan)
        year = np.where(np.isnan(year), on.year - 1, year).astype(int)
        try:
            sd = super_deduction_arrays(cols, n, year=year)
            columns["研发费用加计扣除额（万元）"] = np.round(sd["extra_deduction"], 2)
            columns["加计扣除减免所得税（万元）"] = np.round(sd["tax_saved"], 2)
            notes = np.array(["属于负面清单行业（收入占比超过50%）或核定征收，不得享受",
                              "未提供负面清单行业收入占比或征收方式，按不属于排除情形测算", ""], dtype=object)
            columns["加计扣除说明"] = (np.where(sd["excluded"], 0, np.where(sd["assumed"], 1, 2)), notes)
        except NotFound:
            pass
        try:
            local = local_rules_for(on)
            amounts = local_incentive_arrays(cols, n, local, on=on)
            tag = "（示例规则）" if local.status == "example" else ""
            for inc in local.incentives:
                label = inc.title if "示例" in inc.title else inc.title + tag
                columns[f"{label}（万元）"] = np.round(amounts[inc.id], 2)
            block.local_rules_title = f"{local.title} {local.version}{tag}"
        except NotFound:
            pass
    return block


def screen(registry: Registry, *, on: dt.date, programmes: list[str] | None = None, with_gaps: bool = True,
           with_incentives: bool = True, progress: Progress | None = None) -> ScreeningResult:
    """Evaluate every good row of ``registry`` against the rules in force on ``on``."""
    rule_sets = rules_in_force(on, programmes)
    b = screen_block(registry.frame, registry.row_numbers, rule_sets, on=on, with_gaps=with_gaps,
                     with_incentives=with_incentives, progress=progress)
    return ScreeningResult(on=on, rule_sets=rule_sets, registry=registry, table=b.table, states=b.states,
                           within_reach=b.within_reach, local_rules_title=b.local_rules_title)


def write_xlsx(result: ScreeningResult, path: str | Path, *, progress: Progress | None = None) -> Path:
    """Write the results workbook (筛选结果, 汇总, 数据问题, 规则版本) through the same
    writer as the streaming path, atomically."""
    from innodrive.enterprises.stream import XlsxSink
    from innodrive.safeio import atomic_write
    from innodrive.services import enterprises as views

    reg = result.registry
    counts = []
    for rs in result.rule_sets:
        st = result.states[rs.programme]
        counts.append(views.ProgrammeCount(
            programme=rs.programme, title=rs.title, version=rs.version, notice=rs.notice, passed=int((st == 3).sum()),
            manual_review=int((st == 2).sum()), needs_data=int((st == 1).sum()), failed=int((st == 0).sum()),
            within_reach=int(result.within_reach[rs.programme].sum())))
    view = views.ScreeningView(
        file=reg.file or Path(path).name, on=result.on, total_rows=reg.total_rows, evaluated_rows=len(result.table),
        bad_rows=reg.bad_rows, rules=views.rule_views(result.rule_sets), counts=counts,
        problems=[views.ProblemView(file=p.file, row=p.row, field=p.field, message=p.message) for p in reg.problems],
        ignored_headers=reg.ignored_headers, retired_headers=reg.retired_headers,
        notices=views.notices_of(result.rule_sets))

    def write(f) -> None:
        sink = XlsxSink(f)
        sink.rows(result.table)
        if progress:
            progress("写出结果", len(result.table), len(result.table))
        sink.finish(view)

    return atomic_write(path, write, what="结果工作簿")
