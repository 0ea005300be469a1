"""Targets: the goals a document sets, with numbers, deadlines and the words they came from.

Rules are written for the genre (决定/公报/决议/规划/工作要点), not for particular files:

- a **quantity** (number + magnitude + unit, with comparators such as 达到/超过/以上) is
  a target when its clause or sentence says so — a comparator, a target verb
  (新增, 建成, 获批 …), 力争/确保, or a deadline (到2025年); in a goals section a plain
  "indicator + number" also counts. Numbers inside quotes (“5553”), ordinals (第一期),
  dates, attendance counts and past achievements (同比, 累计, an earlier year) are not;
- **multiples**: 较"十三五"末实现倍增 / 翻一番 / 增长N倍, distributed over a list of
  indicators (A、B数量 → A数量, B数量);
- **scale classes**: 光电信息、先进材料、绿色化工3个千亿产业集群 → three targets of 1000亿元;
- **growth** rates (年均增速达到20%), **relative** targets (高于全省平均水平), **trends**
  (比重持续上升) and **milestones** (建成…, …全面消除) in sentences that set goals.

The deadline comes from the sentence, else the paragraph, else the section, else the
document's horizon; one target stated twice (goals, then again in a task) is one target.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from innodrive import regex_cache
from innodrive.extraction import edges, phrases, sections, timeframe
from innodrive.extraction.numbers import (
    CHANGE_VERBS,
    CHINESE_BODY_REST,
    CN_QUANTITY_START,
    COUNT_UNITS,
    POST_COMPARATORS,
    PRE_COMPARATORS,
    QUANTITY_RE,
    find_quantities,
    has_quantity,
    parse_number,
    tidy_number,
)
from innodrive.extraction.outline import Heading
from innodrive.extraction.phrases import Sentence
from innodrive.extraction.scan import Marks, SentenceScan, matches_from
from innodrive.extraction.timeframe import baseline_year, deadlines, relative_deadlines


@dataclass
class DocContext:
    """What the target rules need to know about the whole document."""

    doc_year: int | None        # the year the document was issued (or its plan period starts)
    horizon: int | None         # the year the plan runs to
    plan_start: int | None      # first year of a five-year plan period
    default_scope: str | None   # 全市 for a city document
    annual: bool = False
    genre: str | None = None


@dataclass(slots=True)
class Found:
    """A target before it becomes a pydantic :class:`Target` (clean offsets)."""

    indicator: str
    kind: str
    value: float | int | None
    unit: str | None
    comparator: str | None
    year: int | None
    baseline_year: int | None
    direction: str
    firmness: str | None
    scope: str | None
    section: str | None
    start: int
    end: int
    note: str | None = None
    basis: str | None = None
    baseline_value: float | int | None = None
    binding: str | None = None
    why: str | None = None      # what made the clause a target (for ``extract -v``)


# --------------------------------------------------------------------------- lexicon

# Verbs that make a counted quantity a goal when they open its clause or stand right
# before the number (新增5家, 获批…平台5家, 引进…项目6个).
_TARGET_VERBS = regex_cache.compile(r"^(?:新增|新建|新认定|重新认定|新创建|创建|培育|引进|引育|建成|打造|获批|入库|备案|"
                           r"实现|完成|争取|达到|新培育|新引进|新落地|认定|建设|设立|组建|布局建设)")
_TARGET_VERBS_FIRST = edges.opening_gate(_TARGET_VERBS)
_TARGET_VERB_BEFORE_WORDS = ("新增", "新建", "新认定", "培育", "引进", "建成", "打造", "获批", "认定", "入库", "创建")
_TARGET_VERB_BEFORE = regex_cache.compile("(?:" + "|".join(_TARGET_VERB_BEFORE_WORDS) + ")$")
# (every alternative starts with a literal, so that the engine skips to candidate characters)
_PAST_REPORTS = "同比|比上年|较上年|比去年|较去年|"
_PAST_TOTALS = "累计认定|累计培育|累计完成|"
_PAST_WORDS = (_PAST_REPORTS + "已经|已达|已有|已建成|已获批|截至|截止|" + _PAST_TOTALS
               + "共认定|共有|现有|新认定了|增长了|提高了|完成了|实现了|达到了|位居全省|排名全省|"
               + r"过去[一二三四五]年|一年来|二年来|三年来|四年来|五年来|以来|十[一二三]五(?:时期|期间)")
_PAST_FROM = "|".join(w + r"\d+(?:\.\d+)?(?:[^\W\d_a-zA-Z]|%){0,3}(?:增加|增长|提高|提升|上升|扩大)到" for w in "从由")
_PAST = regex_cache.compile(_PAST_WORDS + "|" + _PAST_FROM)
# in a goals paragraph 同比增长6% is the target's own wording, not a report of last year
# (and 从A提高到B sets B, with A its baseline)
_PAST_IN_GOALS = regex_cache.compile(_PAST_WORDS.replace(_PAST_REPORTS, "").replace(_PAST_TOTALS, ""))
_FIRM = regex_cache.compile(r"力争|确保")
# counted work items (4项重点任务, 20条措施) and references (聚焦…, 围绕…) are not goals
_WORK_ITEMS = regex_cache.compile(r"^(?:重点)?(?:任务|工作|举措|措施|方面|领域|环节|原则|要求|意见|政策|文件|会议|讲话|精神|民生实事|实事|类)"
                         r"|(?:方案|举措|措施|政策|文件|实事|任务|清单|主要指标|大类)$")
# the consequence of the work beside it, not a commitment: 惠及超3万名学生, 带动就业2万人
_CONSEQUENCE_WORDS = ("惠及", "带动", "受益", "辐射")   # (asked with str.endswith, see below)
# a bare work verb before "N + unit + noun": 改建2000张认知障碍照护床位, 抓好550个省重大项目
_WORK_VERB_ONLY = regex_cache.compile(
    r"(?:全年|年内|今年|再|新|累计|共|力争|确保|计划|争取|着力|加快|持续|继续|深入|全面|分别)*"
    r"(?:实施|推进|建设|新建|新增|建成|完成|开工|新开工|培育|引进|打造|创建|创成|改造|改建|新改建|扩建|新建改造|"
    r"改造提升|整合提升|规范提升|提升|举办|组织|开展|动员|提供|抓好|争取|推动|布局|部署|认定|新认定|招引|发放|培训|"
    r"安排|设置|建立|组建|落实|实现|办好|提速|续建|建成通车|通车|开行|盘活|治理|更新改造|新培育|新引进|增加|"
    r"招聘|招录|培养|资助|救助|帮扶|安置|吸纳|开发|储备|募集|投放|供应|筹集|筹措|建设筹措|改善|修复|植树|造林|"
    r"整治|清理|处置|腾退|收储|供给|投入|下达|拨付|兑现|撬动|发行|争创|申报|入选|攻坚突破|突破|引育|新落地|落地)"
    r"(?:了)?")
_EXAMPLES_BEFORE = regex_cache.compile(r"等$")
_VERB_HEAD = regex_cache.compile(r"^(?P<verb>" + _WORK_VERB_ONLY.pattern.split(")*", 1)[1].split("(?:了)?")[0] + ")")
_VERB_TAIL = regex_cache.compile(r"(?P<verb>" + _WORK_VERB_ONLY.pattern.split(")*", 1)[1].split("(?:了)?")[0] + r"|强化|深化|加强|"
                        r"优化|完善|扩大|支持|选送|建好|用好|加密建设|高质量建设|重点建设)$")
_SCOPE_TAIL = regex_cache.compile(r"(?:全省|全市|全区|全县|全州|省内|市内|区内|县内|全国|本省|本市|我省|我市|各地|各市|各县)$")
# The last characters of the matches of some patterns anchored with ``$``, and the line break
# before which ``$`` also matches (edges.closing_gate): a text ending with none of them cannot
# match, and is not searched (the engine would scan it whole for a suffix).
_SCOPE_TAIL_LAST = edges.closing_gate(_SCOPE_TAIL)
_VERB_TAIL_LAST = edges.closing_gate(_VERB_TAIL)
# N个“一件事”, 3个“100”: a named package, counted by the document itself
_NAMED_AFTER = regex_cache.compile(r"^(?:论坛|峰会|大会|俱乐部|计划|工程\b)")
_NAMED_AFTER_FIRST = edges.opening_gate(_NAMED_AFTER)
# 增速高于全省平均2个百分点: a margin over an average is a relative target, not a value
_MARGIN_BEFORE = regex_cache.compile(r"(?:高于|快于|超过|领先)(?:全国|全省|全市|全区|同期|经济)?(?:平均|增速|水平)(?:水平)?$")
_MARGIN_BEFORE_LAST = edges.closing_gate(_MARGIN_BEFORE)
# 全省320家…食堂、40家…单位实现全覆盖: the scope of a coverage goal
_COVERAGE_AFTER = regex_cache.compile(r"^[^。;,]{0,60}?(?:实现|达到)?全覆盖")
_HAN_START = regex_cache.compile(r"[^\W\d_a-zA-Z]")
_COUNTED_BODIES = regex_cache.compile(r"^(?:部门|单位|成员单位|厅局|委办局|市直部门|省直部门)")
_SCOPE_VERB_WORDS = ("支持", "推动", "指导", "帮助", "鼓励", "引导", "覆盖", "涉及", "包括", "惠及")
_AREA_NOUN = regex_cache.compile(r"^[^\W\d_a-zA-Z]{0,4}?(?:县域|县|地市|市州|区县|乡镇|地区|片区|省份|城市|村)")
_GRANT_BEFORE_WORDS = ("给予", "奖励", "补助", "补贴", "资助", "一次性")
# (these word lists are asked of a stripped text with ``str.endswith``: the answer of
# ``(?:w1|w2…)$``, since a stripped text cannot end with the line break ``$`` also matches
# before; tests/extraction/test_exact_shortcuts.py checks it)


_TAIL_START = regex_cache.compile(r"支持|用于|占|基层|规范|平均|人均|覆盖|投资|增加值|产值|营业收入|营收|收入|规模|数量|"
                         r"比重|占比|比例|总额|总量|强度|面积|产量|增速|增幅|满意度|达标率|合格率|覆盖率|[率数]$")


def distribute(subject: str) -> list[str]:
    """A、B、C均增长6% / A、B服务率达到66%: one indicator per listed item, each with the
    shared tail of the last item (2型糖尿病患者|基层规范管理服务率)."""
    s = subject.strip(phrases._PUNCT_EDGE)
    if s[-1:] in _EACH_TAIL_LAST:
        s = _EACH_TAIL.sub("", s)
    if "、" not in s:
        return [subject]
    parts = [x.strip(phrases._PUNCT_EDGE) for x in _LIST_LAST_AND.split(s)]
    parts = [x for x in parts if x]
    if len(parts) < 2 or any(len(x) > 14 for x in parts[:-1]) or all(
            _VERB_TAIL.fullmatch(x) or _WORK_VERB_ONLY.fullmatch(x) for x in parts):
        return [subject]
    last = parts[-1]
    t = _TAIL_START.search(last, 2)
    if t is None or "等" in s:
        return [subject]  # no shared measure to distribute, or examples (海上风电、核电等重大项目)
    tail = last[t.start():]
    out = []
    for x in parts[:-1]:
        _, trimmed = phrases.trim_indicator(x)
        x = trimmed or x
        out.append(x if x.endswith(tail) or _TAIL_START.search(x, max(len(x) - 4, 1)) else x + tail)
    return out + [last]


def _verb_list(text: str) -> bool:
    """新建和加密建设、改造提升: only work verbs joined by 和/、."""
    parts = [x for x in _VERB_JOINERS.split(text) if x]
    return len(parts) >= 2 and all(_VERB_TAIL.fullmatch(x) or _WORK_VERB_ONLY.fullmatch(x) for x in parts)
# documents that lay down rules (amounts, thresholds, points) rather than plans: their numbers
# are targets only where a sentence sets a deadline, says 力争/确保 or sits under 目标
_RULE_GENRES = frozenset({"管理办法", "考核办法", "办法", "细则", "条例"})
MAX_PER_SENTENCE = 400
_RELATIVE_WORDS = frozenset({"今年", "年内", "全年", "本年度", "明年"})
_RANGE_DASH = regex_cache.compile(r"\s*[—\-–~～]{1,2}\s*|\s*至\s*")
_RANGE_LOW = regex_cache.compile(r"(?<![\d.])(?P<low>\d{1,9}(?:\.\d{1,6})?)\s*[—\-–~～]{1,2}\s*$")
_RANGE_DASHES = "—-–~～"   # the dashes of _RANGE_LOW: every match holds one


def _has_dash(text: str) -> bool:
    return "—" in text or "-" in text or "–" in text or "~" in text or "～" in text


_FROM = regex_cache.compile(r"(?:从|由)(?:每人每月|每人每年|每月|每年|原来的|现在的)?$")
_FROM_LAST = edges.closing_gate(_FROM)
_TO_VERBS = frozenset({"提高到", "提高至", "提升到", "提升至", "增长到", "增至", "增加到", "增加至", "降低到", "降低至",
                       "下降到", "下降至", "降到", "降至", "扩大到", "扩大至"})


def _qualifier_unit(unit: str, after: str, num: str) -> bool:
    """A quantity that qualifies a noun rather than counting it: 65岁及以上老年人, 0—6岁儿童,
    二期工程."""
    if unit in ("岁", "小时", "天", "分钟"):
        # 65岁及以上老年人, 24小时开放, 1小时通勤圈: a class or a threshold
        return bool(after) and (after[0] not in ",;:。、)" or after.startswith(("及以上", "以上的", "以下的")))
    if unit == "期":
        return not num[0].isdigit() or after.startswith(("工程", "项目", "改造", "扩建", "建设"))
    return False


@lru_cache(maxsize=4096)
def _names_counted(subject: str, value, following: str) -> bool:
    """长春、白山2个城市: the number only counts the names listed just before it."""
    if "、" not in subject and "和" not in subject and "及" not in subject and "与" not in subject:
        return False
    tail = _CLAUSE_MARKS.split(_EXAMPLES_BEFORE.sub("", subject.strip()))[-1]
    items = [x for x in _NAME_JOINERS.split(tail) if x.strip()]
    # the first item carries the verb before it (打造高端装备、新材料等4个…)
    return len(items) >= 2 and all(len(x.strip()) <= 8 for x in items[1:]) and float(len(items)) == float(value)


def _why(pre, post, approx, verb, paired, firm, deadline, goal) -> str:
    if pre or post or approx:
        return f"比较或变化词“{pre or post or approx}”"
    if verb:
        return "目标动词或“动词+数量+事项”"
    if paired:
        return "“分别”并列的数值"
    if firm:
        return "力争/确保"
    if deadline:
        return "分句有期限"
    if goal:
        return "目标段落或本年度工作部署中的“指标+数值”"
    return ""
_REFERENCE_VERBS = regex_cache.compile(r"^(?:聚焦|围绕|按照|对照|结合|紧扣|瞄准|立足|贯彻|遵循|根据|依据|发挥|依托|利用|用好|借助)")
_NOT_AFTER_UNIT = regex_cache.compile(r"^(?:之一|周年|届|期|批次|号|年代|以来|左右的|次方|性|制|化|的(?!目标|水平|任务|要求))")
# The first characters of the matches of some patterns matched at the start of a text
# (edges.opening_gate): a text opening otherwise is not matched (each match costs a call that
# fails on most texts).
_NOT_AFTER_UNIT_FIRST = edges.opening_gate(_NOT_AFTER_UNIT)
_REFERENCE_VERBS_FIRST = edges.opening_gate(_REFERENCE_VERBS)
_ORDINAL_CHARS = frozenset("第前后近约逾")
_QUOTE_OPEN = "“\"《「‘"

_MULTIPLE_RE = regex_cache.compile(
    r"(?:(?P<base>较|比|相比|相较于?|在)\s*(?P<ref>[^,;。]{0,14}?)(?:基础上)?)?"
    r"(?P<verb>基本实现|力争实现|确保实现|实现|力争|确保)?"
    r"(?P<what>倍增|翻一番|翻番|翻两番|翻三番|增长(?P<n>\d{1,3}(?:\.\d{1,3})?|[一二两三四五六七八九十])倍)"
    r"(?!计划|行动|工程|工作|战略|目标|效应|作用|效果|式|型)"
)
_SCALE_LIST_RE = regex_cache.compile(
    # = (?<![\d.])\d{1,3}|[一二…十], written to start with one character class (see _MAY_HAVE_NUMBERS)
    r"(?P<count>[\d一二两三四五六七八九十](?:(?<=\d)(?<![\d.]\d)\d{0,2}|(?<=[一二两三四五六七八九十])))(?:个|户|家|条)"
    r"(?P<scale>万亿|千亿|百亿|十亿|\d{1,6}(?:\.\d{1,4})?亿)(?:元)?(?:级)?"
    r"(?P<noun>产业集群|产业链|产业|企业|园区|集群|项目)"
)
_SCALE_ONE_RE = regex_cache.compile(
    r"(?P<name>(?:[^\W\d_a-zA-Z]|[“”]){2,12}?)(?P<scale>万亿|千亿|百亿|(?<![\d.])\d{1,6}(?:\.\d{1,4})?亿)(?:元)?(?:级)?"
    r"(?P<noun>产业集群|产业链|集群)"
)


def _scale_one_matches(text: str):
    """The matches of ``_SCALE_ONE_RE.finditer(text)``, found by trying the pattern only
    where a match can start.

    The pattern opens with 2–12 characters of a class, so ``finditer`` tries it at every
    position of the sentence, and at each it extends the name one character at a time and
    tries the scale after each (a few thousand steps for one long sentence). Every match
    holds 亿 3 to 23 characters after its start (a name of 2–12 characters, then a scale of
    at most 11 before its 亿: ``\\d{1,6}(?:\\.\\d{1,4})?亿``), so only the starts in
    ``[q - 23, q - 3]`` of each 亿 at ``q`` can match. They are tried in order with
    ``match``, from the end of the previous match as ``finditer`` goes on (``match`` at a
    position is the attempt ``finditer`` makes there: the look-behind sees the text before
    it in both), so the matches are the same (a test compares them on random text)."""
    match = _SCALE_ONE_RE.match
    pos = 0          # where finditer would search from: the end of the previous match
    q = text.find("亿", 3)
    while q != -1:
        i = max(pos, q - 23)
        while i <= q - 3:
            m = match(text, i)
            if m is None:
                i += 1
                continue
            yield m
            pos = i = m.end()
        pos = max(pos, q - 2)   # (every start up to q - 3 has been tried)
        q = text.find("亿", q + 1)


_RELATIVE_HINT = regex_cache.compile(r"平均|水平|前列|方阵")


def _relative_hint(text: str) -> bool:
    """``_RELATIVE_HINT.search(text) is not None``, searched only in a text holding 平 (平均,
    水平), 列 or 阵: three scans for one character, cheaper than the class of four tested at
    each position, and most sentences hold none of them."""
    return ("平" in text or "列" in text or "阵" in text) and _RELATIVE_HINT.search(text) is not None
_MILESTONE_HINT = regex_cache.compile(r"建成|创建|创成|获批|进入|成为|跻身|完成|消除|普及")


def _milestone_hint(text: str) -> bool:
    """``_MILESTONE_HINT.search(text) is not None``, searched only in a text holding 成 (建成,
    创成, 成为, 完成), 建, 批, 入, 身, 除 or 及, one of which every milestone verb holds."""
    return ("成" in text or "建" in text or "批" in text or "入" in text or "身" in text or "除" in text
            or "及" in text) and _MILESTONE_HINT.search(text) is not None
_RELATIVE_ADVERBS = ("大幅", "明显", "显著", "持续", "稳步", "始终", "继续", "均")
_RELATIVE_COMPARATORS = ("高于", "超过", "达到", "不低于", "低于", "赶上", "接近", "领先", "走在", "位居", "保持在", "位于")
_RELATIVE_RE = regex_cache.compile(
    "(?P<adv>" + "|".join(_RELATIVE_ADVERBS) + ")?"
    "(?P<cmp>" + "|".join(_RELATIVE_COMPARATORS) + ")"
    r"(?P<ref>全国|全省|省级|全市|西部|同类城市|成渝地区|四川省|四川|国家|省)"
    r"(?P<what>平均水平|平均|水平|前列|第一方阵|领先水平|先进水平)"
)
# where a match of _RELATIVE_RE can start: its optional adverb makes the engine try the
# whole pattern at every position (see scan.matches_from)
_RELATIVE_START = regex_cache.compile("|".join(_RELATIVE_ADVERBS + _RELATIVE_COMPARATORS))
_TREND_VERBS = ("上升", "提高", "提升", "增长", "增加", "下降", "降低", "减少", "扩大")
_TREND_RE = regex_cache.compile(
    r"(?P<adv>持续|稳步|大幅|明显|显著|不断|进一步|逐年|稳定|较快|快速|大幅度)"
    "(?P<verb>" + "|".join(_TREND_VERBS) + r")(?=[,;:]|$)"
)


def _may_trend(text: str) -> bool:
    """Whether ``text`` holds a character of one of _TREND_RE's adverbs and one of its verbs,
    as every match does: single characters are found in C far faster than the pattern's
    class is tested at each position, and most sentences lack one or the other."""
    return ("续" in text or "稳" in text or "幅" in text or "显" in text or "断" in text or "步" in text
            or "逐" in text or "快" in text) and (
        "升" in text or "高" in text or "增" in text or "降" in text or "减" in text or "扩" in text)


_MILESTONE_ADVERBS = ("全面", "基本", "初步", "率先", "高质量", "成功", "力争", "努力", "确保", "尽快")
_MILESTONE_VERBS = ("建成", "创建", "创成", "获批", "进入", "成为", "跻身", "完成", "消除", "基本普及", "普及")
_MILESTONE_VERB_FIRST = regex_cache.compile(
    "(?P<adv>" + "|".join(_MILESTONE_ADVERBS) + ")?"
    "(?P<verb>" + "|".join(_MILESTONE_VERBS) + ")"
    r"(?P<obj>[^,;。]{2,40})"
)
# where a match of _MILESTONE_VERB_FIRST can start (its optional opening group makes the
# engine try the whole pattern at every position; these words all start with a literal)
_MILESTONE_START = regex_cache.compile("|".join(_MILESTONE_ADVERBS + _MILESTONE_VERBS))
_MILESTONE_VERB_LAST = regex_cache.compile(
    r"(?P<obj>[^,;。]{2,40}?)(?P<adv>全面|基本|初步|率先)?(?P<verb>建成|消除)$"
)
_GOAL_WORDS = regex_cache.compile(  # (主要|奋斗|…)目标|目标任务|主要指标, written out to start with literals
    "|".join(w + "目标" for w in ("主要", "奋斗", "发展", "总体", "工作", "预期", "以下", "年度")) + "|目标任务|主要指标")

_NUMBER_IN = regex_cache.compile(r"\d")


# patterns used inline by the rules below, compiled once
_EACH_TAIL = regex_cache.compile(r"(?:均|都|均将|都将|也)$")
_EACH_TAIL_LAST = edges.closing_gate(_EACH_TAIL)
_LIST_LAST_AND = regex_cache.compile(r"、|和(?=[^、]*$)")
_VERB_JOINERS = regex_cache.compile(r"和|、|及|并")
_CLAUSE_MARKS = regex_cache.compile(r"[,;:]")
_NAME_JOINERS = regex_cache.compile(r"、|和|及|与")
_YEAR_OPENING = regex_cache.compile(r"(?:截至|截止)?(20\d\d)年(?:底|末)?(?:[,，]|是|以来|全年|[^\W\d_a-zA-Z]{0,6}(?:实现|完成))")
_YEAR_OPENING_FIRST = edges.opening_gate(_YEAR_OPENING)
_AND_LIST = regex_cache.compile(r"、|和")
_AND_LIST3 = regex_cache.compile(r"和|、|及")
# measure words of an open number of things: a scale after them qualifies each of them
_PLURAL_MEASURES = ("一批", "一系列", "若干", "一些", "多个", "数个", "几个")
_PAIRED_LIST = regex_cache.compile(r"、|和|及")
_ACHIEVE = regex_cache.compile(r"(?:力争|确保)?实现")
_EACH_END_WORDS = ("均", "都", "均将", "均要", "都将", "都要")   # = (?:均|都)(?:将|要)?$ (a test checks)
_RATIO_VERB = regex_cache.compile(r"(?:达到|保持在|稳定在|提高到|不低于|为)$")
_YEAR_IN = regex_cache.compile(r"(2(?<!\d2)0\d\d)年")  # = (?<!\d)(20\d\d)年, starting from a literal
_DECLINE_END = regex_cache.compile(r"(下降|降低|减少|压减)$")
_DECLINE_END_LAST = edges.closing_gate(_DECLINE_END)
_QUOTED_NAME = regex_cache.compile(r"“[^”]*”|《[^》]*》")
_FIRM_SCOPE_LEAD = regex_cache.compile(r"^(?:力争|确保|努力|争取)?(?:全年|年内)?(?:全市|全省|全区|全县)?")
_NOUN_START = regex_cache.compile(r"\d{0,6}[^\W\d_a-zA-Z]")
_ETC_OR_LIST = regex_cache.compile(r"等|、")
_ETC = regex_cache.compile(r"等")
_NEW_PREFIX = regex_cache.compile(r"^(?:新增|新认定|新建|新创建|累计)")
_COUNT_UNIT_IN = regex_cache.compile(r"(个|户|家|条)")
_MILESTONE_JOINERS = regex_cache.compile(r"、|和(?=(?:[^\W\d_a-zA-Z]|“){3,})")
_QUOTED = regex_cache.compile(r"“[^”]*”")


# --------------------------------------------------------------------------- main


def find_targets(clean: str, paragraphs: list[tuple[int, int]], headings: list[Heading],
                 ctx: DocContext, trace: list | None = None) -> list[Found]:
    """Every target of the document. ``trace``, when given, collects (clean offset, 中文
    reason) for each paragraph or sentence that was passed over, so ``extract -v`` can
    say why a clause was dropped."""
    section_of = _sections(headings, len(paragraphs))
    section_deadline = _SectionDeadlines(clean, paragraphs, headings)
    roles = {id(h): r for h, r in zip(headings, sections.section_roles(headings, ctx.doc_year), strict=True)}
    found: list[Found] = []
    found.extend(_table_targets(clean, paragraphs, section_of, ctx))
    pseudo: sections.Role | None = None   # an unnumbered heading line (主要预期目标) under the current heading
    current: Heading | None = None
    for pi, para in enumerate(paragraphs):
        heading = section_of[pi]
        if heading is not current:
            current, pseudo = heading, None
        a, b = para
        if b - a <= 40 and (what := sections.pseudo_heading(clean[a:b])):
            role, reason = sections.title_role(what, ctx.doc_year)
            outer = roles.get(id(heading)) if heading is not None else None
            year = sections.title_year(clean[a:b], ctx.doc_year) or (outer.year if outer else None)
            pseudo = sections.Role(role or sections.TASKS, year, what)
            continue
        if clean.find("\t", a, b) != -1:
            continue  # table rows are read by the table reader
        # (the role is asked before the first test: a paragraph of a review or background
        # section is passed over either way, and is then not scanned at all)
        role = pseudo or (roles.get(id(heading)) if heading is not None else None)
        if role is not None and role.role in (sections.REVIEW, sections.BACKGROUND):
            if trace is not None:
                trace.append((a, b, f"跳过：所在章节为{_ROLE_NAMES[role.role]}（{role.reason}）"))
            continue
        # the first test of the sentences (see _may_hold_target), scanned once along the paragraph
        numbers, words = _NextMatch(_MAY_HAVE_NUMBERS, clean, b), _NextMatch(_MAY_HAVE_WORDS, clean, b)
        if trace is None and not (numbers.within(a, b) or words.within(a, b)):
            continue  # (``extract -v`` goes on, to say why the paragraph is passed over)
        section = heading.path if heading else None
        # a goals section's paragraph, the work of an annual plan's year (counted work: "新建绿道100公里"
        # is a target), or a paragraph that names its goals (asked last: it searches the text)
        goal_context = (role is not None and role.role == sections.GOALS) or (
            ctx.annual and (role is None or role.role == sections.TASKS) and (
                role is None or role.year in (None, ctx.doc_year))) or _is_goal_paragraph(clean, para, heading)
        sentences = phrases.split_sentences(clean, para, pi)
        # the first sentence's deadlines, asked by _looks_back and again below: found once
        first_deadlines = deadlines(sentences[0].text) if sentences else []
        if sentences and not (role is not None and role.role == sections.GOALS) and _looks_back(
                sentences[0].text, ctx, first_deadlines):
            if trace is not None:
                trace.append((a, b, "跳过：段落回顾过去（" + sentences[0].text[:20] + "…）"))
            continue
        if trace is not None and not (numbers.within(a, b) or words.within(a, b)):
            continue
        section_year = (role.year if role is not None else None) or (
            section_deadline.year(heading) if heading else None)
        para_deadline: int | None = None
        # every deadline phrase holds 年 or 五 (十四五): a paragraph without them has none
        dated = clean.find("年", a, b) != -1 or clean.find("五", a, b) != -1
        for si, sent in enumerate(sentences):
            dls = []
            # (deadlines and relative deadlines are all written with 年 or 五: a sentence
            # without them has none, and costs neither call)
            if dated and ("年" in sent.text or "五" in sent.text):
                dls = [d for d in (first_deadlines if si == 0 else deadlines(sent.text))
                       if not ctx.doc_year or d.year >= ctx.doc_year]
                dls.extend(relative_deadlines(sent.text, ctx.doc_year))
                if len(dls) > 1:
                    dls.sort(key=lambda d: d.start)
            target_context = goal_context or bool(dls) or para_deadline is not None
            # the first test of a sentence, asked here: most sentences stop at it, and then
            # cost no call and no scan of their own
            end = sent.start + len(sent.text)
            has_words = target_context and words.within(sent.start, end)
            hints = _UNASKED if numbers.within(sent.start, end) else _word_rule_hints(sent.text) if has_words else None
            if hints is not None:
                inherited = para_deadline or section_year or ctx.horizon
                found.extend(_sentence_targets(sent, dls, inherited, target_context, goal_context, ctx, section,
                                               trace, has_words=has_words, hints=hints))
            if dls and dls[-1].start <= 6:
                # 到2025年，…: a deadline that opens a sentence frames the sentences after it;
                # one inside a clause (…，2027年建成某高铁) belongs to that clause only
                para_deadline = dls[-1].year
    return _merge_repeats(found)


_NO_MARKS = Marks([])   # (shared: a Marks is never changed after it is built)

_ROLE_NAMES = {sections.REVIEW: "回顾/成绩", sections.BACKGROUND: "形势/背景", sections.GOALS: "目标",
               sections.TASKS: "任务", sections.SAFEGUARDS: "保障措施"}


def _table_targets(clean: str, paragraphs, section_of, ctx: DocContext) -> list[Found]:
    if "\t" not in clean:
        return []  # table rows are the paragraphs with tabs: none, and the table reader need not be imported
    from innodrive.extraction.tables import find_table_targets

    starts = {a: i for i, (a, _) in enumerate(paragraphs)}
    out = []
    for t in find_table_targets(clean, paragraphs, doc_year=ctx.doc_year, horizon=ctx.horizon):
        heading = section_of[starts[t.start]] if t.start in starts else None
        out.append(Found(
            indicator=t.indicator, kind=t.kind, value=t.value, unit=t.unit, comparator=t.comparator, year=t.year,
            baseline_year=t.baseline_year, direction=t.direction, firmness=None, scope=ctx.default_scope,
            section=heading.path if heading else None, start=t.start, end=t.end, basis=t.basis,
            baseline_value=t.baseline_value, binding=t.binding))
    return out


def _sections(headings: list[Heading], n: int) -> list[Heading | None]:
    out: list[Heading | None] = [None] * n
    hi = 0
    current: Heading | None = None
    for pi in range(n):
        while hi < len(headings) and headings[hi].paragraph <= pi:
            current = headings[hi]
            hi += 1
        out[pi] = current
    return out


class _SectionDeadlines:
    """A deadline stated in a heading, or in the first paragraph under it, covers the section;
    a section without one has its parent's.

    Found for a heading on the first question about it (with its parents', as far as it
    needs them): the rules ask only where a section's role sets no year, for a third of
    the headings of a report, and each heading's texts cost a search for deadlines."""

    __slots__ = ("_clean", "_paragraphs", "_headings", "_heading_paragraphs", "_years")

    def __init__(self, clean: str, paragraphs, headings: list[Heading]) -> None:
        self._clean, self._paragraphs, self._headings = clean, paragraphs, headings
        self._heading_paragraphs: set[int] | None = None
        self._years: dict[int, int | None] = {}   # by id of the heading

    def year(self, h: Heading) -> int | None:
        key = id(h)
        if key in self._years:
            return self._years[key]
        year = self._own(h)
        if year is None and h.parent is not None:
            year = self.year(self._headings[h.parent])   # (a parent's deadline, its own or inherited)
        self._years[key] = year
        return year

    def _own(self, h: Heading) -> int | None:
        clean, paragraphs = self._clean, self._paragraphs
        if self._heading_paragraphs is None:
            self._heading_paragraphs = {x.paragraph for x in self._headings}
        texts = [clean[paragraphs[h.paragraph][0]:paragraphs[h.paragraph][1]][:200]]
        nxt = h.paragraph + 1
        if (nxt < len(paragraphs) and _first_sentence_end(texts[0], 0, len(texts[0])) == len(texts[0])
                and nxt not in self._heading_paragraphs):
            a, b = paragraphs[nxt]
            texts.append(clean[a:b][:80])
        for t in texts:
            dls = deadlines(t[:80])
            if dls:
                return dls[0].year
        return None


