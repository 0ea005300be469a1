"""A real ``innodrive serve`` on a talent demo database (constructed people, the key in
the server's environment), driven by Debian's chromium through Playwright — the
browser fixtures of the workbench (``tests/web/browser``) reused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from web.browser.conftest import (  # noqa: F401  (fixtures re-exported for this folder)
    ROOT,
    Server,
    browser_context_args,
    browser_type_launch_args,
    innodrive,
    shot,
)

from ..helpers import FIRM, KEY, LESHAN, SHIZHONG

UNIT_USER = "zhujian"


@pytest.fixture(scope="session")
def talent_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("talent-demo")
    before = {k: os.environ.get(k) for k in ("INNODRIVE_HOME", "INNODRIVE_TALENT_KEY")}
    os.environ["INNODRIVE_TALENT_KEY"] = KEY
    try:
        innodrive(home, "init", "--no-data")
        os.environ["INNODRIVE_HOME"] = str(home)
        from innodrive.enterprises.directory import Enterprise
        from innodrive.services import accounts
        from innodrive.services.actor import Actor, Role
        from innodrive.services.enterprise_directory import register_enterprises
        from innodrive.store import open_store
        from innodrive.web.demo import DEMO_PASSWORD, create_demo_accounts

        store = open_store()
        create_demo_accounts(store)
        operator = Actor.local_operator("demo")
        accounts.add_user(store, operator, username=UNIT_USER, password=DEMO_PASSWORD, role=Role.UNIT,
                          name="乐山市住建局（演示）", region=LESHAN, unit="市住建局")
        register_enterprises(store, operator, [Enterprise(credit_code=FIRM, name="乐山示例光电有限公司（构造）",
                                                          region_code=SHIZHONG)])
        store.close()
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return home


@pytest.fixture(scope="session")
def talent_server(talent_home):
    before = os.environ.get("INNODRIVE_TALENT_KEY")
    os.environ["INNODRIVE_TALENT_KEY"] = KEY  # the server process inherits it
    s = Server(talent_home)
    try:
        s.start()
    finally:
        if before is None:
            os.environ.pop("INNODRIVE_TALENT_KEY", None)
        else:
            os.environ["INNODRIVE_TALENT_KEY"] = before
    yield s
    s.stop()


__all__ = ["ROOT"]
