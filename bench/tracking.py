"""Tracking throughput: a province-wide status board evaluated in one go.

Every 区县 and 市州 of Sichuan (about 200 regions) × 40 targets ≈ 8,000 targets, each
with six annual observations, plus 8,000 tasks with monthly reports. The figures come
from a deterministic generator (no real statistics are implied); what is measured is
the pure evaluation, not the database.
"""

from __future__ import annotations

import datetime as dt
import random
import time

TARGETS = 8000
TASKS = 8000


def _targets():
    from innodrive.tracking import ObservationPoint, TargetSpec

    rng = random.Random(7)
    kinds = [("number", "hnte_count", 300, "家"), ("multiple", "tech_sme_count", 2, "倍"),
             ("growth", "hightech_industry_revenue", 12, "%"), ("number", "rd_intensity", 2.5, "%"),
             ("trend", "hightech_revenue_share_industry", None, None)]
    out = []
    for i in range(TARGETS):
        kind, code, value, unit = kinds[i % len(kinds)]
        spec = TargetSpec(key=str(i), indicator=code, code=code, kind=kind, value=value, unit=unit, year=2025,
                          baseline_year=2020)
        base = rng.uniform(50, 500) if unit != "%" else rng.uniform(0.5, 3)
        obs = [ObservationPoint(period=y, value=base * (1 + rng.uniform(-0.05, 0.2)) ** (y - 2018),
                                unit="%" if code in ("rd_intensity", "hightech_revenue_share_industry") else
                                ("亿元" if code == "hightech_industry_revenue" else "家"))
               for y in range(2018, 2024) if rng.random() > 0.1]
        out.append((spec, obs))
    return out


def _tasks():
    from innodrive.tracking import ProgressReport, TaskSpec

    rng = random.Random(11)
    out = []
    for i in range(TASKS):
        start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 60))
        task = TaskSpec(key=str(i), title=f"任务{i}", start=start, deadline=start + dt.timedelta(days=rng.randint(90, 700)))
        reports = [ProgressReport(reported_on=start + dt.timedelta(days=30 * k), status="in_progress",
                                  percent_complete=min(100, 8 * k + rng.uniform(0, 10)),
                                  approval=rng.choice(["approved", "approved", "submitted", "returned"]))
                   for k in range(1, rng.randint(1, 12))]
        out.append((task, reports))
    return out


def run() -> list[tuple[str, str, str]]:
    from innodrive.indicators.catalogue import load_catalogue
    from innodrive.tracking import evaluate_target, evaluate_task, load_rules

    cat, rules = load_catalogue(), load_rules()
    targets, tasks = _targets(), _tasks()
    as_of = dt.date(2024, 6, 30)
    t0 = time.perf_counter()
    for spec, obs in targets:
        evaluate_target(spec, obs, as_of=as_of, rules=rules, catalogue=cat)
    t_targets = time.perf_counter() - t0
    t0 = time.perf_counter()
    for task, reports in tasks:
        evaluate_task(task, reports, as_of=as_of, rules=rules)
    t_tasks = time.perf_counter() - t0
    return [
        (f"{TARGETS:,} targets (6 annual points, forecast)", f"{t_targets:.1f} s", "< 10 s"),
        (f"{TASKS:,} tasks (monthly reports)", f"{t_tasks:.1f} s", "< 5 s"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
