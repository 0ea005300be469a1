"""Bulk writing into SQLite: a table's secondary indexes built once instead of row by row.

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
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)
