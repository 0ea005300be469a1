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


def _region_name():
    from sqlalchemy import bindparam, select

    from innodrive.store.schema import RegionRow

    return select(RegionRow.name).where(RegionRow.code == bindparam("code"))


REGION_NAME = _region_name()


def test_first_row_is_one_statement_outside_any_transaction(initialised_store):
    from innodrive.store.engine import first_row
    from innodrive.store.testing import counting_trips

    store = initialised_store
    assert first_row(store.engine, REGION_NAME, {"code": "510000"})[0] == "四川省"
    assert first_row(store.engine, REGION_NAME, {"code": "999999"}) is None
    with counting_trips(store.engine) as trips:
        assert first_row(store.engine, REGION_NAME, {"code": "511100"})[0] == "乐山市"
    assert len(trips.statements) == 1 and "BEGIN" not in trips.statements[0].upper()
    if store.dialect == "postgresql":
        assert trips.trips == 1  # no ping, no BEGIN, no ROLLBACK, no parse/describe round trips
    # the pooled connection goes back as it was: later work is transactional again
    with pytest.raises(RuntimeError), store.write() as s:
        from innodrive.store.schema import AuditRow

        s.add(AuditRow(at=__import__("datetime").datetime.now(), actor="x", action="a", entity="e", summary="s"))
        s.flush()
        raise RuntimeError("boom")
    with store.read() as s:
        from sqlalchemy import func, select

        from innodrive.store.schema import AuditRow

        assert s.scalar(select(func.count()).select_from(AuditRow)) == 0


def test_first_row_refuses_a_value_that_is_not_hexadecimal(initialised_store):
    from innodrive.store.engine import first_row
    from innodrive.store.testing import counting_trips

    store = initialised_store
    with counting_trips(store.engine) as trips:
        for bad in ("510000' OR '1'='1", "51 00", "", "ABCDEF", 510000):
            with pytest.raises(ValueError, match="hexadecimal"):
                first_row(store.engine, REGION_NAME, {"code": bad})
    assert trips.statements == [] and trips.trips == 0


@pytest.mark.postgres
@pytest.mark.parametrize("wait", [0.0, 0.3])
def test_first_row_survives_a_connection_the_server_dropped(initialised_db_url, wait):
    """Asked at once, pg8000 meets the closed socket as a bare ConnectionResetError while
    reading the answer; a moment later, as its own "network error" while writing. Both
    must give a fresh connection."""
    import time

    from sqlalchemy import func, select, text

    from innodrive.store.engine import first_row

    if not initialised_db_url.startswith("postgresql"):
        pytest.skip("the server dropping a connection is a PostgreSQL matter")
    store, other = open_store(initialised_db_url), open_store(initialised_db_url)
    try:
        pid = first_row(store.engine, select(func.pg_backend_pid()))[0]
        with other.engine.connect() as conn:  # as a server restart or an administrator would
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar() is True
            conn.commit()
        time.sleep(wait)
        again = first_row(store.engine, select(func.pg_backend_pid()))[0]
        assert again != pid
        assert first_row(store.engine, REGION_NAME, {"code": "510000"})[0] == "四川省"
        with store.read() as s:  # the rest of a request gets a live connection too
            assert s.scalar(select(func.count()).select_from(text("regions"))) > 3000
    finally:
        store.close()
        other.close()
