"""What each part of a document is for: goals, tasks, review, background or safeguards.

A 政府工作报告 spends half its length looking back (一、2025年工作回顾) before it sets
the year's targets (三、2026年重点工作); a 规划 opens with 发展基础 and 面临形势 before
its 主要目标 and 重点任务, and closes with 保障措施. The same sentence shape — "indicator
+ number" — is an achievement in the first part and a target in the second, so the
role of the section decides how its numbers are read:

- ``review``: achievements (工作回顾, 发展成就, 主要成绩, 过去一年, a heading naming an
  earlier year or a finished five-year plan) — never targets;
- ``background``: the situation (面临形势, 机遇和挑战, 存在问题) — not targets either;
- ``goals``: 主要目标, 预期目标, 主要指标 — "indicator + number" is a target here;
- ``safeguards``: 保障措施, 组织实施, 政府自身建设 — tasks without numbers, as a rule;
- ``tasks``: everything else that plans work (重点任务, 重点工作, 工作安排 …).

A section's year comes from its heading: "2026年重点工作" → 2026, "“十五五”时期主要目标"
→ 2030, "今年工作安排" → the document's year. Sub-sections inherit role and year from
their parents unless their own heading says otherwise.

Headings come in every common form: numbered (一、 （一） 1. 第X部分 第X章), and
unnumbered lines or bold lead phrases that name a part (主要预期目标, 主要目标). The
numbered ones are the outline; the unnumbered ones only set the role of what follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from innodrive import regex_cache
from innodrive.extraction.timeframe import plan_periods

REVIEW, BACKGROUND, GOALS, TASKS, SAFEGUARDS = "review", "background", "goals", "tasks", "safeguards"

_REVIEW = regex_cache.compile(
    r"回顾|回望|发展成就|主要成就|取得(?:的)?(?:显著|重大|历史性)?成就|辉煌成就|主要成绩|取得(?:的)?成绩|工作成绩|"
    r"主要成效|取得(?:的)?成效|工作成效|发展成效|发展基础|现实基础|基础条件|发展现状|基本情况|上年工作|"
    r"过去一年|过去五年|一年来|二年来|三年来|四年来|五年来|工作总结|总结回顾|年度总结")  # (every alternative opens with a literal)
_BACKGROUND = regex_cache.compile(r"面临(?:的)?形势|形势分析|发展形势|发展环境|机遇和挑战|机遇与挑战|存在(?:的)?问题|问题和不足|"
                         r"困难和问题|问题和挑战|重要意义|必要性|编制依据|背景")
_GOALS = regex_cache.compile(r"目标|指标")
_SAFEGUARDS = regex_cache.compile(r"保障措施|保障机制|组织实施|组织领导|组织保障|实施保障|自身建设|政府建设|作风建设|监督检查|"
                         r"考核评估|附则")
_TASKS = regex_cache.compile(r"任务|工作安排|重点工作|主要工作|工作部署|举措|措施|行动|工程|计划|安排")
# any of the five above (their alternatives, none anchored): most headings name none of the
# roles (加快建设创新型城市), and one search of this tells so instead of five
_ANY_ROLE = regex_cache.compile("|".join(rx.pattern for rx in (_REVIEW, _BACKGROUND, _GOALS, _SAFEGUARDS, _TASKS)))
# = (?<!\d)((?:19|20)\d\d)\s*年 and (?<!\d)((?:19|20)\d\d)\s*[—\-–~至到]+…: the look-behind after the
# first digit, so that the engine skips to a 1 or a 2 instead of trying the pattern at every position
_YEAR = regex_cache.compile(r"((?:1(?<!\d1)9|2(?<!\d2)0)\d\d)\s*年")
_YEAR_RANGE = regex_cache.compile(r"((?:1(?<!\d1)9|2(?<!\d2)0)\d\d)\s*[—\-–~至到]+\s*((?:19|20)\d\d)\s*年")
_THIS_YEAR = regex_cache.compile(r"今年|本年度|年内|全年")
_NEXT_YEAR = regex_cache.compile(r"明年")
# unnumbered lines that name a part of the document (a bold line in the original)
_PSEUDO_HEADING = regex_cache.compile(
    r"^(?:[(（]?[一二三四五六七八九十]+[)）、]?)?(?:(?:19|20)\d\d年|今年|“?十[一二三四五六七]五”?(?:时期)?)?"
    r"(?:经济社会发展(?:的)?|全省|全市|全区)?"
    r"(?P<what>主要预期目标|预期目标|主要目标|发展目标|总体目标|主要指标|目标任务|重点任务|主要任务|重点工作|工作回顾|"
    r"保障措施|指导思想|总体要求|基本原则)(?:和[^\W\d_a-zA-Z]{2,6})?$")


@dataclass(frozen=True)
class Role:
    """What a section does in the document (sets goals, reviews results …) and for which year."""

    role: str               # review / background / goals / tasks / safeguards
    year: int | None        # the year the section's targets are for
    reason: str             # the words that decided it (for ``extract -v``)


def title_role(title: str, doc_year: int | None) -> tuple[str | None, str]:
    """(role, reason) decided by a heading's own words, or (None, "") when they say nothing."""
    past_year = _past_year_named(title, doc_year)
    named = _ANY_ROLE.search(title) is not None   # (False: none of the searches below can find anything)
    goal_words = _GOALS.search(title) if named else None
    m = _REVIEW.search(title) if named else None
    if m and not (goal_words and not past_year and "成就" not in m.group(0) and "回顾" not in m.group(0)):
        return REVIEW, m.group(0)
    if past_year and not _future_named(title, doc_year):
        return REVIEW, f"标题年份{past_year}早于文件年份"
    if not named:
        return None, ""
    m = _BACKGROUND.search(title)
    if m:
        return BACKGROUND, m.group(0)
    m = _SAFEGUARDS.search(title)
    if m:
        return SAFEGUARDS, m.group(0)
    if goal_words:
        return GOALS, goal_words.group(0)
    m = _TASKS.search(title)
    if m:
        return TASKS, m.group(0)
    return None, ""


