"""Database fixtures shared by every test folder: each test gets its own real database,
SQLite always and PostgreSQL when ``INNODRIVE_TEST_POSTGRES_URL`` is set (CI sets it,
see ``.ci/postgres.sh``)."""

from __future__ import annotations

import os

import pytest

from innodrive.store.testing import initialised_database, postgres_url, scratch_database

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _need(backend: str) -> None:
    if backend == "postgresql" and not postgres_url():
        pytest.skip("INNODRIVE_TEST_POSTGRES_URL not set")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test reads or writes the person's own working folder (the per-user default)."""
    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path / "innodrive-home"))


@pytest.fixture(params=BACKENDS)
def empty_db_url(request, tmp_path):
    """A new, empty database (no schema)."""
    _need(request.param)
    with scratch_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def initialised_db_url(request, tmp_path):
    """A fresh database as ``innodrive init`` leaves it (schema at head, regions loaded)."""
    _need(request.param)
    with initialised_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def initialised_store(initialised_db_url):
    from innodrive.store import open_store

    store = open_store(initialised_db_url)
    yield store
    store.close()


# ---------------------------------------------------------------- running on every core
# ``make test`` runs the suite with pytest-xdist, ``-n auto --dist loadfile``: each test file
# is one unit of work (its module-scoped fixtures are built once). The browser folders are
# one unit each, because their session fixtures (a demo database built with ``innodrive``
# commands and a live ``innodrive serve``) cost many seconds and would otherwise be built
# once per worker. Test ids stay as they are (no ``@group`` suffix).
BROWSER_FOLDERS = ("tests/web/browser/", "tests/projects/browser/", "tests/talent/browser/")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """Tell each worker the terminal width setting the run was started with."""
    node.workerinput["innodrive_columns"] = os.environ.get("COLUMNS")


def pytest_configure(config):
    # An xdist worker is started with COLUMNS=80 in its environment; the CLI's shared Rich
    # consoles would fix their width from it when imported, so CLI tests that set their own
    # COLUMNS would see 80-column tables in a worker and not in one process. Give the worker
    # the COLUMNS of the run itself.
    given = getattr(config, "workerinput", {})
    if "innodrive_columns" in given:
        if given["innodrive_columns"] is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = given["innodrive_columns"]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileOrBrowserFolder(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            for folder in BROWSER_FOLDERS:
                if nodeid.startswith(folder):
                    return folder
            return super()._split_scope(nodeid)

    return FileOrBrowserFolder(config, log)
