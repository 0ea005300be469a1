"""A per-worker memo of expensive views, keyed by the state of the database.

The board evaluates every target (paths, forecasts, rules) — too much work to repeat
for each of 32 people opening the 总览 at nine in the morning. Every change innodrive
makes is written to the audit log in the same transaction (a rule of the service
floor), so the newest audit entry's id is a version number of the whole database:
a view computed at version *v* is valid exactly as long as no entry after *v* exists.
Each worker checks that version with one indexed query per request, so a change made
through any worker (or the CLI) is seen by every worker on its next request; nothing
a request needs lives only in one process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import func, select

from innodrive.store.schema import AuditRow

T = TypeVar("T")
SIZE = 64

_lock = threading.Lock()
_entries: OrderedDict[tuple, object] = OrderedDict()


VERSION_QUERY = select(func.max(AuditRow.id))


def version(store, *, connection=None) -> int:
    if connection is not None:
        return connection.execute(VERSION_QUERY).scalar() or 0
    with store.engine.connect() as conn:
        return conn.execute(VERSION_QUERY).scalar() or 0


def memo(store, key: Hashable, compute: Callable[[], T], *, at: int | None = None) -> T:
    """``compute()``, or its result from an earlier call with the same ``key`` at the
    same database version (``at``, when the caller has read it already). ``key`` must
    include everything the result depends on besides the database: the actor's scope,
    the date, the filters."""
    full = (store.url, version(store) if at is None else at, key)
    with _lock:
        if full in _entries:
            _entries.move_to_end(full)
            return _entries[full]  # type: ignore[return-value]
    value = compute()
    with _lock:
        _entries[full] = value
        while len(_entries) > SIZE:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
