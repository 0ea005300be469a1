"""The bundled, constructed 考核 of 乐山's 区县 and 市级部门 (``examples/kaohe``), loaded into a store.

Used by ``make demo``, the full-cycle tests and anyone who wants to see the cycle run
before writing their own scheme. Every step goes through the same functions the CLI
and the web use: the constructed 重点任务清单 is added as a plan, the units' progress
reports are filed and reviewed in the task ledger, the constructed statistics are
imported as observations, then the frameworks, the scheme, the figures and the
加分/扣分 items go through :mod:`innodrive.services.kaohe`. All of it is labelled
constructed (构造) wherever it appears; none of it is 乐山市's official data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from pydantic import BaseModel

from innodrive.errors import InputError

ROOT = Path(__file__).resolve().parents[3]
FOLDER = ROOT / "examples" / "kaohe"
PLAN = "乐山市2024年创新驱动发展重点任务清单（构造）.txt"
STATS = "统计数据-2024（构造）.csv"
REPORTS = "任务进展-2024（构造）.csv"
FRAMEWORKS = ("框架-县域-2023.yaml", "框架-主城区-2024.yaml", "框架-县域-2024.yaml", "框架-部门-2024.yaml")
SCHEME = "考核方案-2024.yaml"
VALUES = "考核数据-2024（构造）.csv"
ITEMS = "加扣分事项-2024（构造）.csv"
LOADED_ON = dt.date(2025, 1, 10)  # the day the example's data are complete (before the 申诉 window)


class Loaded(BaseModel):
    cycle_id: int
    plan_id: int
    tasks: int
    reports: int
    observations: int
    frameworks: int
    values: int
    items: int


def folder() -> Path:
    if not (FOLDER / SCHEME).is_file():
        raise InputError(f"找不到考核示例目录 {FOLDER}（示例随源码提供，请在源码目录中运行）")
    return FOLDER


def load_example(store, actor, *, base: Path | None = None) -> Loaded:
    """Load every file of the example into ``store``; returns the new cycle's id.

    ``actor`` is the office that runs the 考核; each unit files its own reports under a
    constructed 责任单位 account (``<单位>联络员``), and the office reviews them.
    """
    from innodrive.blobs import Upload
    from innodrive.services import data as data_svc
    from innodrive.services import kaohe as svc
    from innodrive.services import plans as plans_svc
    from innodrive.services import tasks as tasks_svc
    from innodrive.services.actor import Actor, Role

    base = base or folder()
    batch = plans_svc.add_documents(store, actor, [Upload.from_path(base / PLAN, what="任务清单")])
    added = batch.files[0]
    if added.outcome == "failed":
        raise InputError(f"示例任务清单未能读入：{added.error}", file=PLAN)
    from innodrive.plans.progress import list_tasks

    tasks = {t.title: t for t in list_tasks(store, plan_id=added.plan_id)}
    text = Upload.from_path(base / REPORTS, what="任务进展").data.decode("utf-8-sig")
    n_reports = 0
    for rec in csv.DictReader(io.StringIO(text)):
        task = tasks.get(rec["任务"])
        if task is None:
            raise InputError(f"示例任务进展中的任务“{rec['任务']}”不在任务清单中", file=REPORTS)
        unit = Actor(username=f"{rec['单位']}联络员", role=Role.UNIT, unit=rec["单位"], via=actor.via)
        report = tasks_svc.report(store, unit, task_id=task.id, as_of=dt.date.fromisoformat(rec["日期"]),
                                  status=rec["状态"], narrative=rec["进展情况"], percent=float(rec["完成比例"]),
                                  today=LOADED_ON)
        tasks_svc.review(store, actor, report_id=report.id, approve=rec["审核"] == "通过",
                         reason=rec["审核意见"] or None)
        n_reports += 1
    stats = data_svc.import_table(store, actor, Upload.from_path(base / STATS, what="统计数据"))

    def read(name: str) -> bytes:
        return Upload.from_path(base / name).data

    for name in FRAMEWORKS:
        svc.add_framework(store, actor, read(name), file_name=name)
    cycle = svc.create_cycle(store, actor, read(SCHEME), file_name=SCHEME)
    values = svc.import_values(store, actor, cycle.id, read(VALUES), file_name=VALUES)
    items = svc.import_items(store, actor, cycle.id, read(ITEMS), file_name=ITEMS)
    return Loaded(cycle_id=cycle.id, plan_id=added.plan_id, tasks=len(tasks), reports=n_reports,
                  observations=stats.added, frameworks=len(FRAMEWORKS), values=values.added, items=items.added)


__all__ = ["FOLDER", "LOADED_ON", "Loaded", "folder", "load_example"]
