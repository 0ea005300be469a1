"""The store: one object that owns the engine and every transaction.

Callers never handle connections. They ask for a read session or a write session;
a write session commits when the ``with`` block ends normally and rolls back on any
exception, so a multi-row operation (an import, a new plan version) is all-or-nothing.
On SQLite a write transaction takes the write lock at its start (``BEGIN IMMEDIATE``)
so two processes writing at once queue instead of failing; on PostgreSQL a
transaction that loses a serialisation race is retried a few times.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from innodrive.errors import InnodriveError, InputError
from innodrive.settings import current_user  # noqa: F401  (re-exported: who is acting, for the audit log)
from innodrive.store import engine as engines

T = TypeVar("T")

RETRY_ATTEMPTS = 5


class Store:
    """A database holding plans, tasks, observations and the audit log.

    :param url: SQLAlchemy URL; ``None`` uses ``INNODRIVE_DATABASE_URL`` or the SQLite
        file in ``INNODRIVE_HOME``.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = engines.database_url(url)
        self.engine: Engine = engines.create(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def __repr__(self) -> str:
        return f"Store({engines.describe(self.url)!r})"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions -------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        with self.engine.connect() as conn, Session(bind=conn, expire_on_commit=False) as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one write transaction: commit on success, roll back on error."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{engines.WRITE_OPTION: True})
            with Session(bind=conn, expire_on_commit=False) as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise

    def run(self, work: Callable[[Session], T], *, attempts: int = RETRY_ATTEMPTS) -> T:
        """Run ``work(session)`` in a write transaction, retrying when the database
        reports a transient conflict (a lock timeout on SQLite, a serialisation
        failure or deadlock on PostgreSQL). ``work`` must be safe to repeat: it runs
        in a fresh transaction each time."""
        for attempt in range(1, attempts + 1):
            try:
                with self.write() as session:
                    return work(session)
            except (OperationalError, DBAPIError) as exc:
                if attempt == attempts or not _transient(exc):
                    raise _as_user_error(exc, self.url) from exc
                time.sleep(0.05 * attempt + random.random() * 0.05)
        raise AssertionError("unreachable")

    # -- schema state -------------------------------------------------------

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at (``None`` for an empty database)."""
        try:
            with self.engine.connect() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    return None
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError as exc:
            raise _as_user_error(exc, self.url) from exc

    def require_ready(self) -> None:
        """Refuse to work on a database that ``innodrive init`` has not brought up to date."""
        from innodrive.store import migrate

        current = self.schema_revision()
        head = migrate.head_revision()
        if current is None:
            raise InputError(f"数据库 {engines.describe(self.url)} 尚未初始化：请先运行 innodrive init")
        if current != head:
            raise InputError(f"数据库 {engines.describe(self.url)} 的结构版本为 {current}，当前程序需要 {head}："
                             f"请运行 innodrive init 升级")


def _transient(exc: DBAPIError) -> bool:
    message = str(exc.orig if getattr(exc, "orig", None) is not None else exc).lower()
    return any(s in message for s in ("database is locked", "could not serialize", "deadlock detected",
                                       "40001", "40p01"))


def driver_message(exc: Exception) -> str:
    """The driver's own first line (pg8000 puts a dict of fields in its errors)."""
    orig = getattr(exc, "orig", None) or exc
    args = getattr(orig, "args", ())
    if args and isinstance(args[0], dict) and "M" in args[0]:
        return str(args[0]["M"])
    return (str(orig).splitlines() or [type(orig).__name__])[0]


def _as_user_error(exc: Exception, url: str) -> InnodriveError:
    message = driver_message(exc)
    if "database is locked" in message:
        return InnodriveError(f"数据库 {engines.describe(url)} 正被其他进程长时间占用，请稍后重试")
    if "unable to open database" in message or "could not connect" in message.lower() \
            or "connection refused" in message.lower():
        return InputError(f"无法打开数据库 {engines.describe(url)}：{message}")
    return InnodriveError(f"数据库 {engines.describe(url)} 操作失败：{message}")
