"""A year's 考核 of 乐山's 区县 and 市级部门 on the bundled, constructed example, checked against
scores, grades and money computed by hand from the example's files.

The hand computation (every figure is in ``examples/kaohe``):

主城区 (rd 25 pts + bonus 1 per 10% over, max 2; hnte 25 + bonus max 3; contract 20; patents/10k by
rank 10/8/6; own task on time 20; deductions: 重大问题 −3 each, overdue task −1 each):
  市中区   rd 2.4/2.0=1.2 → 25 + 2; hnte 110/100=1.1 → 25 + 1; contract 15/12 → 20; patents 9.0 rank 1 → 10;
           task #11 done 09-15 ≤ 09-30 → 20.  base 100, over 3, items +2 (国家级平台) +1 (省级) → 106
  五通桥区 rd 1.8/2.0 → 22.5; hnte 50/50 → 25; contract 6/8 → 15; rank 2 → 8; task #12 done 12-10 > 10-31 → 0
           → 70.5
  沙湾区   rd 1.5/2 → 18.75; hnte 36/40 → 22.5; contract 3/5 → 12; rank 3 → 6; task #13 open → 0;
           deductions 重大问题 −3, overdue #13 −1 → 59.25 − 4 = 55.25
县域 (rd 20 + bonus max 2; hnte 20; 科小 15; fiscal share 15; contract 10; tasks 20, no task due → full):
  峨眉山市 1.2/1 → 20+2; 40/40 → 20; 100/80 → 15; 2/2 → 15; 5/4 → 10; #14 on time → 20 = 102;
           items 国家级 ×3 → 2+2+0 (max 4), 省级 +1 → 5 (cap 5) → 107
  犍为县   18 + 18 + 15 + 13.5 + 7.5 + 20 = 92
  夹江县   20 + 18 + 13.5 + 15 + 10 + 0 (#16 open) = 76.5 − 1 (overdue) = 75.5
  井研县   16 + 16 + 15 + 12 + 7.5 + 20 = 86.5
  金口河区 12.5 + 12.5 + 12 + 0 (fiscal share unknown) + 6 + 20 = 63
  沐川县   15 + 15 + 12 + 15 + 8 + 20 = 85
  峨边县   16 + 16 + 15 + 13.5 + 10 + 20 = 90.5 − 3 (重大问题) = 87.5
  马边县   12 + 12 + 12 + 12 + 5 + 20 = 73, 一票否决 → 0
部门 (tasks on time 40; reports approved 20; policy docs 20; satisfaction /90, 20):
  市科技局 #1 #4 #10 on time → 40; reports 3 approved 1 returned → 75% → 15; 4/4 → 20; 95/90 → 20; +2 → 97
  市经信局 #2 on time, #9 late → 50% → 20; 2/2 → 20; 3/4 → 15; 90/90 → 20 → 75
  市财政局 #3 on time, #8 open → 20; 20; 2/2 → 20; 81/90 → 18; overdue #8 −2 → 76
  市发展改革委 40 + 20 + 20 + 88.2/90×20 = 19.6 → 99.6 − 3 = 96.6
  市人社局 #6 late → 0; reports 1 approved 1 returned → 10; 1/2 → 10; 72/90 → 16 → 36
  市教育局 40 + 20 + 20 + satisfaction unknown 0 → 80
Grades: 县（市、区） by quota (优秀 ≤ floor(11×30%)=3 and ≥ 90; 良好 ≤ 4 and ≥ 80; 一般 ≥ 60; else 较差);
部门 by bands (90/80/60).
Fund 县（市、区）: 1000 万元 split by (score − 60) over those above 60: weights 47, 46, 32, 27.5, 26.5, 25,
15.5, 10.5, 3 (sum 233); 1000×w/233 = 201.72, 197.42, 137.34, 118.03, 113.73, 107.30, 66.52, 45.06, 12.88;
floors sum 996, the 4 largest remainders (.88 金口河, .73 井研, .72 峨眉山, .52 夹江) get 1 more.
Fund 部门: 60 万元 by grade coefficients 1.5/1.0/0.5/0 → weights 1.5, 1.5, 1, .5, .5, 0 (sum 5) → 18, 18, 12, 6, 6, 0.
"""

from __future__ import annotations

import datetime as dt

