"""Engine setup: SQLite as a multi-user database, configuration, clear connection errors."""

from __future__ import annotations

import pytest

from innodrive.errors import InputError
from innodrive.store import Store, initialise, open_store
from innodrive.store.engine import BUSY_TIMEOUT_MS, database_url


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    store = Store("sqlite:///" + str(tmp_path / "a.sqlite"))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
    store.close()


def test_foreign_keys_are_enforced(tmp_path):
    from sqlalchemy.exc import IntegrityError

    from innodrive.store.schema import RegionRow

    store = initialise("sqlite:///" + str(tmp_path / "fk.sqlite"))
    with pytest.raises(IntegrityError), store.write() as s:
        s.add(RegionRow(code="999999", name="不存在", level="county", parent_code="888888"))
    store.close()


def test_a_failed_write_transaction_leaves_nothing(tmp_path):
    from sqlalchemy import select

    from innodrive.store.schema import AuditRow

    store = initialise("sqlite:///" + str(tmp_path / "tx.sqlite"))
    with pytest.raises(RuntimeError), store.write() as s:
        s.add(AuditRow(at=__import__("datetime").datetime.now(), actor="x", action="a", entity="e", summary="s"))
        s.flush()
        raise RuntimeError("boom")
    with store.read() as s:
        assert s.scalars(select(AuditRow)).all() == []
    store.close()


def test_the_default_database_is_a_file_in_innodrive_home(tmp_path, monkeypatch):
    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("INNODRIVE_DATABASE_URL", raising=False)
    assert database_url() == "sqlite:///" + str((tmp_path / "home" / "innodrive.sqlite").resolve())
    monkeypatch.setenv("INNODRIVE_DATABASE_URL", "postgresql+pg8000://u@h:5432/d")
    assert database_url() == "postgresql+pg8000://u@h:5432/d"


def test_bad_urls_and_unreachable_servers_are_one_clear_line():
    with pytest.raises(InputError, match="不支持的数据库类型“mysql”"):
        Store("mysql://u@h/d")
    with pytest.raises(InputError, match="格式不正确"):
        Store("not a url")
    with pytest.raises(InputError, match="无法连接或打开数据库"):
        open_store("postgresql+pg8000://postgres@127.0.0.1:1/none")
