"""``enterprises check`` decides who acts without the store where no database exists
(:func:`innodrive.status_snapshot.no_database`): the same actor as the store's path, no
database file left behind, SQLAlchemy not imported; any database with a schema still goes
through the store (accounts keep their role and region)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from innodrive import status_snapshot
from innodrive.cli.enterprises import _store_and_actor
from innodrive.services.actor import Role


def _through_the_store(monkeypatch, by):
    """The decision of the path that always opens the store."""
    with monkeypatch.context() as m:
        m.setattr(status_snapshot, "no_database", lambda: False)
        store, actor = _store_and_actor(by, need_store=False)
    if store is not None:
        store.close()
    return store is not None, actor


def _sqlite_url(monkeypatch, tmp_path, name="db.sqlite"):
    path = tmp_path / "sub" / name
    monkeypatch.setenv("INNODRIVE_DATABASE_URL", f"sqlite:///{path}")
    return path


def test_a_missing_database_is_the_local_operator_and_is_not_created(monkeypatch, tmp_path):
    path = _sqlite_url(monkeypatch, tmp_path)
    assert status_snapshot.no_database()
    store, actor = _store_and_actor("张三", need_store=False)
    assert store is None and actor.local and actor.username == "张三"
    assert not path.exists() and not path.parent.exists()
    assert _through_the_store(monkeypatch, "张三") == (False, actor)  # which creates the file


def test_an_empty_database_file_is_the_local_operator(monkeypatch, tmp_path):
    path = _sqlite_url(monkeypatch, tmp_path)
    path.parent.mkdir()
    path.write_bytes(b"")
    assert status_snapshot.no_database()
    store, actor = _store_and_actor(None, need_store=False)
    assert store is None and actor.local
    assert path.read_bytes() == b""
    assert _through_the_store(monkeypatch, None) == (False, actor)


def test_the_funnel_still_requires_the_store(monkeypatch, tmp_path):
    from innodrive.errors import InnodriveError

    _sqlite_url(monkeypatch, tmp_path)
    with pytest.raises(InnodriveError, match="innodrive init"):
        _store_and_actor(None, need_store=True)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:?cache=shared",
                                 "postgresql+pg8000://postgres@127.0.0.1:54330/innodrive"])
def test_other_databases_ask_the_store(monkeypatch, url):
    monkeypatch.setenv("INNODRIVE_DATABASE_URL", url)
    assert not status_snapshot.no_database()


def test_a_database_with_a_schema_asks_the_store(monkeypatch, tmp_path):
    import sqlite3

    path = _sqlite_url(monkeypatch, tmp_path)
    path.parent.mkdir()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert not status_snapshot.no_database()
    assert _store_and_actor(None, need_store=False)[1].local  # not initialised: the store refuses it


def test_an_account_keeps_its_role_and_region(monkeypatch, accounts_db_url):
    from web.conftest import ACCOUNTS

    monkeypatch.setenv("INNODRIVE_DATABASE_URL", accounts_db_url)
    username, region, _unit = ACCOUNTS[Role.COUNTY]
    assert not status_snapshot.no_database()
    store, actor = _store_and_actor(username, need_store=False)
    assert store is not None
    store.close()
    assert (actor.role, actor.region_code, actor.local) == (Role.COUNTY, region, False)


def test_the_check_command_imports_no_sqlalchemy_without_a_database(tmp_path):
    reg = tmp_path / "r.csv"
    reg.write_text("统一社会信用代码,企业名称\n", encoding="utf-8")
    env = {**os.environ, "INNODRIVE_HOME": str(tmp_path / "home")}
    env.pop("INNODRIVE_DATABASE_URL", None)
    code = ("import sys, runpy\n"
            f"sys.argv = ['innodrive', 'enterprises', 'check', {str(reg)!r}, '--out', {str(tmp_path / 'o.csv')!r}]\n"
            "try:\n    runpy.run_module('innodrive', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('sqlalchemy' in sys.modules)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.stdout.strip().splitlines()[-1] == "False", r.stderr
    assert not (tmp_path / "home").exists()
