"""Fixtures of the 督查 tests: a real database with the constructed world."""

from __future__ import annotations

import pytest

from .world import build_world


@pytest.fixture
def world(initialised_store):
    return initialised_store, build_world(initialised_store)
