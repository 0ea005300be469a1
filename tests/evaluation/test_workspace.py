"""The 第三方评估 workspace: a sample of progress reports drawn and drawn again from its seed,
verdicts with notes, discrepancy rates by unit — and an evaluator that can change nothing
but its own samples and verdicts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from tests.supervision.world import (
    AS_OF,
    EVALUATOR,
    JRJ,
    JXJ,
    KJJ,
    NPC,
    OFFICE,
    OTHER_OFFICE,
    blobs,
    build_world,
    pdf_evidence,
    reading_order_text,
)

from innodrive.blobs import Upload
from innodrive.errors import Conflict, Forbidden, InputError
from innodrive.reports import render
from innodrive.reports.evaluation import build
from innodrive.reports.preflight import check_pdf
from innodrive.services import evaluation as ev
from innodrive.services import tasks as task_service
from innodrive.store.schema import AuditRow

UNITS = {"市科技局": KJJ, "市经信局": JXJ, "市金融局": JRJ}


@pytest.fixture
def reports(initialised_store, tmp_path):
    """Three reports per unit (市科技局 and 市经信局 on their own tasks, 市金融局 on its own),
    with evidence; the office approves all but one returned and one left waiting."""
    store = initialised_store
    tasks = build_world(store)
    bs = blobs(tmp_path)
    ids = []
    for unit, actor in UNITS.items():
        for k in range(3):
            r = task_service.report(store, actor, task_id=tasks[unit], as_of=dt.date(2024, 7 + k, 10),
                                    status="推进中", percent=30 + 20 * k, narrative=f"{unit}第{k + 1}次报送进展",
                                    evidence=[pdf_evidence(f"{unit}材料{k + 1}.pdf")], today=dt.date(2024, 9, 30),
                                    blobs=bs)
            ids.append(r.id)
    task_service.review(store, OFFICE, report_id=ids[-1], approve=False, reason="材料不全", blobs=bs)
    for rid in ids[:-2]:
        task_service.review(store, OFFICE, report_id=rid, approve=True, blobs=bs)
    return store, tasks, ids, bs


def test_the_sample_is_drawn_from_approved_reports_by_unit_and_drawn_again_from_its_seed(reports):
    store, tasks, ids, _ = reports
    s = ev.draw_sample(store, EVALUATOR, name="2024年第三季度核查", size=4, by=["unit"], seed="20241008")
    assert s.frame_size == 7  # nine reports: one returned, one waiting
    assert s.seed == "20241008" and s.generator == "numpy.random.Generator(PCG64)" and len(s.frame_sha256) == 64
    assert {x.stratum: (x.population, x.sample) for x in s.strata} == {
        "市科技局": (3, 2), "市经信局": (3, 1), "市金融局": (1, 1)}
    assert {i.report_id for i in s.items} <= set(ids[:-2])
    assert all(i.stratum == i.unit and i.evidence and i.verdict is None for i in s.items)
    assert s.design_text == "按报送单位分层，按层规模比例分配，共 4 份，每层至少 1 份"
    again = ev.reproduce(store, EVALUATOR, s.id)
    assert again.frame_intact and again.same_items and again.redrawn == [i.report_id for i in s.items]
    assert again.current_frame_changed is False
    # a new approved report changes today's frame, not the recorded sample
    r = task_service.report(store, KJJ, task_id=tasks["市科技局"], as_of=dt.date(2024, 9, 20), status="推进中",
                            narrative="补充报送", today=dt.date(2024, 9, 30))
    task_service.review(store, OFFICE, report_id=r.id, approve=True)
    later = ev.reproduce(store, EVALUATOR, s.id)
    assert later.same_items and later.frame_intact and later.current_frame_changed is True
    twin = ev.draw_sample(store, EVALUATOR, name="复核", size=4, by=["unit"], seed="20241008",
                          period_to=dt.date(2024, 9, 15))
    assert [i.report_id for i in twin.items] == [i.report_id for i in s.items]  # same frame, same seed


def test_verdicts_rates_and_their_history(reports):
    store, *_ = reports
    s = ev.draw_sample(store, EVALUATOR, name="核查", size=7, by=["unit"], seed="7", method="clopper-pearson")
    items = {i.report_id: i for i in s.items}
    assert len(items) == 7
    verdicts = {}
    for k, item in enumerate(s.items):
        v = ("核实", "不符", "存疑")[k % 3]
        note = "" if v == "核实" else f"第{k + 1}份：佐证材料与报送不一致"
        ev.record_verdict(store, EVALUATOR, item.item_id, verdict=v, note=note)
        verdicts[item.item_id] = v
    with pytest.raises(InputError, match="须写明核查发现"):
        ev.record_verdict(store, EVALUATOR, s.items[0].item_id, verdict="不符")
    with pytest.raises(Conflict, match="与当前结论相同"):
        ev.record_verdict(store, EVALUATOR, s.items[0].item_id, verdict="核实")
    changed = ev.record_verdict(store, EVALUATOR, s.items[0].item_id, verdict="存疑", note="复核时发现日期存疑")
    first = changed.items[0]
    assert first.verdict.verdict == "doubtful" and [h.verdict for h in first.history] == ["verified", "doubtful"]
    verdicts[first.item_id] = "存疑"
    r = changed.rates
    for unit in r.by_unit:
        mine = [verdicts[i.item_id] for i in changed.items if i.unit == unit.group]
        assert (unit.judged, unit.discrepant, unit.doubtful) == (len(mine), mine.count("不符"), mine.count("存疑"))
        assert unit.rate == mine.count("不符") / len(mine)
    from innodrive.evaluation.estimates import interval

    o = r.overall
    assert (o.lower, o.upper) == interval(o.discrepant, o.judged, method="clopper-pearson", level=0.95)
    assert r.method == "clopper-pearson" and r.pending == 0
    with store.read() as session:
        actors = set(session.scalars(select(AuditRow.actor).where(AuditRow.action.like("evaluation.%"))))
    assert actors == {"t-eval"}


def test_the_evaluator_reads_evidence_of_its_sample_but_changes_nothing_else(reports):
    store, tasks, ids, bs = reports
    s = ev.draw_sample(store, EVALUATOR, name="核查", size=3, by=["unit"], seed="11")
    e = s.items[0].evidence[0]
    got = ev.evidence(store, EVALUATOR, item_id=s.items[0].item_id, sha256=e.sha256, blobs=bs)
    assert got.file_name == e.file_name and got.data.startswith(b"%PDF")
    from innodrive.services import data, plans, publication
    from innodrive.services import supervision as sv
    from innodrive.supervision.campaigns import Criteria

    writes = [
        lambda: plans.add_documents(store, EVALUATOR, [Upload(name="x.txt", data="到2025年，全市研发投入达到10亿元。"
                                                                                 .encode())]),
        lambda: data.import_table(store, EVALUATOR, Upload(name="x.csv", data=b"a,b\n1,2\n")),
        lambda: task_service.report(store, EVALUATOR, task_id=tasks["市科技局"], as_of=AS_OF, status="推进中",
                                    narrative="冒充报送"),
        lambda: task_service.review(store, EVALUATOR, report_id=ids[-2], approve=True),
        lambda: task_service.assign(store, EVALUATOR, task_id=tasks["市科技局"], lead=["市教育局"]),
        lambda: task_service.add_milestone(store, EVALUATOR, task_id=tasks["市科技局"], title="节点",
                                           due_date=AS_OF),
        lambda: sv.run_rules(store, EVALUATOR, as_of=AS_OF),
        lambda: sv.raise_notice(store, EVALUATOR, subject="x", unit="市科技局", deadline=dt.date(2030, 1, 1),
                                response="x"),
        lambda: sv.create_campaign(store, EVALUATOR, name="x", as_of=AS_OF, criteria=Criteria(flags=["overdue"])),
        lambda: sv.issue_tongbao(store, EVALUATOR, period="2024Q3", reference="x"),
        lambda: publication.publish(store, EVALUATOR, as_of=AS_OF),
        lambda: publication.publish_npc(store, EVALUATOR, as_of=AS_OF),
    ]
    for write in writes:
        with pytest.raises(Forbidden):
            write()
    # …and its reads stay in its region
    assert ev.list_samples(store, EVALUATOR)[0].id == s.id
    other = EVALUATOR.model_copy(update={"username": "t-eval-yb", "region_code": "511500"})
    assert ev.list_samples(store, other) == []
    with pytest.raises(Forbidden, match="本辖区"):
        ev.record_verdict(store, other, s.items[0].item_id, verdict="核实")
    with pytest.raises(Forbidden, match="本辖区"):
        ev.get_sample(store, other, s.id)


def test_only_the_evaluator_draws_and_judges_the_office_reads(reports):
    store, *_ = reports
    for who in (OFFICE, NPC, KJJ):
        with pytest.raises(Forbidden):
            ev.draw_sample(store, who, name="x", size=3)
    s = ev.draw_sample(store, EVALUATOR, name="核查", size=3, seed="5")
    assert ev.get_sample(store, OFFICE, s.id).id == s.id
    assert not ev.get_sample(store, OFFICE, s.id).can_judge
    with pytest.raises(Forbidden, match="无权填写第三方评估核查结论"):
        ev.record_verdict(store, OFFICE, s.items[0].item_id, verdict="核实")
    for who in (NPC, KJJ, OTHER_OFFICE):
        with pytest.raises(Forbidden):
            ev.get_sample(store, who, s.id)


def test_bad_designs_are_refused_with_the_field_named(reports):
    store, *_ = reports
    with pytest.raises(InputError, match="不认识的分层变量：colour"):
        ev.draw_sample(store, EVALUATOR, name="x", size=3, by=["colour"])
    with pytest.raises(InputError, match="须给出样本总量"):
        ev.draw_sample(store, EVALUATOR, name="x", size=None)
    with pytest.raises(InputError, match="区间方法"):
        ev.draw_sample(store, EVALUATOR, name="x", size=3, method="agresti")
    with pytest.raises(InputError, match="抽样框为空"):
        ev.draw_sample(store, EVALUATOR, name="x", size=3, period_to=dt.date(2020, 1, 1))
    with pytest.raises(InputError, match="无法识别的审核状态"):
        ev.draw_sample(store, EVALUATOR, name="x", size=3, review_states=["done"])


def test_the_evaluation_report_draft_renders_with_its_numbers(reports):
    store, *_ = reports
    s = ev.draw_sample(store, EVALUATOR, name="2024年第三季度核查", size=6, by=["unit"], seed="20241008")
    for k, item in enumerate(s.items):
        ev.record_verdict(store, EVALUATOR, item.item_id, verdict="不符" if k == 0 else "核实",
                          note="认定文件日期晚于报送截至日期" if k == 0 else "")
    s = ev.get_sample(store, EVALUATOR, s.id)
    files = build(s, city="乐山市", evaluator="第三方评估机构（构造）")
    pdf = render(files.document, "pdf")
    o = s.rates.overall
    report = check_pdf(pdf, expect=[
        "乐山市创新驱动发展重点任务进展报送第三方核查评估报告（初稿）", "乐山市创新驱动发展领导小组办公室：",
        f"共{s.frame_size}份", "随机种子为20241008", s.frame_sha256[:20], f"已核查{o.judged}份",
        f"核实{o.verified}份、不符{o.discrepant}份、存疑{o.doubtful}份", f"不符率为{o.rate * 100:.1f}%",
        f"{o.lower * 100:.1f}%至{o.upper * 100:.1f}%", "第三方评估机构（构造）"])
    assert report.problems == []
    assert "认定文件日期晚于报送截至日期" in "".join(reading_order_text(pdf).split())  # in a table cell
    assert render(build(s, city="乐山市", evaluator="第三方评估机构（构造）").document, "pdf") == pdf