import pytest
from tests.kaohe.conftest import OFFICE

from innodrive.blobs import Upload
from innodrive.errors import Conflict, InputError
from innodrive.services import kaohe as svc
from innodrive.services.actor import Actor, Role

TOTALS = {
    "市中区": 106.0, "五通桥区": 70.5, "沙湾区": 55.25, "峨眉山市": 107.0, "犍为县": 92.0, "夹江县": 75.5,
    "井研县": 86.5, "金口河区": 63.0, "沐川县": 85.0, "峨边彝族自治县": 87.5, "马边彝族自治县": 0.0,
    "市科技局": 97.0, "市经信局": 75.0, "市财政局": 76.0, "市发展改革委": 96.6, "市人社局": 36.0, "市教育局": 80.0,
}
COUNTY_ORDER = [("峨眉山市", 1, "优秀"), ("市中区", 2, "优秀"), ("犍为县", 3, "优秀"), ("峨边彝族自治县", 4, "良好"),
                ("井研县", 5, "良好"), ("沐川县", 6, "良好"), ("夹江县", 7, "一般"), ("五通桥区", 8, "一般"),
                ("金口河区", 9, "一般"), ("沙湾区", 10, "较差"), ("马边彝族自治县", 11, "较差")]
DEPT_ORDER = [("市科技局", 1, "优秀"), ("市发展改革委", 2, "优秀"), ("市教育局", 3, "良好"), ("市财政局", 4, "一般"),
              ("市经信局", 5, "一般"), ("市人社局", 6, "较差")]
COUNTY_FUND = {"峨眉山市": 202, "市中区": 197, "犍为县": 137, "峨边彝族自治县": 118, "井研县": 114, "沐川县": 107,
               "夹江县": 67, "五通桥区": 45, "金口河区": 13, "沙湾区": 0, "马边彝族自治县": 0}
DEPT_FUND = {"市科技局": 18.0, "市发展改革委": 18.0, "市教育局": 12.0, "市财政局": 6.0, "市经信局": 6.0, "市人社局": 0.0}
COUNTY = Actor(username="金口河区联络员", role=Role.COUNTY, region_code="511113", via="web")
HRSS = Actor(username="市人社局联络员", role=Role.UNIT, unit="市人力资源和社会保障局", via="web")
IN_WINDOW = dt.date(2025, 1, 22)


def _order(result, group):
    g = next(g for g in result.groups if g.name == group)
    return [(n, result.unit(n).rank, result.unit(n).grade) for n in g.units]


def test_preliminary_scores_grades_and_money_match_the_hand_computation(example):
    store, cycle = example
    run = svc.score(store, OFFICE, cycle)
    assert (run.number, run.stage) == (1, "preliminary")
    result = svc.results(store, OFFICE, cycle).result
    assert {u.unit: u.total for u in result.units} == pytest.approx(TOTALS, abs=1e-9)
    assert _order(result, "县（市、区）") == COUNTY_ORDER
    assert _order(result, "市级部门") == DEPT_ORDER
    funds = {a.group: a for a in svc.allocate(store, OFFICE, cycle)}
    assert {line.unit: line.amount for line in funds["县（市、区）"].lines} == COUNTY_FUND
    assert funds["县（市、区）"].allocated == 1000
    assert {line.unit: line.amount for line in funds["市级部门"].lines} == DEPT_FUND
    # parts of the totals
    shizhong = result.unit("市中区")
    assert (shizhong.base, shizhong.over_bonus, shizhong.item_bonus, shizhong.deduction) == pytest.approx((100, 3, 3, 0))
    emei = result.unit("峨眉山市")
    assert [i.points for i in emei.items if i.kind == "bonus"] == [2.0, 2.0, 0.0, 1.0]
    assert "已达加分上限" in emei.items[2].note
    mabian = result.unit("马边彝族自治县")
    assert mabian.vetoed and mabian.base == pytest.approx(73.0) and mabian.veto_reasons == ["发生严重科研失信或重大科技安全事件"]
    assert result.unit("金口河区").unknown == ["地方财政科技支出占一般公共预算支出比重"]
    assert result.unit("市教育局").unknown == ["服务企业创新满意度"]
    assert result.data_note and "构造" in result.data_note


