"""Engines: which database, and how each connection is set up.

The default store is one SQLite file under ``INNODRIVE_HOME`` so that a single office
can run innodrive with nothing else installed; ``INNODRIVE_DATABASE_URL`` points a
shared deployment at PostgreSQL instead. SQLite needs three settings to behave as a
multi-user database: WAL (readers never block the writer), foreign keys (off by
default in SQLite!) and a busy timeout (a second writer waits instead of failing).
Write transactions on SQLite start with ``BEGIN IMMEDIATE`` so that two writers
queue at the start of their transaction instead of deadlocking half way through.

PostgreSQL connections are pooled without a "ping" before each use (with the pure-Python
driver every round trip to the server is CPU time of the web worker, and the ping was one
more on every request); instead connections are replaced after ``PG_RECYCLE_S`` and the
read every web request starts with (:func:`first_row`) retries once on a fresh
connection when the server dropped the old one (SQLAlchemy then replaces every pooled
connection of that generation, so the rest of the request gets live ones too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Row, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Select

from innodrive import settings
from innodrive.errors import InputError

SQLITE_FILE_NAME = settings.SQLITE_FILE_NAME
BUSY_TIMEOUT_MS = 60_000
WRITE_OPTION = "innodrive_write"
PG_TIMEOUT_S = 120
PG_RECYCLE_S = 1800
SINGLE_READ_OPTION = "innodrive_single_read"


def database_url(url: str | None = None) -> str:
    """The URL to use: an explicit one, else ``INNODRIVE_DATABASE_URL``, else the
    SQLite file ``innodrive.sqlite`` in ``INNODRIVE_HOME``."""
    return url or settings.database_url()


def create(url: str | None = None) -> Engine:
    """An engine for ``url`` (see :func:`database_url`) with innodrive's connection setup."""
    resolved = database_url(url)
    try:
        parsed = make_url(resolved)
    except Exception as exc:  # sqlalchemy raises ArgumentError with an English message
        raise InputError(f"数据库地址“{resolved}”格式不正确（应为 SQLAlchemy URL，如 sqlite:///路径 或 "
                         f"postgresql+pg8000://用户@主机:端口/库名）") from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(resolved, parsed.database)
    if parsed.get_backend_name() == "postgresql":
        # A socket timeout, so that an unreachable server is an error rather than a
        # wait without end; generous, because an import may wait for another one's lock.
        return create_engine(resolved, pool_recycle=PG_RECYCLE_S, future=True, connect_args={"timeout": PG_TIMEOUT_S})
    raise InputError(f"不支持的数据库类型“{parsed.get_backend_name()}”：仅支持 SQLite 与 PostgreSQL")


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        folder = Path(database).expanduser().resolve().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"无法创建数据库目录 {folder}：{exc.strerror}") from exc
    engine = create_engine(url, future=True, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - exercised by every test
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own implicit
        # BEGIN is deferred and cannot be made IMMEDIATE).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        # 32 MB of page cache (the default is 2 MB): a bulk import maintains its indexes
        # in memory instead of re-reading pages, a fifth faster for a million rows
        cur.execute("PRAGMA cache_size=-32768")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        options = conn.get_execution_options()
        if options.get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif not options.get(SINGLE_READ_OPTION):  # one statement is a transaction of its own
            conn.exec_driver_sql("BEGIN")

    return engine


def first_row(engine: Engine, statement: Select, params: Mapping[str, str] | None = None) -> Row | None:
    """The first row of the one read-only ``statement``, in as few round trips to the
    database as its driver allows: the web guard asks this on every request.

    A single statement sees one consistent snapshot, so it needs no transaction around
    it: on SQLite no ``BEGIN``; on PostgreSQL (pg8000) no ``BEGIN``/``ROLLBACK`` either,
    and the statement goes by the simple-query protocol (one round trip instead of the
    three of a statement with parameters). For that, ``params`` are written into the
    SQL text, which is why they must be hexadecimal strings (digests of tokens): a value
    that is not is refused, so no value can change the statement.

    A connection the server has dropped (a restart, a network cut) is replaced and the
    read asked once more."""
    params = dict(params or {})
    for name, value in params.items():
        if not isinstance(value, str) or not _HEX.fullmatch(value):
            raise ValueError(f"parameter {name} must be a hexadecimal string")
    for attempt in (1, 2):
        try:
            with engine.connect() as conn:
                if engine.dialect.driver == "pg8000":
                    dbapi = conn.connection.dbapi_connection
                    try:
                        dbapi.autocommit = True
                        try:
                            return conn.exec_driver_sql(_literal_sql(engine, statement, params)).first()
                        finally:
                            dbapi.autocommit = False
                    except OSError as exc:
                        # pg8000 lets a reset socket's error through unwrapped when the server
                        # closed the connection while the answer was awaited: SQLAlchemy does
                        # not see a disconnect, so the connection is thrown away here
                        conn.invalidate(exc)
                        raise
                return conn.execution_options(**{SINGLE_READ_OPTION: True}).execute(statement, params).first()
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
        except OSError:
            if attempt == 2:
                raise
            engine.dispose(close=False)  # the pool's other connections died with it, most likely
    return None  # pragma: no cover - the loop returns or raises


_HEX = re.compile(r"[0-9a-f]{1,128}")
_SENTINEL = "innodrive-parameter-{}"
_literal_templates: dict[tuple[str, int], tuple[Select, str]] = {}


def _literal_sql(engine: Engine, statement: Select, params: Mapping[str, str]) -> str:
    """``statement`` as SQL text with ``params`` (hexadecimal, checked by the caller) in
    it; compiled once per statement, then only the values change."""
    key = (engine.dialect.name, id(statement))
    cached = _literal_templates.get(key)
    if cached is None or cached[0] is not statement:
        sentinels = {name: _SENTINEL.format(name) for name in params}
        sql = str(statement.params(**sentinels).compile(dialect=engine.dialect,
                                                          compile_kwargs={"literal_binds": True}))
        cached = _literal_templates[key] = (statement, sql)
    sql = cached[1]
    for name, value in params.items():
        quoted = f"'{_SENTINEL.format(name)}'"
        if quoted not in sql:
            raise ValueError(f"parameter {name} is not in the statement")
        sql = sql.replace(quoted, f"'{value}'")
    return sql


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url
