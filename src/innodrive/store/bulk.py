"""Bulk writing into SQLite: a table's secondary indexes built once instead of row by row
(:func:`deferred_indexes`), foreign keys checked by the writer instead of row by row
(:func:`foreign_keys_checked_by_writer`), and a large transaction's pages written once,
through a rollback journal (:func:`written_once`) — switches of one transaction or of the
one pooled connection that carries it, never of the store as a whole — and the text format
of PostgreSQL's ``COPY … FROM STDIN`` (:func:`copy_text`), which bulk writers stream rows in.

Inserting a million rows into ``observations`` maintains three B-tree indexes row by
row; much of that time is spent walking the two secondary ones. When an import
writes more rows than the table already holds, it is cheaper to drop those indexes
inside the import's own transaction and build them again from the finished table
(a sort each) just before the transaction commits: the result is the same table
with the same indexes, created from the very statements stored in the schema.

It is all in one transaction, so it is all or nothing: an import refused or killed
half-way rolls back to the indexes as they were, and other connections (WAL
readers) see the old schema until the commit. The unique constraint's own index
belongs to the table and is never dropped, so uniqueness is checked on every row as
before. PostgreSQL is left alone (it writes with COPY).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.orm import Session

MIN_ROWS = 100_000  # below this the rebuild costs more than it saves


@contextmanager
def deferred_indexes(session: Session, table: str, *, rows: int) -> Iterator[bool]:
    """Within the caller's write transaction: when about to insert ``rows`` rows into
    SQLite ``table`` and that is at least as many as it holds, drop its secondary
    indexes and create them again on leaving (yields whether it did). On an error
    nothing is rebuilt: the caller's transaction rolls back, and the indexes with it."""
    conn = session.connection()
    if conn.dialect.name != "sqlite" or rows < MIN_ROWS:
        yield False
        return
    held = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() or 0  # noqa: S608 - a table name of ours
    if rows < held:
        yield False
        return
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
        (table,)).all()
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield True
    _give_back_freed_memory()
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)


def _give_back_freed_memory() -> None:
    """Hand the pages the C heap holds free back to the system (glibc's ``malloc_trim``).

    Building an index sorts in memory up to the page cache's size; before it, the heap
    holds tens of megabytes that the writing freed (its chunks of rows) but glibc keeps
    (after large blocks are freed it trims the heap only past twice their size), and the
    sort's memory came on top of them: the import's peak. A million rows: 344 MB instead
    of 362 MB. Elsewhere than glibc, nothing happens."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


# --------------------------------------------------------------------- PostgreSQL COPY


def copy_text(v: str) -> str:
    """A text field of PostgreSQL's COPY text format (``\\N`` is NULL, so a backslash is doubled)."""
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# --------------------------------------------------------------------- foreign keys

_UNCHECKED: ContextVar[bool] = ContextVar("innodrive_foreign_keys_unchecked", default=False)
_OFF = "innodrive_foreign_keys_off"  # marks a pooled connection whose checks are off until it returns


@contextmanager
def foreign_keys_checked_by_writer(engine) -> Iterator[bool]:
    """Within: the SQLite connection the caller checks out next does not check foreign
    keys row by row (yields whether that is so: never on other databases).

    SQLite's ``PRAGMA foreign_keys`` can only change outside a transaction, so it is
    switched off as the connection leaves the pool (before its ``BEGIN``) and on again
    as it returns (after its ``COMMIT`` or ``ROLLBACK``); no other use of the connection
    ever sees it off. The caller must itself check, inside its transaction, every
    foreign key it writes (an import: that each region it names exists; its batch and
    the observations it adds sources to are read or written in that same transaction)."""
    if engine.dialect.name != "sqlite":
        yield False
        return
    _listen(engine)
    token = _UNCHECKED.set(True)
    try:
        yield True
    finally:
        _UNCHECKED.reset(token)


def _listen(engine) -> None:
    from sqlalchemy import event

    if not event.contains(engine, "checkout", _checkout):
        event.listen(engine, "checkout", _checkout)
        event.listen(engine, "checkin", _checkin)


def _checkout(dbapi_connection, record, _proxy) -> None:
    if _UNCHECKED.get():
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        record.info[_OFF] = True
    if _ROLLBACK.get() and _journal_to_rollback(dbapi_connection):
        record.info[_JOURNAL] = True


def _checkin(dbapi_connection, record) -> None:
    if dbapi_connection is None:
        record.info.pop(_OFF, None)
        record.info.pop(_JOURNAL, None)
        return
    if record.info.pop(_OFF, False):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
    if record.info.pop(_JOURNAL, False):
        _journal_to_wal(dbapi_connection)


# --------------------------------------------------------------------- journal

_ROLLBACK: ContextVar[bool] = ContextVar("innodrive_rollback_journal", default=False)
_JOURNAL = "innodrive_rollback_journal"  # marks a pooled connection writing through a rollback journal


@contextmanager
def written_once(engine) -> Iterator[None]:
    """Within: the SQLite connection the caller checks out next writes its transaction
    through a rollback journal instead of the write-ahead log — if nothing else has the
    database open at that moment; otherwise nothing changes.

    In WAL mode every page of a large import is written twice: into the WAL during the
    transaction, and into the database by the checkpoint after the commit (a million
    rows: about 800 MB instead of 400 MB, and a fifth of the writing time). With a
    rollback journal the new pages go straight into the database file, and only the
    pages that already existed are copied into the journal first. It stays all or
    nothing: a killed import leaves a hot journal that the next connection rolls back
    (the pages are synced as in ``synchronous=FULL`` meanwhile, the setting SQLite
    requires for a rollback journal to survive a power cut).

    Leaving WAL mode needs the database to itself, so the switch is tried without
    waiting and simply not made when another connection has it open (a running web
    workbench keeps its connections: its readers then go on reading the old rows as
    before). A connection opened during such an import waits for the commit, as in
    any rollback-journal database. The connection returns to WAL mode (and
    ``synchronous=NORMAL``) as it goes back to the pool, after its commit or rollback.
    Never on other databases."""
    if engine.dialect.name != "sqlite":
        yield
        return
    _listen(engine)
    token = _ROLLBACK.set(True)
    try:
        yield
    finally:
        _ROLLBACK.reset(token)


def _journal_to_rollback(dbapi_connection) -> bool:
    """Switch an idle connection's database from WAL to a rollback journal, without waiting
    for other connections (whether it did)."""
    import sqlite3

    from innodrive.store.engine import BUSY_TIMEOUT_MS

    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        mode = dbapi_connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError:  # another connection has the database open
        return False
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if str(mode).lower() != "delete":
        return False
    dbapi_connection.execute("PRAGMA synchronous=FULL")
    return True


def _journal_to_wal(dbapi_connection) -> None:
    """Back to the store's own settings (:mod:`innodrive.store.engine`)."""
    import sqlite3
    from contextlib import suppress

    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
    with suppress(sqlite3.OperationalError):  # a connection opened meanwhile holds it: that one sets WAL on connecting
        dbapi_connection.execute("PRAGMA journal_mode=WAL").fetchone()