def test_every_point_is_explained_back_to_data_and_rules(example):
    store, cycle = example
    svc.score(store, OFFICE, cycle)
    u = svc.explain(store, OFFICE, cycle, "沙湾区")
    rd = next(r for r in u.rules if r.code == "rd_intensity")
    assert rd.formula == "完成率 = 实际 1.5 ÷ 目标 2 = 75.00%；得分 = min(75.00%, 100%) × 25 = 18.75"
    assert rd.actual.source.kind == "observation" and "构造数据" in rd.actual.source.text
    assert rd.actual.source.ref["period"] == "2024"
    assert rd.target.source.kind == "data" and "考核数据-2024（构造）.csv 第" in rd.target.source.text
    rank = next(r for r in u.rules if r.method == "rank")
    assert (rank.rank, rank.ranked, rank.base) == (3, 3, 6.0)
    task = next(r for r in u.rules if r.code == "task_on_time")
    assert task.actual.value == 0 and "#13" in task.actual.source.text and "未按期完成 1 项" in task.actual.source.text
    deductions = [i for i in u.items if i.kind == "deduction"]
    assert [(i.name, i.points) for i in deductions] == [("发生重大问题被通报", -3.0), ("重点任务逾期未完成", -1.0)]
    assert "省科技厅通报" in deductions[0].evidence and "#13" in deductions[1].evidence
    assert sum(r.base for r in u.rules) + u.over_bonus + u.item_bonus - u.deduction == pytest.approx(u.total)
    keji = svc.explain(store, OFFICE, cycle, "市科学技术局")  # an alias of 市科技局
    reports = next(r for r in keji.rules if r.code == "report_approval")
    assert reports.actual.value == 75.0 and "通过 3 份，退回 1 份" in reports.actual.source.text
    fazhan = svc.explain(store, OFFICE, cycle, "市发展改革委")
    sat = next(r for r in fazhan.rules if r.code == "service_satisfaction")
    assert sat.target.source.kind == "framework" and sat.base == pytest.approx(19.6)


def test_an_appeal_changes_a_score_and_the_change_is_audited(example):
    from innodrive.store import audit

    store, cycle = example
    svc.score(store, OFFICE, cycle)
    appeal = svc.file_appeal(store, COUNTY, cycle, unit="金口河区", subject="indicator:fiscal_sti_expenditure_share",
                             claim="统计数据漏报：本区2024年地方财政科技支出占比1.0%，见财政决算报表",
                             requested={"value": 1.0},
                             files=[Upload(name="金口河区2024年财政决算表.pdf", data=b"%PDF-1.4 constructed")],
                             today=IN_WINDOW)
    assert appeal.state == "pending" and appeal.files[0].file_name == "金口河区2024年财政决算表.pdf"
    decided = svc.decide_appeal(store, OFFICE, appeal.id, accept=True, reason="经核对财政决算报表，数据属实")
    # 1.0/1.2 × 15 = 12.5 → 63 + 12.5 = 75.5, tied with 夹江县 for 7th; 五通桥区 drops to 9th
    assert decided.effect["before"] == {"total": 63.0, "rank": 9, "grade": "一般"}
    assert decided.effect["after"]["total"] == pytest.approx(75.5)
    assert decided.effect["after"]["rank"] == 7 and decided.effect["after"]["grade"] == "一般"
    view = svc.results(store, OFFICE, cycle)
    assert view.run.number == 2 and view.run.stage == "review"
    jkh = view.result.unit("金口河区")
    fiscal = next(r for r in jkh.rules if r.code == "fiscal_sti_expenditure_share")
    assert fiscal.actual.source.kind == "correction" and f"申诉 #{appeal.id}" in fiscal.actual.source.text
    assert "原值 未知 → 1" in fiscal.actual.source.text and jkh.unknown == [] and jkh.corrections == [appeal.id]
    assert view.result.unit("五通桥区").rank == 9
    # the first run is kept as it was
    first = svc.results(store, OFFICE, cycle, run=1).result
    assert first.unit("金口河区").total == 63.0
    # money follows: weights now sum 245.5; 1000×w/245.5 with the largest remainders (井研 .94, 沐川 .83,
    # 五通桥 .77, 峨眉山 .45) rounded up
    fund = next(a for a in svc.allocate(store, OFFICE, cycle) if a.group == "县（市、区）")
    assert {line.unit: line.amount for line in fund.lines} == {
        "峨眉山市": 192, "市中区": 187, "犍为县": 130, "峨边彝族自治县": 112, "井研县": 108, "沐川县": 102,
        "金口河区": 63, "夹江县": 63, "五通桥区": 43, "沙湾区": 0, "马边彝族自治县": 0}
    with store.read() as s:
        entries = audit.entries(s, entity="kaohe_appeal", entity_id=appeal.id)
    assert [e.action for e in entries] == ["kaohe.appeal.file", "kaohe.appeal.decide"]
    assert entries[-1].actor == "创新办张三" and entries[-1].before["total"] == 63.0
    assert entries[-1].after["effect"]["after"]["total"] == pytest.approx(75.5)
    assert "63.00 → 75.50" in entries[-1].summary


