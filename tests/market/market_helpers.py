"""Building CONSTRUCTED market data for the tests: template files filled with rows from the
labelled set (tests/market/data/labelled.yaml), valid credit codes, contacts."""

from __future__ import annotations

import io
from pathlib import Path

from innodrive.enterprises.credit_code import check_char
from innodrive.market.forms import DEMAND_COLUMNS, RESULT_COLUMNS, SHEETS, template_bytes
from innodrive.market.quality import LabelledSet, load_labelled

DATA = Path(__file__).parent / "data"


def labelled() -> LabelledSet:
    return load_labelled((DATA / "labelled.yaml").read_text(encoding="utf-8"), name="labelled.yaml")


def code(body: str) -> str:
    """A valid 统一社会信用代码 (constructed) from a distinguishing body."""
    first17 = ("91" + body).ljust(17, "0")[:17]
    return first17 + check_char(first17)


def result_row(r, i: int) -> dict:
    return {"成果名称": r.title, "持有单位（人）": r.holder, "持有人类型": r.holder_kind, "所属行业": r.industry,
            "所属学科": r.discipline, "技术就绪度": r.trl, "专利号": "、".join(r.patents),
            "转化方式": "、".join(r.modes), "意向价格（万元）": r.price, "成果简介": r.abstract,
            "关键词": "、".join(r.keywords), "所在地区": r.region, "联系人": f"联系人{i:02d}",
            "联系电话": f"138{i:08d}", "电子邮箱": f"contact{i:02d}@example.org"}


def demand_row(d, i: int) -> dict:
    return {"企业统一社会信用代码": code(f"{d.region}{i:04d}"), "企业名称": d.enterprise, "需求名称": d.title,
            "问题描述": d.problem, "所属行业": d.industry, "最低技术就绪度": d.trl_min, "预算（万元）": d.budget,
            "所在地区": d.region, "是否保密": "否", "关键词": "、".join(d.keywords), "联系人": f"需求联系人{i:02d}",
            "联系电话": f"139{i:08d}"}


def filled(kind: str, rows: list[dict]) -> bytes:
    """The XLSX template of ``kind`` with ``rows`` (header → value) filled in."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template_bytes(kind)))
    ws = wb[SHEETS[kind]]
    headers = [c.header for c in (RESULT_COLUMNS if kind == "result" else DEMAND_COLUMNS)]
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def results_file(n: int | None = None) -> bytes:
    s = labelled()
    return filled("result", [result_row(r, i) for i, r in enumerate(s.results[:n], start=1)])


def demands_file(n: int | None = None) -> bytes:
    s = labelled()
    return filled("demand", [demand_row(d, i) for i, d in enumerate(s.demands[:n], start=1)])
