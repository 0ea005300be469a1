"""The boards and the audit log by region scope, and the memo that shares one evaluation
of every target among all actors (real store, real plans through the services)."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.services import accounts, audit, board, plans
from innodrive.services.actor import Actor, Role
from innodrive.store import derived

LESHAN, SHIZHONG, YIBIN = "511100", "511102", "511500"  # 乐山市, 市中区 (in 乐山), 宜宾市
TODAY = dt.date(2024, 6, 30)


def _plan(region: str, issuer: str, indicator: str, value: int, unit: str) -> plans.Upload:
    text = (f"{region}创新驱动发展三年行动计划（2023—2025年）（测试构造）\n{issuer}\n\n一、主要目标\n"
            f"到2025年，{region}{indicator}达到{value}{unit}。\n二、重点任务\n"
            f"（一）加强创新平台建设\n1. 建设创新平台服务体系。由市经信局牵头，市科技局配合，2025年6月底前完成。\n")
    return plans.Upload(name=f"{region}行动计划_测试构造.txt", data=text.encode("utf-8"))


@pytest.fixture
def scoped(initialised_store):
    store = initialised_store
    operator = Actor.local_operator("tester")
    batch = plans.add_documents(store, operator, [
        _plan("乐山市", "乐山市人民政府", "高新技术企业数量", 300, "家"),
        _plan("市中区", "乐山市市中区人民政府", "高新技术企业数量", 80, "家"),
        _plan("宜宾市", "宜宾市人民政府", "高新技术企业数量", 400, "家"),
    ])
    assert all(f.outcome != "failed" for f in batch.files), batch.files
    # the county's plan: its region as an office would set it (the reader takes 乐山市 from
    # the issuer line; which region a document names is the extraction's business)
    from sqlalchemy import update

    from innodrive.store.schema import PlanRow

    county_plan = next(f.plan_id for f in batch.files if f.file.startswith("市中区"))
    store.run(lambda s: s.execute(update(PlanRow).where(PlanRow.id == county_plan).values(region_code=SHIZHONG)))
    return store


def _regions(lines) -> set[str]:
    return {line.region_code for line in lines}


def test_a_city_office_sees_the_plans_of_its_counties(scoped):
    city = Actor(username="ls", role=Role.OFFICE, region_code=LESHAN)
    seen = _regions(board.targets(scoped, city, as_of=TODAY).lines)
    assert seen == {LESHAN, SHIZHONG}
    tasks = board.tasks(scoped, city, as_of=TODAY).lines
    assert {t.task.region_code for t in tasks} == {LESHAN, SHIZHONG}


def test_a_county_sees_only_its_own_and_a_region_filter_covers_descendants(scoped):
    county = Actor(username="sz", role=Role.COUNTY, region_code=SHIZHONG)
    assert _regions(board.targets(scoped, county, as_of=TODAY).lines) == {SHIZHONG}
    everyone = Actor(username="o", role=Role.OFFICE)
    assert _regions(board.targets(scoped, everyone, as_of=TODAY, region=LESHAN).lines) == {LESHAN, SHIZHONG}
    assert _regions(board.targets(scoped, everyone, as_of=TODAY).lines) == {LESHAN, SHIZHONG, YIBIN}


def test_a_filtered_board_equals_the_same_lines_of_the_full_board(scoped):
    everyone = Actor(username="o", role=Role.OFFICE)
    full = {line.target_id: line.status for line in board.targets(scoped, everyone, as_of=TODAY).lines}
    city = board.targets(scoped, Actor(username="ls", role=Role.OFFICE, region_code=LESHAN), as_of=TODAY)
    assert city.lines and all(full[line.target_id] == line.status for line in city.lines)
    assert sum(city.totals.values()) == len(city.lines)


def test_the_evaluation_is_shared_until_the_database_changes(scoped):
    first = board.evaluated_targets(scoped, as_of=TODAY)
    assert board.evaluated_targets(scoped, as_of=TODAY) is first  # one evaluation for every actor
    before = derived.version(scoped)
    accounts.add_user(scoped, Actor.local_operator("tester"), username="new-user", password="pass-word-2024",
                      role="区县", region=SHIZHONG)
    assert derived.version(scoped) > before  # every write is audited, so it moves the version
    again = board.evaluated_targets(scoped, as_of=TODAY)
    assert again is not first and [x.target_id for x in again] == [x.target_id for x in first]


def test_concurrent_callers_of_one_key_wait_for_a_single_computation(scoped):
    import threading
    import time

    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(derived.memo(scoped, ("test-slow",), slow)))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1


def test_a_city_office_reads_the_audit_entries_of_its_region_only(scoped):
    operator = Actor.local_operator("tester")
    accounts.add_user(scoped, operator, username="sz-county", password="pass-word-2024", role="区县", region=SHIZHONG)
    accounts.add_user(scoped, operator, username="yb-county", password="pass-word-2024", role="区县", region=YIBIN)
    for name in ("sz-county", "yb-county"):
        actor, _ = accounts.session_actor(scoped, accounts.sign_in(scoped, username=name, password="pass-word-2024").token)
        accounts.change_own_password(scoped, actor, "pass-word-2024", "pass-word-2025")
    city = Actor(username="ls", role=Role.OFFICE, region_code=LESHAN)
    seen = {e.actor for e in audit.read(scoped, city, limit=None).entries}
    assert seen == {"sz-county"}
    everyone = {e.actor for e in audit.read(scoped, Actor(username="o", role=Role.OFFICE), limit=None).entries}
    assert {"sz-county", "yb-county", "tester"} <= everyone

