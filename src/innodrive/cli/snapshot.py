"""Printed status boards kept in the database, so that ``innodrive status`` starts fast.

``innodrive status`` is run every morning, mostly with the same options, on a database
that changed little since yesterday. Evaluating the board needs the ORM, the rule sets
and the forecasts (about a second of imports); printing a board computed before needs
none of it. So the full path, after computing a board, stores what it printed (the
*screen*: title, cells, light styles, totals line, region note) in ``status_snapshots``
(:class:`innodrive.store.schema.StatusSnapshotRow`), and the next run reads it back with
the standard library's ``sqlite3`` before importing anything heavy.

A stored screen is used only when nothing it depends on has changed:

- the data: the row's ``data_version`` must equal the database's version now (the
  newest audit entry, :func:`innodrive.store.derived.version`; every write is audited
  in its own transaction), compared in the same statement that reads the row;
- everything else is hashed into the row's ``key`` (:func:`key`): the code, rule sets
  and bundled data (every file of the installed package, by size, modification and
  change time), the Python version and the installed distributions (a new NumPy or
  SciPy may print a forecast differently), the date of the board, the options as typed,
  and the actor's scope (local operator or account: role, region, unit).

Anything else is a miss and the full path runs: PostgreSQL, a rule-set file, ``--plan``
or ``--out``, a database without the table, an unreadable file, an actor the fast path
would have to refuse (the full path refuses it with the same function and message).
The screen is printed by the same code on both paths (``innodrive.cli.status``), so the
output is the same byte for byte. This module imports only the standard library at
module level; SQLAlchemy only where the full path stores a screen.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

FORMAT = 1  # bump when the stored screen's shape changes
KEEP = 400  # rows kept: the most recent screens of the current version
SAVE_WAIT_MS = 250  # how long storing a board waits for another writer (an import) before giving up


def sqlite_path() -> str | None:
    """The SQLite file the store opens, or ``None`` when it is not a plain SQLite file
    (PostgreSQL, an in-memory database, a URL with options or escapes)."""
    from innodrive import settings

    url = settings.database_url()
    prefix = "sqlite:///"
    if not url.startswith(prefix) or any(c in url for c in "?%#"):
        return None
    path = url[len(prefix):]
    return path or None


def connect(path: str):
    """A read-only ``sqlite3`` connection to ``path``, or ``None`` when it cannot be opened."""
    import sqlite3
    from pathlib import Path

    p = Path(path)
    if not p.is_file():
        return None
    try:
        return sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error:
        return None


_code_version: str | None = None


def code_version() -> str:
    """A fingerprint of everything the printed board depends on besides the database
    and the options (see the module docstring); computed once per process."""
    global _code_version
    if _code_version is None:
        import innodrive

        h = hashlib.sha256(f"{FORMAT}|{innodrive.__version__}|{sys.version}".encode())
        h.update(tree_fingerprint(os.path.dirname(os.path.abspath(innodrive.__file__))).encode())
        for entry in sys.path:
            if os.path.basename(entry) in ("site-packages", "dist-packages") and os.path.isdir(entry):
                h.update("|".join(sorted(n for n in os.listdir(entry) if n.endswith(".dist-info"))).encode())
        _code_version = h.hexdigest()
    return _code_version


def tree_fingerprint(root: str) -> str:
    """Every file under ``root`` (bytecode caches aside) by path, size, modification and
    change time. The change time cannot be set back by an installer that writes the
    same modification times for every release, so a reinstalled file always counts as
    changed."""
    lines, todo, skip = [], [root], len(root)
    while todo:  # os.scandir, not os.walk: one stat per file instead of two (a third of the time)
        with os.scandir(todo.pop()) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    if e.name != "__pycache__":
                        todo.append(e.path)
                    continue
                st = e.stat()
                lines.append(f"{e.path[skip:]}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}|"
                             f"{st.st_ino}")
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def key(*, day, region: str | None, rules: str | None, actor) -> str:
    """The key of the screen for these inputs: everything but the data version."""
    scope = ["local"] if actor.local else [str(actor.role), actor.region_code, actor.unit]
    parts = [code_version(), day.isoformat(), region, rules, scope]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def read(conn, k: str) -> dict | None:
    """The stored screen of key ``k`` when it was computed at the database's current
    version; ``None`` otherwise (including a database without the table)."""
    import sqlite3

    try:
        row = conn.execute(
            "SELECT body FROM status_snapshots WHERE key = ? "
            "AND data_version = (SELECT coalesce(max(id), 0) FROM audit_log)", (k,)).fetchone()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    try:
        screen = json.loads(row[0])
    except ValueError:
        return None
    return screen if isinstance(screen, dict) and screen.get("format") == FORMAT else None


def save(store, k: str, data_version: int, screen: dict) -> None:
    """Store ``screen`` under ``k`` as computed at ``data_version``, and drop the rows of
    older versions (they can never be read again). Best effort: a database another
    process is writing (waited for a quarter of a second, not the store's minute), a
    read-only one, or one without the table only means the next run computes again."""
    import sqlite3

    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from innodrive.store.engine import BUSY_TIMEOUT_MS
    from innodrive.store.schema import utcnow

    body = json.dumps({**screen, "format": FORMAT}, ensure_ascii=False)
    try:
        with store.engine.connect() as conn:
            raw = conn.connection.driver_connection
            raw.execute(f"PRAGMA busy_timeout = {SAVE_WAIT_MS}")  # not the store's minute: the board is ready
            try:
                with conn.begin():
                    conn.execute(text("DELETE FROM status_snapshots WHERE data_version <> :v OR key = :k"),
                                 {"v": data_version, "k": k})
                    conn.execute(text("INSERT INTO status_snapshots (key, data_version, body, saved_at) "
                                      "VALUES (:k, :v, :b, :t)"), {"k": k, "v": data_version, "b": body, "t": utcnow()})
                    conn.execute(text("DELETE FROM status_snapshots WHERE key NOT IN "
                                      "(SELECT key FROM status_snapshots ORDER BY saved_at DESC LIMIT :n)"), {"n": KEEP})
            finally:
                raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except (SQLAlchemyError, sqlite3.Error):
        pass
