"""Progress reports: 报送 → 审核 → 退回/通过, validation, evidence and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from innodrive.errors import Conflict, InputError, NotFound, ValidationFailed
from innodrive.plans import progress, storage
from innodrive.store import audit
from innodrive.store.schema import ProgressReportRow

TODAY = dt.date(2023, 7, 10)


@pytest.fixture
def task_id(store, plan_factory, linker):
    storage.add_plan(store, plan_factory(), actor="张三", linker=linker)
    return next(t.id for t in progress.list_tasks(store) if t.title == "培育创新主体")


def reports_count(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(ProgressReportRow))


def test_a_report_waits_for_review_and_only_approval_counts(store, task_id):
    r = progress.report_progress(store, task_id=task_id, as_of=dt.date(2023, 6, 30), status="推进中", percent=60,
                                 narrative="新认定高新技术企业18家", reporter="王五", unit="市科技局", today=TODAY)
    assert r.review_state == "submitted" and r.status == "in_progress" and r.percent == 60
    task = progress.get_task(store, task_id)
    assert [x.id for x in task.reports] == [r.id] and task.approved_reports() == []
    approved = progress.review_report(store, report_id=r.id, approve=True, reviewer="赵六")
    assert approved.review_state == "approved" and approved.reviewer == "赵六" and approved.reviewed_at is not None
    assert progress.get_task(store, task_id).latest_approved().id == r.id


def test_a_returned_report_needs_a_reason_and_never_counts(store, task_id):
    r = progress.report_progress(store, task_id=task_id, as_of=dt.date(2023, 6, 30), status="已完成", percent=100,
                                 narrative="完成", reporter="王五", today=TODAY)
    with pytest.raises(InputError, match="退回理由"):
        progress.review_report(store, report_id=r.id, approve=False, reviewer="赵六")
    returned = progress.review_report(store, report_id=r.id, approve=False, reviewer="赵六",
                                      reason="缺少认定文件，请补充证明材料")
    assert returned.review_state == "returned" and returned.review_reason == "缺少认定文件，请补充证明材料"
    assert progress.get_task(store, task_id).approved_reports() == []
    with pytest.raises(Conflict, match="已退回"):
        progress.review_report(store, report_id=r.id, approve=True, reviewer="赵六")


def test_the_reporter_cannot_approve_their_own_report(store, task_id):
    r = progress.report_progress(store, task_id=task_id, as_of=dt.date(2023, 6, 30), status="推进中", percent=10,
                                 narrative="启动", reporter="王五", today=TODAY)
    with pytest.raises(Conflict, match="报送人本人"):
        progress.review_report(store, report_id=r.id, approve=True, reviewer="王五")


def test_every_problem_of_a_bad_report_is_named_and_nothing_is_stored(store, task_id, tmp_path):
    with pytest.raises(ValidationFailed) as err:
        progress.report_progress(store, task_id=task_id, as_of=dt.date(2023, 8, 1), status="差不多", percent=130,
                                 narrative="  ", reporter="王五", evidence=[tmp_path / "missing.pdf"], today=TODAY)
    fields = sorted(p.field for p in err.value.problems)
    assert fields == ["as_of", "evidence", "narrative", "percent", "status"]
    assert reports_count(store) == 0


def test_completed_means_one_hundred_percent(store, task_id):
    with pytest.raises(ValidationFailed, match="已完成"):
        progress.report_progress(store, task_id=task_id, as_of=TODAY, status="completed", percent=80,
                                 narrative="完成", reporter="王五", today=TODAY)


def test_unknown_task_and_report_are_not_found(store, task_id):
    with pytest.raises(NotFound, match="没有编号为 9999 的任务"):
        progress.report_progress(store, task_id=9999, as_of=TODAY, status="推进中", narrative="x", reporter="王五",
                                 today=TODAY)
    with pytest.raises(NotFound):
        progress.review_report(store, report_id=9999, approve=True, reviewer="赵六")


def test_evidence_is_kept_under_its_hash_in_the_blob_store_not_as_a_local_path(store, task_id, tmp_path):
    import hashlib

    from innodrive.blobs import default_blob_store
    from innodrive.store.schema import ReportEvidenceRow

    f = tmp_path / "认定文件.pdf"
    f.write_bytes(b"%PDF-1.4 test evidence")
    r = progress.report_progress(store, task_id=task_id, as_of=TODAY, status="推进中", percent=50, narrative="见附件",
                                 reporter="王五", evidence=[f], today=TODAY)
    [e] = r.evidence
    assert e.sha256 == hashlib.sha256(b"%PDF-1.4 test evidence").hexdigest() and e.size == 22
    assert e.blob_key == e.sha256 and default_blob_store().get(e.blob_key) == b"%PDF-1.4 test evidence"
    with store.read() as s:
        row = s.scalars(select(ReportEvidenceRow)).one()
        stored = [str(getattr(row, c.name)) for c in ReportEvidenceRow.__table__.columns]
    assert not any("/" in v or str(tmp_path) in v for v in stored)


def test_evidence_is_copied_only_when_the_report_is_accepted(store, task_id, tmp_path):
    from innodrive.blobs import default_blob_store, sha256_hex
    from innodrive.errors import NotFound

    f = tmp_path / "未受理的证明.pdf"
    f.write_bytes(b"%PDF-1.4 evidence of a refused report")
    with pytest.raises(NotFound, match="没有编号为 999999 的任务"):
        progress.report_progress(store, task_id=999999, as_of=TODAY, status="推进中", percent=50,
                                 narrative="见附件", reporter="王五", evidence=[f], today=TODAY)
    with pytest.raises(NotFound, match="里程碑"):
        progress.report_progress(store, task_id=task_id, as_of=TODAY, status="推进中", percent=50,
                                 narrative="见附件", reporter="王五", evidence=[f], milestone_id=999999,
                                 today=TODAY)
    assert not default_blob_store().exists(sha256_hex(f.read_bytes())) and reports_count(store) == 0


def test_evidence_changed_behind_the_report_cannot_be_approved(store, task_id, tmp_path):
    from innodrive.blobs import default_blob_store

    f = tmp_path / "认定文件.pdf"
    f.write_bytes(b"%PDF-1.4 original")
    r = progress.report_progress(store, task_id=task_id, as_of=TODAY, status="推进中", percent=50, narrative="见附件",
                                 reporter="王五", evidence=[f], today=TODAY)
    blobs = default_blob_store()
    path = blobs._path(r.evidence[0].blob_key)
    path.write_bytes(b"%PDF-1.4 forged")
    with pytest.raises(Conflict, match="已缺失或被改动"):
        progress.review_report(store, report_id=r.id, approve=True, reviewer="赵六")
    # returning it is still possible
    progress.review_report(store, report_id=r.id, approve=False, reviewer="赵六", reason="材料被改动")


@pytest.mark.parametrize("alias", ["Wangwu", "WANGWU", "ｗａｎｇｗｕ", "wangwu\u200b", " wang wu "])
def test_the_reporter_cannot_review_under_a_differently_written_name(store, task_id, alias):
    r = progress.report_progress(store, task_id=task_id, as_of=TODAY, status="推进中", percent=10,
                                 narrative="启动", reporter="wangwu", today=TODAY)
    with pytest.raises(Conflict, match="报送人本人"):
        progress.review_report(store, report_id=r.id, approve=True, reviewer=alias)


def test_review_steps_are_in_the_audit_log_with_before_and_after(store, task_id):
    r = progress.report_progress(store, task_id=task_id, as_of=TODAY, status="推进中", percent=50, narrative="推进",
                                 reporter="王五", today=TODAY)
    progress.review_report(store, report_id=r.id, approve=False, reviewer="赵六", reason="数据不实")
    with store.read() as s:
        entries = audit.entries(s, entity="progress_report", entity_id=r.id)
    assert [(e.action, e.actor) for e in entries] == [("report.submit", "王五"), ("report.return", "赵六")]
    assert entries[1].before == {"review_state": "submitted"}
    assert entries[1].after == {"review_state": "returned", "reason": "数据不实"}


def test_milestones_belong_to_a_task(store, task_id):
    m = progress.add_milestone(store, task_id=task_id, title="完成企业摸底", due_date=dt.date(2023, 3, 31), actor="张三")
    task = progress.get_task(store, task_id)
    assert [(x.id, x.title) for x in task.milestones] == [(m.id, "完成企业摸底")]
    r = progress.report_progress(store, task_id=task_id, as_of=TODAY, status="推进中", percent=30, narrative="摸底完成",
                                 reporter="王五", milestone_id=m.id, today=TODAY)
    assert r.milestone_id == m.id


def test_a_retired_task_takes_no_more_reports(store, plan_factory, linker):
    storage.add_plan(store, plan_factory(extra_task="深化科技体制改革"), actor="张三", linker=linker)
    tid = next(t.id for t in progress.list_tasks(store) if t.title == "深化科技体制改革")
    storage.add_plan(store, plan_factory(), actor="张三", linker=linker)
    with pytest.raises(Conflict, match="已在计划新版本中撤销"):
        progress.report_progress(store, task_id=tid, as_of=TODAY, status="推进中", narrative="x", reporter="王五",
                                 today=TODAY)


def test_tasks_can_be_filtered_by_unit(store, task_id):
    assert [t.id for t in progress.list_tasks(store, unit="市财政局")] == [task_id]
    assert progress.list_tasks(store, unit="市教育局") == []