def test_a_rejected_appeal_changes_nothing_and_finalising_needs_every_decision(example):
    store, cycle = example
    svc.score(store, OFFICE, cycle)
    task_id = next(t.task_id for t in svc.explain(store, OFFICE, cycle, "市人社局").tasks)
    appeal = svc.file_appeal(store, HRSS, cycle, unit="市人社局", subject=f"task:{task_id}",
                             claim="8月25日已报送完成，被退回不合理", requested={"completed_on": "2024-08-25"},
                             today=IN_WINDOW)
    with pytest.raises(Conflict, match="未处理"):
        svc.finalise(store, OFFICE, cycle, today=dt.date(2025, 2, 10))
    svc.decide_appeal(store, OFFICE, appeal.id, accept=False, reason="8月25日报送时办法尚未印发，不能认定完成")
    assert svc.results(store, OFFICE, cycle).result.unit("市人社局").total == 36.0
    with pytest.raises(Conflict, match="申诉期到 2025-01-31 结束"):
        svc.finalise(store, OFFICE, cycle, today=dt.date(2025, 1, 31))
    final = svc.finalise(store, OFFICE, cycle, today=dt.date(2025, 2, 1))
    assert final.stage == "final"
    assert svc.get_cycle(store, OFFICE, cycle).stage == "final"
    assert {u.unit: u.total for u in svc.results(store, OFFICE, cycle).result.units} == pytest.approx(TOTALS)
    with pytest.raises(Conflict, match="已定档"):
        svc.score(store, OFFICE, cycle)
    with pytest.raises(Conflict):
        svc.file_appeal(store, HRSS, cycle, unit="市人社局", subject="other", claim="再次申诉", today=IN_WINDOW)


def test_a_task_appeal_accepted_counts_the_task_as_done(example):
    store, cycle = example
    svc.score(store, OFFICE, cycle)
    task = next(t for t in svc.explain(store, OFFICE, cycle, "夹江县").tasks)
    appeal = svc.file_appeal(store, OFFICE, cycle, unit="夹江县", subject=f"task:{task.task_id}",
                             claim="平台已于7月30日建成，验收报告附后", requested={"completed_on": "2024-07-30"},
                             today=IN_WINDOW)
    decided = svc.decide_appeal(store, OFFICE, appeal.id, accept=True, reason="验收报告属实")
    # on time (07-30 ≤ 07-31) → 20 points; no longer overdue → no −1: 75.5 + 20 + 1 = 96.5
    assert decided.effect["after"]["total"] == pytest.approx(96.5)
    u = svc.results(store, OFFICE, cycle).result.unit("夹江县")
    assert not [i for i in u.items if i.kind == "deduction"]


def test_appeals_are_refused_outside_the_window_and_before_results(example):
    store, cycle = example
    with pytest.raises(Conflict, match="初步结果公布后"):
        svc.file_appeal(store, COUNTY, cycle, unit="金口河区", subject="other", claim="x", today=IN_WINDOW)
    svc.score(store, OFFICE, cycle)
    for day in (dt.date(2025, 1, 19), dt.date(2025, 2, 1)):
        with pytest.raises(Conflict, match="不在申诉期内"):
            svc.file_appeal(store, COUNTY, cycle, unit="金口河区", subject="other", claim="x", today=day)
    with pytest.raises(InputError, match="申诉对象"):
        svc.file_appeal(store, COUNTY, cycle, unit="金口河区", subject="指标", claim="x", today=IN_WINDOW)
    with pytest.raises(InputError, match="没有“nope”"):
        svc.file_appeal(store, COUNTY, cycle, unit="金口河区", subject="indicator:nope", claim="x", today=IN_WINDOW)


