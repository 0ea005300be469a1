"""Killing the process in the middle of an import (SIGKILL, no chance to clean up)
leaves the database exactly as it was before, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select

from innodrive.indicators import importer
from innodrive.store import open_store
from innodrive.store.schema import AuditRow, ImportBatchRow, ObservationRow

# The child imports with a progress callback that announces the first written chunk
# and then waits to be killed: the kill lands while the transaction is open and rows
# have been sent to the database.
CHILD = textwrap.dedent("""
    import sys, time
    from innodrive.store import open_store
    from innodrive.indicators.importer import import_file

    def progress(stage, done, total):
        if stage == "write" and done < total:
            print("WRITING", done, total, flush=True)
            time.sleep(120)

    import_file(open_store(sys.argv[1]), sys.argv[2], actor="被中断的导入", progress=progress)
    print("FINISHED", flush=True)
""")


def synthetic_csv(path, *, rows: int) -> None:
    """Synthetic figures (clearly not statistics): counties × months of one indicator."""
    from innodrive.regions import all_regions

    lines = ["区划代码,指标,时期,值,单位,来源"]
    codes = [r.code for r in all_regions() if r.level == "county"]
    i = 0
    for year in range(2000, 2100):
        for month in range(1, 13):
            for code in codes:
                if i >= rows:
                    break
                lines.append(f"{code},高新技术企业数,{year}-{month:02d},{i % 997},家,合成测试数据（非真实统计）")
                i += 1
    assert i == rows
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def db_url(initialised_db_url):
    return initialised_db_url


def snapshot(store) -> tuple:
    with store.read() as s:
        obs = [tuple(getattr(r, c.name) for c in ObservationRow.__table__.columns)
               for r in s.scalars(select(ObservationRow).order_by(ObservationRow.id))]
        return obs, s.scalars(select(ImportBatchRow.id)).all(), s.scalars(select(AuditRow.id)).all()


def test_a_killed_import_leaves_the_database_as_it_was(db_url, tmp_path):
    store = open_store(db_url)
    importer.import_default(store, actor="innodrive")  # some data that must survive untouched
    before = snapshot(store)
    assert before[0]
    big = tmp_path / "synthetic.csv"
    synthetic_csv(big, rows=12_000)
    child = subprocess.Popen([sys.executable, "-c", CHILD, db_url, str(big)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    line = child.stdout.readline()
    assert line.startswith("WRITING"), child.stderr.read()
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    store.close()
    store = open_store(db_url)  # a new process's view, after recovery
    assert snapshot(store) == before
    # and the database is usable: the same import now runs to the end
    r = importer.import_file(store, big, actor="统计员")
    assert r.added == 12_000
    store.close()