# = 过去[一二三四五]年|(?:^|[,，])[一二三四五]年来|这[一二三四五]年|…, less the opening 五年来, which
# _looks_back_words asks apart, and with [,，] written as two alternatives: with ``^`` or a
# class among them the alternatives do not all start with a literal, and the engine tried
# the whole pattern at every position of the head
_LOOK_BACK = regex_cache.compile(r"过去[一二三四五]年|,[一二三四五]年来|，[一二三四五]年来|这[一二三四五]年|回顾|回望|"
                        r"取得了(?:显著|明显|重大|积极)?成效|已取得")


def _looks_back_words(head: str) -> bool:
    """Whether ``head`` holds the words of a look-back (过去五年, 五年来 at its start or after a comma …)."""
    return (head[1:3] == "年来" and head[0] in "一二三四五") or _LOOK_BACK.search(head) is not None


_PERIOD_AFTER = regex_cache.compile(r"(?:规划)?(?:时期|期间|以来|[,，]|是)")


def _looks_back(first_sentence: str, ctx: DocContext, first_deadlines: list | None = None) -> bool:
    """A paragraph that opens by looking back (2020年，… / "十三五"时期，… / 过去五年) reports results.
    ``first_deadlines``: ``deadlines(first_sentence)`` when the caller has them already."""
    if first_deadlines is None:
        first_deadlines = deadlines(first_sentence)
    if "力争" in first_sentence or "确保" in first_sentence or any(  # (= _FIRM.search)
            not ctx.doc_year or d.year >= ctx.doc_year for d in first_deadlines):
        return False
    head = first_sentence[:40]
    if _looks_back_words(head):
        return True
    for m in (timeframe.FIVE_YEAR_RE.finditer(head) if "十" in head else ()):  # (十X五 needs 十)
        start, end = timeframe.five_year_plan(m.group(1))
        tail = head[m.end():m.end() + 6]
        if (ctx.doc_year and end < ctx.doc_year or not ctx.doc_year and end <= 2020) and _PERIOD_AFTER.match(tail):
            return True
    if ctx.doc_year:
        m = _YEAR_OPENING.match(first_sentence) if first_sentence[:1] in _YEAR_OPENING_FIRST else None
        if m and int(m.group(1)) < ctx.doc_year:
            return True
    return False


