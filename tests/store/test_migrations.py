"""Migrations build the whole schema from nothing, match the models, and come down cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from innodrive.store import Store, initialise, migrate, open_store
from innodrive.store.schema import Base


def test_upgrade_from_nothing_builds_every_table_and_matches_the_models(db_url):
    store = Store(db_url)
    assert store.schema_revision() is None
    migrate.upgrade(store)
    assert store.schema_revision() == migrate.head_revision()
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
    store.close()


def test_downgrade_to_base_removes_every_table(db_url):
    store = initialise(db_url)
    migrate.downgrade(store, "base")
    assert store.schema_revision() is None
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    # and it can be built again afterwards
    migrate.upgrade(store)
    assert store.schema_revision() == migrate.head_revision()
    store.close()


def test_each_revision_steps_up_and_down(db_url):
    store = Store(db_url)
    revs = migrate.revisions()
    for rev in revs:
        migrate.upgrade(store, rev)
        assert store.schema_revision() == rev
    for rev in reversed(revs[:-1]):
        migrate.downgrade(store, rev)
        assert store.schema_revision() == rev
    migrate.downgrade(store, "base")
    assert store.schema_revision() is None
    store.close()


def test_init_is_idempotent_and_loads_all_sichuan_regions(db_url):
    from sqlalchemy import func, select

    from innodrive.store.schema import RegionRow

    initialise(db_url).close()
    store = initialise(db_url)  # second run changes nothing
    with store.read() as s:
        sichuan = s.get(RegionRow, "510000")
        assert sichuan.name == "四川省"
        prefectures = s.scalars(select(RegionRow.code).where(RegionRow.parent_code == "510000")).all()
        assert len(prefectures) == 21
        counties = s.scalar(select(func.count()).select_from(RegionRow).where(RegionRow.parent_code.in_(prefectures)))
        assert counties == 183
        assert s.get(RegionRow, "511100").name == "乐山市"
    store.close()


def test_open_store_refuses_an_uninitialised_database(db_url):
    import pytest

    from innodrive.errors import InputError

    with pytest.raises(InputError, match="innodrive init"):
        open_store(db_url)
