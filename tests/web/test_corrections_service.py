"""Corrections of an extraction: audited, kept when the same file is added again, carried
to a revised version, exportable as gold that ``innodrive evaluate`` reads."""

from __future__ import annotations

import json

import pytest

from innodrive.blobs import Upload
from innodrive.errors import Forbidden, InputError
from innodrive.services import corrections, plans
from innodrive.services.actor import Actor, Role

TEXT = """乐山市2024年科技创新工作要点（构造的测试文件）
中共乐山市委科技委员会办公室
一、主要目标
到2024年，全市新增高新技术企业30家，技术合同成交额达到25亿元，规模以上工业企业研发经费支出增长10%。
二、重点任务
（一）实施创新主体培育行动。由市科技局牵头，2024年6月底前完成。
（二）建设成果转化平台。由市发改委牵头，2024年12月底前完成。
"""
REVISED = TEXT.replace("（一）实施创新主体培育行动", "（一）深入实施创新主体培育行动") + "（三）举办科技成果对接会。\n"
OFFICE = Actor(username="t-office", role=Role.OFFICE, region_code="511100", via="web")


def _add(store, text: str, name: str = "要点.txt", plan_id: int | None = None):
    return plans.add_documents(store, OFFICE, [Upload(name=name, data=text.encode("utf-8"))], plan_id=plan_id).files[0]


def _targets(store, plan_id):
    return {t.indicator: t for t in corrections.document(store, OFFICE, plan_id).targets}


def test_corrections_are_audited_kept_on_re_adding_and_carried_to_a_revision(web):
    store = web.store
    added = _add(store, TEXT)
    assert added.outcome == "new_plan"
    pid = added.plan_id
    targets = _targets(store, pid)
    contract = next(t for name, t in targets.items() if "技术合同" in name)
    false = next(t for name, t in targets.items() if "研发" in name)
    corrections.edit_target(store, OFFICE, contract.id, {"value": "26"})
    corrections.reject_target(store, OFFICE, false.id)
    start = TEXT.index("建设成果转化平台")
    corrections.add_target(store, OFFICE, pid, start=start, end=start + 8,
                           fields={"indicator": "成果转化平台", "kind": "milestone", "year": "2024"})
    view = corrections.document(store, OFFICE, pid)
    assert len(view.corrections) == 3 and view.rejected
    current = _targets(store, pid)
    assert current[contract.indicator].value == 26 and false.indicator not in current
    assert TEXT[current["成果转化平台"].start:current["成果转化平台"].end] == "建设成果转化平台"

    from innodrive.store import audit

    with store.read() as s:
        actions = [e.action for e in audit.entries(s, entity="target")]
    assert {"extraction.edit", "extraction.reject", "extraction.add"} <= set(actions)

    # the same file again: nothing changes, the corrections stay
    assert _add(store, TEXT).outcome == "unchanged"
    assert _targets(store, pid).keys() == current.keys()

    # a revised file: a new version, every correction applied again to its targets
    revised = _add(store, REVISED, name="要点（修订）.txt", plan_id=pid)  # as the plan's next version
    assert revised.outcome == "new_version" and revised.plan_id == pid
    again = _targets(store, pid)
    assert again[contract.indicator].value == 26
    assert false.indicator not in again
    assert "成果转化平台" in again
    text = corrections.document(store, OFFICE, pid).text
    assert text[again["成果转化平台"].start:again["成果转化平台"].end] == "建设成果转化平台"
    assert again[contract.indicator].corrected == "edit"


def test_a_correction_whose_text_is_gone_is_reported_not_guessed(web):
    store = web.store
    pid = _add(store, TEXT).plan_id
    start = TEXT.index("建设成果转化平台")
    corrections.add_target(store, OFFICE, pid, start=start, end=start + 8,
                           fields={"indicator": "成果转化平台", "kind": "milestone"})
    rewritten = TEXT.replace("（二）建设成果转化平台。", "（二）完善技术转移体系。")
    outcome = _add(store, rewritten, name="要点（改写）.txt", plan_id=pid)
    assert outcome.outcome == "new_version"
    assert any("找不到所选文字" in w for w in outcome.warnings)
    assert "成果转化平台" not in _targets(store, pid)


def test_only_the_office_of_the_region_corrects(web):
    store = web.store
    pid = _add(store, TEXT).plan_id
    target = next(iter(_targets(store, pid).values()))
    evaluator = Actor(username="t-evaluator", role=Role.EVALUATOR, region_code="511100", via="web")
    with pytest.raises(Forbidden, match="无权更正抽取结果"):
        corrections.edit_target(store, evaluator, target.id, {"value": "1"})
    other_city = Actor(username="yb", role=Role.OFFICE, region_code="511500", via="web")
    with pytest.raises(Forbidden, match="本辖区"):
        corrections.reject_target(store, other_city, target.id)
    with pytest.raises(InputError, match="目标值应为数字"):
        corrections.edit_target(store, OFFICE, target.id, {"value": "三十"})
    with pytest.raises(InputError, match="不在文件正文范围内"):
        corrections.add_target(store, OFFICE, pid, start=5, end=10 ** 6, fields={})


def test_the_gold_export_is_read_by_innodrive_evaluate(web, tmp_path):
    from innodrive.extraction.evaluate import evaluate

    store = web.store
    pid = _add(store, TEXT).plan_id
    contract = next(t for name, t in _targets(store, pid).items() if "技术合同" in name)
    corrections.edit_target(store, OFFICE, contract.id, {"value": "26"})
    gold = corrections.export_gold(store, OFFICE, [pid])
    (tmp_path / "gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    assert any(t["value"] == 26 for t in gold["documents"][0]["targets"])
    # the uncorrected extraction scores below 1 against the corrected gold
    from innodrive.documents import read_document
    from innodrive.extraction import extract

    predicted = tmp_path / "pred"
    predicted.mkdir()
    plan = extract(read_document(TEXT.encode("utf-8"), "要点.txt"))
    (predicted / "要点.txt.json").write_text(json.dumps(plan.to_contract(), ensure_ascii=False), encoding="utf-8")
    report = evaluate(tmp_path / "gold.json", predicted)
    assert 0 < report.targets.f1 < 1
