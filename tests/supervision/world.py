"""A small constructed world for the 督查, 评估 and publication tests.

One city plan for 乐山市 (a constructed 工作要点: two quantified targets, four tasks
with named lead units and deadlines) and constructed statistics that make one target
red; actors of every role. Everything here is CONSTRUCTED test data, labelled so in
its documents and sources — not any city's real plan or statistics.
"""

from __future__ import annotations

import datetime as dt

from innodrive.blobs import FolderBlobStore, Upload
from innodrive.services.actor import Actor, Role

CONSTRUCTED = "构造的测试数据（非真实统计）"
CITY = "511100"      # 乐山市
COUNTY = "511102"    # 市中区
PLAN = """乐山市科技创新工作要点
（构造的测试文件）
一、主要目标
到2025年，全市高新技术企业数量达到300家，技术合同成交额达到25亿元。
二、重点任务
（一）实施创新主体培育行动。由市科技局牵头，市经信局配合，2024年6月底前完成。
（二）建设成果转化平台。由市发改委牵头，2024年12月底前完成。
（三）推进科技金融结合。由市金融局牵头，2024年3月底前完成。
（四）实施企业技术改造行动。由市经信局牵头，2024年5月底前完成。
中共乐山市委科技委员会办公室
2021年3月1日
"""
AS_OF = dt.date(2024, 9, 30)
TODAY = dt.date(2024, 10, 8)

OFFICE = Actor(username="t-office", name="乐山市创新办", role=Role.OFFICE, region_code=CITY, via="web")
KJJ = Actor(username="t-kjj", name="市科技局", role=Role.UNIT, region_code=CITY, unit="市科技局", via="web")
JXJ = Actor(username="t-jxj", name="市经信局", role=Role.UNIT, region_code=CITY, unit="市经信局", via="web")
JRJ = Actor(username="t-jrj", name="市金融局", role=Role.UNIT, region_code=CITY, unit="市金融局", via="web")
COUNTY_ACTOR = Actor(username="t-county", role=Role.COUNTY, region_code=COUNTY, via="web")
EVALUATOR = Actor(username="t-eval", name="第三方评估机构", role=Role.EVALUATOR, region_code=CITY, via="web")
NPC = Actor(username="t-npc", role=Role.NPC, region_code=CITY, via="web")
ADMIN = Actor(username="t-admin", role=Role.ADMIN, via="web")
REVIEWER = Actor(username="t-reviewer", role=Role.REVIEWER, via="web")
OTHER_OFFICE = Actor(username="t-yibin", role=Role.OFFICE, region_code="511500", via="web")  # 宜宾市


def statistics(values: dict[int, float]) -> Upload:
    rows = "".join(f"乐山市,高新技术企业数量,{y},{v},家,{CONSTRUCTED}\n" for y, v in sorted(values.items()))
    return Upload(name="hnte.csv", data=("地区,指标,年份,值,单位,来源\n" + rows).encode("utf-8"))


def build_world(store) -> dict:
    """Add the constructed plan and statistics; return ids of its tasks by lead unit."""
    from innodrive.services import data, plans
    from innodrive.services.board import tasks

    plans.add_documents(store, OFFICE, [Upload(name="乐山2024要点.txt", data=PLAN.encode("utf-8"))])
    data.import_table(store, OFFICE, statistics({2020: 70, 2021: 80, 2022: 90, 2023: 100, 2024: 110}))
    ledger = tasks(store, OFFICE, as_of=AS_OF)
    return {line.task.lead_units[0]: line.task.id for line in ledger.lines if line.task.lead_units}


def blobs(tmp_path) -> FolderBlobStore:
    return FolderBlobStore(tmp_path / "blobs")


def pdf_evidence(name: str = "佐证材料.pdf") -> Upload:
    return Upload(name=name, data=b"%PDF-1.4\n% constructed evidence for a test\n")


def reading_order_text(pdf: bytes) -> str:
    """pdftotext in reading order (not ``-layout``): a table cell's lines stay together."""
    import subprocess

    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
