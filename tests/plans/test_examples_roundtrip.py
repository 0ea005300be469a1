"""Acceptance: every target extracted from the bundled examples is stored and reloads
equal (with the real extractor), on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from innodrive.extraction import extract_path
from innodrive.plans import storage

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "documents").glob("*.txt"))


def test_every_extracted_target_is_stored_and_reloads_equal(store, linker):
    assert len(EXAMPLES) == 5
    extracted = {}
    for path in EXAMPLES:
        plan = extract_path(path)
        result = storage.add_plan(store, plan, actor="验收", linker=linker)
        assert result.outcome == "new_plan"
        extracted[result.plan_id] = plan
    total = 0
    for plan_id, plan in extracted.items():
        loaded = storage.load_plan(store, plan_id=plan_id)
        assert loaded == plan
        assert loaded.to_contract() == plan.to_contract()
        stored = [t.target for t in storage.stored_targets(store, plan_id=plan_id)]
        assert stored == plan.targets
        total += len(plan.targets)
    assert total == sum(len(p.targets) for p in extracted.values()) > 0
    # adding them all again changes nothing
    assert {storage.add_plan(store, extract_path(p), actor="验收", linker=linker).outcome for p in EXAMPLES} == {"unchanged"}
