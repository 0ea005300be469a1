"""Browser fixtures of the project pages: the web foundation's browser set-up (Debian's
chromium through Playwright, screenshots under ``out/screenshots/``) on a server whose
database holds the constructed 揭榜挂帅 example and the demo accounts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The shared browser set-up lives with the web foundation's tests; reuse it rather than copy it.
from web.browser.conftest import (  # noqa: F401  (fixtures are registered by being imported here)
    Server,
    browser_context_args,
    browser_type_launch_args,
    innodrive,
    shot,
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/projects/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def projects_home(tmp_path_factory) -> Path:
    """``innodrive init``, the constructed example loaded (``projects example --load``) and
    the demo accounts (the demo reviewer ``expert`` is the example's expert 甲示例)."""
    home = tmp_path_factory.mktemp("projects-demo")
    innodrive(home, "init", "--no-data")
    innodrive(home, "projects", "example", "--out", str(home / "example"), "--load")
    from innodrive.store import open_store
    from innodrive.web.demo import create_demo_accounts

    store = open_store("sqlite:///" + str(home / "innodrive.sqlite"))
    create_demo_accounts(store)
    store.close()
    return home


@pytest.fixture(scope="session")
def projects_server(projects_home):
    s = Server(projects_home)
    s.start()
    yield s
    s.stop()


@pytest.fixture
def projects_store(projects_home):
    """The server's database, opened by the test to do what is not the journey's point."""
    from innodrive.store import open_store

    store = open_store("sqlite:///" + str(projects_home / "innodrive.sqlite"))
    yield store
    store.close()
