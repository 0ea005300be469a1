"""The field classifications a result or a demand is filed under, shipped as data.

Offices file 科技成果 and enterprise demands by the national classifications their
forms use: the 国民经济行业分类 (GB/T 4754—2017: 20 门类, 97 大类) for the industry a
result serves or an enterprise works in, and the 学科分类与代码 (GB/T 13745—2009: 5
门类, 62 一级学科) for the discipline a result comes from. The tables under
``market/data`` hold the two top levels of each, as published; finer levels are not
shipped (the matcher compares 大类 and 一级学科 at most), and a code that is not in the
table is refused rather than guessed.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

INDUSTRY_SOURCE = "GB/T 4754—2017《国民经济行业分类》（门类、大类）"
DISCIPLINE_SOURCE = "GB/T 13745—2009《学科分类与代码》（门类、一级学科）"


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    level: str          # 门类 / 大类 / 一级学科
    parent: str | None  # the 门类 of a 大类 or 一级学科

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


class Classification:
    """One classification: look-ups by code and by name, and the 门类 of any code."""

    def __init__(self, name: str, source: str, rows: list[Category]) -> None:
        self.name = name
        self.source = source
        self._by_code = {c.code: c for c in rows}
        self._by_name = {_fold(c.name): c for c in rows}

    def __iter__(self):
        return iter(self._by_code.values())

    def get(self, code: str | None) -> Category | None:
        return self._by_code.get(code) if code else None

    def section(self, code: str | None) -> str | None:
        """The 门类 letter of a code (itself for a 门类)."""
        c = self.get(code)
        if c is None:
            return None
        return c.parent or c.code

    def parse(self, cell: str) -> tuple[str | None, str | None]:
        """A code from what a person typed: ``38``, ``C38``, ``38 电气机械和器材制造业``,
        ``电气机械和器材制造业`` or a 门类 letter. Returns ``(code, None)`` or
        ``(None, reason in Chinese)``."""
        text = _fold(cell)
        if not text:
            return None, None
        m = re.match(r"^([a-t])?\s*(\d{2,3})(?:\s*[\-—:：]?\s*(.*))?$", text)
        if m:
            code = m.group(2)
            cat = self.get(code)
            if cat is None:
                return None, f"“{cell}”不是{self.source}中的代码"
            if m.group(1) and self.section(code) != m.group(1).upper():
                return None, f"“{cell}”的门类字母与代码 {code}（属于门类 {self.section(code)}）不一致"
            rest = (m.group(3) or "").strip()
            if rest and _fold(cat.name) != rest:
                return None, f"代码 {code} 在{self.source}中是“{cat.name}”，与所填名称“{m.group(3)}”不一致"
            return code, None
        if re.fullmatch(r"[a-t]", text):
            cat = self.get(text.upper())
            if cat is not None:
                return cat.code, None
        cat = self._by_name.get(text)
        if cat is not None:
            return cat.code, None
        return None, f"无法识别“{cell}”：请填写{self.source}中的代码或名称"


def _fold(text: str | None) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip().lower()


def _load(file: str, name: str, source: str) -> Classification:
    with resources.files("innodrive.market.data").joinpath(file).open(encoding="utf-8", newline="") as f:
        rows = [Category(code=r["code"], name=r["name"], level=r["level"], parent=r["parent"] or None)
                for r in csv.DictReader(f)]
    return Classification(name, source, rows)


@cache
def industries() -> Classification:
    """GB/T 4754—2017 门类 (A–T) and 大类 (01–97)."""
    return _load("gbt4754_2017.csv", "国民经济行业分类", INDUSTRY_SOURCE)


@cache
def disciplines() -> Classification:
    """GB/T 13745—2009 门类 (A–E) and 一级学科 (110–910)."""
    return _load("gbt13745_2009.csv", "学科分类", DISCIPLINE_SOURCE)
