"""Throw-away databases for tests and benchmarks.

A scratch database is real: a fresh SQLite file, or a fresh database created on the
PostgreSQL server named by ``INNODRIVE_TEST_POSTGRES_URL`` (CI starts one, see
``.ci/postgres.sh``) and dropped afterwards. Giving each test its own database keeps
tests independent without deleting anything another test or engineer relies on.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "INNODRIVE_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


def postgres_url() -> str | None:
    """The server to create scratch PostgreSQL databases on, if configured."""
    return os.environ.get(POSTGRES_ENV) or None


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
    server = postgres_url()
    if not server:
        raise RuntimeError(f"{POSTGRES_ENV} is not set")
    name = f"innodrive_scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
