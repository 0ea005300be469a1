"""Reference data the store keeps in tables: the administrative regions.

Regions are loaded from the bundled GB/T 2260 table (:mod:`innodrive.regions`) so
that observations, plans and tasks can reference a region by code with a foreign
key. Loading is an upsert by code: running ``innodrive init`` again adds regions
that a newer table has and corrects changed names, and never deletes a region that
data may still point to.
"""

from __future__ import annotations

from sqlalchemy import select

from innodrive.regions import all_regions
from innodrive.store.schema import RegionRow
from innodrive.store.store import Store


def load_regions(store: Store) -> int:
    """Insert or update every bundled region; return how many rows changed."""
    wanted = {r.code: r for r in all_regions()}

    def work(session) -> int:
        existing = {row.code: row for row in session.scalars(select(RegionRow))}
        changed = 0
        # parents first, so the self-referencing foreign key is satisfied row by row
        order = {"province": 0, "prefecture": 1, "county": 2}
        new_rows = []
        for code, r in sorted(wanted.items(), key=lambda kv: (order.get(kv[1].level, 3), kv[0])):
            row = existing.get(code)
            values = {"name": r.name, "level": r.level, "parent_code": r.parent,
                      "longitude": r.longitude, "latitude": r.latitude}
            if row is None:
                new_rows.append({"code": code, **values})
                changed += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                changed += 1
        if new_rows:
            session.execute(RegionRow.__table__.insert(), new_rows)
        return changed

    return store.run(work)


def resolve_region(name: str) -> tuple[str | None, str | None]:
    """The GB/T 2260 code a written region name stands for: ``(code, None)``, or
    ``(None, why not)`` in Chinese — :func:`innodrive.regions.try_resolve` reduced to
    the code (kept for the readers that collect problems row by row)."""
    from innodrive.regions import try_resolve

    found, problem = try_resolve(name)
    return (found.code, None) if found is not None else (None, problem)