def _is_goal_paragraph(clean: str, para: tuple[int, int], heading: Heading | None) -> bool:
    a, b = para
    stop = _first_sentence_end(clean, a, b)
    # (every alternative holds 标: a paragraph opening without it is not searched)
    if clean.find("标", a, stop) != -1 and _GOAL_WORDS.search(clean, a, stop):
        return True
    return bool(heading and ("目标" in heading.title or "指标" in heading.title))


def _first_sentence_end(clean: str, a: int, b: int) -> int:
    """Where ``phrases.SENTENCE_END.search(clean, a, b)`` starts (``b`` for no match): the
    first of its three characters, each found by ``str.find`` (a C scan for one character)
    in what is left before the nearest one found so far. The engine tested its class at every
    character of the first sentence, some sixty instructions a character."""
    stop = b
    for mark in _SENTENCE_ENDS:
        i = clean.find(mark, a, stop)
        if i != -1:
            stop = i
    return stop


# the characters of phrases.SENTENCE_END, whose every match is one character: derived from the
# pattern like the other gates (edges), not kept by hand beside it
_SENTENCE_ENDS = edges.opening_chars(phrases.SENTENCE_END)


# --------------------------------------------------------------------------- one sentence


# What any rule needs to find in a sentence before it is worth running the rules at all:
# a digit, a counted Chinese numeral, a multiple, or (in a sentence that sets goals) the
# words of relative, trend and milestone targets.
# (written so that every alternative starts with a literal: the engine then skips to
# candidate characters instead of trying every alternative at every position)
# Both are derived from the rules' own vocabularies, never from example words: a digit; any
# Chinese numeral + unit the quantity grammar reads (numbers.CHINESE_BODY_REST: 三处, 十款,
# 三百家, 三亿元); 倍/翻番 (multiples); 亿 (every scale word of the scale classes: 万亿, 千亿,
# 百亿, 十亿, 3亿); and, in a sentence that sets goals, the comparison words of relative
# targets, the verbs of trends and the verbs of milestones.
_MAY_HAVE_NUMBERS = regex_cache.compile(
    "|".join("0123456789") + r"|倍|翻[一两三]?番|亿|"
    + "|".join(f"{c}{CHINESE_BODY_REST}" for c in CN_QUANTITY_START))
