"""Schema migrations, run from the installed package.

Alembic is configured in code (no ``alembic.ini``): the scripts live in the package
``innodrive.store.migrations`` so that ``innodrive init`` can upgrade a database from
a wheel just as well as from a checkout. Each schema change is a named revision under
``migrations/versions``.
"""

from __future__ import annotations

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from innodrive.store.store import Store

SCRIPT_LOCATION = "innodrive.store:migrations"


def config(store: Store | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    if store is not None:
        cfg.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
        cfg.attributes["engine"] = store.engine
    return cfg


@cache
def head_revision() -> str:
    heads = ScriptDirectory.from_config(config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}; merge them")
    return heads[0]


def revisions() -> list[str]:
    """All revision ids from base to head."""
    script = ScriptDirectory.from_config(config())
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def upgrade(store: Store, revision: str = "head") -> None:
    command.upgrade(config(store), revision)


def downgrade(store: Store, revision: str = "base") -> None:
    command.downgrade(config(store), revision)
