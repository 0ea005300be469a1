"""Printed status boards kept in the database, so that ``innodrive status`` starts fast.

``innodrive status`` is run every morning, mostly with the same options, on a database
that changed little since yesterday. Evaluating the board needs the ORM, the rule sets
and the forecasts (about a second of imports); printing a board computed before needs
none of it. So the full path, after computing a board, stores what it printed (the
*screen*: title, cells, light styles, totals line, region note) in ``status_snapshots``
(:class:`innodrive.store.schema.StatusSnapshotRow`), and the next run reads it back with
the standard library's ``sqlite3`` before importing anything heavy. With the screen it
keeps what Rich printed for it (:func:`terminal_profile`): the console script
(:mod:`innodrive.launch`) replays those bytes before importing Typer, Rich or pydantic.

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
output is the same byte for byte; a replayed rendering is what that code printed before,
under the same terminal profile. Who may see the board is decided by
:func:`innodrive.services.access.can` on both paths. This module lives outside
``innodrive.cli`` (whose package imports Typer) and imports only the standard library at
module level; SQLAlchemy only where the full path stores a screen.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass

FORMAT = 1  # bump when the stored screen's shape changes
KEEP = 400  # rows kept: the most recent screens of the current version
RENDERINGS = 4  # terminal profiles kept per screen (a terminal, a pipe, a wider window …)
# Everything in the environment Rich reads to decide width, colour and terminal-ness
# (rich.console.Console and rich._unicode_data; checked against rich 15)
RICH_ENVIRONMENT = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "TERM",
                    "COLORTERM", "UNICODE_VERSION", "JUPYTER_COLUMNS", "JUPYTER_LINES", "DATABRICKS_RUNTIME_VERSION")
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


def no_database() -> bool:
    """Whether the configured database is certainly absent: a plain SQLite file that does
    not exist, or one that holds no table, view or index at all (never initialised). The
    store would refuse such a database as "not initialised" (``innodrive init``), so a
    command that works without one (screening a file) acts as the local operator — and
    can say so without importing SQLAlchemy and opening an engine (about 0.3 s of a
    check's serial start), which would also create the empty file and its folder as a
    side effect. ``False`` means "ask the store": PostgreSQL, a URL with options, a file
    that cannot be read, any schema object."""
    import sqlite3

    from innodrive.errors import InnodriveError

    try:
        path = sqlite_path()
    except InnodriveError:
        return False
    if path is None:
        return False
    if not os.path.lexists(path):
        return True
    conn = connect(path)
    if conn is None:
        return False
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    except sqlite3.Error:
        return False
    finally:
        conn.close()


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


def read(conn, k: str) -> tuple[int, dict] | None:
    """The data version and stored screen of key ``k`` when it was computed at the
    database's current version; ``None`` otherwise (including a database without the table)."""
    import sqlite3

    try:
        row = conn.execute(
            "SELECT data_version, body FROM status_snapshots WHERE key = ? "
            "AND data_version = (SELECT coalesce(max(id), 0) FROM audit_log)", (k,)).fetchone()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    try:
        screen = json.loads(row[1])
    except ValueError:
        return None
    return (row[0], screen) if isinstance(screen, dict) and screen.get("format") == FORMAT else None


def rule_set_name(rules: str) -> bool:
    """Whether ``--rules`` names a shipped rule set (covered by the key's code
    fingerprint), not a file whose contents the key cannot see."""
    import re

    return re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", rules) is not None


@dataclass(frozen=True, slots=True)
class Hit:
    """A stored screen found for the inputs, with the row it came from."""

    key: str
    data_version: int
    screen: dict


def stored_screen(day, region: str | None, rules: str | None) -> Hit | None:
    """The screen a previous run stored for exactly these inputs, when the database has
    not changed since and the operator may see it; ``None`` sends the command down the
    full path (which also refuses, with its own message, whoever may not see it)."""
    import sqlite3

    from innodrive.errors import InnodriveError
    from innodrive.services.access import can
    from innodrive.services.identity import cli_scope_sqlite

    path = sqlite_path()
    conn = connect(path) if path else None
    if conn is None:
        return None
    try:
        who = cli_scope_sqlite(conn, None)
        if not can(who, "board.read"):
            return None
        k = key(day=day, region=region, rules=rules, actor=who)
        found = read(conn, k)
    except (sqlite3.Error, InnodriveError):
        return None
    finally:
        conn.close()
    if found is None:
        return None
    version, screen = found
    # the scope check of innodrive.services.board.targets for an explicit region
    if region and not can(who, "board.read", region_code=screen["region_code"]):
        return None
    return Hit(k, version, screen)


def terminal_profile() -> str | None:
    """Everything Rich's output depends on besides the screen: the environment it reads,
    the terminal size (of the first standard stream that has one, as Rich asks), whether
    stdout and stderr are terminals, and their encodings. ``None`` outside POSIX, where
    Rich may write to the console through the Windows API instead of as text."""
    if os.name != "posix":
        return None
    size = None
    for fd in (0, 1, 2):
        try:
            size = tuple(os.get_terminal_size(fd))
            break
        except (AttributeError, ValueError, OSError):
            pass
    streams = []
    for s in (sys.stdout, sys.stderr):
        try:
            tty = bool(s.isatty())
        except (AttributeError, ValueError):
            tty = False
        streams.append([type(s).__name__, tty, getattr(s, "encoding", None), getattr(s, "errors", None)])
    parts = [sys.platform, [os.environ.get(k) for k in RICH_ENVIRONMENT], size, streams]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def rendering(screen: dict, profile: str | None) -> dict | None:
    """What was printed for ``screen`` under ``profile``: ``{"err": …, "out": …}``."""
    r = (screen.get("renderings") or {}).get(profile) if profile else None
    return r if isinstance(r, dict) and isinstance(r.get("err"), str) and isinstance(r.get("out"), str) else None


def with_rendering(screen: dict, profile: str | None, printed: dict | None) -> dict:
    """``screen`` keeping ``printed`` under ``profile`` (and the most recent other profiles)."""
    if profile is None or printed is None:
        return screen
    kept = {p: r for p, r in (screen.get("renderings") or {}).items() if p != profile}
    kept = dict(list(kept.items())[-(RENDERINGS - 1):])
    return {**screen, "renderings": {**kept, profile: printed}}


def keep_rendering(hit: Hit, profile: str | None, printed: dict) -> None:
    """Add what was just printed for a stored screen to its row, with the standard
    library (the stored-board path has not imported SQLAlchemy). Best effort, like
    :func:`save`: a busy or read-only database only means the next run prints with Rich."""
    import sqlite3

    if profile is None or rendering(hit.screen, profile) == printed:
        return
    path = sqlite_path()
    if path is None:
        return
    body = json.dumps({**with_rendering(hit.screen, profile, printed), "format": FORMAT}, ensure_ascii=False)
    try:
        conn = sqlite3.connect(path, timeout=SAVE_WAIT_MS / 1000, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        conn.execute("UPDATE status_snapshots SET body = ? WHERE key = ? AND data_version = ?",
                     (body, hit.key, hit.data_version))
    except sqlite3.Error:
        pass
    finally:
        conn.close()


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
