"""The cultivation funnel: pure counts, stage records in the store (SQLite, and
PostgreSQL when configured), plan targets from the living plan, candidates within reach."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from innodrive.enterprises.funnel import PlanTarget, StageRecord, compute_funnel

from .ent_helpers import make_code

D = dt.date


def _rec(i, stage, day, region="511502"):  # 511502 翠屏区, inside 宜宾市 511500
    return StageRecord(credit_code=make_code(i), stage=stage, date=day, region_code=region)


RECORDS = [
    _rec(1, "registered", D(2021, 4, 1)), _rec(1, "registered", D(2022, 4, 1)), _rec(2, "registered", D(2022, 5, 1)),
    _rec(3, "registered", D(2022, 6, 1)),
    _rec(1, "cultivating", D(2022, 2, 1)), _rec(2, "cultivating", D(2022, 3, 1)),
    _rec(1, "recognised", D(2022, 11, 1)),  # leaves the pool: recognised
    _rec(4, "recognised", D(2019, 12, 1)), _rec(4, "recognised", D(2022, 12, 1)),  # re-recognition
    _rec(5, "recognised", D(2020, 12, 1)),  # still valid at the end of 2022 (2020, 2021, 2022)
    _rec(6, "recognised", D(2019, 6, 1)),  # expired by 2022
    _rec(5, "gazelle", D(2022, 9, 1)),
]


def test_pure_funnel_counts_and_targets():
    targets = [PlanTarget(indicator_code="hnte_certified_count", year=2022, value=100, label="新增和重新认定高新技术企业"),
               PlanTarget(indicator_code="hnte_count", year=2025, value=192, label="国家高新技术企业")]
    rows = {r.stage: r for r in compute_funnel(RECORDS, year=2022, targets=targets, within_reach={"recognised": 7})}
    # 入库 valid one year: 2022 registrations are codes 1, 2, 3; first-time in 2022: 2 and 3
    assert (rows["registered"].cumulative, rows["registered"].new_in_year) == (3, 2)
    # pool: 1 was recognised after entering, 2 stays
    assert rows["cultivating"].cumulative == 1
    # 高企 valid three years at the end of 2022: recognitions in 2020-2022 -> codes 1, 4, 5
    rec = rows["recognised"]
    assert rec.cumulative == 3
    assert rec.new_in_year == 1  # only code 1 is first recognised in 2022 (4 is a re-recognition)
    assert rec.events_in_year == 2  # 1 and 4: 新增和重新认定
    by_code = {t.indicator_code: t for t in rec.targets}
    assert by_code["hnte_certified_count"].measured == 2
    assert by_code["hnte_certified_count"].shortfall == 100 - 2
    assert by_code["hnte_count"].year == 2025 and not by_code["hnte_count"].exact_year
    assert by_code["hnte_count"].shortfall == 192 - 3
    assert rec.within_reach == 7
    assert rows["gazelle"].cumulative == 1


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """A database as ``innodrive init`` leaves it (a copy of the process's initialised template)."""
    from innodrive.store import open_store
    from innodrive.store.testing import initialised_database, postgres_url

    if request.param == "postgresql" and not postgres_url():
        pytest.skip("INNODRIVE_TEST_POSTGRES_URL not set")
    with initialised_database(request.param, tmp_path) as url:
        s = open_store(url)
        try:
            yield s
        finally:
            s.close()


def _plan_with_target():
    from innodrive.extraction.models import DocumentMeta, Evidence, ExtractedPlan, SourceInfo, Target

    text = "2022年，新增和重新认定高新技术企业100家"
    return ExtractedPlan(
        source=SourceInfo(file="yibin-2022.txt", sha256="0" * 64, encoding="utf-8", script="simplified"),
        document=DocumentMeta(title="宜宾市2022年科技工作要点", issuer="宜宾市科学技术局", region="宜宾市", issued="2022-03-01"),
        targets=[Target(indicator="新增和重新认定高新技术企业", kind="number", value=100, unit="家", comparator=">=",
                        year=2022, evidence=Evidence(text=text, span=(0, len(text))))],
    )


OPERATOR = None


def _op():
    from innodrive.services.actor import Actor

    return Actor.local_operator("test")


def funnel_report(*, store, region, year, registry_file=None, on=None):
    """The funnel through the service floor, as every face calls it."""
    from innodrive.services.enterprises import funnel_report as service

    data = registry_file.read_bytes() if registry_file else None
    return service(store, _op(), region=region, year=year, on=on, registry=data,
                   registry_name=registry_file.name if registry_file else None)


def test_stage_records_and_plan_targets_in_the_store(store, tmp_path):
    from innodrive.enterprises.db import load_stages, record_stages
    from innodrive.plans.storage import add_plan

    assert record_stages(store, RECORDS, actor="test") == len(RECORDS)
    assert record_stages(store, RECORDS, actor="test") == 0  # idempotent
    add_plan(store, _plan_with_target(), actor="test")
    assert len(load_stages(store, region_code="511500")) == len(RECORDS)
    assert load_stages(store, region_code="511100") == []  # 乐山市
    report = funnel_report(region="宜宾市", year=2022, store=store)
    rec = next(r for r in report.rows if r.stage == "recognised")
    t = next(t for t in rec.targets if t.indicator_code == "hnte_certified_count")
    assert (t.value, t.measured, t.shortfall) == (100, 2, 98)


def test_ledger_import_is_all_or_nothing(store, tmp_path):
    from innodrive.enterprises.db import load_stages, read_ledger, record_stages
    from innodrive.errors import ValidationFailed

    good = tmp_path / "ledger.csv"
    good.write_text("统一社会信用代码,企业名称,所属地区,阶段,日期\n"
                    f"{make_code(1)},甲,翠屏区,入库,2022-04-01\n{make_code(2)},乙,宜宾市,认定,2022-11-30\n",
                    encoding="utf-8")
    recs = read_ledger(good)
    assert [r.stage for r in recs] == ["registered", "recognised"]
    assert record_stages(store, recs, actor="t") == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("统一社会信用代码,企业名称,所属地区,阶段,日期\n"
                   f"{make_code(3)},丙,翠屏区,上市,2022-04-01\n{make_code(4)},丁,宜宾市,认定,2099-01-01\n"
                   f"{make_code(5)},戊,火星市,入库,2022-01-01\n",
                   encoding="utf-8")
    with pytest.raises(ValidationFailed) as exc:
        read_ledger(bad)
    assert [(p.row, p.field) for p in exc.value.problems] == [(2, "阶段"), (3, "日期"), (4, "所属地区")]
    assert len(load_stages(store)) == 2


def test_cli_funnel_on_a_fresh_database(tmp_path):
    import os

    env = {**os.environ, "INNODRIVE_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    env.pop("INNODRIVE_DATABASE_URL", None)
    run = lambda *a: subprocess.run([sys.executable, "-m", "innodrive", *a], capture_output=True, text=True, env=env)  # noqa: E731
    r = run("enterprises", "funnel", "--region", "宜宾市", "--year", "2022")
    assert r.returncode == 2 and "innodrive init" in r.stderr and "Traceback" not in r.stderr
    assert run("init", "--no-data").returncode == 0
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("统一社会信用代码,企业名称,所属地区,阶段,日期\n"
                      f"{make_code(1)},甲,翠屏区,认定,2022-04-01\n", encoding="utf-8")
    r = run("enterprises", "funnel", "--records", str(ledger), "--region", "宜宾市", "--year", "2022")
    assert r.returncode == 0, r.stderr
    flat = "".join(r.stdout.split())
    assert "已导入培育阶段记录1条" in flat and "认定（高新技术企业）" in flat


def test_within_reach_counts_candidates_of_the_region_not_yet_at_the_stage(store, tmp_path):
    import shutil
    from pathlib import Path

    from innodrive.enterprises.db import record_stages

    example = Path(__file__).resolve().parents[2] / "examples" / "enterprises" / "示例企业登记表.csv"
    registry = tmp_path / "reg.csv"
    shutil.copy(example, registry)
    # constructed firm 06 (G2, 71 points) already holds 高企 recognition in 2022: it is not a candidate
    record_stages(store, [StageRecord(credit_code="91511500MA00000065", stage="recognised", date=D(2022, 5, 1),
                                      region_code="511502")], actor="t")
    report = funnel_report(region="宜宾市", year=2022, registry_file=registry, on=D(2024, 6, 30), store=store)
    rows = {r.stage: r for r in report.rows}
    # 高企 candidates in the example registry: G2 passes (held -> excluded); the gap example
    # needs 64 万元 of R&D (within the 100 万元 reach) -> 1
    assert rows["recognised"].within_reach == 1
    # 科小: T1 and T2 pass, T3 needs 2 technicians (reach 5), firm 04 needs 70 万元 R&D (reach 100)
    assert rows["registered"].within_reach == 4
    other = funnel_report(region="乐山市", year=2022, registry_file=registry, on=D(2024, 6, 30), store=store)
    assert {r.stage: r.within_reach for r in other.rows}["registered"] == 0


def test_funnel_service_resolves_regions_like_the_store_and_shows_official_statistics(store):
    from innodrive.errors import Forbidden, InputError
    from innodrive.indicators.observations import NewValue, record_value
    from innodrive.services.actor import Actor, Role
    from innodrive.services.enterprises import funnel_report as service
    from innodrive.store import audit

    # 凉山州 (the 州 form) and a six-digit code are accepted, as the store accepts them
    assert service(store, _op(), region="凉山州", year=2022).region_code == "513400"
    assert service(store, _op(), region="511100", year=2022).region_code == "511100"
    with pytest.raises(InputError, match="未知的地区"):
        service(store, _op(), region="火星市", year=2022)
    # the official statistic sits beside the ledger's count, with its source
    record_value(store, NewValue(region_code="511500", indicator_code="hnte_count", period="2022", value=326,
                                 unit="家", source="宜宾市2022年统计公报（构造）"), actor="test")
    view = service(store, _op(), region="宜宾市", year=2022)
    rec = next(r for r in view.rows if r.stage == "recognised")
    assert [(o.indicator_code, o.value, o.source) for o in rec.official] == [
        ("hnte_count", 326, "宜宾市2022年统计公报（构造）")]
    # the ledger import is recorded under the actor, not the process's login name
    ledger = ("统一社会信用代码,企业名称,所属地区,阶段,日期\n"
              f"{make_code(9)},甲,凉山州,认定,2022-04-01\n").encode()
    office = Actor(username="李四", role=Role.OFFICE, region_code=None, via="web")
    assert service(store, office, region="凉山彝族自治州", year=2022, ledger=ledger, ledger_name="台账.csv").imported == 1
    with store.read() as session:
        last = audit.entries(session, entity="enterprise_pipeline")[-1]
    assert last.actor == "李四" and "台账.csv" in last.summary
    # rights: a county account of 宜宾 cannot read 乐山's funnel; a 责任单位 cannot screen at all
    county = Actor(username="王五", role=Role.OFFICE, region_code="511500", via="web")
    with pytest.raises(Forbidden):
        service(store, county, region="乐山市", year=2022)
    assert service(store, county, region="翠屏区", year=2022).region_code == "511502"
    unit = Actor(username="赵六", role=Role.UNIT, unit="市经信局", via="web")
    with pytest.raises(Forbidden):
        service(store, unit, region="宜宾市", year=2022)
