"""innodrive.store: the database — engine, transactions, schema, migrations, audit log.

Use :func:`open_store` to get a :class:`Store` on the configured database (an
initialised one, unless ``ready=False``) and :func:`initialise` to create or upgrade
the schema and load the reference data (regions). Domain packages
(``innodrive.plans``, ``innodrive.indicators.observations``) take a ``Store`` and
return pydantic objects; nothing outside the store family builds engines.
"""

from __future__ import annotations

from contextlib import contextmanager

from innodrive.store.store import Store, current_user


def open_store(url: str | None = None, *, ready: bool = True) -> Store:
    """The store at ``url`` (default: settings). With ``ready`` (the default) it
    refuses a database that ``innodrive init`` has not created or upgraded."""
    store = Store(url)
    if ready:
        try:
            with _reachable(store):
                store.require_ready()
        except BaseException:
            store.close()
            raise
    return store


@contextmanager
def _reachable(store: Store):
    """Turn "cannot connect" into one clear line instead of a driver traceback."""
    from sqlalchemy.exc import DBAPIError

    from innodrive.errors import InputError
    from innodrive.store.engine import describe

    try:
        yield
    except DBAPIError as exc:
        from innodrive.store.store import driver_message

        raise InputError(f"无法连接或打开数据库 {describe(store.url)}：{driver_message(exc)}") from exc


def initialise(url: str | None = None) -> Store:
    """Create or upgrade the schema to the newest revision and load the regions.

    Safe to run again: an up-to-date database is left as it is.
    """
    from innodrive.store import migrate
    from innodrive.store.reference import load_regions

    store = Store(url)
    try:
        with _reachable(store):
            migrate.upgrade(store, "head")
            load_regions(store)
    except BaseException:
        store.close()
        raise
    return store


__all__ = ["Store", "current_user", "initialise", "open_store"]
