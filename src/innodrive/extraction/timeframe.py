"""Years, deadlines and plan periods (十四五 → 2021–2025).

A target's deadline is written in its sentence (到2025年), inherited from its
paragraph or section, or implied by the document's horizon (a 十四五 decision runs to
2025, a 2022 work plan to 2022). Baselines come from phrases such as 较"十三五"末
(the end of 2020) or 较2020年.
"""

from __future__ import annotations

from dataclasses import dataclass

from innodrive import regex_cache
from innodrive.extraction.edges import longest
from innodrive.extraction.scan import matches_near

# patterns the functions below used inline (re.search(r"…", …)), compiled once through the
# persistent cache: re's own cache is per process, so each run of ``extract --json`` compiled them again
_BASELINE_BEFORE = regex_cache.compile(r"(较|比|相比|相较于?|对比|在)\s*$")


_CN_ORD = {"十一": 11, "十二": 12, "十三": 13, "十四": 14, "十五": 15, "十六": 16, "十七": 17}
# The 1st and 2nd five-year plans ran 1953–57 and 1958–62; after the 1963–65 adjustment
# period the 3rd began in 1966, so from the 3rd on the n-th plan starts in 1966 + 5(n − 3):
# 十三五 = 2016–2020, 十四五 = 2021–2025.
_Q = r"[\"“”'‘’「」]?"
FIVE_YEAR_RE = regex_cache.compile(rf"{_Q}(十[一二三四五六七])五{_Q}")


def five_year_plan(ordinal_cn: str) -> tuple[int, int]:
    n = _CN_ORD[ordinal_cn]
    start = 1966 + 5 * (n - 3)
    return start, start + 4


@dataclass(frozen=True)
class Deadline:
    """A deadline phrase found in a text, with the year it sets."""

    year: int
    start: int  # position in the text searched
    end: int
    text: str


# what may stand before the 20dd年 of a year deadline, by alternative (力争到, 其中, 确保)
_YEAR_LEADS = (r"(?:力争|确保|计划|预计)?(?:到|至|截至|截止到|在)", r"(?:其中,?)?", r"(?:力争|确保|计划|预计)")
# 到2025年 / 至2025年 / 2025年前 / 2025年底前 / 到2025年底 / "十四五"末 / 十四五期间 / "十四五"时期
_YEAR_DEADLINE_RE = regex_cache.compile(
    rf"(?:{_YEAR_LEADS[0]}(?P<y1>20\d\d)年(?:底|末|年底)?)"
    r"|(?:(?P<y2>20\d\d)年(?:底|末|年底)?(?:前|以前|之前))"
    rf"|(?:(?:^|(?<=[,:;])){_YEAR_LEADS[1]}(?P<y3>20\d\d)年(?![\d月底末前]))"
    r"|(?:(?P<y4>20\d\d)年(?:全市|全省|全区|全县|我市|本市)?[^\W\d_a-zA-Z]{0,12}?(?:主要|预期|发展|工作|奋斗)+目标)"
    rf"|(?:{_YEAR_LEADS[2]}(?P<y5>20\d\d)年)"
)
# what may stand before the 十X五 of a plan deadline (到“, 经过 …)
_PLAN_DEADLINE_LEAD = rf"(?:到|至|在|经过|通过)?{_Q}"
_PLAN_DEADLINE_RE = regex_cache.compile(
    rf"{_PLAN_DEADLINE_LEAD}(?P<ord>十[一二三四五六七])五{_Q}(?:期末|末|时期|期间|期|规划期)"
)
_BASELINE_RE = regex_cache.compile(
    rf"(?:较|比|相比|相较于?|对比|在)\s*(?:{_Q}(?P<ord>十[一二三四五六七])五{_Q}(?:期末|末)"
    r"|(?P<y>20\d\d)年(?:底|末)?)"
)


YEAR_CORE = regex_cache.compile(r"20\d\d年")
PLAN_CORE = regex_cache.compile(r"十[一二三四五六七]五")


