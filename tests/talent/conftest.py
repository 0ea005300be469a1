from __future__ import annotations

import pytest

from innodrive.enterprises.directory import Enterprise
from innodrive.services.actor import Actor
from innodrive.services.enterprise_directory import register_enterprises

from .helpers import FIRM, KEY, SHIZHONG


@pytest.fixture(autouse=True)
def talent_key(monkeypatch):
    monkeypatch.setenv("INNODRIVE_TALENT_KEY", KEY)
    monkeypatch.delenv("INNODRIVE_TALENT_OLD_KEYS", raising=False)
    return KEY


@pytest.fixture
def store(initialised_store):
    """A database with one constructed enterprise of 乐山市市中区 in the directory."""
    register_enterprises(initialised_store, Actor.local_operator("setup"), [
        Enterprise(credit_code=FIRM, name="乐山示例光电有限公司（构造）", region_code=SHIZHONG)])
    return initialised_store
