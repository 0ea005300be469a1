"""Fixtures: each test gets its own real database, SQLite always and PostgreSQL
when ``INNODRIVE_TEST_POSTGRES_URL`` is set (CI sets it)."""

from __future__ import annotations

import pytest

from innodrive.store import Store
from innodrive.store.testing import postgres_url, scratch_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "postgresql" and not postgres_url():
        pytest.skip("INNODRIVE_TEST_POSTGRES_URL not set")
    with scratch_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(db_url):
    from innodrive.store import initialise

    s: Store = initialise(db_url)
    yield s
    s.close()