_MAY_HAVE_WORDS = regex_cache.compile("|".join(dict.fromkeys(
    [*_RELATIVE_COMPARATORS, *_TREND_VERBS, *_MILESTONE_VERBS])))


class _NextMatch:
    """Where the next match of a plain pattern (alternatives of literal words: no anchors, no
    look-arounds, no match holding 。!? or a line break) starts in ``clean[…:end]``, asked for
    spans that move forward through a paragraph.

    ``within(a, b)`` is ``pattern.search(clean[a:b]) is not None`` — a match of such a
    pattern inside a sentence is a match inside its paragraph and back — but the paragraph
    is scanned once however many sentences it has: a search from ``a`` that found its match
    at ``at`` also says that none starts in ``[a, at)``."""

    __slots__ = ("_search", "_clean", "_end", "_from", "_at")

    def __init__(self, pattern, clean: str, end: int) -> None:
        self._search, self._clean, self._end = pattern.search, clean, end
        self._from = self._at = -1   # searched from ``_from``; the next match starts at ``_at`` (``end``: none)

    def within(self, a: int, b: int) -> bool:
        if a < self._from or self._at < a:
            m = self._search(self._clean, a, self._end)
            self._from, self._at = a, (m.start() if m else self._end)
        return self._at < b


def _word_rule_hints(text: str) -> tuple[bool | None, bool | None, bool | None] | None:
    """Whether a sentence in which the first test found words but no number may hold a
    target (the others are not passed to _sentence_targets at all): None when it may not,
    else the hints of the relative, milestone and trend rules as far as they were asked
    (True, False, or None: not asked, an earlier one was found), which _sentence_targets
    then does not ask again.

    Without a match of _MAY_HAVE_NUMBERS a sentence holds no quantity (the pattern asks for
    every opening of the quantity grammar's numbers), no 倍/翻…番 of a multiple and no 亿
    of a scale class; the rank, ratio and index rules read digits (``\\d``). What is left
    are the relative, trend and milestone rules, and _sentence_targets runs each only where
    its own hint is found: _relative_hint, _milestone_hint, _TREND_RE. A digit of another
    script (٣: ``\\d`` matches it, _MAY_HAVE_NUMBERS asks the ASCII ones) still sends the
    sentence on, as before. Most such sentences hold a bare comparison word or trend verb
    (达到, 提高) and none of the hints. tests/extraction/test_prefilters.py compares the
    skip with the rules on the corpus and random sentences."""
    if _relative_hint(text):
        return True, None, None
    if _milestone_hint(text):
        return False, True, None
    if _may_trend(text) and _TREND_RE.search(text) is not None:
        return False, False, True
    return (False, False, False) if _NUMBER_IN.search(text) is not None else None


_UNASKED = (None, None, None)   # (hints not asked yet: see _word_rule_hints)


def _may_hold_target(clean: str, a: int, b: int) -> bool:
    """Whether any sentence of the paragraph clean[a:b] passes the first test of
    :func:`_sentence_targets` (a match inside a sentence is a match inside its paragraph):
    the others need neither splitting nor deadlines."""
    return _MAY_HAVE_NUMBERS.search(clean, a, b) is not None or _MAY_HAVE_WORDS.search(clean, a, b) is not None


