"""Views derived from the database, memoised per process until the database changes.

The board evaluates every target (paths, forecasts, rules) and every task — too much
work to repeat for each of 32 people opening the 总览 at nine in the morning. Every
change innodrive makes is written to the audit log in the same transaction (a rule of
the service floor), so the newest audit entry's id is a version number of the whole
database: a view computed at version *v* is valid exactly as long as no entry after *v*
exists. A reader checks that version with one indexed query, so a change made through
any worker (or the CLI) is seen by every worker on its next request; nothing a request
needs lives only in one process, the memo only saves work.

Two more things keep a burst of requests cheap: one computation per key at a time
(the others wait for its result instead of repeating it side by side), and entries of
an older version are dropped as soon as a newer one is stored.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import func, select

from innodrive.store.engine import first_row
from innodrive.store.schema import AuditRow

T = TypeVar("T")
# entries kept per bucket: the evaluated boards and page data ("views") must not be pushed
# out by the many small per-session answers of a busy morning ("answers")
SIZES = {"views": 96, "answers": 64}
MISSING = object()

_lock = threading.Lock()
_buckets: dict[str, OrderedDict[tuple, object]] = {name: OrderedDict() for name in SIZES}
_gates: dict[tuple, threading.Lock] = {}

VERSION_QUERY = select(func.max(AuditRow.id))


def version(store) -> int:
    """The database's version: the id of the newest audit entry (0 when empty).

    Read with :func:`~innodrive.store.engine.first_row` — one statement outside any
    transaction, retried once on a dropped connection — because every page asks it."""
    row = first_row(store.engine, VERSION_QUERY)
    return (row[0] if row is not None else 0) or 0


def peek(store, key: Hashable, *, at: int, bucket: str = "views") -> object:
    """The memoised value of ``key`` at version ``at``, or :data:`MISSING` (never computes)."""
    full = (store.url, at, key)
    entries = _buckets[bucket]
    with _lock:
        value = entries.get(full, MISSING)
        if value is not MISSING:
            entries.move_to_end(full)
        return value


def memo(store, key: Hashable, compute: Callable[[], T], *, at: int | None = None, bucket: str = "views") -> T:
    """``compute()``, or its result from an earlier call with the same ``key`` at the
    same database version (``at``, when the caller has read it already). ``key`` must
    include everything the result depends on besides the database: the actor's scope,
    the date, the filters. Concurrent callers of one key wait for a single computation."""
    at = version(store) if at is None else at
    full = (store.url, at, key)
    entries = _buckets[bucket]
    with _lock:
        if full in entries:
            entries.move_to_end(full)
            return entries[full]  # type: ignore[return-value]
        gate = _gates.setdefault(full, threading.Lock())
    with gate:
        with _lock:
            if full in entries:
                return entries[full]  # type: ignore[return-value]
        try:
            value = compute()
        finally:
            with _lock:
                _gates.pop(full, None)
        with _lock:
            entries[full] = value
            stale = [k for k in entries if k[0] == store.url and k[1] < at]
            for k in stale:
                del entries[k]
            while len(entries) > SIZES[bucket]:
                entries.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        for entries in _buckets.values():
            entries.clear()
