"""Plans go into the store and come back exactly; revisions become versions with a diff."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from innodrive.errors import NotFound
from innodrive.plans import storage
from innodrive.plans.progress import list_tasks
from innodrive.store import audit
from innodrive.store.schema import PlanVersionRow, TargetRow, TaskRow


def count(store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_plan_reloads_equal_to_what_was_added(store, plan_factory, linker):
    plan = plan_factory()
    result = storage.add_plan(store, plan, actor="张三", linker=linker)
    assert result.outcome == "new_plan" and result.version_number == 1
    assert result.targets == 4 and result.linked_targets == 3
    loaded = storage.load_plan(store, plan_id=result.plan_id)
    assert loaded == plan
    # int stays int, float stays float (the JSON contract renders 192, not 192.0)
    assert isinstance(loaded.targets[0].value, int) and isinstance(loaded.targets[1].value, float)
    assert loaded.to_contract() == plan.to_contract()


def test_targets_keep_their_span_and_link(store, plan_factory, linker):
    plan = plan_factory()
    storage.add_plan(store, plan, actor="张三", linker=linker)
    stored = storage.stored_targets(store)
    assert [t.indicator_code for t in stored] == ["hnte_count", "rd_intensity", "tech_contract_turnover", None]
    assert stored[3].link_method == "unmatched" and stored[3].link_candidates
    assert stored[0].target.evidence.span == plan.targets[0].evidence.span
    assert stored[0].region_code == "511100"  # 乐山市 by GB/T 2260


def test_adding_the_same_document_again_changes_nothing(store, plan_factory, linker):
    plan = plan_factory()
    storage.add_plan(store, plan, actor="张三", linker=linker)
    before = (count(store, PlanVersionRow), count(store, TargetRow), count(store, TaskRow))
    with store.read() as s:
        n_audit = len(audit.entries(s))
    again = storage.add_plan(store, plan, actor="李四", linker=linker)
    assert again.outcome == "unchanged" and again.version_number == 1
    assert (count(store, PlanVersionRow), count(store, TargetRow), count(store, TaskRow)) == before
    with store.read() as s:
        assert len(audit.entries(s)) == n_audit


def test_a_changed_document_becomes_the_next_version_with_its_differences(store, plan_factory, linker):
    v1 = storage.add_plan(store, plan_factory(), actor="张三", linker=linker)
    v2 = storage.add_plan(store, plan_factory(firms=200, extra_task="深化科技体制改革"), actor="张三", linker=linker)
    assert v2.outcome == "new_version" and v2.plan_id == v1.plan_id and v2.version_number == 2
    assert any("国家高新技术企业" in line and "192 → 200" in line for line in v2.diff_lines)
    assert any(line.startswith("新增标题 二/3 深化科技体制改革") for line in v2.diff_lines)
    old, new, diff = storage.diff_versions(store, plan_id=v1.plan_id)
    assert (old, new) == (1, 2)
    assert [c.new.value for c in diff.targets_changed] == [200]
    assert not diff.targets_added and not diff.targets_removed
    # both versions stay readable, and each reloads as it was added
    assert storage.load_plan(store, plan_id=v1.plan_id, version=1) == plan_factory()
    assert storage.load_plan(store, plan_id=v1.plan_id).targets[0].value == 200
    plans = storage.list_plans(store)
    assert len(plans) == 1 and [v.number for v in plans[0].versions] == [1, 2]
    # status only looks at the latest version
    assert [t.target.value for t in storage.stored_targets(store) if t.indicator_code == "hnte_count"] == [200]


def test_tasks_follow_the_new_version_and_keep_their_identity(store, plan_factory, linker):
    storage.add_plan(store, plan_factory(extra_task="深化科技体制改革"), actor="张三", linker=linker)
    first = {t.title: t.id for t in list_tasks(store)}
    assert set(first) == {"培育创新主体", "建设创新平台", "深化科技体制改革", "加强组织领导"}
    result = storage.add_plan(store, plan_factory(firms=200), actor="张三", linker=linker)
    assert (result.tasks.added, result.tasks.retired) == (0, 1)
    now = {t.title: t.id for t in list_tasks(store)}
    assert now == {k: v for k, v in first.items() if k != "深化科技体制改革"}
    retired = [t for t in list_tasks(store, include_retired=True) if not t.active]
    assert [t.title for t in retired] == ["深化科技体制改革"]


def test_plans_are_found_by_number_or_title(store, plan_factory, linker):
    r = storage.add_plan(store, plan_factory(), actor="张三", linker=linker)
    assert storage.find_plan(store, str(r.plan_id)).id == r.plan_id
    assert storage.find_plan(store, "创新驱动").id == r.plan_id
    with pytest.raises(NotFound, match="没有标题包含"):
        storage.find_plan(store, "不存在的计划")


def test_a_plan_with_one_version_has_nothing_to_diff(store, plan_factory, linker):
    r = storage.add_plan(store, plan_factory(), actor="张三", linker=linker)
    with pytest.raises(NotFound, match="只有 1 个版本"):
        storage.diff_versions(store, plan_id=r.plan_id)


def test_adding_a_plan_is_audited(store, plan_factory, linker):
    r = storage.add_plan(store, plan_factory(), actor="张三", linker=linker)
    with store.read() as s:
        entries = audit.entries(s, entity="plan", entity_id=r.plan_id)
    assert len(entries) == 1
    e = entries[0]
    assert (e.actor, e.action) == ("张三", "plan.add")
    assert e.after["sha256"] == plan_factory().source.sha256 and e.after["targets"] == 4


def test_a_mapping_made_by_a_person_is_applied_and_remembered(store, plan_factory, linker):
    from innodrive.plans import links

    storage.add_plan(store, plan_factory(), actor="张三", linker=linker)
    n = links.remember(store, text="国家知识产权示范城市", code="invention_patents_per_10k", actor="李四")
    assert n == 1
    [t] = [t for t in storage.stored_targets(store) if t.target.indicator == "国家知识产权示范城市"]
    assert (t.indicator_code, t.link_method) == ("invention_patents_per_10k", "manual")
    # the next document that writes the same phrase is linked from memory
    r = storage.add_plan(store, plan_factory(title="另一份决定", file="other.txt", firms=300), actor="张三",
                         linker=linker)
    [t2] = [t for t in storage.stored_targets(store, plan_id=r.plan_id) if t.target.indicator == "国家知识产权示范城市"]
    assert (t2.indicator_code, t2.link_method) == ("invention_patents_per_10k", "remembered")
    with store.read() as s:
        [entry] = audit.entries(s, entity="indicator_link")
    assert entry.actor == "李四" and entry.after["code"] == "invention_patents_per_10k"


def test_mapping_to_an_unknown_code_is_refused_with_suggestions(store):
    from innodrive.plans import links

    with pytest.raises(NotFound, match="相近的代码"):
        links.remember(store, text="国家知识产权示范城市", code="hnte_cnt", actor="李四")