def _sentence_targets(sent: Sentence, dls, inherited_year: int | None, target_context: bool,
                      goal_context: bool, ctx: DocContext, section: str | None,
                      trace: list | None = None, *, has_words: bool = True, hints=_UNASKED) -> list[Found]:
    """``has_words``: False when the caller found none of _MAY_HAVE_WORDS in the sentence,
    so that no relative target (its comparison word), trend or milestone (their verbs)
    need be looked for. ``hints``: those of the relative, milestone and trend rules that the
    caller has asked (see _word_rule_hints)."""
    text = sent.text   # (the caller has asked the first test: a number, or a comparison word in a goal)
    # what any rule could take; a sentence with none of it costs no further work
    # at most MAX_PER_SENTENCE quantities are read in one sentence: a real sentence holds a
    # handful; 250,000 of them in one unpunctuated line is hostile input, not a plan
    quantities = list(islice(find_quantities(text), MAX_PER_SENTENCE))
    # the hints of the rules without quantities, each searched at most once (None: not yet asked)
    rank_hint = None
    # (every comparison word of a relative target and every verb of a trend or a milestone
    # is one of _MAY_HAVE_WORDS)
    relative_hint, milestone_hint, trend_hint = hints if has_words else (False, False, False)
    # (亿: the scale classes, 千亿产业集群, hold no quantity of their own)
    if not (quantities or "倍" in text or "翻" in text or "亿" in text):
        rank_hint = _rank_hint(text)
        if not rank_hint:
            if not target_context:
                return []
            if relative_hint is None:
                relative_hint = _relative_hint(text)
            if not relative_hint:
                if milestone_hint is None:
                    milestone_hint = _milestone_hint(text)
                if not milestone_hint:
                    if trend_hint is None:
                        trend_hint = _may_trend(text) and _TREND_RE.search(text) is not None
                    if not trend_hint:
                        return []
    if ctx.doc_year:
        dls = [d for d in dls if d.year >= ctx.doc_year]  # an earlier year is a review, not a deadline
    # (most sentences say neither 力争 nor 确保 and set no deadline of their own)
    firm = Marks([(m.start(), m.group(0)) for m in _FIRM.finditer(text)]) if (
        "力争" in text or "确保" in text) else _NO_MARKS
    scan = SentenceScan(text)
    past: list = []   # the look-back segments, read on the first candidate target only
    if dls:
        deadline = Marks([(d.start, d.year) for d in dls])
        written = [d for d in dls if d.text not in _RELATIVE_WORDS]
        leading_deadline_end = next((d.end for d in dls if d.start == 0), None)
    else:
        deadline, written, leading_deadline_end = _NO_MARKS, [], None
    # one written deadline covers the whole sentence (…达到500家，到2025年); 今年/明年 only what follows
    single_year = written[0].year if written and len({d.year for d in written}) == 1 else None
    # (a quantity opened by “ is a code; a sentence without “ has none)
    may_open_quote = "“" in text

    def year_at(pos: int) -> int | None:
        own = deadline.at(pos)
        if own:
            return own
        if single_year and (written[0].start <= pos or scan.clauses_between(pos, written[0].start) <= 1):
            return single_year  # …达到500家，到2025年: a deadline right after its clause
        return inherited_year

    def evidence_start(subject_start: int) -> int:
        # include a leading deadline phrase of the same sentence (到2025年,…)
        if leading_deadline_end is not None and subject_start - leading_deadline_end <= 2:
            return 0
        return subject_start

    out: list[Found] = []

    def why_not(m, reason: str) -> None:
        if trace is not None:
            trace.append((sent.start + m.start(), sent.start + m.end(), reason))

    def add(indicator, kind, value, unit, comparator, pos, start, end, *, scope=None, note=None, basis=None,
            direction="ge", baseline=None, trim=True, why=None):
        if not indicator or len(indicator) < 2:
            return
        if not past:
            past.append(_past_segments(text, dls, ctx, goal_context))
        if past[0].at(pos):
            return
        year = year_at(pos)
        # (a year past the plan's horizon first: the sentence is searched for 远景/展望 only then)
        if year and ctx.horizon and year > ctx.horizon + 4 and ("远景" in text or "展望" in text):
            if trace is not None:
                trace.append((sent.start + start, sent.start + end, "跳过：远景展望（超出本文件的规划期）"))
            return
        sc, ind = phrases.trim_indicator(indicator) if scope is None and trim else (scope, indicator)
        if not ind or len(ind) < 2:
            return
        out.append(Found(
            indicator=ind, kind=kind, value=value, unit=unit, comparator=comparator, year=year,
            baseline_year=baseline, direction=direction, firmness=firm.at(pos),
            scope=sc or ctx.default_scope, section=section, start=sent.start + evidence_start(start),
            end=sent.start + end, note=note, basis=basis, why=why,
        ))

    # 1. scale classes: 光电信息、先进材料、绿色化工3个千亿产业集群
    for m in (_SCALE_LIST_RE.finditer(text) if "亿" in text else ()):
        if scan.quoted(*m.span()) or scan.taken(*m.span()):
            continue
        clause_start = scan.clause_start(m.start())
        names = [phrases.trim_indicator(n)[1] for n in _AND_LIST.split(text[clause_start:m.start()])]
        names = [n for n in names if n]
        count = parse_number(m.group("count"))
        value, unit = _scale_value(m.group("scale"))
        if value is None or count is None:
            continue
        noun = m.group("noun")
        if names and len(names) == int(count):
            for n in names:
                add(f"{n}{noun}规模", "number", value, unit, "=", m.start(), clause_start, m.end(), scope=ctx.default_scope)
        elif target_context:
            add(f"{m.group('scale')}{noun}", "number", tidy_number(count), _count_unit(m.group(0)), "=",
                m.start(), clause_start, m.end())
        scan.take(clause_start, m.end())
    # (the pattern ends with 产业集群|产业链|集群: without those words it cannot match)
    for m in (_scale_one_matches(text) if "亿" in text and ("集群" in text or "产业链" in text) else ()):
        if scan.fully_taken(m.start("scale"), m.end()) or scan.quoted(*m.span()):
            continue
        name = _AND_LIST3.split(m.group("name"))[-1]
        plural = any(w in name for w in _PLURAL_MEASURES)
        _, name = phrases.trim_indicator(name)
        value, unit = _scale_value(m.group("scale"))
        if value is None or not name or plural:
            # 一批…万亿产业集群 names a class of clusters (how many is open), not one cluster's size
            continue
        add(f"{name}{m.group('noun')}规模", "number", value, unit, "=", m.start(), m.start("name"), m.end(),
            scope=ctx.default_scope)
        scan.take(*m.span())

    # 2. multiples
    for m in (_MULTIPLE_RE.finditer(text) if "倍" in text or "翻" in text else ()):
        if scan.taken(*m.span()) or scan.quoted(*m.span("what")):
            continue
        clause_start = scan.clause_start(m.start())
        subject = text[clause_start:m.start()]
        last = max(QUANTITY_RE.finditer(subject), key=lambda q: q.end(), default=None)
        if last is not None:  # 研发经费年均增长10%、高新技术企业数量实现倍增: the subject starts after 10%
            clause_start += last.end()
            subject = subject[last.end():]
        if not subject.strip(phrases._PUNCT_EDGE):
            continue
        what = m.group("what")
        value = {"倍增": 2, "翻一番": 2, "翻番": 2, "翻两番": 4, "翻三番": 8}.get(what)
        if value is None and m.group("n"):
            n = parse_number(m.group("n"))
            value = tidy_number(n + 1) if n is not None else None
        if value is None:
            continue
        base_year = None
        if m.group("base"):
            b = baseline_year(m.group(0))
            base_year = b[0] if b else None
        if base_year is None and ctx.plan_start:
            base_year = ctx.plan_start - 1
        _, subject_clean = phrases.trim_indicator(subject)
        for item in phrases.split_list(subject_clean):
            add(item, "multiple", value, "倍", None, m.start(), clause_start, m.end(), baseline=base_year)
        scan.take(clause_start, m.end())

    # 3. ranks (全省前3位 → a `le` target on the rank), ratios (2.1∶1) and index values without a unit
    if (target_context or firm) and (rank_hint if rank_hint is not None else _rank_hint(text)):
        _ranks_ratios_indices(scan, add, goal_context or bool(firm) or bool(dls))

    # 4. quantities
    prev_end = -1
    prev_indicator: str | None = None
    prev_number_first = ""     # the verb of a "verb + N + noun" quantity, shared by the list after it
    pending: list[str] = []    # 分别: coordinated subjects still waiting for their numbers
    pending_pre = ""
    carried: str | None = None  # 从A提高到B: the subject of A, for B
    for m in quantities:
        ms, me = m.start(), m.end()
        if scan.taken(ms, me):
            continue
        body = m.body   # (the groups after the comparator, read straight from the match)
        num_start = body.start("num")
        if scan.quoted(num_start, body.end("unit")) or may_open_quote and _quote_open_before(text, num_start):
            continue
        pre = m.pre
        if ms > 0 and text[ms - 1] in _ORDINAL_CHARS and not pre:
            continue
        after = text[me:me + 40]
        num, unit_word = body.group("num", "unit")
        if after[:1] in _NOT_AFTER_UNIT_FIRST and _NOT_AFTER_UNIT.match(after) or _qualifier_unit(unit_word, after, num):
            continue
        if num_start > 0 and (text[num_start - 1].isdigit() or text[num_start - 1] == "."):
            continue
        value = parse_number(num)
        if value is None:
            continue
        chinese_numeral = not num[0].isdigit()
        post, approx, mag = body.group("post", "approx", "mag")
        post = post or ""
        unit = (mag or "") + unit_word

        # the subject: from the clause start (or the end of the previous quantity) to the verb
        clause_start = scan.clause_start(ms)
        between = text[prev_end:ms] if prev_end >= 0 else ""
        if prev_end >= clause_start and _RANGE_DASH.fullmatch(between):
            prev_end = me
            continue  # 5%—5.5%: the upper end of a range; the lower end was the target
        chained = prev_end >= clause_start and between.lstrip().startswith(("、", "和", "及"))
        region_start = prev_end if chained else clause_start
        subject = text[region_start:ms].lstrip("、和及 ")
        subject_start = ms - len(subject)
        end = me
        # (a lower end is followed by one of the dashes of _RANGE_LOW: without one the
        # engine's search, tried at every position behind its look-behind, finds nothing)
        low = _RANGE_LOW.search(subject) if _has_dash(subject) else None
        if low:  # 4.5—5%: the lower end, written without its unit
            value = parse_number(low.group("low")) or value
            subject = subject[:low.start()]

        # 从A提高到B: A (and A2 in 从A1、A2提高到B1、B2) is the baseline; B takes A's subject
        from_start = subject[-1:] in _FROM_LAST and _FROM.search(subject) is not None
        if from_start or (carried is not None and chained and pre not in _TO_VERBS):
            if from_start:
                carried = _FROM.sub("", subject)
            prev_end = me
            why_not(m, "跳过：“从…提高到…”的起点（基期值）")
            continue
        if carried is not None:
            if pre in _TO_VERBS or not subject.strip(phrases._PUNCT_EDGE):
                subject, chained = carried, False
                subject_start = ms
            carried = None

        # A和B分别达到X和Y: pair the subjects with the numbers in order; the verb of the
        # first number covers the others
        paired = False
        if chained and pending:
            subject = pending.pop(0)
            paired = True
            pre = pre or pending_pre  # 分别增长5%和8%: both are growth
        else:
            pending = []
            if subject.endswith("分别"):
                items = [x for x in _PAIRED_LIST.split(subject[:-2]) if x.strip()]
                if len(items) >= 2:
                    subject, pending = items[0], items[1:]
                    pending_pre = pre

        # number before the noun: 新建5个省级重点实验室, 改建2000张认知障碍照护床位
        opening = _without_quotes(subject)
        opening_s = opening.strip()
        if after.startswith("“") or after[:1] in _NAMED_AFTER_FIRST and _NAMED_AFTER.match(after) or subject[-1:] in _MARGIN_BEFORE_LAST and (
                _MARGIN_BEFORE.search(subject)) or (
                opening_s.endswith(_CONSEQUENCE_WORDS) or "全覆盖" in after and _COVERAGE_AFTER.match(after) or (
                    unit.endswith("元") and opening_s.endswith(_GRANT_BEFORE_WORDS))):
            prev_end = me
            why_not(m, "跳过：命名的项目包、比平均水平高出的幅度、受益或覆盖范围、奖补金额")
            continue
        if post in ("以下", "以内") and after[:1] and _HAN_START.match(after):
            prev_end = me
            why_not(m, "跳过：“N以下+名词”是类别（如8座以下乘用车），不是目标")
            continue
        following = _noun_after(after) if not post or post in ("以上", "及以上", "左右") else ""
        if following and (_COUNTED_BODIES.match(following) or (
                opening_s.endswith(_SCOPE_VERB_WORDS) and _AREA_NOUN.match(following))):
            prev_end = me
            why_not(m, "跳过：部门或地区的个数是范围，不是目标")
            continue
        unfirm = _strip_firm(opening_s)   # (asked again below: the verb that opens the clause)
        if following and _WORK_ITEMS.search(following) or (
                unfirm[:1] in _REFERENCE_VERBS_FIRST and _REFERENCE_VERBS.match(unfirm) and not (pre or post)):
            prev_end = me
            why_not(m, "跳过：计数的是文件自身的条目或引述的事物")
            continue
        _, trimmed = phrases.trim_indicator(subject)
        if trimmed[-1:] in _SCOPE_TAIL_LAST:
            trimmed = _SCOPE_TAIL.sub("", trimmed)  # 动员全省超8000名…: the scope is not the thing counted
        original_subject = subject
        if pre in CHANGE_VERBS and following and unit_word in COUNT_UNITS and trimmed and (
                trimmed[-1:] in _VERB_TAIL_LAST and _VERB_TAIL.search(trimmed) or len(trimmed) <= 2):
            trimmed, pre = trimmed + pre, ""  # 整合提升1000个…: 提升 belongs to the verb
        number_first = ""
        beneficiary = _beneficiary(after) if subject.rstrip().endswith("为") else None
        if beneficiary:
            subject, covered = beneficiary
            number_first = "为"
            end = me + covered
        elif following and (not trimmed or trimmed in _BARE_VERBS or trimmed[-1:] in _VERB_TAIL_LAST
                            and _VERB_TAIL.search(trimmed)
                            or _verb_list(trimmed) or _EXAMPLES_BEFORE.search(subject.strip())):
            if _EXAMPLES_BEFORE.search(subject.strip()):  # 新开工晏城至表白寺等2个项目
                lead = _VERB_HEAD.match(_strip_firm(subject.strip()))
                verb = lead.group("verb") if lead else ""
            else:
                tail = _VERB_TAIL.search(trimmed) if trimmed[-1:] in _VERB_TAIL_LAST else None
                verb = tail.group("verb") if tail else ""
            if not verb and not trimmed and chained and prev_number_first:
                verb = prev_number_first if prev_number_first != "+" else ""
            number_first = verb or "+"
            subject = verb + following
            end = me + len(following)
        elif not following and not trimmed and chained and prev_number_first:
            number_first = prev_number_first

        # 实现关键技术突破10项: here 突破 is what is counted, not "more than"
        if pre == "突破" and _ACHIEVE.match(subject.strip()):
            subject, pre = subject + pre, ""

        kind, comparator, direction, basis = _classify(pre, post, approx, unit, subject)
        indicator = subject
        if prev_indicator and not number_first:
            indicator = _borrow_subject(indicator, prev_indicator, chained=chained, growth=kind == "growth")

        # is it a target at all?
        compared = bool(pre or post or approx)
        # (whether a target verb opens the clause: asked where no comparison word decides, or
        # to say why, for ``extract -v``)
        verb_opening = (not compared or trace is not None) and (
            unfirm[:1] in _TARGET_VERBS_FIRST and bool(_TARGET_VERBS.match(unfirm))
            or opening.endswith(_TARGET_VERB_BEFORE_WORDS)
            or (opening.endswith("\n") and _TARGET_VERB_BEFORE.search(opening) is not None) or bool(number_first))
        trigger = compared or verb_opening or paired
        if ctx.genre in _RULE_GENRES and not goal_context:
            trigger = False  # 资助金额不超过50万元 in a 管理办法 is a rule, not a goal
        trigger = trigger or firm.any_before(ms) or deadline.any_before(ms)
        if not trigger and goal_context and not chinese_numeral and 2 <= len(_plain(indicator)) <= 30:
            trigger = True  # in a goals paragraph, "indicator + number" is a target
        if chinese_numeral and (value == 1 or not (pre or post or unfirm[:1] in _TARGET_VERBS_FIRST
                                                   and _TARGET_VERBS.match(unfirm))):
            trigger = False  # 一支队伍, 一张蓝图: an article, not a count; 三大工程: a name
        if not trigger:
            prev_end = me
            why_not(m, "跳过：分句没有目标的标志（比较词、目标动词、力争/确保、期限或目标章节）")
            continue
        if number_first and not following and not _plain(indicator):
            prev_end = me
            continue
        if _names_counted(original_subject, value, following):
            prev_end = me
            why_not(m, "跳过：数字只是前面所列名称的个数")
            continue

        if kind == "multiple":
            b = baseline_year(text[max(0, ms - 40):ms])
            baseline = b[0] if b else (ctx.plan_start - 1 if ctx.plan_start else None)
        elif kind == "growth" and basis == "cumulative":
            base = baseline_year(text)   # (read for cumulative growth only: the rest never asks)
            baseline = base[0] if base else None
        else:
            baseline = None
        before = len(out)
        # (what made it a target, read by ``extract -v`` only)
        why = _why(pre, post, approx, verb_opening, paired, firm.any_before(ms), deadline.any_before(ms),
                   goal_context) if trace is not None else None
        # A、B均增长6% / A、B服务率达到66%: each item reaches the value; a count of a list
        # (新认证绿色、有机农产品1000个) is one total
        # (endswith on a stripped text, which cannot end with a line break: the words' ``…$``)
        each = indicator.strip().endswith(_EACH_END_WORDS) or unit in ("%", "个百分点", "‰")
        items = distribute(indicator) if each and not (number_first or paired) else [indicator]
        for item in items:
            add(item, kind, tidy_number(value), unit, comparator, ms, subject_start, end,
                direction=direction, basis=basis, baseline=baseline, why=why)
        if len(out) > before:
            prev_indicator = out[before].indicator if len(items) > 1 else out[-1].indicator
        prev_number_first = number_first or (prev_number_first if chained else "")
        prev_end = end if number_first else me

    # 5. relative, trend and milestone targets (no numbers) where the sentence sets goals
    if target_context:
        if relative_hint if relative_hint is not None else _relative_hint(text):
            _relative(scan, add)
        if trend_hint is not False:   # (False: _TREND_RE was searched above and is not in the sentence)
            _trend(scan, add)
        if milestone_hint if milestone_hint is not None else _milestone_hint(text):
            _milestones(scan, add)
    return out


