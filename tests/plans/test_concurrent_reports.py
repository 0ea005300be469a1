"""Two OS processes reporting progress on the same task at the same moment both keep
their reports (real concurrent writers on SQLite and on PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from innodrive.plans import progress, storage

REPORTS_EACH = 15

WRITER = textwrap.dedent("""
    import datetime as dt, os, sys, time
    from pathlib import Path
    from innodrive.store import open_store
    from innodrive.plans.progress import report_progress

    url, task_id, who, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
    store = open_store(url)
    with store.engine.connect():  # connection ready before the start signal
        pass
    Path(go.parent / f"ready-{who}").touch()
    while not go.exists():
        time.sleep(0.001)
    for i in range({n}):
        report_progress(store, task_id=task_id, as_of=dt.date(2023, 6, 30), status="推进中", percent=i,
                        narrative=f"{who} 第 {i} 次报送", reporter=who)
    print("done", who)
""").replace("{n}", str(REPORTS_EACH))


def test_two_processes_reporting_at_once_both_keep_every_report(store, db_url, plan_factory, linker, tmp_path):
    storage.add_plan(store, plan_factory(), actor="张三", linker=linker)
    task_id = progress.list_tasks(store)[0].id
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, db_url, str(task_id), who, str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for who in ("市科技局甲", "市财政局乙")]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{w}").exists() for w in ("市科技局甲", "市财政局乙")):
        assert time.monotonic() < deadline, "writers did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.01)
    go.touch()  # both start writing at the same moment
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    reports = progress.get_task(store, task_id).reports
    by_who: dict[str, list[str]] = {}
    for r in reports:
        by_who.setdefault(r.reporter, []).append(r.narrative)
    assert len(reports) == 2 * REPORTS_EACH
    for who in ("市科技局甲", "市财政局乙"):
        assert by_who[who] == [f"{who} 第 {i} 次报送" for i in range(REPORTS_EACH)]
