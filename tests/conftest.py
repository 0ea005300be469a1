"""Database fixtures shared by every test folder: each test gets its own real database,
SQLite always and PostgreSQL when ``INNODRIVE_TEST_POSTGRES_URL`` is set (CI sets it,
see ``.ci/postgres.sh``)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter

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
    process in a template that each test gets a copy of: each account costs an Argon2
    hash (slow on purpose) and a write with its audit entry."""
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
# once per worker; a browser file with a server of its own (module-scoped) is a unit of its
# own. Test ids stay as they are (no ``@group`` suffix).
BROWSER_FOLDERS = ("tests/web/browser/", "tests/projects/browser/", "tests/talent/browser/")
OWN_SERVER = ("tests/web/browser/test_kaohe.py", "tests/web/browser/test_province.py")

# Longest units first, so that neither worker is left with a long unit while the other has
# nothing to do (the run ends when the last unit does). The seconds are what each unit took
# on one worker in a full run on the shared 2-core machine at a load of 6-9 (2026-12-02;
# about 3.5 times an idle run), those marked ~ estimated from an idle run's durations; a
# unit not listed counts one second per test. They decide only the order: a figure out of
# date makes the run longer, never wrong.
UNIT_SECONDS = {
    "tests/plans/test_status_fast_path.py": 575,
    "tests/web/test_api_fuzz.py": 380,  # ~
    "tests/web/browser/": 350,  # ~ (the journeys on the shared demo server)
    "tests/web/test_province_pages.py": 290,
    "tests/enterprises/test_funnel.py": 220,
    "tests/web/test_market_pages.py": 210,
    "tests/projects/browser/": 200,  # ~
    "tests/talent/browser/": 200,  # ~
    "tests/fuzz/test_fuzz_quick.py": 175,  # ~
    "tests/store/test_migrations.py": 165,
    "tests/enterprises/test_agreement.py": 160,  # ~
    "tests/supervision/test_pages.py": 150,
    "tests/supervision/test_tongbao.py": 150,
    "tests/web/browser/test_province.py": 150,
    "tests/market/test_roles.py": 140,
    "tests/web/test_enterprises_pages.py": 135,
    "tests/province/test_sti_index.py": 125,
    "tests/documents/test_hostile.py": 125,
    "tests/talent/test_web.py": 125,
    "tests/market/test_contracts.py": 120,
    "tests/web/browser/test_kaohe.py": 115,
    "tests/market/test_registry.py": 110,
    "tests/web/test_role_matrix.py": 105,  # ~
    "tests/web/test_accounts.py": 105,
    "tests/plans/test_progress.py": 95,
    "tests/projects/test_roles.py": 95,
    "tests/web/test_errors_and_hostile_input.py": 95,
    "tests/reports/test_documents.py": 90,
    "tests/indicators/test_import_wide_rows.py": 90,
    "tests/plans/test_services_floor.py": 85,
    "tests/assessment/test_run.py": 80,
    "tests/supervision/test_notices.py": 75,
    "tests/evaluation/test_workspace.py": 75,
    "tests/enterprises/test_service_and_outputs.py": 70,
    "tests/kaohe/test_cycle.py": 70,
    "tests/projects/test_cycle.py": 65,
    "tests/publication/test_npc.py": 60,
    "tests/indicators/test_import_bulk.py": 60,
    "tests/assessment/test_hostile.py": 60,
    # from the run after the above (a load of 5-7): units with few tests that take long
    "tests/plans/test_cli_new_user.py": 245,
    "tests/plans/test_cli.py": 150,
    "tests/extraction/test_batch.py": 80,
    "tests/tracking/test_robustness.py": 75,
}


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to under ``--dist loadfile`` (see the scheduler below)."""
    path = nodeid.split("::", 1)[0]
    if path.startswith(BROWSER_FOLDERS) and path not in OWN_SERVER:
        return next(folder for folder in BROWSER_FOLDERS if path.startswith(folder))
    return path


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
    """The longest units first (each unit's own order kept); the workers take them in this
    order (the scheduler below)."""
    units = [work_unit(item.nodeid) for item in items]
    tests = Counter(units)
    first = {}
    for n, unit in enumerate(units):
        first.setdefault(unit, n)
    rank = {id(item): (-UNIT_SECONDS.get(unit, tests[unit]), first[unit]) for item, unit in zip(items, units, strict=True)}
    items.sort(key=lambda item: rank[id(item)])


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    # xdist would otherwise reorder the units by their number of tests (the browser folders,
    # few tests and the longest units, would then run last)
    config.option.loadscopereorder = False

    class FileOrBrowserFolder(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

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
    # (without the browser and API-fuzzing plugins, whose imports cost two seconds: a test
    # that forks drives neither; one that did would fail for want of its fixtures)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
                          "-p", "no:playwright", "-p", "no:schemathesis", "-o", "addopts=", pyfuncitem.nodeid], cwd=root, capture_output=True, text=True,
                         timeout=600)
    if run.returncode != 0:
        pytest.fail(f"{pyfuncitem.nodeid} in a process of its own (exit {run.returncode}):\n"
                    f"{run.stdout[-6000:]}{run.stderr[-2000:]}", pytrace=False)
    return True