_RANK_RE = regex_cache.compile(
    r"(?P<verb>进入|保持|稳定在|稳居|位居|跻身|居于|居|保持在|提升至|提升到|上升至|上升到|进位至|达到)?"
    r"(?P<scope>全国|全省|全球|全市|全区|世界|中部地区|西部地区|东部地区|中部|西部|东部|同类城市)?"
    r"(?:(?P<kind>前|第)(?P<n>\d{1,3})(?P<unit>位|名)?|“保(?P<keep>\d{1,3})争(?P<aim>\d{1,3})”)"
    r"(?![\d.%])")
_RANK_HINT = regex_cache.compile(r"前\d|第\d|“保\d|∶\s*1|:\s*1|指数|得分|评分|分值")  # literal starts (see _MAY_HAVE_NUMBERS)


def _rank_hint(text: str) -> bool:
    """``_RANK_HINT.search(text) is not None``, searched only in a text holding one of the
    characters its alternatives open with (指 of 指数, 分 of 得分 评分 分值): single
    characters are found in C far faster than the class is tested at each position."""
    return ("前" in text or "第" in text or "“" in text or "∶" in text or ":" in text or "指" in text
            or "分" in text) and _RANK_HINT.search(text) is not None
_RANK_WORDS = regex_cache.compile(r"(?:排名|位次|排位|名次)$")
_RATIO_RE = regex_cache.compile(r"(?<![\d.])(?P<num>\d{1,4}(?:\.\d{1,3})?)\s*[∶:]\s*1(?![\d.])")
_INDEX_RE = regex_cache.compile(
    r"(?P<subject>指数|得分|评分|分值|指数值)(?P<pre>达到|保持在|稳定在|超过|提高到|提升到|不低于|高于)?"
    r"(?P<num>\d{1,5}(?:\.\d{1,3})?)(?P<post>以上|左右|以内)?(?=[,;:。、]|$)")