def test_what_if_allocation_changes_nothing_stored(example):
    store, cycle = example
    svc.score(store, OFFICE, cycle)
    what_if = svc.allocate(store, OFFICE, cycle, group="县（市、区）", overrides={"pool": 500, "floor": 80})
    # above 80: 峨眉山 27, 市中区 26, 犍为 12, 峨边 7.5, 井研 6.5, 沐川 5 = 84; 500×w/84 →
    # 160.71, 154.76, 71.43, 44.64, 38.69, 29.76; floors 497, +1 to .76 市中区, .76 沐川, .71 峨眉山
    assert what_if[0].simulated
    assert {x.unit: x.amount for x in what_if[0].lines if x.amount} == {
        "峨眉山市": 161, "市中区": 155, "犍为县": 71, "峨边彝族自治县": 44, "井研县": 39, "沐川县": 30}
    stored = next(a for a in svc.allocate(store, OFFICE, cycle) if a.group == "县（市、区）")
    assert not stored.simulated and stored.pool == 1000


def test_framework_versions_and_the_yearly_diff(example):
    store, cycle = example
    d = svc.diff_frameworks(store, OFFICE, unit_type="县域", old_year=2023, new_year=2024)
    texts = [line.text for line in d.lines]
    assert "计分规则“R&D经费投入强度”的分值：15 → 20" in texts
    assert "计分规则“高新技术企业数”的分值：25 → 20" in texts
    assert any(t.startswith("新增指标“科技型中小企业数”") for t in texts)
    assert any(t.startswith("删除指标“数字经济核心产业增加值占GDP比重”") for t in texts)
    assert "设置“加分合计上限”的取值：3 → 5" in texts
    assert "设置“没有到期任务时”的取值：按未知计（不得分） → 按满分计" in texts
    assert any(t.startswith("新增加分项“获省级以上表彰或改革试点”") for t in texts)
    assert len(d.lines) == 9
    # adding the same text again is not a new version; a changed text is
    from innodrive.kaohe.example import FOLDER

    text = (FOLDER / "框架-县域-2024.yaml").read_bytes()
    again = svc.add_framework(store, OFFICE, text, file_name="框架-县域-2024.yaml")
    assert not again.created and again.framework.revision == 1
    changed = text.replace(b"bonus_cap: 5", b"bonus_cap: 4")
    v2 = svc.add_framework(store, OFFICE, changed, file_name="框架-县域-2024（修订）.yaml")
    assert v2.created and v2.framework.revision == 2
    d2 = svc.diff_frameworks(store, OFFICE, unit_type="县域", old_year=2024, new_year=2024, old_revision=1)
    assert [line.text for line in d2.lines] == ["设置“加分合计上限”的取值：5 → 4"]


@pytest.mark.postgres
def test_the_cycle_on_postgresql(tmp_path, monkeypatch):
    """The same year end to end on PostgreSQL: load, score, appeal, finalise."""
    from innodrive.kaohe.example import load_example
    from innodrive.store import open_store
    from innodrive.store.testing import initialised_database, postgres_url

    if not postgres_url():
        pytest.skip("INNODRIVE_TEST_POSTGRES_URL not set")
    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path))
    with initialised_database("postgresql", tmp_path) as url:
        store = open_store(url)
        try:
            cycle = load_example(store, OFFICE).cycle_id
            svc.score(store, OFFICE, cycle)
            assert {u.unit: u.total for u in svc.results(store, OFFICE, cycle).result.units} == pytest.approx(TOTALS)
            a = svc.file_appeal(store, COUNTY, cycle, unit="金口河区", subject="indicator:fiscal_sti_expenditure_share",
                                claim="漏报", requested={"value": 1.0}, today=IN_WINDOW)
            assert svc.decide_appeal(store, OFFICE, a.id, accept=True, reason="属实").effect["after"]["total"] == \
                pytest.approx(75.5)
            assert svc.finalise(store, OFFICE, cycle, today=dt.date(2025, 2, 3)).stage == "final"
        finally:
            store.close()
