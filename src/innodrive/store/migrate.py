"""Schema migrations, run from the installed package.

Alembic is configured in code (no ``alembic.ini``): the scripts live in the package
``innodrive.store.migrations`` so that ``innodrive init`` can upgrade a database from
a wheel just as well as from a checkout. Each schema change is a named revision under
``migrations/versions``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from innodrive.store.store import Store

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = "innodrive.store:migrations"
_REVISION = re.compile(r'^revision\s*=\s*["\']([^"\']+)["\']', re.M)
_DOWN = re.compile(r'^down_revision\s*=\s*(?:None|["\']([^"\']+)["\'])', re.M)


def config(store: Store | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    if store is not None:
        cfg.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
        cfg.attributes["engine"] = store.engine
    return cfg


@cache
def head_revision() -> str:
    """The newest revision, read from the revision files' ``revision``/``down_revision``
    lines — every command checks it, and importing Alembic (and every revision module
    with its domain's models) only to read two strings would slow every start."""
    from importlib import resources

    revs: dict[str, str | None] = {}
    folder = resources.files("innodrive.store.migrations").joinpath("versions")
    for entry in folder.iterdir():
        if not entry.name.endswith(".py") or entry.name.startswith("__"):
            continue
        text = entry.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN.search(text)
        if rev:
            revs[rev.group(1)] = down.group(1) if down else None
    heads = sorted(set(revs) - {d for d in revs.values() if d})
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}; merge them")
    return heads[0]


def revisions() -> list[str]:
    """All revision ids from base to head."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(config())
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def upgrade(store: Store, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(config(store), revision)


def downgrade(store: Store, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(config(store), revision)
