"""The registry template: an XLSX (or CSV) with the Chinese headers the reader expects.

Generated from the field declarations, so the template, the reader and the rules never
disagree on a column. The XLSX has the data sheet (header row, frozen, with data
validation: 是/否 lists for flags, non-negative numbers for amounts, 0–1 for ratios,
dates, allowed levels), a sheet explaining every column (kind, unit, meaning, which
programmes read it) and a sheet listing the rule versions in force.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from innodrive.enterprises.fields import FIELDS, FieldSpec
from innodrive.enterprises.rules import PROGRAMMES, all_rule_sets, rules_in_force
from innodrive.errors import InputError

DATA_SHEET = "企业名录"
KIND_TEXT = {
    "text": "文本", "money": "金额（万元，非负）", "signed_money": "金额（万元，可为负）", "people": "人数（非负）",
    "count": "整数（非负）", "ratio": "比例（如 55% 或 0.55，不超过100%）", "flag": "是/否（留空表示未知）",
    "date": "日期（YYYY-MM-DD，不晚于今天）", "year": "年份（四位数字）", "score": "评分", "level": "等级代码",
    "choice": "从下拉列表选择",
}


def _users() -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    for rs in all_rule_sets():
        for f in rs.fields:
            name = PROGRAMMES.get(rs.programme, rs.programme)
            if name not in users.setdefault(f, []):
                users[f].append(name)
    users.setdefault("rd_expense_y1", []).append("研发费用加计扣除")
    return users


def _kind_text(spec: FieldSpec) -> str:
    text = KIND_TEXT[spec.kind]
    if spec.kind == "score" and spec.max is not None:
        text += f"（0–{spec.max:g}分）"
    if spec.kind == "level" and spec.allowed:
        text += f"（{'、'.join(str(a) for a in spec.allowed)}）"
    return text


def write_template(path: str | Path, *, on: dt.date | None = None) -> Path:
    """Write the XLSX (or, for a ``.csv`` path, a UTF-8 header-only CSV) template."""
    import csv
    import io

    from innodrive.safeio import atomic_write, safe_row

    p = Path(path)
    specs = list(FIELDS.values())
    if p.suffix.lower() == ".csv":
        buf = io.StringIO()
        csv.writer(buf).writerow(safe_row([s.header for s in specs]))
        return atomic_write(p, buf.getvalue().encode("utf-8-sig"), what="模板文件")
    if p.suffix.lower() != ".xlsx":
        raise InputError("模板文件名应以 .xlsx 或 .csv 结尾", file=str(p))
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    ws.append(safe_row([s.header for s in specs]))
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    req_fill = PatternFill("solid", fgColor="FCE4D6")
    for i, s in enumerate(specs, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = req_fill if s.required else head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        note = f"{_kind_text(s)}" + (f"；{s.help}" if s.help else "") + ("；必填" if s.required else "")
        cell.comment = Comment(note, "innodrive")
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(28, len(s.header) * 2 + 2))
    ws.freeze_panes = "C2"
    last = 100_000

    def add(dv: DataValidation, cols: list[int]) -> None:
        if not cols:
            return
        ws.add_data_validation(dv)
        for c in cols:
            letter = get_column_letter(c)
            dv.add(f"{letter}2:{letter}{last}")

    by_kind: dict[str, list[int]] = {}
    for i, s in enumerate(specs, start=1):
        by_kind.setdefault(s.kind, []).append(i)
    add(DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                       errorTitle="是/否", error="请填写“是”或“否”，未知可留空"), by_kind.get("flag", []))
    nonneg = by_kind.get("money", []) + by_kind.get("people", []) + by_kind.get("count", [])
    add(DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                       showErrorMessage=True, errorTitle="数值", error="应为不小于0的数字"), nonneg)
    add(DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True,
                       showErrorMessage=True, errorTitle="比例", error="比例应在 0 至 100% 之间（可输入 55%）"),
        by_kind.get("ratio", []))
    add(DataValidation(type="date", operator="lessThanOrEqual", formula1="TODAY()", allow_blank=True,
                       showErrorMessage=True, errorTitle="日期", error="应为不晚于今天的日期"), by_kind.get("date", []))
    for i, s in enumerate(specs, start=1):
        if s.kind == "choice":
            names = ",".join(s.choice_names().values())
            add(DataValidation(type="list", formula1=f'"{names}"', allow_blank=True, showErrorMessage=True,
                               error="请从下拉列表选择"), [i])
        if s.kind == "level" and s.allowed:
            add(DataValidation(type="list", formula1='"' + ",".join(str(a) for a in s.allowed) + '"',
                               allow_blank=True, showErrorMessage=True, error="请从下拉列表选择"), [i])
        if s.kind == "score" and s.max is not None:
            add(DataValidation(type="decimal", operator="between", formula1="0", formula2=f"{s.max:g}",
                               allow_blank=True, showErrorMessage=True, error=f"评分应在 0 至 {s.max:g} 分之间"), [i])

    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "字段名", "分组", "类型", "单位", "必填", "说明", "使用该字段的项目"])
    users = _users()
    for s in specs:
        notes.append(safe_row([s.header, s.name, s.group, _kind_text(s), s.unit or "", "是" if s.required else "",
                               s.help, "、".join(users.get(s.name, []))]))
    notes.append([])
    for line in (
        "说明：每行一家企业；后缀（上年）指最近一个完整会计年度，（前年）、（大前年）依次向前。",
        "金额单位均为万元；比例可填 55% 或 0.55；是/否 类字段留空表示未知（称号、奖项类留空按“否”处理）。",
        "统一社会信用代码须为18位且校验位正确，同一代码不得重复；有问题的行会在结果的“数据问题”表中逐行说明，其余行照常评价。",
    ):
        notes.append(safe_row([line]))
    for col, width in zip("ABCDEFGH", (28, 26, 10, 26, 8, 6, 60, 40), strict=True):
        notes.column_dimensions[col].width = width

    rules = wb.create_sheet("规则版本")
    rules.append(["项目", "规则版本", "性质", "生效日期", "失效日期", "依据文件"])
    day = on or dt.date.today()
    for rs in rules_in_force(day):
        rules.append(safe_row([rs.title, rs.version, rs.status_text(), rs.effective_from.isoformat(),
                               rs.effective_to.isoformat() if rs.effective_to else "", "；".join(rs.source)]))
    return atomic_write(p, wb.save, what="模板文件")
