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
    ``(None, why not)`` in Chinese.

    Accepts a six-digit code, a full name (凉山彝族自治州), a short name (凉山, 乐山) and
    the common 州 form of autonomous prefectures (凉山州, 阿坝州). An ambiguous name
    (朝阳区 exists in many provinces) is refused with the candidates, never guessed.
    """
    import unicodedata

    from innodrive.regions import all_regions

    regions = all_regions()
    text = unicodedata.normalize("NFKC", name or "").replace(" ", "").strip()
    if not text:
        return None, "地区为空"
    if text.isdigit():
        r = regions.get(text) if len(text) == 6 else None
        return (r.code, None) if r else (None, f"未知的地区代码“{text}”（应为 GB/T 2260 六位区划代码）")
    found = regions.lookup(text)
    if not found and text.endswith("州") and len(text) > 2:
        found = regions.lookup(text[:-1], level="prefecture")
    if len(found) > 1:
        r = regions.find(text)  # a prefecture wins over counties of the same short name
        if r is not None:
            return r.code, None
        options = "、".join(f"{r.name}（{r.code}）" for r in found[:6])
        return None, f"地区名称“{text}”对应多个地区：{options}。请改用六位区划代码"
    if found:
        return found[0].code, None
    from rapidfuzz import process

    names = sorted({r.name for r in regions})
    close = [n for n, score, _ in process.extract(text, names, limit=3) if score >= 60]
    return None, f"未知的地区“{text}”" + (f"；相近的地区：{'、'.join(close)}" if close else "")
