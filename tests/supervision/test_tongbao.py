"""The 督查通报: every number checked against the board it came from, in the data and in the
rendered Word and PDF (pdftotext for the text, pdftoppm for the page images); an issued
通报 is frozen and the next one measures progress against it; same data, same bytes."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest

from innodrive.errors import Conflict, Forbidden, ValidationFailed
from innodrive.reports import render
from innodrive.reports.preflight import check_pdf, page_images
from innodrive.reports.text import number
from innodrive.reports.tongbao import build
from innodrive.reports.xlsx import render_xlsx
from innodrive.services import board
from innodrive.services import supervision as sv

from .world import AS_OF, CITY, JRJ, KJJ, NPC, OFFICE, blobs, pdf_evidence, reading_order_text

PERIOD = "2024Q3"  # ends on AS_OF


def _raise_within_the_period(store):
    return sv.run_rules(store, OFFICE, as_of=dt.date(2024, 9, 15), today=dt.date(2024, 9, 16))


def test_every_number_of_the_bulletin_is_the_boards(world):
    store, _ = world
    _raise_within_the_period(store)
    b = sv.tongbao(store, OFFICE, period=PERIOD).bulletin
    tb = board.targets(store, OFFICE, as_of=AS_OF)
    kb = board.tasks(store, OFFICE, as_of=AS_OF)
    assert (b.as_of, b.start, b.period_label) == (AS_OF, dt.date(2024, 7, 1), "2024年第三季度")
    assert b.targets_total == len(tb.lines) == 2
    assert {x.light: x.count for x in b.lights} == tb.totals == {"red": 1, "grey": 1}
    for light, lines in (("red", b.red), ("yellow", b.yellow)):
        expected = [t for t in tb.lines if t.status.light == light]
        assert [(x.target_id, x.indicator, x.reason, x.latest_value, x.expected_value) for x in lines] == [
            (t.target_id, t.indicator, t.status.reason, t.status.latest_value, t.status.expected_value)
            for t in expected]
    assert b.tasks_total == len(kb.lines) == 4
    assert b.tasks_completed == sum(k.status.completed for k in kb.lines)
    overdue = [k for k in kb.lines if "overdue" in k.status.flags]
    assert b.tasks_overdue == len(overdue) == 3
    assert {g.unit: (g.overdue, [t.days_overdue for t in g.tasks]) for g in b.overdue_by_unit} == {
        k.task.lead_units[0]: (1, [k.status.days_overdue]) for k in overdue}
    assert b.supervision.raised == 3 and b.supervision.open == 3 and b.supervision.closed == 0
    # the first 通报: progress measured against the board recomputed at the end of 2024Q2
    q2 = board.tasks(store, OFFICE, as_of=dt.date(2024, 6, 30))
    assert b.progress.basis == "recomputed" and b.progress.previous_period == "2024Q2"
    assert b.progress.overdue_before == sum("overdue" in k.status.flags for k in q2.lines)
    assert b.data_notes and "构造的测试数据" in b.data_notes[0]


def _numbers_in(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


def _allowed_numbers(b, reference: str | None, issued_on: dt.date) -> set[str]:
    """Every number the data holds, as the document may write it, plus the structure's own
    (table numbers, page numbers)."""
    raw = json.dumps(b.model_dump(mode="json"), ensure_ascii=False)
    allowed = set(re.findall(r"\d+(?:\.\d+)?", raw))

    def walk(v):
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, float):
            for d in (0, 1, 2, None):
                allowed.update(re.findall(r"\d+(?:\.\d+)?", number(v, d)))
                allowed.update(re.findall(r"\d+(?:\.\d+)?", number(v * 100, d)))

    walk(b.model_dump())
    allowed.update(str(x) for x in range(1, 10))  # 表1…表5, page numbers —1—…
    allowed.update({str(issued_on.year), str(issued_on.month), str(issued_on.day), "100.0"})
    allowed.update(re.findall(r"\d+", reference or ""))
    return allowed


def test_the_rendered_documents_hold_only_the_boards_numbers(world, tmp_path):
    store, _ = world
    _raise_within_the_period(store)
    b = sv.tongbao(store, OFFICE, period=PERIOD).bulletin
    files = build(b)
    pdf = render(files.document, "pdf")
    report = check_pdf(pdf, expect=[
        "乐山市创新驱动发展领导小组办公室", "关于2024年第三季度创新驱动发展目标任务推进情况的督查通报",
        "征求意见稿", "构造的测试数据", "纳入监测的目标共2项，其中红灯1项（占50.0%），灰灯1项（占50.0%）",
        "红灯目标1项，黄灯目标0项", "任务台账共有重点任务4项，已完成0项，逾期未完成3项，涉及牵头单位3个",
        "本期发出督办单3件，办结0件，升级督办0次，开展约谈0次", "待责任单位答复的督办单3件",
        "高新技术企业数量", "市科技局", "市金融局", "市经信局", "2024年9月30日"])
    assert report.problems == []  # Chinese text present, every glyph embedded, nothing off the 版心, tables fit
    images = page_images(pdf)
    assert len(images) == report.pages >= 3
    assert all((img < 200).mean() > 0.005 for img in images)  # every page image has ink
    assert "".join(b.red[0].reason.split()) in "".join(reading_order_text(pdf).split())  # a table cell, whole
    allowed = _allowed_numbers(b, None, b.as_of)
    stray = [n for n in _numbers_in(report.all_text) if n not in allowed]
    assert stray == [], f"numbers in the PDF that are not the data's: {stray}"

    import docx

    doc = docx.Document(io.BytesIO(render(files.document, "docx")))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "逾期未完成3项" in text and b.red[0].reason in text
    stray = [n for n in _numbers_in(text) if n not in allowed]
    assert stray == [], f"numbers in the Word file that are not the data's: {stray}"

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render_xlsx(files.appendix)))
    red_rows = [r for r in wb["红灯黄灯目标"].iter_rows(min_row=4, values_only=True) if r[0] in ("红灯", "黄灯")]
    assert [(r[0], r[1], r[5], r[10]) for r in red_rows] == [("红灯", t.indicator, t.latest_value, t.reason)
                                                             for t in b.red]
    overdue_rows = list(wb["逾期任务"].iter_rows(min_row=2, values_only=True))
    assert sorted((r[0], r[4]) for r in overdue_rows) == sorted(
        (g.unit, t.days_overdue) for g in b.overdue_by_unit for t in g.tasks)


def test_same_data_same_document_and_new_data_a_new_one(world):
    store, tasks = world
    first = build(sv.tongbao(store, OFFICE, period=PERIOD).bulletin)
    again = build(sv.tongbao(store, OFFICE, period=PERIOD).bulletin)
    for fmt in ("pdf", "docx"):
        assert render(first.document, fmt) == render(again.document, fmt)
    assert render_xlsx(first.appendix) == render_xlsx(again.appendix)
    from innodrive.services import tasks as task_service

    r = task_service.report(store, KJJ, task_id=tasks["市科技局"], as_of=dt.date(2024, 9, 20), status="已完成",
                            percent=100, narrative="培育行动已完成", today=dt.date(2024, 9, 21))
    task_service.review(store, OFFICE, report_id=r.id, approve=True)
    changed = sv.tongbao(store, OFFICE, period=PERIOD).bulletin
    assert changed.tasks_completed == 1
    assert render(build(changed).document, "pdf") != render(first.document, "pdf")


def test_an_issued_bulletin_is_frozen_and_the_next_measures_progress_against_it(world, tmp_path):
    store, tasks = world
    issued = sv.issue_tongbao(store, OFFICE, period=PERIOD, reference="乐山创新办督〔2024〕3号")
    assert issued.issued and len(issued.sha256) == 64
    with pytest.raises(Conflict, match="已印发"):
        sv.issue_tongbao(store, OFFICE, period=PERIOD, reference="乐山创新办督〔2024〕4号")
    pdf = render(build(issued.bulletin, reference=issued.reference).document, "pdf")
    assert "乐山创新办督〔2024〕3号" in "".join(check_pdf(pdf).all_text.split())
    # the data changes after issuing: a task completes
    from innodrive.services import tasks as task_service

    r = task_service.report(store, JRJ, task_id=tasks["市金融局"], as_of=dt.date(2024, 10, 20), status="已完成",
                            percent=100, narrative="政策已出台", today=dt.date(2024, 10, 21))
    task_service.review(store, OFFICE, report_id=r.id, approve=True)
    reprint = sv.tongbao(store, OFFICE, period=PERIOD)
    assert reprint.issued and reprint.sha256 == issued.sha256 and reprint.bulletin == issued.bulletin
    assert render(build(reprint.bulletin, reference=reprint.reference).document, "pdf") == pdf
    q4 = sv.tongbao(store, OFFICE, period="2024Q4").bulletin
    p = q4.progress
    assert (p.basis, p.reference, p.previous_period) == ("issued", "乐山创新办督〔2024〕3号", PERIOD)
    assert p.overdue_before == issued.bulletin.tasks_overdue == 3
    assert q4.tasks_completed == 1
    text = "".join(check_pdf(render(build(q4).document, "pdf")).all_text.split())
    assert "与上期通报（乐山创新办督〔2024〕3号，截至2024年9月30日）相比" in text
    # the issued record cannot be edited behind innodrive's back
    from sqlalchemy import update

    from innodrive.publication.db import SnapshotRow

    with store.write() as s:
        s.execute(update(SnapshotRow).where(SnapshotRow.id == issued.snapshot_id)
                  .values(content=SnapshotRow.content + " "))
    with pytest.raises(Conflict, match="未通过完整性校验"):
        sv.tongbao(store, OFFICE, period=PERIOD)


def test_only_the_office_drafts_and_issues_the_npc_reads_issued_ones(world):
    store, _ = world
    for who in (KJJ, NPC):
        with pytest.raises(Forbidden):
            sv.issue_tongbao(store, who, period=PERIOD, reference="x")
    with pytest.raises(Forbidden, match="编制和印发督查通报"):
        sv.tongbao(store, NPC, period=PERIOD)  # nothing issued yet: a draft is the office's
    sv.issue_tongbao(store, OFFICE, period=PERIOD, reference="乐山创新办督〔2024〕3号")
    assert sv.tongbao(store, NPC, period=PERIOD).issued


def test_the_wording_is_the_offices_template_and_numbers_cannot_be_written_into_it(world, tmp_path, monkeypatch):
    store, _ = world
    home = tmp_path / "home"
    monkeypatch.setenv("INNODRIVE_HOME", str(home))
    folder = home / "templates" / "乐山市"
    folder.mkdir(parents=True)
    (folder / "duban_tongbao.yaml").write_text(
        "kind: duban_tongbao\nheader:\n  recipients: 各区县政府，市直各部门：\n", encoding="utf-8")
    b = sv.tongbao(store, OFFICE, period=PERIOD).bulletin
    doc = build(b).document
    assert doc.recipients == "各区县政府，市直各部门："
    (folder / "duban_tongbao.yaml").write_text(
        "kind: duban_tongbao\nbody:\n  - text: 本期红灯目标共3项。\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="数字只能来自数据"):
        build(b)


def test_period_words_and_bad_periods():
    from innodrive.errors import InputError
    from innodrive.supervision.bulletin import parse_bulletin_period, period_label, previous_period

    assert [period_label(parse_bulletin_period(x)) for x in ("2024Q2", "2024年6月", "2024年上半年", "2024")] == [
        "2024年第二季度", "2024年6月", "2024年上半年", "2024年"]
    assert [previous_period(x) for x in ("2024Q1", "2024-01", "2024H1", "2024")] == ["2023Q4", "2023-12", "2023H2",
                                                                                       "2023"]
    with pytest.raises(InputError, match="不能是某一天"):
        parse_bulletin_period("2024-06-30")
    with pytest.raises(InputError, match="无法识别的时期"):
        parse_bulletin_period("二季度")


def test_answers_and_closing_show_in_the_next_period(world, tmp_path):
    store, _ = world
    raised = _raise_within_the_period(store).raised
    n = next(x for x in raised if x.unit == "市科技局")
    sv.answer(store, KJJ, n.id, text_="已启动", evidence=[pdf_evidence()], blobs=blobs(tmp_path))
    sv.close(store, OFFICE, n.id, note="办结")
    # closed today (after 2024Q3): the Q3 通报 still shows it open at the end of Q3
    q3 = sv.tongbao(store, OFFICE, period=PERIOD).bulletin
    assert (q3.supervision.open, q3.supervision.closed) == (3, 0)
    assert q3.region_code == CITY
