"""Throw-away databases for tests and benchmarks.

A scratch database is real: a fresh SQLite file, or a fresh database created on the
PostgreSQL server named by ``INNODRIVE_TEST_POSTGRES_URL`` (CI starts one, see
``.ci/postgres.sh``) and dropped afterwards. Giving each test its own database keeps
tests independent without deleting anything another test or engineer relies on.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "INNODRIVE_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


def postgres_url() -> str | None:
    """The server to create scratch PostgreSQL databases on, if configured."""
    from innodrive import settings

    return settings.get("test_postgres_url") or None


@contextmanager
def scratch_database(backend: str, folder: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database of ``backend``; remove it afterwards.

    :param backend: ``"sqlite"`` or ``"postgresql"``.
    :param folder: where a SQLite file goes (a temporary directory).
    """
    if backend == "sqlite":
        yield "sqlite:///" + str(Path(folder) / f"scratch-{uuid.uuid4().hex[:8]}.sqlite")
        return
    if backend != "postgresql":
        raise ValueError(backend)
    with _postgres_scratch() as url:
        yield url


@contextmanager
def _postgres_scratch(template: str | None = None) -> Iterator[str]:
    """A new database on the test server (copied from ``template`` when given), dropped
    afterwards even when the test fails."""
    server = postgres_url()
    if not server:
        raise RuntimeError(f"{POSTGRES_ENV} is not set")
    name = f"innodrive_scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


_templates: dict[tuple[str, str], str] = {}


def _template(backend: str, prepared: tuple[str, Callable] | None = None) -> str:
    """A database initialised once per process (schema at head, regions loaded), copied
    for each test: building the schema and loading 3,000 regions costs more than copying
    the result. ``prepared`` (a name and a function of an open store) is a second template
    copied from the first with what many tests start from added once (the web tests'
    accounts: seven Argon2 hashes, slow on purpose, would otherwise be computed per test)."""
    key = (backend, prepared[0] if prepared else "")
    if key in _templates:
        return _templates[key]
    from innodrive.store import initialise, open_store

    base = _template(backend) if prepared else None
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="innodrive-template-")
        atexit.register(shutil.rmtree, folder, True)
        path = Path(folder) / "template.sqlite"
        if base is None:
            store = initialise("sqlite:///" + str(path))
        else:
            shutil.copyfile(base, path)
            store = open_store("sqlite:///" + str(path))
            prepared[1](store)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        _templates[key] = str(path)
        return _templates[key]
    server = postgres_url()
    if not server:
        raise RuntimeError(f"{POSTGRES_ENV} is not set")
    name = f"innodrive_template_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{base}"' if base else "")))
    admin.dispose()

    def drop() -> None:
        eng = create_engine(server, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        eng.dispose()

    atexit.register(drop)
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    store = initialise(url) if base is None else open_store(url)
    if prepared:
        prepared[1](store)
    store.close()
    _templates[key] = name
    return name


@contextmanager
def initialised_database(backend: str, folder: Path, *,
                         prepared: tuple[str, Callable] | None = None) -> Iterator[str]:
    """Yield the URL of a new database already brought to the newest schema with the
    regions loaded (as ``innodrive init`` leaves it); remove it afterwards.

    :param prepared: ``(name, prepare)``: the database also holds what ``prepare(store)``
        adds to a fresh one (run once per process and name, then copied like the rest).
    """
    template = _template(backend, prepared)
    if backend == "sqlite":
        path = Path(folder) / f"scratch-{uuid.uuid4().hex[:8]}.sqlite"
        shutil.copyfile(template, path)
        yield "sqlite:///" + str(path)
        return
    with _postgres_scratch(template) as url:
        yield url


@dataclass
class Trips:
    """What :func:`counting_trips` saw: the statements sent through SQLAlchemy and, on
    PostgreSQL, the round trips to the server."""

    statements: list[str] = field(default_factory=list)
    trips: int = 0

    def reset(self) -> None:
        self.statements.clear()
        self.trips = 0


@contextmanager
def counting_trips(engine) -> Iterator[Trips]:
    """Count what ``engine`` asks of its database while the block runs: every statement,
    and (pg8000) every flush of the driver's socket — a batch of messages the client then
    waits on, i.e. one round trip. Tests of what a request costs use it."""
    from sqlalchemy import event

    seen = Trips()

    def on_execute(conn, cursor, statement, *rest) -> None:
        seen.statements.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    patched = None
    if engine.dialect.driver == "pg8000":
        import pg8000.core

        patched = flush = pg8000.core._flush

        def counting(sock) -> None:
            seen.trips += 1
            flush(sock)

        pg8000.core._flush = counting
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        if patched is not None:
            import pg8000.core

            pg8000.core._flush = patched
