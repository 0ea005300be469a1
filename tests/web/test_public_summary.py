"""The public sees only what the office published, frozen as it was published."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.blobs import Upload
from innodrive.errors import Forbidden
from innodrive.services import data, plans, publication
from innodrive.services.actor import Actor, Role

OFFICE = Actor(username="t-office", role=Role.OFFICE, region_code="511100", via="web")
DOC = """乐山市2025年科技创新工作要点（构造的测试文件）
一、主要目标
到2025年，全市高新技术企业数量达到200家。
"""
SECRET = """乐山市2026年科技创新工作要点（构造的测试文件，未发布）
一、主要目标
到2026年，全市技术合同成交额达到88亿元。
"""


def _csv(value: int) -> Upload:
    rows = "".join(f"乐山市,高新技术企业数量,{y},{v},家,构造的测试数据\n" for y, v in ((2023, 120), (2024, value)))
    return Upload(name="hnte.csv", data=("地区,指标,年份,值,单位,来源\n" + rows).encode("utf-8"))


def test_the_public_page_shows_only_published_snapshots(web):
    store = web.store
    public = web.client(None)
    assert "尚未发布公开摘要" in public.get("/public").text
    plans.add_documents(store, OFFICE, [Upload(name="2025要点.txt", data=DOC.encode("utf-8"))])
    data.import_table(store, OFFICE, _csv(130))
    summary = publication.publish(store, OFFICE, as_of=dt.date(2025, 6, 30))
    published_light = next(t.light for t in summary.targets if "高新技术企业" in t.indicator)
    # after publishing: a new plan and new data arrive, but are not published
    plans.add_documents(store, OFFICE, [Upload(name="2026要点.txt", data=SECRET.encode("utf-8"))])
    data.import_table(store, OFFICE, _csv(260))
    page = public.get("/public").text
    assert "高新技术企业数量" in page and "技术合同成交额" not in page and "88亿元" not in page
    api = public.get("/api/v1/public").json()
    assert len(api) == 1
    hnte = next(t for t in api[0]["targets"] if "高新技术企业" in t["indicator"])
    assert hnte["light"] == published_light and hnte["latest_value"] == 130
    # withdrawing removes it from the public page
    publication.withdraw(store, OFFICE, summary.id)
    assert public.get("/api/v1/public").json() == []


def test_only_an_office_publishes_and_only_its_region(web):
    store = web.store
    county = Actor(username="t-county", role=Role.COUNTY, region_code="511102", via="web")
    with pytest.raises(Forbidden, match="无权发布或撤回公开摘要"):
        publication.publish(store, county)
    with pytest.raises(Forbidden, match="本辖区"):
        publication.publish(store, OFFICE, region="宜宾市")
