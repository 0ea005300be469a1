"""Excel workbooks the workbench hands out: the task ledger and the statistics import template.

Every text cell goes through :func:`innodrive.safeio.safe_cell` (a cell starting with
``=`` is data, not a formula); the workbook is built in memory and returned as bytes.
"""

from __future__ import annotations

import io

from innodrive.safeio import safe_cell

HEADER_FILL = "F1F3F4"
LIGHT_FILLS = {"green": "E6F4EA", "yellow": "FEF7E0", "red": "FCE8E6", "grey": "F1F3F4", "blue": "E8F0FE"}


def _sheet(wb, title: str, header: list[str], rows: list[list], widths: list[int] | None = None):
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for row in rows:
        ws.append([safe_cell(v) if isinstance(v, str) else v for v in row])
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    ws.freeze_panes = "A2"
    return ws


def task_ledger(board, *, title: str) -> bytes:
    """The task ledger (``innodrive.services.board.TaskBoard``) as a workbook: one row per
    task, overdue rows filled red, the light's colour on its cell."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    header = ["编号", "计划", "任务", "牵头单位", "配合单位", "期限", "状态", "原因", "完成比例", "最近报送日期",
              "最近报送状态", "审核", "是否逾期"]
    rows = []
    for line in board.lines:
        t, s = line.task, line.status
        last = max(t.reports, key=lambda r: (r.as_of, r.id)) if t.reports else None
        rows.append([t.id, t.plan_title or "", t.title, "、".join(t.lead_units), "、".join(t.co_units),
                     line.deadline.isoformat() if line.deadline else "", s.label, s.reason,
                     None if s.completion is None else round(s.completion * 100, 1),
                     last.as_of.isoformat() if last else "", last.status if last else "",
                     last.review_state if last else "", "是" if "overdue" in s.flags else ""])
    ws = _sheet(wb, "任务台账", header, rows, [8, 30, 50, 18, 24, 12, 14, 60, 10, 14, 12, 10, 8])
    for i, line in enumerate(board.lines, start=2):
        fill = LIGHT_FILLS.get(line.status.light)
        if fill:
            ws.cell(row=i, column=7).fill = PatternFill("solid", fgColor=fill)
        if "overdue" in line.status.flags:
            for cell in ws[i]:
                cell.fill = PatternFill("solid", fgColor=LIGHT_FILLS["red"])
    note = wb.create_sheet("说明")
    note.append([safe_cell(title)])
    note.append([f"截至 {board.as_of.isoformat()}，规则集 {board.rule_set or '—'}，共 {len(board.lines)} 项任务。"])
    note.append(["完成比例取最近一次审核通过的报送；逾期行以红色标出。"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def import_template(indicators) -> bytes:
    """The statistics import template: the long layout with an example row, the rules of
    each column, and the catalogue's indicators with their units."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "数据", ["区划代码", "地区", "指标", "年份", "值", "单位", "来源", "备注"],
           [["511100", "乐山市", "研究与试验发展（R&D）经费支出（示例，请删除此行）", "2023", None, "亿元",
             "《乐山市2023年国民经济和社会发展统计公报》", ""]], [12, 14, 36, 10, 12, 10, 40, 20])
    _sheet(wb, "填写说明", ["列", "说明"], [
        ["区划代码", "六位 GB/T 2260 代码；与“地区”至少填一项，都填时须一致"],
        ["地区", "地区名称，如 乐山市、市中区（重名时请填区划代码）"],
        ["指标", "指标目录中的名称或别名（见“指标目录”表）"],
        ["年份", "如 2023；月度、季度数据写 2023-06、2023Q2"],
        ["值", "数字；空白表示未知（不会记为 0）"],
        ["单位", "如 亿元、万元、家、%；与目录单位不同时自动换算"],
        ["来源", "必填：统计公报、统计年鉴或部门文件的名称"],
        ["备注", "可选"],
        ["宽表", "也可把年份作为列（2021、2022、2023 …），每行一个地区和指标"],
        ["导入", "先在网页上预览（逐行检查、列出将新增和修订的数值），确认后才写入；有问题的行全部列出，整表不导入"],
    ], [12, 90])
    _sheet(wb, "指标目录", ["代码", "名称", "单位", "别名"],
           [[i.code, i.name, i.unit, "、".join(i.aliases)] for i in indicators], [28, 36, 10, 60])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
