"""Reading an enterprise registry (CSV or XLSX) and checking it row by row.

Offices keep their registries in spreadsheets with Chinese headers (the template from
``innodrive enterprises template``). Every cell is parsed by the kind its field declares
(:mod:`.fields`); every bad cell becomes a :class:`~innodrive.errors.Problem` naming the
file, the spreadsheet row, the column header and what was expected. A bad row is left
out of the evaluation and reported; the other rows are still evaluated — one typo must
not stop a city's screening. Parsing is column-wise (pandas), so large files stay fast.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from innodrive import settings
from innodrive.enterprises import credit_code as cc
from innodrive.enterprises.expr import EPOCH, day_number
from innodrive.enterprises.fields import BY_HEADER, FIELDS, FieldSpec
from innodrive.errors import InputError, Problem

Progress = Callable[[int, int], None]
_TRUE = {"是", "有", "y", "yes", "true", "1", "1.0", "√", "✓"}
_FALSE = {"否", "无", "n", "no", "false", "0", "0.0", "×"}
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
CHUNK = 20_000


@dataclass
class Registry:
    """A checked registry: the good rows as canonical columns, and every problem found."""

    frame: pd.DataFrame  # canonical field names; numbers float64 (dates as day numbers), text as str
    row_numbers: np.ndarray  # spreadsheet row of each good row (header = row 1)
    problems: list[Problem] = field(default_factory=list)
    total_rows: int = 0
    ignored_headers: list[str] = field(default_factory=list)
    file: str | None = None

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})


def _header_to_field(header: str) -> FieldSpec | None:
    h = str(header).strip()
    if h in FIELDS:
        return FIELDS[h]
    return BY_HEADER.get(h) or BY_HEADER.get(re.sub(r"\s+", "", h))


def read_table(path: Path) -> pd.DataFrame:
    """The raw cells of a CSV or XLSX file (as objects), with clear errors."""
    if not path.exists():
        raise InputError("文件不存在", file=str(path))
    size = path.stat().st_size
    if size > settings.max_input_bytes():
        raise InputError(f"文件过大（{size / 1048576:.1f} MB），超过上限 {settings.get('max_input_mb')} MB "
                         "（可通过 INNODRIVE_MAX_INPUT_MB 调整）", file=str(path))
    if size == 0:
        raise InputError("文件为空", file=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
        if suffix in (".csv", ".txt"):
            for enc in ("utf-8-sig", "gb18030"):
                try:
                    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
                except UnicodeDecodeError:
                    continue
            raise InputError("无法识别文件编码（应为 UTF-8 或 GB18030）", file=str(path))
    except InputError:
        raise
    except Exception as exc:  # a corrupt or unreadable spreadsheet is the user's file, not our bug
        raise InputError(f"无法读取表格：{type(exc).__name__}: {exc}", file=str(path)) from None
    raise InputError(f"不支持的文件类型“{suffix or '（无扩展名）'}”，请使用 .csv 或 .xlsx", file=str(path))


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | s.astype(str).str.strip().isin(["", "nan", "NaN", "None", "NaT", "-", "—"])


def _parse_column(spec: FieldSpec, raw: pd.Series, today: dt.date) -> tuple[pd.Series, pd.Series]:
    """(values, error message per cell or None) for one column."""
    blank = _blank(raw)
    err = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    if spec.kind == "text":
        vals = pd.Series([None if b else str(v).strip() for v, b in zip(raw.to_numpy(), blank.to_numpy(), strict=True)],
                         index=raw.index, dtype=object)
        return vals, err
    out = pd.Series(np.nan, index=raw.index, dtype=np.float64)
    present = ~blank
    if not present.any():
        return out, err
    cells = raw[present]
    if spec.kind == "flag":
        text = cells.astype(str).str.strip().str.lower()
        out[present & raw.index.isin(text[text.isin(_TRUE)].index)] = 1.0
        out[present & raw.index.isin(text[text.isin(_FALSE)].index)] = 0.0
        bad = text[~text.isin(_TRUE | _FALSE)]
        err[bad.index] = [f"应填“是”或“否”，实际为“{v}”" for v in cells[bad.index]]
        return out, err
    if spec.kind == "date":
        for idx, v in cells.items():
            d = _to_date(v)
            if d is None:
                err[idx] = f"日期格式无法识别：“{v}”（应为 YYYY-MM-DD）"
            elif d > today:
                err[idx] = f"日期 {d.isoformat()} 晚于今天（{today.isoformat()}）"
            else:
                out[idx] = day_number(d)
        return out, err
    text = cells.astype(str).str.strip().str.replace(",", "", regex=False).str.replace("，", "", regex=False)
    is_pct = text.str.endswith("%") | text.str.endswith("％")
    num = pd.to_numeric(text.str.rstrip("%％"), errors="coerce")
    bad = num.isna()
    for idx in num[bad].index:
        err[idx] = f"应为数字，实际为“{cells[idx]}”"
    if spec.kind == "ratio":
        num = num.where(~is_pct, num / 100.0)
        over = num > 1
        for idx in num[over].index:
            shown = f"{num[idx] * 100:g}%"
            hint = "" if is_pct[idx] else f"（若指 {cells[idx]}%，请填写为 {cells[idx]}% 或小数）"
            err[idx] = f"比例为 {shown}，超过 100%{hint}"
        num = num.where(~over)
    elif is_pct.any():
        for idx in is_pct[is_pct].index:
            err[idx] = f"此列不是比例，不应带百分号：“{cells[idx]}”"
        num = num.where(~is_pct)
    if spec.kind != "signed_money":
        neg = num < 0
        for idx in num[neg].index:
            err[idx] = f"不能为负数，实际为 {cells[idx]}"
        num = num.where(~neg)
    if spec.kind == "count":
        frac = num.notna() & (num != np.floor(num))
        for idx in num[frac].index:
            err[idx] = f"应为整数，实际为 {cells[idx]}"
    if spec.kind == "year":
        off = num.notna() & ((num != np.floor(num)) | (num < 1949) | (num > today.year))
        for idx in num[off].index:
            err[idx] = f"年度应为 1949 至 {today.year} 之间的整数，实际为 {cells[idx]}"
    if spec.kind == "score" and spec.max is not None:
        off = num.notna() & (num > spec.max)
        for idx in num[off].index:
            err[idx] = f"评分应在 0 至 {spec.max:g} 分之间，实际为 {cells[idx]}"
    if spec.kind == "level" and spec.allowed is not None:
        off = num.notna() & ~num.isin([float(a) for a in spec.allowed])
        for idx in num[off].index:
            err[idx] = f"应为 {'、'.join(str(a) for a in spec.allowed)} 之一，实际为 {cells[idx]}"
    out[num.index] = num.astype(np.float64)
    out[err.notna()] = np.nan
    return out, err


def _to_date(v) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, pd.Timestamp):
        return v.date()
    m = _DATE_RE.match(str(v))
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def check_table(raw: pd.DataFrame, *, file: str | None = None, today: dt.date | None = None,
                progress: Progress | None = None) -> Registry:
    """Parse and check raw cells; return the good rows and every problem."""
    today = today or dt.date.today()
    mapping: dict[str, FieldSpec] = {}
    ignored: list[str] = []
    for col in raw.columns:
        spec = _header_to_field(str(col))
        if spec is None or spec.name in {s.name for s in mapping.values()}:
            ignored.append(str(col))
        else:
            mapping[col] = spec
    have = {s.name for s in mapping.values()}
    missing = [f.header for f in FIELDS.values() if f.required and f.name not in have]
    if missing:
        raise InputError(f"缺少必填列：{'、'.join(missing)}（请使用 innodrive enterprises template 生成的模板）",
                         file=file)
    n = len(raw)
    problems: list[Problem] = []
    parts: list[pd.DataFrame] = []
    bad_mask = np.zeros(n, dtype=bool)
    done = 0
    for start in range(0, max(n, 1), CHUNK):
        chunk = raw.iloc[start:start + CHUNK]
        cols: dict[str, pd.Series] = {}
        for col, spec in mapping.items():
            vals, err = _parse_column(spec, chunk[col], today)
            cols[spec.name] = vals
            for idx, msg in err[err.notna()].items():
                pos = raw.index.get_loc(idx)
                problems.append(Problem(message=msg, file=file, row=int(pos) + 2, field=spec.header))
                bad_mask[pos] = True
        frame = pd.DataFrame(cols, index=chunk.index)
        parts.append(frame)
        done += len(chunk)
        if progress:
            progress(done, n)
    frame = pd.concat(parts) if parts else pd.DataFrame(columns=[s.name for s in mapping.values()])
    frame = frame.reset_index(drop=True)
    # required fields ----------------------------------------------------------------
    for name in ("credit_code", "name"):
        empty = frame[name].isna()
        for pos in np.flatnonzero(empty.to_numpy()):
            problems.append(Problem(message="必填项为空", file=file, row=int(pos) + 2, field=FIELDS[name].header))
            bad_mask[pos] = True
    # credit codes: shape, check digit, duplicates --------------------------------------------
    codes = frame["credit_code"]
    first_row: dict[str, int] = {}
    for pos, code in enumerate(codes.to_numpy()):
        if code is None:
            continue
        msg = cc.problem(code)
        if msg:
            problems.append(Problem(message=msg, file=file, row=pos + 2, field=FIELDS["credit_code"].header))
            bad_mask[pos] = True
            continue
        norm = cc.normalise(code)
        if norm in first_row:
            problems.append(Problem(message=f"统一社会信用代码 {norm} 与第 {first_row[norm] + 2} 行重复",
                                    file=file, row=pos + 2, field=FIELDS["credit_code"].header))
            bad_mask[pos] = True
        else:
            first_row[norm] = pos
    frame["credit_code"] = codes.map(lambda c: None if c is None else cc.normalise(c))
    # cross-field checks (tech staff not above the total, parts not above wholes) ---------------
    for spec in FIELDS.values():
        if spec.not_above and spec.name in frame and spec.not_above in frame:
            part, whole = frame[spec.name].to_numpy(), frame[spec.not_above].to_numpy()
            with np.errstate(invalid="ignore"):
                over = part > whole * (1 + 1e-12)
            for pos in np.flatnonzero(over):
                problems.append(Problem(
                    message=f"{spec.header}（{part[pos]:g}）大于{FIELDS[spec.not_above].header}（{whole[pos]:g}）",
                    file=file, row=int(pos) + 2, field=spec.header))
                bad_mask[pos] = True
    problems.sort(key=lambda p: (p.row or 0))
    good = frame[~bad_mask].reset_index(drop=True)
    rows = np.flatnonzero(~bad_mask) + 2
    return Registry(frame=good, row_numbers=rows, problems=problems, total_rows=n,
                    ignored_headers=ignored, file=file)


def read_registry(path: str | Path, *, today: dt.date | None = None, progress: Progress | None = None) -> Registry:
    """Read and check a registry file (CSV or XLSX with the template's headers)."""
    p = Path(path)
    raw = read_table(p)
    return check_table(raw, file=p.name, today=today, progress=progress)


def frame_from_records(records: list[dict]) -> pd.DataFrame:
    """Canonical frame from Python records (dates, bools, numbers, None) — for the
    library API and tests; no checking beyond types."""
    rows = []
    for rec in records:
        row = {}
        for k, v in rec.items():
            if k not in FIELDS:
                raise InputError(f"未知字段：{k}")
            spec = FIELDS[k]
            if spec.kind == "text":
                row[k] = v
            elif v is None:
                row[k] = np.nan
            elif isinstance(v, dt.date):
                row[k] = day_number(v)
            elif isinstance(v, bool):
                row[k] = 1.0 if v else 0.0
            else:
                row[k] = float(v)
        rows.append(row)
    frame = pd.DataFrame(rows)
    for k in frame.columns:
        if FIELDS[k].numeric:
            frame[k] = frame[k].astype(np.float64)
    return frame


def row_dict(frame: pd.DataFrame, i: int) -> dict[str, float | None]:
    """One row as field → float/None (the row-wise evaluator's input)."""
    out: dict[str, float | None] = {}
    for k in frame.columns:
        if k in FIELDS and FIELDS[k].numeric:
            v = frame[k].iat[i]
            out[k] = None if pd.isna(v) else float(v)
    return out


__all__ = ["Registry", "read_registry", "check_table", "frame_from_records", "row_dict", "EPOCH"]