def _ranks_ratios_indices(scan: SentenceScan, add, target_context: bool) -> None:
    text = scan.text
    for m in _RANK_RE.finditer(text):
        if scan.taken(*m.span()) or scan.quoted(m.start(), m.end()) and not m.group("keep"):
            continue
        start = scan.clause_start(m.start())
        subject = text[start:m.start()]
        ranked = bool(_RANK_WORDS.search(subject.strip())) or (
            m.group("kind") == "前" and (m.group("unit") or m.group("verb"))) or (
            m.group("kind") == "第" and m.group("unit") and m.group("verb"))
        if not ranked or not (target_context or m.group("verb")):
            continue
        n = m.group("n") or m.group("keep")
        _, indicator = phrases.trim_indicator(subject)
        if not indicator or len(indicator) < 2:
            continue
        note = f"保{m.group('keep')}争{m.group('aim')}" if m.group("keep") else None
        add(indicator, "number", int(n), "位", "<=" if m.group("kind") != "第" else "=", m.start(), start, m.end(),
            direction="le", note=note, trim=False, why="名次目标（越小越好）")
        scan.take(start, m.end())
    if not target_context:
        return
    for m in _RATIO_RE.finditer(text):
        if scan.taken(*m.span()):
            continue
        start = scan.clause_start(m.start())
        subject = _RATIO_VERB.sub("", text[start:m.start()])
        _, indicator = phrases.trim_indicator(subject)
        if indicator and ("比" in indicator or "配比" in indicator):
            add(indicator, "number", tidy_number(float(m.group("num"))), "∶1", "=", m.start(), start, m.end(),
                trim=False, why="比值目标（X∶1）")
            scan.take(start, m.end())
    for m in _INDEX_RE.finditer(text):
        if scan.taken(*m.span()):
            continue
        start = scan.clause_start(m.start())
        _, indicator = phrases.trim_indicator(text[start:m.end("subject")])
        comparator = POST_COMPARATORS.get(m.group("post") or "") or PRE_COMPARATORS.get(m.group("pre") or "") or "="
        if indicator and len(indicator) >= 3:
            add(indicator, "number", tidy_number(float(m.group("num"))), None, comparator, m.start("num"), start,
                m.end(), trim=False, why="无单位的指数值")
            scan.take(start, m.end())


def _past_segments(text: str, dls, ctx: DocContext, goal_context: bool = False) -> Marks:
    """Which parts of a sentence report the past. A segment (between semicolons) looks back
    when it has a past marker (同比, 累计, 截至 …) or names an earlier year, and sets no
    deadline and says no 力争/确保; a segment without a time of its own continues the one
    before it. Returns the look-back flag by position."""
    starts: list[int] = []
    flags: list[bool] = []
    pos = 0
    previous = False
    dl_starts = sorted([d.start for d in dls]) if dls else []
    past = _PAST_IN_GOALS if goal_context else _PAST
    for piece in text.split(";"):
        a, b = pos, pos + len(piece)
        pos = b + 1
        i = bisect_left(dl_starts, a)
        # ("力争" in piece or "确保" in piece: = _FIRM.search(piece), without the engine's scan)
        sets_goal = (i < len(dl_starts) and dl_starts[i] < b) or "力争" in piece or "确保" in piece
        # (every year _YEAR_IN finds ends with 年)
        years = [int(y) for y in _YEAR_IN.findall(piece)] if "年" in piece else []
        if sets_goal:
            looks_back = False
        elif past.search(piece) or (ctx.doc_year and any(y < ctx.doc_year for y in years)):
            looks_back = True
        else:
            looks_back = previous if not years else False
        starts.append(a)
        flags.append(looks_back)
        previous = looks_back
    return Marks.ascending(starts, flags)


_RATE_OF_CHANGE = regex_cache.compile(r"(?:年均增速|年均增长率|年均增长|增速|增长率|增幅|年均增幅|涨幅|上涨|增长)$")
_RATE_OF_CHANGE_LAST = edges.closing_gate(_RATE_OF_CHANGE)
_PRICE_LEVEL = regex_cache.compile(r"消费价格|物价|CPI|价格指数|价格涨幅")


@lru_cache(maxsize=4096)
def _classify(pre: str, post: str, approx: str | None, unit: str, subject: str):
    """(kind, comparator, direction, basis) of a quantity."""
    comparator = POST_COMPARATORS.get(post) or PRE_COMPARATORS.get(pre)
    if pre in PRE_COMPARATORS and PRE_COMPARATORS[pre] in (">", "<") :
        comparator = PRE_COMPARATORS[pre]
    if approx:
        comparator = comparator or ">"
    if comparator is None:
        comparator = "="
    direction = "le" if comparator in ("<=", "<") or pre in ("下降", "降低", "减少", "降到", "降至", "下降到",
                                                              "下降至", "降低到", "降低至") else "ge"
    if subject[-1:] in _DECLINE_END_LAST and _DECLINE_END.search(subject):
        direction = "le"
    # (every price word holds 价 or is CPI)
    if ("价" in subject or "CPI" in subject) and _PRICE_LEVEL.search(subject) or unit == "位":
        direction = "le"  # a price rise (CPI) is a ceiling; a rank is better when smaller
    basis = None
    kind = "number"
    if unit.endswith("倍"):
        kind = "multiple"
    elif pre in CHANGE_VERBS or subject[-1:] in _RATE_OF_CHANGE_LAST and _RATE_OF_CHANGE.search(subject):
        if unit in ("%", "个百分点", "百分点"):
            kind = "growth"
            basis = "points" if "百分点" in unit else (
                "annual" if "年均" in pre or "年均" in subject[-6:] else "cumulative")
            if pre in ("下降", "降低", "减少", "年均下降", "压减"):
                direction = "le"
        elif pre in CHANGE_VERBS:
            kind = "number"  # 增加50家: an increment counted in units
    return kind, comparator, direction, basis


@lru_cache(maxsize=4096)
def _without_quotes(text: str) -> str:
    return _QUOTED_NAME.sub("", text) if "“" in text or "《" in text else text


def _plain(indicator: str) -> str:
    """The indicator without its quoted names and its lead, scope and trailing words (asked
    by the quantity rule only where it decides: both steps keep what they found)."""
    return phrases.trim_indicator(_without_quotes(indicator))[1]


@lru_cache(maxsize=4096)
def _strip_firm(text: str) -> str:
    # (= _FIRM_SCOPE_LEAD.sub("", text): the pattern's one match, perhaps empty, opens the
    # text at ``^``; ``sub`` costs several times a ``match``)
    return text[_FIRM_SCOPE_LEAD.match(text).end():]


def _quote_open_before(text: str, pos: int) -> bool:
    """Just after an opening quote that is not closed yet (“5553”, a code, not a value)."""
    opened = text.rfind("“", max(0, pos - 6), pos)
    return opened != -1 and text.find("”", opened, pos) == -1


_NOUN_AFTER = regex_cache.compile(r"[\w“”()（）]{2,24}?(?=[,;:、。和]|以上|$)")
_ALTERNATIVE = regex_cache.compile(r"^\([^()]{1,4}\)")   # 100条(个)幸福河湖: the bracketed alternative unit
_LIST_WITH_ETC = regex_cache.compile(r"^[^,;:。]{1,30}?、[^,;:。]{1,30}?等[\w“”]{1,12}?(?=[,;:。]|以上|$)")


@lru_cache(maxsize=4096)
def _noun_after(after: str) -> str:
    """The noun a "verb + N + unit" quantity counts: 改建2000张|认知障碍照护床位; a list
    closed by 等 is one noun (超5000场次|专题教育、家长课堂等活动)."""
    after = _ALTERNATIVE.sub("", after) if after[:1] == "(" else after   # (the pattern opens with ^\()
    # (every match of _LIST_WITH_ETC holds 、 and then 等: without them the engine would try
    # each 、 with each later position, hundreds of steps, to find nothing)
    m = _LIST_WITH_ETC.match(after) if "、" in after and "等" in after else None
    if m:
        return m.group(0)
    m = _NOUN_AFTER.match(after)
    if not m:
        return ""
    noun = m.group(0)
    return noun if _NOUN_START.match(noun) else ""


_BENEFICIARY = regex_cache.compile(r"^(?P<who>[^,;:。]{2,40}?)(?:免费|无偿)?(?P<verb>提供|开展|发放|实施|组织|进行|落实|给予)"
                          r"(?P<what>[^,;:。]{2,40})")


def _beneficiary(after: str) -> tuple[str, int] | None:
    """为N名X提供Y: the indicator is X + Y (残疾儿童 + 康复救助服务); returns it and the
    length of text it covers."""
    m = _BENEFICIARY.match(_ALTERNATIVE.sub("", after))
    if not m:
        return None
    who = _ETC_OR_LIST.split(m.group("who"))[-1]
    what = _ETC.split(m.group("what"))[-1].split("、")[-1]
    if len(who) < 2 or len(what) < 2:
        return None
    return who + what, m.end()


_MEASURE_WORDS = ("投入强度", "强度", "资金", "经费", "金额", "总额", "增速", "增幅", "占比", "比重", "数量",
                  "规模", "收入", "产值", "总数", "总量", "个数", "家数")
_BARE_MEASURES = ("总数", "总量", "总额", "数量", "规模", "占比", "比重", "增速", "增幅", "个数", "家数", "存量",
                  "累计", "强度")
_HEAD_WORDS = ("支出", "立项", "数量", "总额", "金额", "收入", "产值", "规模", "投入", "增加值", "经费")
_BARE_VERBS = ("新增", "新建", "新认定", "引进", "培育", "建设", "创建", "建成", "打造", "组建", "设立")
_KEPT_VERBS = ("新增", "新建", "引进", "新认定", "创建")


