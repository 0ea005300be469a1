"""Database fixtures shared by every test folder: each test gets its own real database,
SQLite always and PostgreSQL when ``INNODRIVE_TEST_POSTGRES_URL`` is set (CI sets it,
see ``.ci/postgres.sh``)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

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


@pytest.fixture(params=BACKENDS)
def accounts_db_url(request, tmp_path):
    """A fresh database as ``innodrive init`` leaves it with one test account per role
    (``tests/web/conftest.py``: ``ACCOUNTS``, ``PASSWORD``). The accounts are made once per
    process in a template that each test gets a copy of: their Argon2 hashes are slow on
    purpose (about a tenth of a second each)."""
    from web.conftest import make_accounts

    _need(request.param)
    with initialised_database(request.param, tmp_path, prepared=("web-accounts", make_accounts)) as url:
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


def pytest_collection_modifyitems(config, items):
    """The browser folders first (each file's own order kept): they are the longest units,
    and started last they would run alone on one core at the end of the run."""
    items.sort(key=lambda item: not item.nodeid.startswith(BROWSER_FOLDERS))


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


# ---------------------------------------------------------------- code that forks
# innodrive forks worker processes only from a process that runs no other thread (a lock
# another thread holds would stay locked in the child). An xdist worker always runs
# execnet's threads, so a test marked ``forks`` (it needs the pool to fork, or a worker to
# die) runs in a pytest process of its own there: the same test, the same assertions, its
# result reported here.
@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    if pyfuncitem.get_closest_marker("forks") is None or threading.active_count() == 1:
        return None
    root = str(pyfuncitem.config.rootpath)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
                          "-o", "addopts=", pyfuncitem.nodeid], cwd=root, capture_output=True, text=True,
                         timeout=600)
    if run.returncode != 0:
        pytest.fail(f"{pyfuncitem.nodeid} in a process of its own (exit {run.returncode}):\n"
                    f"{run.stdout[-6000:]}{run.stderr[-2000:]}", pytrace=False)
    return True
