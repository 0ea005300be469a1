"""One wording of a target for every face (status board, its XLSX/CSV, the cities view, pages,
published summaries): innodrive.plans.wording. The board used to keep its own copy that
escaped Rich markup inside the text, so a note with brackets reached the XLSX as ``\\[``."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from innodrive.plans.wording import goal_of, written_goal


def _target(**kw):
    base = dict(kind="number", value=192, unit="家", comparator=">=", year=2025, baseline_year=None, basis=None,
                note=None, indicator="高新技术企业数量")
    base.update(kw)
    return SimpleNamespace(**base)


@pytest.mark.parametrize("fields, text", [
    ({}, "≥192家（2025年）"),
    ({"kind": "multiple", "value": 2, "unit": None, "baseline_year": 2020}, "2020年的2倍（2025年）"),
    ({"kind": "multiple", "value": 2, "unit": None}, "基期的2倍（2025年）"),
    ({"kind": "growth", "value": 10, "unit": "%", "basis": "annual"}, "年均增长10%（2025年）"),
    ({"kind": "growth", "value": 1, "unit": "个百分点", "basis": "points"}, "提高1个百分点（2025年）"),
    ({"value": None, "note": "力争进入全省前列"}, "力争进入全省前列（2025年）"),
    ({"value": None}, "高新技术企业数量（2025年）"),
    ({"comparator": "~", "year": None}, "约192家"),
])
def test_targets_read_as_the_document_sets_them(fields, text):
    assert goal_of(_target(**fields)) == text


def test_the_status_board_uses_the_shared_wording_without_markup_escapes():
    from innodrive.cli import status

    assert not hasattr(status, "written_goal")
    line = _target(value=None, note="[暂定]力争翻番", status=SimpleNamespace(target_value=None, unit=None))
    assert status.goal_text(line) == "[暂定]力争翻番（2025年）"  # the table escapes once, files get it as written
    line = _target(kind="growth", value=10, unit="%", basis="annual",
                   status=SimpleNamespace(target_value=16.25, unit="家"))
    assert status.goal_text(line) == "年均增长10%（2025年）\n= 16.25家"


def test_the_cities_view_uses_the_shared_wording():
    from innodrive.province import cities

    assert not hasattr(cities, "written_goal") and cities.goal_of is goal_of
    assert written_goal(kind="number", value=2.5, unit="%", comparator=">=", year=2025) == "≥2.5%（2025年）"
