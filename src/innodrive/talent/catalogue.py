"""The city's 人才分类目录 as versioned data.

A talent's category (A–E类 …) is recognised (认定) by the talent office under the
catalogue in force on the day of recognition; the category decides the 英才卡 and,
through the catalogue's ``indicators`` block, which of the plan's indicators the
person counts towards (顶尖人才和科技领军人才 may be A and B类 in one city, A to C类 in
another). Each category lists its criteria; a criterion may name honours, titles
(职称) or education that a record can be matched against, so innodrive can *suggest*
the category a record's honours support — the recognition itself stays the office's
decision.

Files: ``rules/catalogue-*.yaml`` (``kind: talent_catalogue``), see
:mod:`innodrive.talent.rulesets`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from innodrive.errors import InputError
from innodrive.talent.rulesets import Versioned, load_kind, pick

EMPLOYMENT = ("全职", "柔性")
EMPLOYMENT_ALIASES = {"全职引进": "全职", "全职在岗": "全职", "柔性引进": "柔性", "柔性引才": "柔性", "兼职": "柔性"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Criterion(_Strict):
    id: str
    text: str
    honours: list[str] = Field(default_factory=list)
    titles: list[str] = Field(default_factory=list)
    education: list[str] = Field(default_factory=list)


class Category(_Strict):
    code: str
    name: str
    criteria: list[Criterion]

    @property
    def label(self) -> str:
        return f"{self.code}类（{self.name}）"


class IndicatorCount(_Strict):
    """Which records one catalogue indicator counts."""

    categories: list[str]
    employment: list[str] = Field(default_factory=lambda: list(EMPLOYMENT))


class Catalogue(Versioned):
    categories: list[Category]
    indicators: dict[str, IndicatorCount] = Field(default_factory=dict)

    def category(self, code: str) -> Category | None:
        c = normalise_category(code)
        return next((x for x in self.categories if x.code == c), None)

    def codes(self) -> list[str]:
        return [c.code for c in self.categories]

    def rank(self, code: str) -> int:
        """0 for the highest category."""
        return self.codes().index(normalise_category(code))

    def criterion(self, criterion_id: str) -> tuple[Category, Criterion] | None:
        for cat in self.categories:
            for cr in cat.criteria:
                if cr.id == criterion_id.strip().upper():
                    return cat, cr
        return None


class Suggestion(BaseModel):
    """The highest category whose criteria a record's honours, titles or education meet."""

    category: str
    criterion: str
    text: str
    matched: str


def normalise_category(text: object) -> str:
    """``A``, ``a``, ``A类``, ``Ａ类`` → ``A``."""
    t = unicodedata.normalize("NFKC", str(text or "")).strip().upper()
    return t[:-1] if t.endswith("类") else t


def normalise_employment(text: object) -> str | None:
    t = unicodedata.normalize("NFKC", str(text or "")).strip()
    if t in EMPLOYMENT:
        return t
    return EMPLOYMENT_ALIASES.get(t)


def _check(cat: Catalogue, name: str) -> None:
    if cat.kind != "talent_catalogue":
        raise InputError("kind 应为 talent_catalogue", file=name)
    codes = [c.code for c in cat.categories]
    if not codes or len(set(codes)) != len(codes):
        raise InputError("人才类别代码不能为空且不能重复", file=name)
    ids = [cr.id for c in cat.categories for cr in c.criteria]
    if len(set(ids)) != len(ids):
        raise InputError("认定条件编号（id）不能重复", file=name)
    from innodrive.indicators.catalogue import load_catalogue

    indicators = load_catalogue()
    for code, rule in cat.indicators.items():
        if indicators.get(code) is None:
            raise InputError(f"indicators 中的“{code}”不是指标目录中的指标", file=name)
        unknown = [c for c in rule.categories if c not in codes]
        if unknown:
            raise InputError(f"指标 {code} 引用了目录中没有的人才类别：{'、'.join(unknown)}", file=name)
        bad = [e for e in rule.employment if e not in EMPLOYMENT]
        if bad:
            raise InputError(f"指标 {code} 的引进方式应为 全职 或 柔性，实际为：{'、'.join(bad)}", file=name)


@cache
def _all() -> tuple[Catalogue, ...]:
    return tuple(load_kind("talent_catalogue", Catalogue, check=_check))


def catalogues() -> list[Catalogue]:
    return list(_all())


def catalogue_for(on: dt.date, *, version: str | None = None) -> Catalogue:
    """The catalogue in force on ``on`` (or the version named)."""
    return pick(list(_all()), on, what="人才分类目录", version=version)


def reload() -> None:
    """Forget the loaded files (after the office adds or edits one)."""
    _all.cache_clear()
    from innodrive.talent import cards

    cards.reload()


def _has(items: list[str], wanted: list[str]) -> str | None:
    norm = [unicodedata.normalize("NFKC", i).replace(" ", "") for i in items]
    for w in wanted:
        ww = unicodedata.normalize("NFKC", w).replace(" ", "")
        for item, orig in zip(norm, items, strict=True):
            if ww and ww in item:
                return orig
    return None


def suggest(cat: Catalogue, *, honours: list[str], titles: list[str], education: str | None) -> Suggestion | None:
    """The highest category one of whose criteria the record meets (``None`` if none)."""
    for c in cat.categories:
        for cr in c.criteria:
            hit = (_has(honours, cr.honours) or _has(titles, cr.titles)
                   or _has([education] if education else [], cr.education))
            if hit:
                return Suggestion(category=c.code, criterion=cr.id, text=cr.text, matched=hit)
    return None


__all__ = ["EMPLOYMENT", "Catalogue", "Category", "Criterion", "IndicatorCount", "Suggestion", "catalogue_for",
           "catalogues", "normalise_category", "normalise_employment", "reload", "suggest"]
