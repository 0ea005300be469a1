"""Fixtures of the project tests: a real database, an office of 乐山市, a plan task, and the
constructed example call with its applications and experts (all labelled 构造示例)."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.services.actor import Actor, Role

LESHAN = "511100"
DECISION = """中共乐山市委 乐山市人民政府关于深入实施创新驱动发展战略的决定（构造示例）

一、总体要求
到2025年，全市高新技术企业达到200家。
二、重点任务
（一）改进科技项目组织方式。实施“揭榜挂帅”制度，围绕晶硅光伏产业链关键技术发布榜单。（牵头单位：市科技局）
（二）完善成果转化机制。建设技术转移服务平台。（牵头单位：市科技局）
"""


@pytest.fixture
def store(initialised_db_url, tmp_path, monkeypatch):
    from innodrive.store import open_store

    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path / "home"))
    s = open_store(initialised_db_url)
    yield s
    s.close()


@pytest.fixture
def office() -> Actor:
    return Actor(username="li.office", name="李科长", role=Role.OFFICE, region_code=LESHAN, via="web")


@pytest.fixture
def plan_task(store) -> int:
    """The id of a stored plan task (改进科技项目组织方式) the example call serves."""
    from innodrive.extraction.pipeline import extract_bytes
    from innodrive.plans.progress import list_tasks
    from innodrive.plans.storage import add_plan

    add_plan(store, extract_bytes(DECISION.encode("utf-8"), "决定（构造示例）.txt"), actor="setup")
    return next(t.id for t in list_tasks(store) if t.title.startswith("改进科技项目组织方式"))


@pytest.fixture
def seeded(store, office, plan_task):
    """The constructed example entered through the use cases, as the office would."""
    from innodrive.enterprises.directory import Enterprise
    from innodrive.projects import example
    from innodrive.projects.specs import ApplicationSpec, CallSpec, ExpertSpec, parse
    from innodrive.services import projects as P
    from innodrive.services.enterprise_directory import register_enterprises

    register_enterprises(store, office, [Enterprise(**e) for e in example.enterprises()])
    P.declare_call(store, office, parse(CallSpec, example.call(plan_task=plan_task)), on=dt.date(2024, 3, 10))
    apps = [P.enter_application(store, office, parse(ApplicationSpec, a)) for a in example.applications()]
    P.register_experts(store, office, [parse(ExpertSpec, e) for e in example.experts()])
    return {"apps": apps, "task": plan_task}
