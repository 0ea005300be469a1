"""The status boards: stored targets, observations and reports through part T's tracking,
with the expected numbers computed by hand."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from innodrive.indicators.observations import NewValue, record_value
from innodrive.plans import board, progress, storage

LESHAN = "511100"


def put(store, code: str, period: str, value: float, unit: str) -> None:
    record_value(store, NewValue(region_code=LESHAN, indicator_code=code, period=period, value=value, unit=unit,
                                 source="测试数据（非真实统计）"), actor="统计员")


@pytest.fixture
def loaded(store, plan_factory, linker):
    storage.add_plan(store, plan_factory(firms=192), actor="张三", linker=linker)
    put(store, "hnte_count", "2020", 100, "家")
    put(store, "hnte_count", "2022", 140, "家")
    put(store, "tech_contract_turnover", "2020", 10, "亿元")
    put(store, "tech_contract_turnover", "2022", 12, "亿元")
    return store


def by_code(lines):
    return {line.stored.indicator_code: line.status for line in lines}


def test_target_lights_follow_the_path_to_2025(loaded):
    lines = board.target_board(loaded, as_of=dt.date(2023, 6, 30), region="乐山")
    s = by_code(lines)
    # 192 firms by 2025, baseline 2020 = 100 (the plan was issued in 2021). Latest actual 2022 = 140.
    # time share (2022 − 2020)/(2025 − 2020) = 0.4; linear path 100 + 92 × 0.4 = 136.8;
    # progress 40/92 = 43.5 %; gap +3.5 points → green.
    hnte = s["hnte_count"]
    assert hnte.baseline_value == 100 and hnte.target_value == 192 and hnte.latest_value == 140
    assert hnte.expected_at_latest == pytest.approx(136.8)
    assert hnte.progress == pytest.approx(40 / 92)
    assert hnte.light == "green"
    # technology contracts: doubling of 2020's 10亿元 by 2025 → 20; compound path 10 × 2^0.4 = 13.195;
    # progress ln(12/10)/ln(2) = 26.3 %; gap 26.3 − 40 = −13.7 points → yellow (between −15 and −5).
    tech = s["tech_contract_turnover"]
    assert tech.target_value == 20
    assert tech.expected_at_latest == pytest.approx(10 * 2 ** 0.4)
    assert tech.progress == pytest.approx(math.log(1.2) / math.log(2))
    assert tech.light == "yellow"
    # no R&D intensity data: grey with a reason, never a guess
    assert s["rd_intensity"].light == "grey" and s["rd_intensity"].reason
    # the milestone target is not linked to an indicator and is judged on reported facts only
    assert len(lines) == 4


def test_a_correction_changes_the_light(loaded):
    put(loaded, "tech_contract_turnover", "2022", 14, "亿元")  # a revised figure: ln(1.4)/ln(2) = 48.5 % > 40 %
    assert by_code(board.target_board(loaded, as_of=dt.date(2023, 6, 30)))["tech_contract_turnover"].light == "green"


def test_the_region_filter_takes_names_and_refuses_unknown_ones(loaded):
    from innodrive.errors import InputError

    assert board.target_board(loaded, as_of=dt.date(2023, 6, 30), region="自贡市") == []
    with pytest.raises(InputError, match="未知的地区"):
        board.target_board(loaded, as_of=dt.date(2023, 6, 30), region="火星市")


def test_task_lights_count_only_approved_reports(loaded):
    day = dt.date(2023, 7, 10)
    overdue = board.task_board(loaded, as_of=day, overdue_only=True)
    assert [line.task.title for line in overdue] == ["培育创新主体"]
    assert overdue[0].status.light == "red" and overdue[0].deadline == dt.date(2023, 6, 30)
    task_id = overdue[0].task.id
    r = progress.report_progress(loaded, task_id=task_id, as_of=dt.date(2023, 6, 28), status="已完成", percent=100,
                                 narrative="完成", reporter="王五", today=day)
    # submitted but not yet approved: still overdue
    assert [line.task.id for line in board.task_board(loaded, as_of=day, overdue_only=True)] == [task_id]
    progress.review_report(loaded, report_id=r.id, approve=True, reviewer="赵六")
    assert board.task_board(loaded, as_of=day, overdue_only=True) == []
    done = next(line for line in board.task_board(loaded, as_of=day) if line.task.id == task_id)
    assert done.status.light == "green" and done.status.completed


def test_a_task_without_a_written_limit_runs_to_the_plan_horizon(loaded):
    line = next(x for x in board.task_board(loaded, as_of=dt.date(2023, 7, 10)) if x.task.title == "建设创新平台")
    assert line.deadline == dt.date(2025, 12, 31) and line.deadline_from_plan
