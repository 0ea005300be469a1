"""Files the talent service writes: registry exports, a person's own record, the import template.

Every text cell goes through :func:`innodrive.safeio.safe_cell` (a name such as
``=HYPERLINK(…)`` stays text in Excel) and every file is written with
:func:`innodrive.safeio.atomic_write`. What goes *into* a file — masked or not — is
decided by the service that calls these writers, never here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from innodrive.errors import InputError
from innodrive.safeio import atomic_write, safe_row

SUFFIXES = (".xlsx", ".csv")


def check_suffix(path: Path, allowed: Sequence[str] = SUFFIXES) -> None:
    if path.suffix.lower() not in allowed:
        raise InputError(f"输出文件应为 {' 或 '.join(allowed)} 格式", file=str(path))


def write_table(path: Path, header: list[str], rows: list[list], *, sheet: str = "人才库",
                notes: list[str] | None = None) -> Path:
    """A table as XLSX (with a 说明 sheet for ``notes``) or CSV (UTF-8 with BOM, notes as a
    leading comment row is avoided: CSV gets the notes only in the XLSX form)."""
    check_suffix(path)
    if path.suffix.lower() == ".csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(safe_row(header))
        for r in rows:
            w.writerow(safe_row(r))
        return atomic_write(path, ("\ufeff" + buf.getvalue()).encode("utf-8"))
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(safe_row(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(safe_row(r))
    ws.freeze_panes = "A2"
    for i, h in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(10, min(40, len(str(h)) * 2 + 4))
    if notes:
        info = wb.create_sheet("说明")
        for n in notes:
            info.append(safe_row([n]))
        info.column_dimensions["A"].width = 100
    return atomic_write(path, lambda f: wb.save(f))


def write_json(path: Path, data: dict) -> Path:
    if path.suffix.lower() != ".json":
        raise InputError("个人信息副本应导出为 .json 文件（机器可读，便于本人转移）", file=str(path))
    return atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8"))


def write_template(path: Path, *, categories: list[str], id_types: Sequence[str]) -> Path:
    """The import template: Chinese headers, one instruction row per column in a 说明 sheet,
    and list validations for the columns with fixed values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from innodrive.talent.records import HEADERS, REQUIRED

    check_suffix(path, (".xlsx",))
    help_text = {
        "name": "必填", "id_type": f"默认居民身份证；可选：{'、'.join(id_types)}",
        "id_number": "必填；请先把本列设为“文本”格式，否则 Excel 会丢失第15位以后的数字",
        "birth_date": "证件号码不含出生日期时（护照、通行证）必填，如 1980-05-01",
        "phone": "11位手机号码或带区号的固定电话", "email": "",
        "employer_name": "工作单位名称（企业以企业名录为准）",
        "employer_code": "企业须已在企业名录中登记；事业单位、高校、医院等可只填名称",
        "region": "工作所在区县或市（如 乐山市市中区）；企业可不填，取企业名录中的地区",
        "field": "如 电子信息、新材料", "titles": "多个用顿号分隔，如 正高级工程师",
        "honours": "多个用顿号分隔，如 国家杰出青年科学基金、享受国务院政府特殊津贴",
        "education": "如 博士研究生", "category": f"按人才分类目录：{'、'.join(c + '类' for c in categories)}",
        "criterion": "认定条件编号，如 B1（可不填）", "recognised_on": "默认为到岗日期", "arrival_date": "必填",
        "employment": "必填：全职 或 柔性", "departure_date": "离开本市时填写",
    }
    wb = Workbook()
    ws = wb.active
    ws.title = "人才登记表"
    fields = list(HEADERS)
    ws.append([HEADERS[f][0] for f in fields])
    for i, f in enumerate(fields, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="C00000" if f in REQUIRED else "000000")
        ws.column_dimensions[cell.column_letter].width = 22 if f in ("id_number", "employer_name", "honours") else 14
        if f in ("id_number", "phone", "employer_code"):
            for r in range(2, 1002):
                ws.cell(row=r, column=i).number_format = "@"
    lists = {"id_type": list(id_types), "employment": ["全职", "柔性"], "category": list(categories)}
    for f, values in lists.items():
        col = ws.cell(row=1, column=fields.index(f) + 1).column_letter
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        dv.error = f"请从列表中选择：{'、'.join(values)}"
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}1001")
    ws.freeze_panes = "A2"
    info = wb.create_sheet("填写说明")
    info.append(["列名", "说明"])
    for f in fields:
        info.append(safe_row([HEADERS[f][0] + ("（必填）" if f in REQUIRED else ""), help_text.get(f, "")]))
    info.append([])
    info.append(["个人信息保护", "本表含个人信息，请仅在工作需要范围内传递，导入后请删除本地副本。"])
    info.column_dimensions["A"].width = 20
    info.column_dimensions["B"].width = 90
    return atomic_write(path, lambda f: wb.save(f))


__all__ = ["check_suffix", "write_json", "write_table", "write_template"]
