"""Fixtures for the living-plan tests: real databases and extracted plans built from a
small decision text (spans are real offsets into that text)."""

from __future__ import annotations

import hashlib

import pytest

from innodrive.extraction.models import (
    DocumentMeta,
    Evidence,
    ExtractedPlan,
    OutlineNode,
    Programme,
    SourceInfo,
    Target,
)


@pytest.fixture
def db_url(initialised_db_url):
    """A fresh database as ``innodrive init`` leaves it."""
    return initialised_db_url


@pytest.fixture
def store(db_url, tmp_path, monkeypatch):
    from innodrive.store import open_store

    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path / "home"))
    s = open_store(db_url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def linker():
    """The real matcher over the shipped catalogue."""
    from innodrive.plans.links import catalogue_linker

    return catalogue_linker()


DECISION = """中共测试市委关于深入推进创新驱动发展的决定
一、总体要求
1.指导思想。坚持创新在现代化建设全局中的核心地位。
2.主要目标。到2025年,全市国家高新技术企业达到{firms}家,研发经费投入强度达到2.5%,技术合同成交额较“十三五”末实现倍增,建成国家知识产权示范城市。
二、重点任务
1.培育创新主体。实施高新技术企业倍增计划。牵头单位:市科技局;责任单位:市财政局、市经信局。2023年6月底前完成。
2.建设创新平台。推进“5553”行动计划。牵头单位:市发展改革委。
{extra}三、保障措施
1.加强组织领导。建立领导小组。
"""


def build_plan(*, firms: int = 192, extra_task: str | None = None, file: str = "decision.txt",
               title: str = "中共测试市委关于深入推进创新驱动发展的决定") -> ExtractedPlan:
    """An extracted plan of the decision above, as the extractor would return it."""
    extra = f"3.{extra_task}。\n" if extra_task else ""
    text = DECISION.format(firms=firms, extra=extra)

    def span(s: str) -> tuple[int, int]:
        i = text.index(s)
        return (i, i + len(s))

    def node(level, label, title, path, number, marker, **kw):
        return OutlineNode(level=level, label=label, title=title, span=span(title), marker=marker, number=number,
                           path=path, **kw)

    outline = [
        node(1, "一", "总体要求", "一", 1, "cn_dun"),
        node(2, "1", "指导思想", "一/1", 1, "arabic_dot"),
        node(2, "1", "主要目标", "一/2", 2, "arabic_dot"),
        node(1, "二", "重点任务", "二", 2, "cn_dun"),
        node(2, "1", "培育创新主体", "二/1", 1, "arabic_dot", lead_units=["市科技局"],
             co_units=["市财政局", "市经信局"], deadline="2023-06", body_span=span("实施高新技术企业倍增计划")),
        node(2, "2", "建设创新平台", "二/2", 2, "arabic_dot", lead_units=["市发展改革委"]),
    ]
    if extra_task:
        outline.append(node(2, "3", extra_task, "二/3", 3, "arabic_dot"))
    outline += [
        node(1, "三", "保障措施", "三", 3, "cn_dun"),
        node(2, "1", "加强组织领导", "三/1", 1, "arabic_dot"),
    ]
    goal = f"到2025年,全市国家高新技术企业达到{firms}家"
    targets = [
        Target(indicator="国家高新技术企业", kind="number", value=firms, unit="家", comparator="=", year=2025,
               direction="ge", scope="全市", section="一/2", evidence=Evidence(text=goal, span=span(goal))),
        Target(indicator="研发经费投入强度", kind="number", value=2.5, unit="%", comparator="=", year=2025,
               section="一/2", evidence=Evidence(text="研发经费投入强度达到2.5%", span=span("研发经费投入强度达到2.5%"))),
        Target(indicator="技术合同成交额", kind="multiple", value=2, unit="倍", year=2025, baseline_year=2020,
               section="一/2", basis="cumulative",
               evidence=Evidence(text="技术合同成交额较“十三五”末实现倍增", span=span("技术合同成交额较“十三五”末实现倍增"))),
        Target(indicator="国家知识产权示范城市", kind="milestone", year=2025, note="建成", section="一/2",
               evidence=Evidence(text="建成国家知识产权示范城市", span=span("建成国家知识产权示范城市"))),
    ]
    programmes = [Programme(name="“5553”行动计划", parts=[], evidence=Evidence(text="推进“5553”行动计划",
                                                                           span=span("推进“5553”行动计划")))]
    return ExtractedPlan(
        source=SourceInfo(file=file, sha256=hashlib.sha256(text.encode()).hexdigest(), encoding="utf-8",
                          script="simplified"),
        document=DocumentMeta(title=title, issuer="中共测试市委", region="乐山市", genre="决定", issued="2021-07-06",
                              horizon=2025),
        outline=outline, targets=targets, programmes=programmes, warnings=["示例警告"],
    )


@pytest.fixture
def plan_factory():
    return build_plan