def title_year(title: str, doc_year: int | None) -> int | None:
    """The year a heading sets for its section: 2026年重点工作 → 2026; “十五五”时期 → 2030;
    2026—2030年 → 2030; 今年 → the document's year; 明年 → the year after."""
    dated = "年" in title   # (see _HOLD_NIAN)
    m = _YEAR_RANGE.search(title) if dated else None
    if m:
        return int(m.group(2))
    years = [int(y) for y in _years(title)]
    future = [y for y in years if doc_year is None or y >= doc_year]
    if future:
        return max(future)
    for _, end in _plans(title):
        if doc_year is None or end >= doc_year:
            return end
    if doc_year and dated and _THIS_YEAR.search(title):
        return doc_year
    if doc_year and dated and _NEXT_YEAR.search(title):
        return doc_year + 1
    return None


# Every match of _YEAR, _YEAR_RANGE, _THIS_YEAR and _NEXT_YEAR holds 年, and every plan
# period is written 十X五: a heading without the character (most of them) is not searched
# for them — each search is a call and a scan, asked up to three times a heading by
# section_roles (title_role, title_year, _future_named). tests/extraction/test_fast_paths.py
# checks the characters against the patterns.
_HOLD_NIAN = (_YEAR, _YEAR_RANGE, _THIS_YEAR, _NEXT_YEAR)


def _years(title: str) -> list[str]:
    """``_YEAR.findall(title)``."""
    return _YEAR.findall(title) if "年" in title else []


def _plans(title: str) -> list[tuple[int, int]]:
    """``plan_periods(title)``."""
    return plan_periods(title) if "十" in title else []


def _past_year_named(title: str, doc_year: int | None) -> int | None:
    """A year (or finished five-year plan) named in a heading that is before the document's year."""
    if not doc_year:
        return None
    for y in _years(title):
        if int(y) < doc_year:
            return int(y)
    for _, end in _plans(title):
        if end < doc_year:
            return end
    return None


def _future_named(title: str, doc_year: int | None) -> bool:
    if not doc_year:
        return False
    if any(int(y) >= doc_year for y in _years(title)):
        return True
    return any(end >= doc_year for _, end in _plans(title)) or "年" in title and bool(
        _THIS_YEAR.search(title) or _NEXT_YEAR.search(title))


def pseudo_heading(text: str) -> str | None:
    """The part named by an unnumbered heading line or bold lead phrase (主要预期目标), or None."""
    t = text.strip().rstrip("：:。")
    if len(t) > 30:
        return None
    m = _PSEUDO_HEADING.match(t)
    return m.group("what") if m else None


def section_roles(headings, doc_year: int | None) -> list[Role]:
    """The role and year of every heading, inherited from the parents where its own
    title is silent. ``headings`` are :class:`~innodrive.extraction.outline.Heading`."""
    roles: list[Role] = []
    for h in headings:
        parent = roles[h.parent] if h.parent is not None else None
        role, reason = title_role(h.title, doc_year)
        year = title_year(h.title, doc_year)
        if parent is not None:
            if parent.role in (REVIEW, BACKGROUND) and role not in (GOALS,) or role is None:
                # a part of a review stays a review (its 主要做法 are not new tasks); a
                # heading that says nothing takes its parent's role
                role, reason = parent.role, parent.reason
            if parent.role in (REVIEW, BACKGROUND) and role == GOALS and not _future_named(h.title, doc_year):
                role, reason = parent.role, parent.reason
            year = year or parent.year
        roles.append(Role(role or TASKS, year, reason or "默认：工作任务"))
    return roles
