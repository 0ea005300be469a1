"""The 汇交 templates (科技成果汇交表, 企业技术需求表) and the row-by-row checks of a filled one.

The columns are declared once (:data:`RESULT_COLUMNS`, :data:`DEMAND_COLUMNS`); the
template workbook, its notes sheet and the reader are all generated from them, so the
template and the checks never disagree. Reading is pure (bytes → typed rows + every
problem with its row and column); checks that need the store (a patent already held by
another result, an enterprise missing from the directory) are added by
:mod:`innodrive.market.registry`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from innodrive.errors import InputError, Problem
from innodrive.market import contacts, patents
from innodrive.market.classification import disciplines, industries
from innodrive.market.contacts import Contact
from innodrive.market.records import DemandIn, ResultIn
from innodrive.market.terms import HOLDER_KINDS, TRANSFER_MODES, TRANSFER_MODES_SOURCE, readiness_levels

Kind = Literal["result", "demand"]


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool
    help: str
    example: str = ""
    width: int = 16


RESULT_COLUMNS: tuple[Column, ...] = (
    Column("成果编号", "id", False, "更新已登记的成果时填写其编号；新成果留空", "", 10),
    Column("成果名称", "title", True, "不超过200字", "高镍三元正极材料低成本连续化制备技术（示例）", 36),
    Column("持有单位（人）", "holder", True, "成果权利人全称；个人填姓名", "某某大学（示例）", 24),
    Column("持有人类型", "holder_kind", True, f"{'、'.join(HOLDER_KINDS)}之一", "高校", 10),
    Column("持有单位统一社会信用代码", "holder_credit_code", False, "企业、高校、院所填写，18位，校验位须正确", "", 22),
    Column("所属行业", "industry_code", False, "GB/T 4754—2017 门类字母或大类代码（见“行业分类”表），也可填名称",
           "38", 12),
    Column("所属学科", "discipline_code", False, "GB/T 13745—2009 一级学科代码（见“学科分类”表），也可填名称",
           "430", 12),
    Column("技术就绪度", "trl", False, "1–9 级（GB/T 22900，见“技术就绪度”表），可写 6 或 TRL6", "6", 10),
    Column("专利号", "patents", False, "申请号（含校验位，如 200310102344.5，可加 ZL/CN 前缀）或公开号；多个用顿号分隔",
           "", 26),
    Column("转化方式", "transfer_modes", False, f"{'、'.join(TRANSFER_MODES)}，可多选，用顿号分隔", "转让、许可", 16),
    Column("意向价格（万元）", "price_wan", False, "数字（万元），也可写“1.2亿元”；面议留空", "300", 12),
    Column("成果简介", "abstract", True, "技术内容、主要指标、应用领域、成熟程度，不超过5000字", "", 60),
    Column("关键词", "keywords", False, "3–8个，用顿号分隔", "正极材料、三元材料、连续化", 24),
    Column("所在地区", "region_code", True, "成果持有单位所在的市（州）或区县，可写名称或六位区划代码", "乐山市", 12),
    Column("联系人", "contact_name", True, "个人信息：系统中默认脱敏显示", "张三", 10),
    Column("联系电话", "contact_phone", False, "手机或座机（如 0833-1234567）；电话、邮箱至少填一项", "", 14),
    Column("电子邮箱", "contact_email", False, "", "", 20),
)

DEMAND_COLUMNS: tuple[Column, ...] = (
    Column("需求编号", "id", False, "更新已登记的需求时填写其编号；新需求留空", "", 10),
    Column("企业统一社会信用代码", "credit_code", True, "18位，校验位须正确；企业须在企业名录中，或同时填写企业名称以便登记",
           "", 22),
    Column("企业名称", "enterprise_name", False, "企业名录中尚无该企业时必填", "", 24),
    Column("需求名称", "title", True, "不超过200字", "动力电池极片涂布厚度一致性提升（示例）", 32),
    Column("问题描述", "problem", True, "面临的技术问题、现状指标、期望达到的指标，不超过5000字", "", 60),
    Column("所属行业", "industry_code", False, "GB/T 4754—2017 门类字母或大类代码（见“行业分类”表）", "38", 12),
    Column("所属学科", "discipline_code", False, "GB/T 13745—2009 一级学科代码（见“学科分类”表）", "", 12),
    Column("最低技术就绪度", "trl_min", False, "可接受成果的最低就绪度 1–9 级（GB/T 22900）", "6", 12),
    Column("预算（万元）", "budget_wan", False, "数字（万元）；未定留空", "200", 12),
    Column("截止日期", "deadline", False, "如 2025-12-31", "", 12),
    Column("所在地区", "region_code", False, "需求实施地；留空则取企业名录中的企业所在地", "", 12),
    Column("是否保密", "confidential", False, "是/否：保密需求只对有权限的人员显示", "否", 10),
    Column("关键词", "keywords", False, "用顿号分隔", "", 24),
    Column("联系人", "contact_name", True, "个人信息：系统中默认脱敏显示", "李四", 10),
    Column("联系电话", "contact_phone", False, "电话、邮箱至少填一项", "", 14),
    Column("电子邮箱", "contact_email", False, "", "", 20),
)

SHEETS = {"result": "科技成果汇交表", "demand": "企业技术需求表"}
MAX_TITLE, MAX_TEXT = 200, 5000

_HOLDER_SYNONYMS = {"大学": "高校", "高等学校": "高校", "高等院校": "高校", "学校": "高校", "科研院所": "院所",
                    "研究院": "院所", "研究所": "院所", "科研机构": "院所", "公司": "企业", "自然人": "个人"}
_MODE_SYNONYMS = {"技术转让": "转让", "专利转让": "转让", "许可使用": "许可", "技术许可": "许可", "专利许可": "许可",
                  "作价投资": "作价入股", "作价出资": "作价入股", "技术入股": "作价入股", "合作实施": "合作开发",
                  "合作转化": "合作开发", "联合开发": "合作开发"}
_YES = {"是", "y", "yes", "true", "1", "保密"}
_NO = {"否", "n", "no", "false", "0", "不保密", "公开"}


def columns(kind: Kind) -> tuple[Column, ...]:
    return RESULT_COLUMNS if kind == "result" else DEMAND_COLUMNS


# --------------------------------------------------------------------------- cells

def _text(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    t = unicodedata.normalize("NFKC", str(v)).strip() if not isinstance(v, str) else v.strip()
    return t or None


def split_list(v: object) -> list[str]:
    t = _text(v)
    if not t:
        return []
    out: list[str] = []
    for part in re.split(r"[、,，;；/\n]+", t):
        p = part.strip()
        if p and p not in out:
            out.append(p)
    return out


def parse_money(v: object) -> tuple[float | None, str | None]:
    """万元 from ``300``, ``300万元``, ``1.2亿元``; blank or 面议 → unknown."""
    if isinstance(v, int | float) and not isinstance(v, bool):
        if v < 0:
            return None, "金额不能为负"
        return float(v), None
    t = (_text(v) or "").replace(",", "").replace("，", "")
    if not t or t in {"面议", "待定", "议价", "协商"}:
        return None, None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(万元|万|亿元|亿|元)?", t)
    if not m:
        return None, f"“{v}”不是金额：请填数字（万元），如 300 或 1.2亿元；面议留空"
    value = float(m.group(1))
    unit = m.group(2) or "万元"
    factor = {"万元": 1.0, "万": 1.0, "亿元": 10000.0, "亿": 10000.0, "元": 0.0001}[unit]
    return value * factor, None


def parse_trl(v: object) -> tuple[int | None, str | None]:
    t = (_text(v) or "").lower().replace(" ", "")
    if not t:
        return None, None
    m = re.fullmatch(r"(?:trl)?([1-9])(?:级)?", t)
    if not m:
        return None, f"“{v}”不是技术就绪度：应为 1–9 的整数（可写 TRL6 或 6级）"
    return int(m.group(1)), None


def parse_flag(v: object) -> tuple[bool, str | None]:
    t = (_text(v) or "").lower()
    if not t or t in _NO:
        return False, None
    if t in _YES:
        return True, None
    return False, f"“{v}”应为“是”或“否”"


def parse_holder_kind(v: object) -> tuple[str | None, str | None]:
    t = _text(v) or ""
    t = _HOLDER_SYNONYMS.get(t, t)
    if t in HOLDER_KINDS:
        return t, None
    return None, f"“{v}”不是持有人类型：应为{'、'.join(HOLDER_KINDS)}之一"


def parse_modes(v: object) -> tuple[list[str], str | None]:
    out, bad = [], []
    for p in split_list(v):
        m = _MODE_SYNONYMS.get(p, p)
        if m in TRANSFER_MODES:
            if m not in out:
                out.append(m)
        else:
            bad.append(p)
    if bad:
        return out, f"无法识别的转化方式：{'、'.join(bad)}（应为{'、'.join(TRANSFER_MODES)}）"
    return out, None


def parse_region(v: object) -> tuple[str | None, str | None]:
    from innodrive.regions import try_resolve

    t = _text(v)
    if not t:
        return None, None
    found, problem = try_resolve(t)
    return (found.code, None) if found else (None, problem)


def parse_credit_code(v: object) -> tuple[str | None, str | None]:
    from innodrive.enterprises import credit_code as cc

    t = _text(v)
    if not t:
        return None, None
    problem = cc.problem(t)
    return (None, problem) if problem else (cc.normalise(t), None)


def parse_id(v: object) -> tuple[int | None, str | None]:
    t = _text(v)
    if not t:
        return None, None
    t = t.lstrip("#")
    if t.isdigit() and int(t) > 0:
        return int(t), None
    return None, f"“{v}”不是编号（正整数）"


# --------------------------------------------------------------------------- rows

@dataclass
class ParsedRows:
    kind: Kind
    file: str
    sha256: str
    rows: list[tuple[int, ResultIn | DemandIn]]   # (spreadsheet row number, item)
    problems: list[Problem]
    blank: int = 0


def detect_kind(data: bytes, *, file: str) -> Kind:
    """Which template a filled file is: the one whose column names its header holds more of."""
    from innodrive.tabular import open_table

    table = open_table(data, name=file, expected=[c.header for c in (*RESULT_COLUMNS, *DEMAND_COLUMNS)])
    have = {_fold(h) for h in table.header}
    result = sum(_fold(c.header) in have for c in RESULT_COLUMNS if c.field not in COMMON_FIELDS)
    demand = sum(_fold(c.header) in have for c in DEMAND_COLUMNS if c.field not in COMMON_FIELDS)
    if result == demand == 0:
        raise InputError("无法判断表格类型：表头既不像科技成果汇交表，也不像企业技术需求表（请使用 innodrive 提供的模板）",
                         file=file)
    return "result" if result >= demand else "demand"


COMMON_FIELDS = {"id", "title", "industry_code", "discipline_code", "region_code", "keywords", "contact_name",
                 "contact_phone", "contact_email"}


def read(kind: Kind, data: bytes, *, file: str, today: dt.date | None = None) -> ParsedRows:
    """Every row of a filled template, checked; bad rows are listed in ``problems``
    (file, row as the spreadsheet numbers it, column header, reason)."""
    from innodrive.tabular import is_blank_row, open_table

    cols = columns(kind)
    by_header = {_fold(c.header): c for c in cols}
    table = open_table(data, name=file, expected=[c.header for c in cols])
    index: dict[str, int] = {}
    for i, h in enumerate(table.header):
        col = by_header.get(_fold(h))
        if col is not None and col.field not in index:
            index[col.field] = i
    missing = [c.header for c in cols if c.required and c.field not in index]
    if missing:
        raise InputError(f"缺少必填列：{'、'.join(missing)}（请使用 innodrive 提供的{SHEETS[kind]}模板）", file=file)
    rows: list[tuple[int, ResultIn | DemandIn]] = []
    problems: list[Problem] = []
    blank = 0
    for number, cells in table.rows():
        if is_blank_row(cells):
            blank += 1
            continue
        values = {f: (cells[i] if i < len(cells) else None) for f, i in index.items()}
        item, found = (parse_result if kind == "result" else parse_demand)(values, today=today)
        for header, message in found:
            problems.append(Problem(message, file=file, row=number, field=header))
        if item is not None:
            item.source = f"{file} 第 {number} 行"
            rows.append((number, item))
    if not rows and not problems:
        raise InputError(f"{SHEETS[kind]}中没有数据行", file=file)
    return ParsedRows(kind=kind, file=file, sha256=table.sha256, rows=rows, problems=problems, blank=blank)


def _fold(h: object) -> str:
    return unicodedata.normalize("NFKC", str(h or "")).strip().lower().replace(" ", "").replace("\u3000", "")




def _contact(values: dict, found: list[tuple[str, str]], headers: dict[str, str]) -> Contact:
    name = _text(values.get("contact_name"))
    if not name:
        found.append((headers["contact_name"], "联系人不能为空"))
    phone, p1 = contacts.clean_phone(values.get("contact_phone"))
    email, p2 = contacts.clean_email(values.get("contact_email"))
    if p1:
        found.append((headers["contact_phone"], p1))
    if p2:
        found.append((headers["contact_email"], p2))
    if not (phone or email) and not (p1 or p2):
        found.append((headers["contact_phone"], "联系电话与电子邮箱至少填写一项"))
    return Contact(name=name, phone=phone, email=email)


def _required_text(values: dict, field: str, header: str, limit: int, found: list) -> str:
    t = _text(values.get(field))
    if not t:
        found.append((header, f"{header}不能为空"))
        return ""
    if len(t) > limit:
        found.append((header, f"{header}超过{limit}字（{len(t)}字）"))
    return t


def _classified(values: dict, field: str, header: str, found: list) -> str | None:
    table = industries() if field == "industry_code" else disciplines()
    code, problem = table.parse(values.get(field))
    if problem:
        found.append((header, problem))
    return code


class _Row:
    """One row being checked: its cells, the headers of its columns, the problems found."""

    def __init__(self, values: dict, columns: tuple[Column, ...]) -> None:
        self.values = values
        self.h = {c.field: c.header for c in columns}
        self.found: list[tuple[str, str]] = []

    def take(self, field: str, parse, *, required: str | None = None):
        """``parse(cell) -> (value, problem)``; a problem (or a blank required cell) is noted."""
        value, problem = parse(self.values.get(field))
        if problem or (required and value is None):
            self.found.append((self.h[field], problem or required))
        return value

    def text(self, field: str, limit: int) -> str:
        return _required_text(self.values, field, self.h[field], limit, self.found)

    def classified(self, field: str) -> str | None:
        return _classified(self.values, field, self.h[field], self.found)


def parse_result(values: dict, *, today: dt.date | None = None) -> tuple[ResultIn | None, list[tuple[str, str]]]:
    """One row of the 科技成果汇交表 → (item or None, [(column header, problem)])."""
    row = _Row(values, RESULT_COLUMNS)
    rid = row.take("id", parse_id)
    title = row.text("title", MAX_TITLE)
    holder = row.text("holder", MAX_TITLE)
    kind = row.take("holder_kind", lambda v: parse_holder_kind(v) if _text(v) else (None, "持有人类型不能为空"))
    code = row.take("holder_credit_code", parse_credit_code)
    industry, discipline = row.classified("industry_code"), row.classified("discipline_code")
    trl = row.take("trl", parse_trl)
    numbers: list[str] = []
    for raw in patents.split_cell(values.get("patents")):
        number = row.take("patents", lambda v, raw=raw: patents.parse(raw, today=today))
        if number is not None and number not in numbers:
            numbers.append(number)
    modes = row.take("transfer_modes", parse_modes)
    price = row.take("price_wan", parse_money)
    abstract = row.text("abstract", MAX_TEXT)
    region = row.take("region_code", parse_region, required="所在地区不能为空")
    contact = _contact(values, row.found, row.h)
    if row.found:
        return None, row.found
    return ResultIn(id=rid, title=title, holder=holder, holder_kind=kind, holder_credit_code=code,
                    industry_code=industry, discipline_code=discipline, trl=trl, patents=numbers,
                    transfer_modes=modes, price_wan=price, abstract=abstract, keywords=split_list(values.get("keywords")),
                    region_code=region, contact=contact), []


def _deadline(v: object) -> tuple[dt.date | None, str | None]:
    from innodrive.dates import parse_date

    if not (_text(v) or isinstance(v, dt.date)):
        return None, None
    try:
        return parse_date(v, what="截止日期"), None
    except InputError as exc:
        return None, exc.message


def parse_demand(values: dict, *, today: dt.date | None = None) -> tuple[DemandIn | None, list[tuple[str, str]]]:
    """One row of the 企业技术需求表 → (item or None, [(column header, problem)])."""
    row = _Row(values, DEMAND_COLUMNS)
    did = row.take("id", parse_id)
    code = row.take("credit_code", parse_credit_code, required="企业统一社会信用代码不能为空")
    title = row.text("title", MAX_TITLE)
    problem = row.text("problem", MAX_TEXT)
    industry, discipline = row.classified("industry_code"), row.classified("discipline_code")
    trl = row.take("trl_min", parse_trl)
    budget = row.take("budget_wan", parse_money)
    deadline = row.take("deadline", _deadline)
    region = row.take("region_code", parse_region)
    confidential = row.take("confidential", parse_flag)
    contact = _contact(values, row.found, row.h)
    if row.found:
        return None, row.found
    return DemandIn(id=did, credit_code=code, enterprise_name=_text(values.get("enterprise_name")), title=title,
                    problem=problem, industry_code=industry, discipline_code=discipline, trl_min=trl,
                    budget_wan=budget, deadline=deadline, region_code=region, confidential=confidential,
                    keywords=split_list(values.get("keywords")), contact=contact), []


# --------------------------------------------------------------------------- template

def template_bytes(kind: Kind) -> bytes:
    """The XLSX template: the data sheet (headers with notes, lists where the values are
    closed), a 填写说明 sheet and the classification and TRL tables it refers to."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from innodrive.safeio import safe_row

    cols = columns(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEETS[kind]
    ws.append(safe_row([c.header for c in cols]))
    required_fill, optional_fill = PatternFill("solid", fgColor="FCE4D6"), PatternFill("solid", fgColor="DDEBF7")
    for i, c in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = required_fill if c.required else optional_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.comment = Comment(("必填；" if c.required else "") + c.help, "innodrive")
        ws.column_dimensions[get_column_letter(i)].width = c.width
    ws.freeze_panes = "B2"
    letter = {c.field: get_column_letter(i) for i, c in enumerate(cols, start=1)}

    def listed(field: str, values: list[str], message: str) -> None:
        if field not in letter:
            return
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            showErrorMessage=True, error=message)
        ws.add_data_validation(dv)
        dv.add(f"{letter[field]}2:{letter[field]}10000")

    listed("holder_kind", list(HOLDER_KINDS), f"请选择{'、'.join(HOLDER_KINDS)}之一")
    listed("trl", [str(i) for i in range(1, 10)], "技术就绪度应为 1–9")
    listed("trl_min", [str(i) for i in range(1, 10)], "技术就绪度应为 1–9")
    listed("confidential", ["是", "否"], "请填写“是”或“否”")

    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "必填", "填写要求", "示例"])
    for c in cols:
        notes.append(safe_row([c.header, "是" if c.required else "", c.help, c.example]))
    notes.append([])
    lines = [
        f"每行一条{'科技成果' if kind == 'result' else '企业技术需求'}；第1行为表头，请勿改动列名（列的顺序可以调整，多余的列会被忽略）。",
        "导入时逐行检查：任何一行有问题，整个文件都不会导入，并逐行列出问题（行号与本表一致）。",
        "联系人、电话、邮箱是个人信息：系统中默认脱敏显示，只有有权限的人员可以查看，每次查看都记入审计日志。",
    ]
    if kind == "result":
        lines += ["同一专利只能属于一项成果：专利号已被其他成果登记的行会被拒绝；名称和持有单位与已有成果几乎相同的行会提示“疑似重复”。",
                  f"转化方式依据{TRANSFER_MODES_SOURCE}。"]
    else:
        lines += ["保密需求只对有“查看保密需求”权限的人员显示；匹配时仍会为其推荐成果。"]
    for line in lines:
        notes.append([line])
    for col, width in zip("ABCD", (22, 6, 70, 36), strict=True):
        notes.column_dimensions[col].width = width

    ind = wb.create_sheet("行业分类")
    ind.append(["代码", "名称", "层级", "所属门类"])
    for c in industries():
        ind.append(safe_row([c.code, c.name, c.level, c.parent or ""]))
    ind.append([])
    ind.append([f"来源：{industries().source}"])
    dis = wb.create_sheet("学科分类")
    dis.append(["代码", "名称", "层级", "所属门类"])
    for c in disciplines():
        dis.append(safe_row([c.code, c.name, c.level, c.parent or ""]))
    dis.append([])
    dis.append([f"来源：{disciplines().source}"])
    trl = wb.create_sheet("技术就绪度")
    trl.append(["级别", "名称", "含义"])
    source, levels = readiness_levels()
    for lv in levels.values():
        trl.append(safe_row([lv.level, lv.name, lv.description]))
    trl.append([])
    trl.append([f"来源：{source}"])
    for sheet in (ind, dis, trl):
        sheet.column_dimensions["A"].width = 8
        sheet.column_dimensions["B"].width = 40
        sheet.column_dimensions["C"].width = 60
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
