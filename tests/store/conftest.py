"""Fixtures: each test gets its own real database, SQLite always and PostgreSQL
when ``INNODRIVE_TEST_POSTGRES_URL`` is set (CI sets it)."""

from __future__ import annotations

import pytest

from innodrive.store import Store


@pytest.fixture
def db_url(empty_db_url):
    return empty_db_url


@pytest.fixture
def store(db_url):
    from innodrive.store import initialise

    s: Store = initialise(db_url)
    yield s
    s.close()
