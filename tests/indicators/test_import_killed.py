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


def kill_while_writing(script: str, db_url: str, path) -> None:
    """Run ``script`` importing ``path`` into ``db_url`` and SIGKILL it once it says it is writing."""
    child = subprocess.Popen([sys.executable, "-c", script, db_url, str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    line = child.stdout.readline()
    assert line.startswith("WRITING"), child.stderr.read()
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def test_a_killed_import_leaves_the_database_as_it_was(db_url, tmp_path):
    store = open_store(db_url)
    importer.import_default(store, actor="innodrive")  # some data that must survive untouched
    before = snapshot(store)
    assert before[0]
    big = tmp_path / "synthetic.csv"
    synthetic_csv(big, rows=12_000)
    kill_while_writing(CHILD, db_url, big)
    store.close()
    store = open_store(db_url)  # a new process's view, after recovery
    assert snapshot(store) == before
    # and the database is usable: the same import now runs to the end
    r = importer.import_file(store, big, actor="统计员")
    assert r.added == 12_000
    store.close()


# Ctrl-C (SIGINT) through the real CLI: a clear line, no traceback, nothing half-imported.
CLI_CHILD = textwrap.dedent("""
    import sys, time
    from innodrive.indicators import batch

    real_write = batch.write

    def slow_write(*args, **kw):
        def progress(stage, done, total):
            print("WRITING", flush=True)
            time.sleep(120)
        kw["progress"] = progress
        kw["chunk"] = 10
        return real_write(*args, **kw)

    batch.write = slow_write
    from innodrive.cli import main
    sys.exit(main(["data", "import", sys.argv[1]]))
""")


def test_ctrl_c_during_an_import_says_nothing_was_imported(tmp_path):
    env = {**os.environ, "INNODRIVE_HOME": str(tmp_path / "home")}
    env.pop("INNODRIVE_DATABASE_URL", None)
    assert subprocess.run([sys.executable, "-m", "innodrive", "init", "--no-data"], env=env,
                          capture_output=True).returncode == 0
    data = tmp_path / "data.csv"
    synthetic_csv(data, rows=200)
    child = subprocess.Popen([sys.executable, "-c", CLI_CHILD, str(data)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "WRITING"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130
    assert "Traceback" not in err and "已中断，未导入任何数据" in err
    store = open_store("sqlite:///" + str(tmp_path / "home" / "innodrive.sqlite"))
    with store.read() as s:
        assert s.scalars(select(ObservationRow)).first() is None
    store.close()


def test_ctrl_c_after_the_commit_says_how_many_rows_were_imported(tmp_path, monkeypatch, capsys):
    """Issue 8 §16: a Ctrl-C that lands after the commit (while the progress bar closes) must
    say the import is complete with its row count — not print a traceback, nor claim nothing
    was imported — and closing the connection afterwards stays quiet."""
    import rich.progress

    from innodrive.cli import main

    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("INNODRIVE_DATABASE_URL", raising=False)
    assert main(["init", "--no-data"]) == 0
    data = tmp_path / "data.csv"
    synthetic_csv(data, rows=20)
    real_exit = rich.progress.Progress.__exit__

    def interrupted_exit(self, *exc):
        real_exit(self, *exc)
        if exc[0] is None:
            raise KeyboardInterrupt

    monkeypatch.setattr(rich.progress.Progress, "__exit__", interrupted_exit)
    capsys.readouterr()
    assert main(["data", "import", str(data)]) == 130
    err = capsys.readouterr().err
    assert "Traceback" not in err and "未导入任何数据" not in err
    assert "已中断：导入已完成，已导入 20 行" in err
    store = open_store("sqlite:///" + str(tmp_path / "home" / "innodrive.sqlite"))
    with store.read() as s:
        assert s.scalars(select(ImportBatchRow)).first() is not None
    store.close()


# A large import on SQLite writes through a rollback journal (store.bulk.written_once);
# here the threshold is lowered and the page cache made tiny, so that pages of the import
# are already in the database file (and the original ones in the journal) when the kill lands.
CHILD_ROLLBACK = textwrap.dedent("""
    import sys, time
    from sqlalchemy import event
    from innodrive.store import open_store
    from innodrive.indicators import importer

    def progress(stage, done, total):
        if stage == "write" and done < total and done >= 10_000:
            print("WRITING", done, total, flush=True)
            time.sleep(120)

    importer.WRITTEN_ONCE_MIN = 1_000
    store = open_store(sys.argv[1])
    event.listen(store.engine, "connect", lambda c, _r: c.execute("PRAGMA cache_size=20"))
    store.engine.dispose()
    importer.import_file(store, sys.argv[2], actor="被中断的导入", progress=progress)
    print("FINISHED", flush=True)
""")


def test_a_killed_import_through_the_rollback_journal_leaves_the_database_as_it_was(tmp_path):
    from sqlalchemy import text

    from innodrive.store.testing import initialised_database

    with initialised_database("sqlite", tmp_path) as db_url:
        database = db_url.removeprefix("sqlite:///")
        store = open_store(db_url)
        importer.import_default(store, actor="innodrive")
        before = snapshot(store)
        store.close()
        big = tmp_path / "synthetic.csv"
        synthetic_csv(big, rows=30_000)
        kill_while_writing(CHILD_ROLLBACK, db_url, big)
        assert os.path.getsize(database + "-journal") > 0  # a hot journal: the path under test was taken
        store = open_store(db_url)
        assert snapshot(store) == before
        assert not os.path.exists(database + "-journal")
        r = importer.import_file(store, big, actor="统计员")
        assert r.added == 30_000
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        store.close()


def test_a_large_import_goes_through_the_wal_when_another_connection_has_the_database_open(tmp_path, monkeypatch):
    """The switch to a rollback journal needs the database to itself: with a reader open
    (a running workbench) the import writes through the WAL as before, and the reader keeps
    reading without waiting."""
    import sqlite3

    from innodrive.store.testing import initialised_database

    monkeypatch.setattr(importer, "WRITTEN_ONCE_MIN", 1_000)
    with initialised_database("sqlite", tmp_path) as db_url:
        database = db_url.removeprefix("sqlite:///")
        data = tmp_path / "synthetic.csv"
        synthetic_csv(data, rows=5_000)
        reader = sqlite3.connect(database, isolation_level=None)
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM observations").fetchone() == (0,)
        store = open_store(db_url)
        assert importer.import_file(store, data, actor="统计员").added == 5_000
        assert reader.execute("SELECT count(*) FROM observations").fetchone() == (0,)  # its snapshot, at once
        reader.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM observations").fetchone() == (5_000,)
        assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        reader.close()
        store.close()
