"""Administrative regions (GB/T 2260): province → 市州 → 区县.

Documents name places loosely (乐山, 乐山市, 凉山州, 凉山彝族自治州); statistics and
plans must key them by the official division code. This module loads the bundled
division table once and answers "which region is this name", "what are its parent
and children". Pure lookups over immutable data; no database.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

LEVELS = ("province", "prefecture", "county")
LEVEL_NAMES = {"province": "省级", "prefecture": "市州", "county": "区县"}


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent: str | None
    longitude: float | None
    latitude: float | None

    @property
    def short_name(self) -> str:
        return shorten(self.name)


class Regions:
    """All regions, indexed by code, full name and short name."""

    def __init__(self, regions: list[Region]) -> None:
        self._by_code = {r.code: r for r in regions}
        self._children: dict[str, list[Region]] = {}
        self._by_name: dict[str, list[Region]] = {}
        for r in regions:
            if r.parent:
                self._children.setdefault(r.parent, []).append(r)
            for key in {r.name, r.short_name}:
                self._by_name.setdefault(key, []).append(r)

    def __iter__(self):
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Region | None:
        return self._by_code.get(code)

    def children(self, code: str) -> list[Region]:
        return list(self._children.get(code, []))

    def parent(self, code: str) -> Region | None:
        r = self._by_code.get(code)
        return self._by_code.get(r.parent) if r and r.parent else None

    def lookup(self, name: str, *, within: str | None = None, level: str | None = None) -> list[Region]:
        """Regions called ``name`` (full or short form), optionally under the region
        with code ``within`` (any depth) and of one ``level``."""
        found = self._by_name.get(name.strip(), [])
        if level:
            found = [r for r in found if r.level == level]
        if within:
            found = [r for r in found if self.is_within(r.code, within)]
        return found

    def find(self, name: str, *, within: str | None = None, level: str | None = None) -> Region | None:
        """The single region called ``name``; ``None`` when unknown or ambiguous.

        Ambiguous short names (many provinces have a 朝阳区) resolve only when
        ``within`` narrows them to one; a prefecture wins over counties of the same name.
        """
        found = self.lookup(name, within=within, level=level)
        if len(found) == 1:
            return found[0]
        prefectures = [r for r in found if r.level == "prefecture"]
        if len(prefectures) == 1:
            return prefectures[0]
        exact = [r for r in found if r.name == name.strip()]
        return exact[0] if len(exact) == 1 else None

    def is_within(self, code: str, ancestor: str) -> bool:
        r = self._by_code.get(code)
        while r is not None:
            if r.code == ancestor:
                return True
            r = self._by_code.get(r.parent) if r.parent else None
        return False


@cache
def _nationalities() -> tuple[str, ...]:
    from pathlib import Path  # (not importlib.resources: its import costs more than the file)

    text = (Path(__file__).resolve().parent / "data" / "nationalities.txt").read_text(encoding="utf-8")
    names = [n.strip() for n in text.splitlines() if n.strip()]
    # also the forms without 族 (巴音郭楞蒙古自治州)
    return tuple(sorted({*names, *(n[:-1] for n in names if n.endswith("族") and len(n) > 2)}, key=len, reverse=True))


def shorten(name: str) -> str:
    """凉山彝族自治州 → 凉山, 乐山市 → 乐山, 峨眉山市 → 峨眉山, 四川省 → 四川."""
    for suffix in ("自治州", "自治县", "自治旗", "自治区"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            changed = True
            while changed and len(stem) > 2:
                changed = False
                for nat in _nationalities():
                    if stem.endswith(nat) and len(stem) - len(nat) >= 2:
                        stem = stem[: -len(nat)]
                        changed = True
                        break
            return stem
    for suffix in ("特别行政区", "地区", "省", "市", "盟", "州", "县", "区", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@cache
def all_regions() -> Regions:
    """The division table with the recorded later changes (region_changes.csv) applied."""
    from importlib import resources

    changes: dict[str, dict] = {}
    with resources.files("innodrive.data").joinpath("region_changes.csv").open(encoding="utf-8", newline="") as f:
        for rec in csv.DictReader(f):
            changes[rec["old_code"]] = rec
    rows = []
    with resources.files("innodrive.data").joinpath("regions.csv").open(encoding="utf-8", newline="") as f:
        for rec in csv.DictReader(f):
            code, name = rec["code"], rec["name"]
            if code in changes:
                code, name = changes[code]["new_code"], changes[code]["new_name"]
            rows.append(Region(
                code=code, name=name, level=rec["level"], parent=rec["parent"] or None,
                longitude=float(rec["longitude"]) if rec["longitude"] else None,
                latitude=float(rec["latitude"]) if rec["latitude"] else None,
            ))
    return Regions(rows)
