"""Numbers, magnitudes and units as policy documents write them.

Values stay *as written* (45 and 亿元, not 4.5e9 元): the unit string keeps its
magnitude. Chinese numerals (三百家, 十三项) are parsed with cn2an, but only on spans
already recognised as quantities — never by rewriting the whole text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from innodrive import regex_cache

CN_DIGITS = "零〇一二两三四五六七八九"
CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿"
_CN_START = "一二两三四五六七八九十"

# Bounded digit runs, and never starting inside another number: a regex that may start
# anywhere in a 30,000-digit run and backtrack over it would make extraction quadratic.
_NOT_INSIDE_NUMBER = r"(?<![\d.,])"
ARABIC = _NOT_INSIDE_NUMBER + r"\d{1,12}(?:,\d{3}){0,4}(?:\.\d{1,6})?"
CHINESE = rf"[{_CN_START}][{CN_NUM_CHARS}]*(?:点[{CN_DIGITS}]+)?"
_MAGNITUDE_WORDS = "万亿|千亿|百亿|亿|千万|百万|十万|万|千"
MAGNITUDE = f"(?:{_MAGNITUDE_WORDS})"

# Units that make a number a measurable quantity. 批/次 (一批, 一次性) and 年/月 (dates)
# are left out on purpose: they are almost never the unit of a target.
COUNT_UNITS = ("人次", "户次", "场次", "批次", "家", "户", "个", "项", "件", "人", "名", "位", "所", "座", "台",
               "套", "条", "篇", "部", "场", "支", "处", "款", "份", "辆", "床", "只", "间", "张", "头", "株",
               "列", "栋", "宗", "例", "门", "期", "标箱")
MEASURE_UNITS = ("平方公里", "平方米", "千瓦时", "千瓦", "兆瓦", "吉瓦", "公顷", "公里", "亩", "吨",
                 "小时", "天", "微克/立方米", "毫克/立方米", "吨标准煤", "万吨标准煤", "公斤", "斤", "岁", "P")
UNIT_ALTERNATION = "|".join(
    ["个百分点", "百分点", "%", "‰", "倍", "元/人", "元"]
    + sorted(COUNT_UNITS + MEASURE_UNITS, key=len, reverse=True)
)

PRE_COMPARATORS = {
    # verb before the number -> comparator
    "不低于": ">=", "不少于": ">=", "不小于": ">=",
    "不超过": "<=", "不高于": "<=", "不大于": "<=", "控制在": "<=",
    "超过": ">", "超": ">", "突破": ">", "高于": ">", "多于": ">",
    "低于": "<", "少于": "<",
    "达到": "=", "达": "=", "提高到": "=", "提高至": "=", "提升到": "=", "提升至": "=",
    "增长到": "=", "增至": "=", "增加到": "=", "增加至": "=", "降低到": "=", "降低至": "=",
    "下降到": "=", "下降至": "=", "降到": "=", "降至": "=", "保持在": "=", "稳定在": "=",
    "扩大到": "=", "扩大至": "=",
    "实现": "=", "完成": "=",
}
POST_COMPARATORS = {"以上": ">=", "及以上": ">=", "以内": "<=", "以下": "<=", "左右": "~"}
CHANGE_VERBS = ("年均增长", "年均提高", "年均下降", "增长", "提高", "提升", "增加", "下降", "降低", "减少", "上涨", "压减")

_PRE = "|".join(sorted(list(PRE_COMPARATORS) + list(CHANGE_VERBS), key=len, reverse=True))
_POST = "|".join(sorted(POST_COMPARATORS, key=len, reverse=True))

QUANTITY_RE = regex_cache.compile(
    rf"(?P<pre>{_PRE})?"
    rf"(?P<num>{ARABIC}|{CHINESE})"
    r"(?P<approx>多|余)?"
    rf"(?P<mag>{MAGNITUDE})?"
    rf"(?P<unit>{UNIT_ALTERNATION})"
    rf"(?P<post>{_POST})?"
)
# The same grammar, split for speed: the regex engine skips quickly to a digit or a Chinese
# numeral when the pattern starts with one, but tries every position when it starts with an
# optional group of forty words. :func:`find_quantities` finds "number + unit (+ post)" and
# then looks back a few characters for the comparator or change verb before it.
# The number's first character is matched on its own so that the pattern starts with one
# character class (the engine then skips to digits and numerals); the rest of each
# alternative follows, as in ARABIC and CHINESE:
# The Arabic digits are an atomic group: giving digits back cannot help, since what follows
# a number (多, 余, a magnitude, a unit) never starts with a digit, a comma or a point, and
# every shorter number ends before one of those. Without it, each 2025年 (the most common
# number of all) was tried again with 202, 20 and 2 before it failed.
_BODY_NUM = (rf"[\d{_CN_START}](?:(?<=\d)(?>\d{{0,11}}(?:,\d{{3}}){{0,4}}(?:\.\d{{1,6}})?)"
             rf"|(?<=[{_CN_START}])[{CN_NUM_CHARS}]*(?:点[{CN_DIGITS}]+)?)")


def _first_chars(*alternations: str) -> str:
    """A character class of the characters that the words of ``alternations`` (``a|b|…``) start with."""
    return "[" + re.escape("".join(sorted({w[0] for alt in alternations for w in alt.split("|")}))) + "]"


# What follows the number must start 多/余, a magnitude or a unit: one look-ahead at that
# character fails a number followed by anything else (年, 月, 日 …) at once, where the engine
# otherwise tried the seventy alternatives of the unit one by one.
_AFTER_NUM = "(?=" + _first_chars("多|余", _MAGNITUDE_WORDS, UNIT_ALTERNATION) + ")"
_BODY_RE = regex_cache.compile(
    rf"(?P<num>{_BODY_NUM}){_AFTER_NUM}"
    r"(?P<approx>多|余)?"
    rf"(?P<mag>{MAGNITUDE})?"
    rf"(?P<unit>{UNIT_ALTERNATION})"
    rf"(?P<post>{_POST})?"
)
_PRE_BEFORE_RE = regex_cache.compile(rf"(?:{_PRE})$")
# The Chinese-numeral alternative of the body after its first character: a quantity written
# in Chinese numerals (三处, 十三项, 三百家, 三亿元) is one of _CN_START followed by this. The
# target rules' first test (targets._MAY_HAVE_NUMBERS) is built from it, so that it asks
# for exactly the numeral + unit forms this grammar reads, whatever unit the lists above hold.
CN_QUANTITY_START = _CN_START
# (the look-ahead after the numerals: what follows them must open with 点, 多/余, a magnitude or
# a unit, so that a numeral followed by anything else, 一批 or 统一, fails at one class instead
# of the seventy alternatives of the unit; it changes no match)
CHINESE_BODY_REST = (rf"[{CN_NUM_CHARS}]*(?={_first_chars('点', '多|余', _MAGNITUDE_WORDS, UNIT_ALTERNATION)})"
                     rf"(?:点[{CN_DIGITS}]+)?(?:多|余)?(?:{MAGNITUDE})?(?:{UNIT_ALTERNATION})")
_PRE_WIDTH = max(len(w) for w in list(PRE_COMPARATORS) + list(CHANGE_VERBS))
_PRE_WORDS = frozenset(PRE_COMPARATORS) | frozenset(CHANGE_VERBS)   # the alternatives of _PRE
# the lengths of those words by their last character, longest first
_PRE_LENGTHS_BY_LAST = {c: tuple(sorted({len(w) for w in _PRE_WORDS if w[-1] == c}, reverse=True))
                        for c in {w[-1] for w in _PRE_WORDS}}


class Quantity:
    """One quantity found by :func:`find_quantities`, read like a ``re.Match`` of QUANTITY_RE."""

    # ``body`` (the match of "number + unit (+ post)") and ``pre`` (the comparator or change
    # verb before it, "" when none) are public: a caller reading many groups of many
    # quantities reads them from ``body`` without a Python call per group
    __slots__ = ("_m", "_pre", "_start", "_end", "body", "pre")

    def __init__(self, m: re.Match, pre: str, start: int) -> None:
        self._m, self._pre = m, pre
        self.body, self.pre = m, pre
        self._start = start - len(pre)
        self._end = m.end()

    def start(self, group: str | None = None) -> int:
        if group is None:
            return self._start
        if group == "pre":
            return self._start if self._pre else -1
        return self._m.start(group)

    def end(self, group: str | None = None) -> int:
        if group is None:
            return self._end
        if group == "pre":
            return self._m.start() if self._pre else -1
        return self._m.end(group)

    def span(self, group: str | None = None) -> tuple[int, int]:
        return self.start(group), self.end(group)

    def group(self, name: str | int = 0) -> str | None:
        if name == "pre":
            return self._pre or None
        if name == 0:
            return self._pre + self._m.group(0)
        return self._m.group(name)


def has_quantity(text: str) -> bool:
    """``QUANTITY_RE.search(text) is not None``, answered by one scan for a number + unit
    first: every match of QUANTITY_RE holds a match of the body pattern (the number after
    the comparator), and QUANTITY_RE itself, opening with an optional group of forty words,
    is tried at every position of the text."""
    return _BODY_RE.search(text) is not None and QUANTITY_RE.search(text) is not None


def find_quantities(text: str):
    """The matches of :data:`QUANTITY_RE` in ``text``, found faster (same groups)."""
    for m in _BODY_RE.finditer(text):
        a = m.start()
        if a and text[a - 1] in "0123456789.," and text[a].isdigit():
            continue  # the inside of a longer number (QUANTITY_RE's look-behind)
        yield Quantity(m, _pre_before(text, a) if a else "", a)


def _pre_before(text: str, a: int) -> str:
    """The comparator or change verb ending at ``a``: what
    ``_PRE_BEFORE_RE.search(text, max(0, a - _PRE_WIDTH), a)`` matches ("" for none).

    That search takes the leftmost start whose rest up to ``a`` is one of the words, so
    the longest word that ends the window; only the lengths of the words ending with the
    window's last character are tried, longest first (most numbers follow a character
    that ends no word: one lookup). (``$`` also matches before a final line break: a
    window holding one is left to the regex.)"""
    lo = a - _PRE_WIDTH if a > _PRE_WIDTH else 0
    if text.find("\n", lo, a) != -1:
        m = _PRE_BEFORE_RE.search(text, lo, a)
        return m.group(0) if m else ""
    for n in _PRE_LENGTHS_BY_LAST.get(text[a - 1], ()):
        if n <= a - lo and text[a - n:a] in _PRE_WORDS:
            return text[a - n:a]
    return ""


PERCENT_WORDS_RE = regex_cache.compile(rf"(?P<pre>{_PRE})?百分之(?P<num>{CHINESE}|{ARABIC})(?P<post>{_POST})?")


@lru_cache(maxsize=4096)
def parse_number(text: str) -> float | None:
    """Arabic (1,200 / 1.54) or Chinese (三百 / 十三 / 一点五 / 两万五千) numerals to a number."""
    t = text.replace(",", "")
    try:
        return float(t)
    except ValueError:
        pass
    return chinese_number(t)


_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}


def chinese_number(text: str) -> float | None:
    """A Chinese numeral as written in documents (十三, 三百, 两千五百, 一万二千, 一点五, 百分之
    excluded) to its value; ``None`` for anything malformed (一一, 二〇二五 is a year, not a count).

    Written here rather than with cn2an: that library takes a third of a second to import,
    more than the rest of a one-document extraction."""
    if not text:
        return None
    whole, _, frac = text.partition("点")
    if frac:
        if not all(ch in _CN_DIGIT for ch in frac):
            return None
        value = _chinese_integer(whole) if whole else 0
        if value is None:
            return None
        return value + float("0." + "".join(str(_CN_DIGIT[ch]) for ch in frac))
    value = _chinese_integer(whole)
    return None if value is None else float(value)


def _chinese_integer(text: str) -> int | None:
    if len(text) > 1 and all(ch in _CN_DIGIT for ch in text):
        return int("".join(str(_CN_DIGIT[ch]) for ch in text))  # 二〇二五: digit by digit
    total = 0          # finished 亿/万 groups
    group = 0          # the current group below 万
    digit: int | None = None
    last_unit = 10_000_000_000
    for ch in text:
        if ch in _CN_DIGIT:
            d = _CN_DIGIT[ch]
            if d == 0:
                continue  # 一百零五: 零 only marks a gap
            if digit is not None:
                return None  # two digits in a row without a unit
            digit = d
        elif ch in _CN_UNIT:
            unit = _CN_UNIT[ch]
            if unit >= last_unit:
                return None
            group += (digit if digit is not None else 1) * unit
            digit, last_unit = None, unit
        elif ch in _CN_BIG:
            group += digit or 0
            if not group and not total:
                return None
            if _CN_BIG[ch] == 100_000_000:
                total = (total + group) * 100_000_000
            else:
                total += group * 10_000
            group, digit, last_unit = 0, None, 10_000_000_000
        else:
            return None
    return total + group + (digit or 0)


def tidy_number(value: float) -> float | int:
    """192.0 → 192; 1.54 stays 1.54 (the JSON shows numbers as written)."""
    if value == int(value) and abs(value) < 1e15:
        return int(value)
    return round(value, 10)


SCALE_WORDS = {"万亿": (10000.0, "亿元"), "千亿": (1000.0, "亿元"), "百亿": (100.0, "亿元"),
               "十亿": (10.0, "亿元")}