# characters a match of _YEAR_DEADLINE_RE can start before its 20dd年 (力争截止到: 5): the most
# its alternatives' leads can hold
_YEAR_LEAD = max(map(longest, _YEAR_LEADS))
# characters a match of _PLAN_DEADLINE_RE can start before its 十X五: the most its lead can hold
_PLAN_LEAD = longest(_PLAN_DEADLINE_LEAD)


def _year_deadline_matches(text: str):
    """The matches of ``_YEAR_DEADLINE_RE.finditer(text)``: every one holds a 20dd年."""
    return matches_near(YEAR_CORE, _YEAR_DEADLINE_RE, _YEAR_LEAD, text)


def _plan_deadline_matches(text: str):
    """The matches of ``_PLAN_DEADLINE_RE.finditer(text)``: every one holds a 十X五 (two of
    which cannot overlap: the character after 十 is never 十)."""
    return matches_near(PLAN_CORE, _PLAN_DEADLINE_RE, _PLAN_LEAD, text)


def deadlines(text: str) -> list[Deadline]:
    """Deadline phrases in a sentence, in order of appearance."""
    found: list[Deadline] = []
    if "年" not in text and "五" not in text:
        return found
    # every alternative holds "20dd年" or "十X五": those searches start from a literal and
    # skip most sentences without running the long alternations at every position
    for m in _year_deadline_matches(text):
        y = m.group("y1") or m.group("y2") or m.group("y3") or m.group("y4") or m.group("y5")
        found.append(Deadline(int(y), m.start(), m.end(), m.group(0)))
    for m in _plan_deadline_matches(text):
        start, end = five_year_plan(m.group("ord"))
        # "十三五"末 is a baseline, not a deadline; it is read by baseline_year()
        if m.group(0).endswith(("末", "期末")) and _is_baseline_context(text, m.start()):
            continue
        found.append(Deadline(end, m.start(), m.end(), m.group(0)))
    found.sort(key=lambda d: d.start)
    return found


# 今年/年内/全年/当年 set the document's own year; 明年 the year after. 每年 and 年均 do not.
# = (?<![每逐当去前])(?:今年|年内|全年|本年度)|明年, each alternative starting with its literal
# (then the engine skips to candidate characters instead of trying every position)
_RELATIVE_YEAR_RE = regex_cache.compile(
    "|".join(w[0] + f"(?<![每逐当去前]{w[0]})" + w[1:] for w in ("今年", "年内", "全年", "本年度")) + "|明年")


def relative_deadlines(text: str, doc_year: int | None) -> list[Deadline]:
    """Deadlines written without a year: a work report delivered early in YYYY that says
    今年 or 全年 means YYYY, 明年 means YYYY + 1. Unknown without the document's year."""
    if not doc_year or "年" not in text:
        return []
    return [Deadline(doc_year + 1 if m.group(0) == "明年" else doc_year, m.start(), m.end(), m.group(0))
            for m in _RELATIVE_YEAR_RE.finditer(text)]


def _is_baseline_context(text: str, pos: int) -> bool:
    return bool(_BASELINE_BEFORE.search(text[max(0, pos - 4):pos]))


def baseline_year(text: str) -> tuple[int, int, int] | None:
    """(year, start, end) of a baseline phrase such as 较"十三五"末 or 比2020年."""
    m = _BASELINE_RE.search(text)
    if not m:
        return None
    if m.group("ord"):
        return five_year_plan(m.group("ord"))[1], m.start(), m.end()
    return int(m.group("y")), m.start(), m.end()


def plan_periods(text: str) -> list[tuple[int, int]]:
    """Five-year plan periods mentioned anywhere in a text.

    The matches of FIVE_YEAR_RE are exactly the occurrences of 十X五 (two cannot overlap,
    the quotes around them are optional), which PLAN_CORE, starting with a literal, finds
    without trying the pattern at every position of a long text."""
    return [five_year_plan(m.group(0)[:2]) for m in PLAN_CORE.finditer(text)]
