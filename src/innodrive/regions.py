"""Administrative regions (GB/T 2260): province → 市州 → 区县, and the one resolver.

Documents and people name places loosely (乐山, 乐山市, 511100, 凉山州, 凉山彝族自治州,
乐山市市中区, a county abolished years ago such as 宜宾县); statistics and plans must
key them by the official division code. This module loads the bundled division table
once and answers "which region is this name", "what are its parent and children".

:func:`resolve` is the one resolver every face and every reader uses (a ``--region``
option, a region column of an import, a plan's issuer, an enterprise registry): it
accepts codes (current and retired), full and short names, the 州 form of autonomous
prefectures, a parent followed by a child (乐山市市中区, 四川省乐山市), and names of
divisions retired by a recorded change (宜宾县 → 叙州区, 2018) with a note saying so.
An ambiguous name is refused with candidates written so that each of them resolves.
Pure lookups over immutable data; no database.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from innodrive.errors import InputError

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
    text = resources.files("innodrive.data").joinpath("nationalities.txt").read_text(encoding="utf-8")
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


@dataclass(frozen=True)
class Change:
    """One recorded division change: ``old_name`` (``old_code``) became ``new_code`` in ``year``."""

    old_code: str
    old_name: str
    new_code: str
    new_name: str
    year: int
    basis: str


@cache
def region_changes() -> tuple[Change, ...]:
    """The recorded later changes (``region_changes.csv``), oldest first."""
    with resources.files("innodrive.data").joinpath("region_changes.csv").open(encoding="utf-8", newline="") as f:
        return tuple(Change(old_code=r["old_code"], old_name=r["old_name"], new_code=r["new_code"],
                            new_name=r["new_name"], year=int(r["year"]), basis=r["basis"])
                     for r in csv.DictReader(f))


@cache
def all_regions() -> Regions:
    """The division table with the recorded later changes (region_changes.csv) applied."""
    changes = {c.old_code: {"new_code": c.new_code, "new_name": c.new_name} for c in region_changes()}
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


# --------------------------------------------------------------------- the resolver


@dataclass(frozen=True)
class Resolved:
    """A resolved region, with a note when the written name was a retired division."""

    region: Region
    note: str | None = None

    @property
    def code(self) -> str:
        return self.region.code

    @property
    def name(self) -> str:
        return self.region.name


def normalise_name(text: object) -> str:
    """NFKC, no spaces (``乐山 市`` and full-width digits as people paste them)."""
    return unicodedata.normalize("NFKC", str(text or "")).replace(" ", "").replace("\u3000", "").strip()


def resolve(text: object, *, within: str | None = None, field: str | None = None) -> Resolved:
    """The region ``text`` names, or :class:`~innodrive.errors.InputError` saying why not.

    :param within: only regions inside this code count (a county named in a 乐山
        document is a county of 乐山).
    """
    found, problem = try_resolve(text, within=within)
    if found is None:
        raise InputError(problem or "未知的地区", field=field)
    return found


def try_resolve(text: object, *, within: str | None = None) -> tuple[Resolved | None, str | None]:
    """``(resolved, None)`` or ``(None, why not)`` in Chinese — for bulk checks that
    collect every problem instead of stopping at the first."""
    return _resolve(normalise_name(text), within)


@lru_cache(maxsize=4096)
def _resolve(text: str, within: str | None) -> tuple[Resolved | None, str | None]:
    regions = all_regions()
    if not text:
        return None, "地区为空"
    if text.isdecimal():
        return _by_code(text, within)
    found = _candidates(text, within)
    if not found:
        # a parent followed by a child: 乐山市市中区, 四川省乐山市, 宜宾市宜宾县
        found = _split(text, within)
    if len(found) > 1:
        prefectures = [r for r in found if r.region.level == "prefecture"]
        if len(prefectures) == 1:  # 宜宾 is the city, not a county of the same short name
            return prefectures[0], None
        exact = [r for r in found if r.region.name == text]
        if len(exact) == 1:  # the full name of one, the short name of others
            return exact[0], None
        options = "、".join(f"{unique_name(r.region)}（{r.region.code}）" for r in found[:6])
        more = f" 等 {len(found)} 个" if len(found) > 6 else ""
        return None, f"地区名称“{text}”对应多个地区：{options}{more}。请写明上级地区（如 {unique_name(found[0].region)}）或改用六位区划代码"
    if found:
        return found[0], None
    where = f"（在 {regions.get(within).name if regions.get(within) else within} 范围内）" if within else ""
    close = suggestions(text, within=within)
    return None, f"未知的地区“{text}”{where}" + (f"；相近的地区：{'、'.join(close)}" if close else "")


def _by_code(text: str, within: str | None) -> tuple[Resolved | None, str | None]:
    regions = all_regions()
    code = text
    if len(text) in (9, 12) and text[6:] == "0" * (len(text) - 6):
        code = text[:6]  # 统计用区划代码 (12 digits) of a county or above
    r = regions.get(code) if len(code) == 6 else None
    note = None
    if r is None:
        change = next((c for c in region_changes() if c.old_code == code), None)
        if change is not None:
            r = regions.get(change.new_code)
            note = _note(change)
    if r is None:
        return None, f"未知的地区代码“{text}”（应为 GB/T 2260 六位区划代码）"
    if within and not regions.is_within(r.code, within):
        return None, f"地区代码“{text}”（{r.name}）不在 {regions.get(within).name if regions.get(within) else within} 范围内"
    return Resolved(r, note), None


def _note(c: Change) -> str:
    return f"“{c.old_name}”（{c.old_code}）已于 {c.year} 年撤销，现为{c.new_name}（{c.new_code}）；依据：{c.basis}"


def _candidates(text: str, within: str | None) -> list[Resolved]:
    """Regions called ``text`` (without splitting it), retired names included."""
    regions = all_regions()
    found = [Resolved(r) for r in regions.lookup(text, within=within)]
    if not found and text.endswith("州") and len(text) > 2:  # 凉山州, 阿坝州
        found = [Resolved(r) for r in regions.lookup(text[:-1], within=within, level="prefecture")]
    if not found:
        for c in region_changes():
            if c.old_name == text:
                r = regions.get(c.new_code)
                if r is not None and (within is None or regions.is_within(r.code, within)):
                    found.append(Resolved(r, _note(c)))
    return found


def _split(text: str, within: str | None) -> list[Resolved]:
    for i in range(2, len(text) - 1):
        head, tail = text[:i], text[i:]
        parents = [p for p in _candidates(head, within) if p.region.level in ("province", "prefecture")]
        if len(parents) != 1:
            continue
        parent = parents[0]
        children = _candidates(tail, parent.region.code) or _split(tail, parent.region.code)
        children = [c for c in children if c.region.code != parent.region.code]
        if children:
            if len(children) > 1:
                prefectures = [c for c in children if c.region.level == "prefecture"]
                children = prefectures if len(prefectures) == 1 else children
            note = "；".join(n for n in (parent.note, children[0].note) if n) or None
            return [Resolved(c.region, note if len(children) == 1 else c.note) for c in children]
    return []


def unique_name(region: Region) -> str:
    """A name of ``region`` that resolves to it alone: its own name when no other
    region shares it, else its parent's name followed by it (乐山市市中区)."""
    regions = all_regions()
    if len(regions.lookup(region.name)) <= 1:
        return region.name
    parent = regions.parent(region.code)
    return f"{parent.name}{region.name}" if parent else region.name


@cache
def _suggestion_names() -> dict[str, str]:
    """Every resolvable display name → its code (built once)."""
    return {unique_name(r): r.code for r in all_regions()}


def suggestions(text: str, *, within: str | None = None, limit: int = 3) -> list[str]:
    """Up to ``limit`` names close to ``text``, each of which :func:`resolve` accepts."""
    from rapidfuzz import process

    regions = all_regions()
    names = _suggestion_names()
    choices = [n for n, code in names.items() if within is None or regions.is_within(code, within)]
    out: list[str] = []
    for name, score, _ in process.extract(text, choices, limit=limit * 2):
        if score >= 60 and _resolve(normalise_name(name), within)[0] is not None:
            out.append(name)
        if len(out) == limit:
            break
    return out
