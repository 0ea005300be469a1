"""Fixtures of the enterprise tests."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def pg_url():
    url = os.environ.get("INNODRIVE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("INNODRIVE_TEST_POSTGRES_URL not set")
    return url
