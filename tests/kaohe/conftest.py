"""The bundled constructed 考核 example, loaded once per test module into a real database.

Loading it (a plan, 18 reviewed progress reports, 51 observations, four frameworks, the
scheme, 66 figures and 11 items) takes a few seconds, so each module loads it once into
a SQLite file and every test works on its own copy of that file.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from innodrive.services.actor import Actor, Role

OFFICE = Actor(username="创新办张三", name="张三", role=Role.OFFICE, region_code="511100", via="web")


@pytest.fixture(scope="module")
def example_file(tmp_path_factory) -> tuple[Path, int]:
    from innodrive.kaohe.example import load_example
    from innodrive.store import open_store
    from innodrive.store.testing import initialised_database

    folder = tmp_path_factory.mktemp("kaohe-example")
    with initialised_database("sqlite", folder) as url:
        store = open_store(url)
        loaded = load_example(store, OFFICE)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        path = Path(url.removeprefix("sqlite:///"))
        keep = folder / "example.sqlite"
        shutil.copyfile(path, keep)
    return keep, loaded.cycle_id


@pytest.fixture
def example(example_file, tmp_path, monkeypatch):
    """(store, cycle id) on a private copy of the loaded example; INNODRIVE_HOME is private too."""
    from innodrive.store import open_store

    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path / "home"))
    path, cycle_id = example_file
    copy = tmp_path / f"kaohe-{uuid.uuid4().hex[:8]}.sqlite"
    shutil.copyfile(path, copy)
    store = open_store("sqlite:///" + str(copy))
    yield store, cycle_id
    store.close()