def _borrow_subject(indicator: str, previous: str, *, chained: bool, growth: bool) -> str:
    """Complete a subject that leans on the previous target of the sentence.

    研发经费支出45亿元、投入强度1.4% → 研发经费投入强度; 新增高新技术企业200家,总数突破
    1000家 → 高新技术企业总数; 营业收入达到3000亿元,年均增长15% → 营业收入 (growth);
    孵化器达到50家,其中国家级10家 → 国家级孵化器.
    """
    raw = indicator.strip(phrases._PUNCT_EDGE)
    _, ind = phrases.trim_indicator(indicator)
    stock = _NEW_PREFIX.sub("", previous)
    if raw.startswith("其中") and ind:
        return ind + stock
    if not ind:
        # 2023年达到18亿元,2024年达到24亿元: the subject is the previous target's
        return previous
    if ind in _BARE_MEASURES:
        return stock + ("" if ind == "累计" else ind)
    if chained and len(ind) <= 6 and ind.startswith(_MEASURE_WORDS) and ind not in previous:
        for head in _HEAD_WORDS:
            if previous.endswith(head) and len(previous) > len(head) + 1:
                return previous[: -len(head)] + ind
    return indicator


def _scale_value(scale: str) -> tuple[float | int | None, str]:
    from innodrive.extraction.numbers import SCALE_WORDS

    if scale in SCALE_WORDS:
        v, unit = SCALE_WORDS[scale]
        return tidy_number(v), unit
    if scale.endswith("亿"):
        v = parse_number(scale[:-1])
        return (tidy_number(v) if v is not None else None), "亿元"
    return None, ""


def _count_unit(text: str) -> str:
    m = _COUNT_UNIT_IN.search(text)
    return m.group(1) if m else "个"


def _relative(scan: SentenceScan, out_add) -> None:
    text = scan.text
    for m in matches_from(_RELATIVE_START, _RELATIVE_RE, text):
        if scan.taken(*m.span()):
            continue
        clause_start = scan.clause_start(m.start())
        _, subject = phrases.trim_indicator(text[clause_start:m.start()])
        if not subject or _NUMBER_IN.search(subject):
            continue
        note = (m.group("adv") or "") + m.group("cmp") + m.group("ref") + m.group("what")
        for item in phrases.split_list(subject):
            out_add(item, "relative", None, None, None, m.start(), clause_start, m.end(), note=note)
        scan.take(clause_start, m.end())


def _trend(scan: SentenceScan, out_add) -> None:
    text = scan.text
    for m in (_TREND_RE.finditer(text) if _may_trend(text) else ()):
        if scan.taken(*m.span()):
            continue
        clause_start = scan.clause_start(m.start())
        _, subject = phrases.trim_indicator(text[clause_start:m.start()])
        if not phrases.looks_like_indicator(subject) or _NUMBER_IN.search(subject):
            continue
        items: list[str] = []
        for part in phrases.split_list(subject):
            items.extend(phrases.split_share_pair(part))
        note = m.group("adv") + m.group("verb")
        direction = "le" if m.group("verb") in ("下降", "降低", "减少") else "ge"
        for item in items:
            out_add(item, "trend", None, None, None, m.start(), clause_start, m.end(), note=note,
                    direction=direction)
        scan.take(clause_start, m.end())


_MILESTONE_OBJECT = regex_cache.compile(
    r"(城市|示范城市|示范市|示范区|试验区|先行区|先导区|创新区|区块|中心|副中心|基地|高地|园区|高新区|名单|标准|"
    r"上市|城|集群|新区|开发区|实验室|创新型县|县|市|平台)$")
_MILESTONE_OBJECT_LAST = edges.closing_gate(_MILESTONE_OBJECT)
_NOT_MILESTONE = regex_cache.compile(r"各项|任务|工作|目标|作用|”|“")
_MODIFIER = regex_cache.compile(r"^(?:具有|具备|富有)[^\W\d_a-zA-Z]{1,10}?的|^[^\W\d_a-zA-Z]{2,8}?特色的")
_ALWAYS_MILESTONE = ("消除", "基本普及", "普及")


_ITEM_VERB = regex_cache.compile(r"^(?P<verb>(?:全面|基本|初步|率先|成功|尽快)?(?:建成|创建|创成|获批|进入|成为|跻身|完成|消除|普及))")


def _milestone_items(obj: str, verb: str, note: str) -> list[tuple[str, str]]:
    """(object, note) pairs: 获批国家高新区、进入…名单 → the second item keeps its own verb."""
    items = []
    for piece in _MILESTONE_JOINERS.split(obj):
        piece = piece.strip(phrases._PUNCT_EDGE)
        if "的" in piece:   # (both of _MODIFIER's forms end with 的)
            piece = _MODIFIER.sub("", piece)
        item_note, item_verb = note, verb
        own = _ITEM_VERB.match(piece)
        if own and len(piece) > len(own.group(0)) + 2:
            item_note = item_verb = own.group("verb")
            piece = piece[own.end():]
        head = piece[:6]
        if not (head[-1:] in _MILESTONE_OBJECT_LAST and _MILESTONE_OBJECT.search(head)):
            piece = phrases.trim_indicator(piece)[1]
        named = piece[-1:] in _MILESTONE_OBJECT_LAST and _MILESTONE_OBJECT.search(piece) or item_verb.endswith(
            _ALWAYS_MILESTONE)
        if len(piece) >= 3 and named and not _NOT_MILESTONE.search(_QUOTED.sub("", piece)):
            items.append((piece, item_note))
    return items


def _may_name_milestones(obj: str, verb: str) -> bool:
    """False only where ``_milestone_items(obj, verb, …)`` keeps no item, asked before it
    (about half of the objects after a milestone verb name no place or body: 完成各项任务).

    An item is kept only when it ends with one of _MILESTONE_OBJECT's words or its verb
    ends with 消除 or 普及 (_ALWAYS_MILESTONE). Every item is ``obj`` with characters taken
    away (split, strip, _MODIFIER, its own verb, trim_indicator: none adds one), so it ends
    with a character of ``obj``; an item's own verb (_ITEM_VERB at the start of a piece)
    is a substring of ``obj``. tests/extraction/test_fast_paths.py compares with
    _milestone_items on the corpus and random strings."""
    ends = _MILESTONE_OBJECT_LAST
    return (ends is edges.EVERY or not ends.isdisjoint(obj) or verb.endswith(_ALWAYS_MILESTONE) or "消除" in obj
            or "普及" in obj)


def _milestones(scan: SentenceScan, out_add) -> None:
    text = scan.text
    for m in matches_from(_MILESTONE_START, _MILESTONE_VERB_FIRST, text):
        if scan.taken(*m.span()) or _NUMBER_IN.search(m.group("obj")[:3]):
            continue
        obj = m.group("obj")
        if has_quantity(obj) or obj.startswith(("一批", "一个", "一支", "一流", "了")):
            continue
        if _may_name_milestones(obj, m.group("verb")):
            note = (m.group("adv") or "") + m.group("verb")
            clause_start = scan.clause_start(m.start())
            for item, item_note in _milestone_items(obj, m.group("verb"), note):
                out_add(item, "milestone", None, None, None, m.start(), clause_start, m.end(), note=item_note,
                        trim=False)
        scan.take(*m.span())
    # (a clause that ends with 建成 or 消除 needs the word in the sentence)
    for a, b, c in (_clauses(text) if "建成" in text or "消除" in text else ()):
        if len(c) > 80 or not c.endswith(_MILESTONE_LAST_ENDS) or scan.taken(a, b):
            continue  # (the pattern ends with 建成|消除 before ``$``: the test is exact)
        m = _MILESTONE_VERB_LAST.search(c)
        if not m:
            continue
        obj = phrases.trim_indicator(m.group("obj"))[1]
        if len(obj) < 3 or _NUMBER_IN.search(obj) or _NOT_MILESTONE.search(_QUOTED.sub("", obj)):
            continue
        note = (m.group("adv") or "") + m.group("verb")
        out_add(obj, "milestone", None, None, None, a, a, b, note=note)
        scan.take(a, b)


_MILESTONE_LAST_ENDS = ("建成", "消除", "建成\n", "消除\n")


def _clauses(text: str):
    pos = 0
    for m in phrases.CLAUSE_SEP.finditer(text):
        yield pos, m.start(), text[pos:m.start()]
        pos = m.end()
    if pos < len(text):
        yield pos, len(text), text[pos:]


# --------------------------------------------------------------------------- repeats


def _merge_repeats(found: list[Found]) -> list[Found]:
    """One target stated twice (in the goals and again in a task) is one target.

    Targets are bucketed by kind, year and value class first, so that only plausible
    restatements are compared; within a bucket the comparison window is bounded, which
    keeps the work linear on pathological inputs.
    """
    from innodrive.extraction.similarity import restated

    kept: list[Found] = []
    buckets: dict[tuple, list[Found]] = {}
    exact: dict[tuple, Found] = {}
    for f in found:
        key = (f.kind, f.year, _value_key(f))
        duplicate = exact.get((key, f.indicator))
        bucket = buckets.setdefault(key, [])
        if duplicate is None and bucket:   # (most targets open a bucket of their own: nothing to compare)
            duplicate = next((k for k in bucket[-_WINDOW:] if _same_value(k, f) and restated(k.indicator, f.indicator)),
                             None)
        if duplicate is not None:
            duplicate.firmness = duplicate.firmness or f.firmness
            duplicate.baseline_value = duplicate.baseline_value if duplicate.baseline_value is not None else f.baseline_value
            duplicate.baseline_year = duplicate.baseline_year or f.baseline_year
            duplicate.binding = duplicate.binding or f.binding
            continue
        bucket.append(f)
        kept.append(f)
        exact[(key, f.indicator)] = f
    return kept


_WINDOW = 40  # restatements compared within a bucket (the same kind, year and value)


@lru_cache(maxsize=512)
def _unit(unit: str):
    """(factor, class) of a written unit, or None when the unit table does not know it."""
    from innodrive.indicators.units import InputError, parse_unit

    try:
        u = parse_unit(unit)
    except InputError:
        return None
    return u.factor, u.unit_class


def _value_key(f: Found):
    if f.value is None or not f.unit:
        return (f.value, f.unit)
    u = _unit(f.unit)
    if u is None:
        return (f.value, f.unit)
    return (round(float(f.value) * u[0], 6), u[1])


def _same_value(a: Found, b: Found) -> bool:
    if a.value is None or b.value is None:
        return a.value is None and b.value is None
    if a.unit and b.unit:
        ua, ub = _unit(a.unit), _unit(b.unit)
        if ua is None or ub is None:
            return a.unit == b.unit and a.value == b.value
        if ua[1] != ub[1]:
            return False
        va, vb = float(a.value) * ua[0], float(b.value) * ub[0]
        return abs(va - vb) <= 1e-6 * max(abs(va), abs(vb), 1)
    return a.value == b.value
