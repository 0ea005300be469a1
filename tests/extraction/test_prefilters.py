"""The prefilters of the target rules never drop a target the plain rules would find.

``find_targets`` asks cheap questions first (does the sentence hold a digit, a counted
numeral, a comparison word; does it hold the words a rule without quantities needs) and
runs the rules only where the answer is yes. Each test here runs the rules twice on the
same sentences — once as the extractor does, once with every prefilter made to answer
yes — and requires the same targets. The sentences are the corpus's own with their
numbers shuffled, and random strings built from the words the rules are made of.
"""

from __future__ import annotations

import importlib
import random
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real"
EXAMPLES = ROOT / "examples" / "documents"


@pytest.fixture(scope="module")
def corpus_sentences() -> list[str]:
    """Sentences of the real corpus and the bundled examples, every number replaced by a
    random one (the rules must not depend on the numbers the documents happen to hold)."""
    from innodrive.documents import read_path
    from innodrive.extraction import phrases

    rng = random.Random(1616)
    out = []
    for path in sorted(REAL.glob("*.txt"))[::3] + sorted(EXAMPLES.glob("*.txt"))[::2]:
        clean = read_path(path).clean
        pos = 0
        for i, line in enumerate(clean.split("\n")):
            out += [s.text for s in phrases.split_sentences(clean, (pos, pos + len(line)), i)]
            pos += len(line) + 1
    return [re.sub(r"\d+", lambda m: str(rng.randint(0, 3000)), s) for s in out]


def _vocabulary() -> list[str]:
    numbers = importlib.import_module("innodrive.extraction.numbers")
    targets = importlib.import_module("innodrive.extraction.targets")
    words = [*numbers.PRE_COMPARATORS, *numbers.POST_COMPARATORS, *numbers.CHANGE_VERBS, *numbers.COUNT_UNITS,
             *numbers.MEASURE_UNITS, *targets._MILESTONE_ADVERBS, *targets._MILESTONE_VERBS, *targets._RELATIVE_WORDS]
    words += re.findall(r"[^\W\d_a-zA-Z]+", targets._MAY_HAVE_WORDS.pattern)
    words += re.findall(r"[^\W\d_a-zA-Z]+", targets._RELATIVE_RE.pattern + targets._TREND_RE.pattern)
    words += ["5", "12", "2025", "3.5", "%", "年", "到", "到2025年", "十四五", "“十五五”", "力争", "确保", "倍增", "翻一番",
              "增长2倍", "前3位", "第1", "“保5争3”", "指数", "得分", "2∶1", "3:1", "一", "三", "十", "百", "两", "万", "亿", "千亿", "百亿", "万亿", "十亿", "级",
              "亿元", "万人", "个", "家", "“", "”", "《", "》", ",", ";", "、", "和", "高新技术企业", "研发经费", "产业集群",
              "示范区", "全省", "全国", "平均水平", "持续", "稳步", "上升", "建成", "消除", "的", "比重", "数量"]
    return words


@pytest.fixture(scope="module")
def random_sentences() -> list[str]:
    rng = random.Random(16)
    words = _vocabulary()
    return ["".join(rng.choice(words) for _ in range(rng.randint(1, 30))) for _ in range(1500)]


def _ctx(doc_year: int | None, annual: bool = False):
    targets = importlib.import_module("innodrive.extraction.targets")
    return targets.DocContext(doc_year=doc_year, horizon=2025 if doc_year else None, plan_start=2021 if doc_year else None,
                              default_scope="全市", annual=annual)


def _run(text: str, ctx, goal: bool, para_deadline: int | None, *, plain: bool, words_open: bool = False):
    """One sentence as find_targets runs it (``plain``: with every prefilter saying yes;
    ``words_open``: telling the rules the sentence may hold the words of trends and
    milestones, whether or not the first test found any)."""
    targets = importlib.import_module("innodrive.extraction.targets")
    from innodrive.extraction.phrases import Sentence
    from innodrive.extraction.timeframe import deadlines, relative_deadlines

    dls = [d for d in deadlines(text) if not ctx.doc_year or d.year >= ctx.doc_year]
    dls.extend(relative_deadlines(text, ctx.doc_year))
    dls.sort(key=lambda d: d.start)
    target_context = goal or bool(dls) or para_deadline is not None
    sent = Sentence(text, 0, 0)
    has_words = target_context and targets._MAY_HAVE_WORDS.search(text) is not None
    if not plain and not (targets._MAY_HAVE_NUMBERS.search(text) or has_words and targets._word_rule_hints(text) is not None):
        return []   # the first test, asked by find_targets before the call
    return targets._sentence_targets(sent, dls, para_deadline or ctx.horizon, target_context, goal, ctx, "一、目标",
                                     has_words=has_words or words_open)


_FIRST_TEST = ("_MAY_HAVE_NUMBERS", "_MAY_HAVE_WORDS")
_HINTS = ("_RANK_HINT", "_RELATIVE_HINT", "_MILESTONE_HINT")


def _differences(sentences: list[str], monkeypatch, opened: tuple[str, ...]) -> tuple[list, int]:
    """(sentences where the extractor and the run with the prefilters ``opened`` forced to
    say yes find different targets, targets found)."""
    targets = importlib.import_module("innodrive.extraction.targets")
    saved = {n: getattr(targets, n) for n in (*_FIRST_TEST, *_HINTS)}
    always = re.compile("")
    found, differ = 0, []
    cases = [(_ctx(2021), False, None), (_ctx(2021), True, None), (_ctx(2026, annual=True), False, 2026),
             (_ctx(None), False, None)]
    for text in sentences:
        for ctx, goal, para_deadline in cases:
            for name, rx in saved.items():
                monkeypatch.setattr(targets, name, rx)
            fast = _run(text, ctx, goal, para_deadline, plain=False)
            for name in opened:
                monkeypatch.setattr(targets, name, always)
            plain = _run(text, ctx, goal, para_deadline, plain="_MAY_HAVE_NUMBERS" in opened, words_open=True)
            if fast != plain:
                differ.append((text, ctx, goal, para_deadline, [f for f in plain if f not in fast]))
            found += len(fast)
    for name, rx in saved.items():
        monkeypatch.setattr(targets, name, rx)
    return differ, found


def test_hints_drop_no_target_of_the_corpus_sentences(corpus_sentences, monkeypatch):
    """The hints that let a sentence without quantities reach the scale, rank, relative,
    trend and milestone rules (each searched once) lose nothing."""
    differ, found = _differences(corpus_sentences, monkeypatch, _HINTS)
    assert differ == []
    assert found > 200   # the comparison saw real targets, not only empty lists


def test_hints_drop_no_target_of_random_sentences_made_of_the_rules_words(random_sentences, monkeypatch):
    differ, found = _differences(random_sentences, monkeypatch, _HINTS)
    assert differ == []
    assert found > 500


@pytest.mark.slow
def test_the_first_test_drops_no_target(corpus_sentences, random_sentences, monkeypatch):
    """Every prefilter forced open, on the corpus and on random sentences: the extractor
    finds exactly the targets of the plain rules, of every kind (counts in Chinese
    numerals with any unit, 万亿 scales, scale classes in a sentence without a quantity)."""
    differ, found = _differences([*corpus_sentences, *random_sentences], monkeypatch, (*_FIRST_TEST, *_HINTS))
    assert found > 700
    assert differ == []


def test_the_comparison_fails_when_a_prefilter_drops_a_target(monkeypatch):
    """The comparison can fail: a first test that forgets the comparison words hides the
    trend target of a sentence without numbers."""
    targets = importlib.import_module("innodrive.extraction.targets")
    monkeypatch.setattr(targets, "_MAY_HAVE_WORDS", re.compile("(?!)"))
    differ, _ = _differences(["研发投入强度持续提升"], monkeypatch, _FIRST_TEST)
    assert differ and differ[0][-1][0].kind == "trend"


def test_firm_marks_and_quote_gates_agree_with_their_patterns(corpus_sentences, random_sentences):
    """力争/确保 marks are built only when the sentence holds one of the two words, and the
    open-quote test only when it holds “: the words are exactly the patterns' matches."""
    targets = importlib.import_module("innodrive.extraction.targets")
    for s in [*corpus_sentences, *random_sentences]:
        assert bool(targets._FIRM.search(s)) == ("力争" in s or "确保" in s)
        if "“" not in s:
            assert not any(targets._quote_open_before(s, i) for i in range(len(s) + 1))


def test_the_first_test_scanned_along_a_paragraph_answers_as_each_sentence_alone(corpus_sentences, random_sentences):
    """find_targets asks the first test of every sentence with one forward scan of its
    paragraph (_NextMatch); the answer is the plain search of the sentence's own text,
    for paragraphs of corpus and random sentences joined by 。, ! and ?."""
    from innodrive.extraction import phrases

    targets = importlib.import_module("innodrive.extraction.targets")
    rng = random.Random(3)
    pool = [*corpus_sentences, *random_sentences]
    for _ in range(600):
        parts = [rng.choice(pool) for _ in range(rng.randint(1, 8))]
        paragraph = "".join(p + rng.choice("。。。!?") for p in parts)[: rng.randint(1, 2000)]
        clean = "前言\n" + paragraph + "\n后记"
        a, b = 3, 3 + len(paragraph)
        for rx in (targets._MAY_HAVE_NUMBERS, targets._MAY_HAVE_WORDS):
            scan = targets._NextMatch(rx, clean, b)
            assert scan.within(a, b) == (rx.search(paragraph) is not None)
            for sent in phrases.split_sentences(clean, (a, b), 0):
                if rng.random() < 0.3:
                    continue  # (a sentence not asked about: the scan moves past it)
                assert scan.within(sent.start, sent.start + len(sent.text)) == (rx.search(sent.text) is not None)


def test_relative_targets_tried_where_a_match_can_begin_and_quantity_tests_equal_their_patterns(
        corpus_sentences, random_sentences):
    """_relative tries its pattern only where an adverb or comparison word starts, and
    _milestones asks ``has_quantity`` (a number + unit scan first) instead of searching
    QUANTITY_RE at every position: both answer exactly as the plain patterns."""
    from innodrive.extraction import numbers
    from innodrive.extraction.scan import matches_from

    targets = importlib.import_module("innodrive.extraction.targets")
    rng = random.Random(5)
    words = [*_vocabulary(), *targets._RELATIVE_ADVERBS, *targets._RELATIVE_COMPARATORS, "四川", "同类城市", "前列",
             "第一方阵", "均", "保持在", "1", "2", "0", ".", ",", "十万", "多", "余"]
    extra = ["".join(rng.choice(words) for _ in range(rng.randint(1, 25))) for _ in range(3000)]
    for s in [*corpus_sentences, *random_sentences, *extra]:
        assert [(m.span(), m.groups()) for m in matches_from(targets._RELATIVE_START, targets._RELATIVE_RE, s)] == [
            (m.span(), m.groups()) for m in targets._RELATIVE_RE.finditer(s)], s
        for piece in (s, s[:40], s[-40:]):
            assert numbers.has_quantity(piece) == (numbers.QUANTITY_RE.search(piece) is not None), piece


@pytest.mark.parametrize("sentence", [
    "全市新建科技企业孵化器三处",          # a Chinese numeral count with a unit outside the old list
    "推出首台套重大技术装备十款以上",
    "设立科技成果转化引导基金三亿元",      # numeral + magnitude + 元, no digit
    "培育电子信息万亿级产业集群",          # 万亿 scale, no digit
    "壮大先进制造千亿产业集群",            # a scale class, no quantity, 倍/翻 or rank word
])
def test_the_kinds_the_earlier_prefilters_passed_over_are_found(sentence, monkeypatch):
    """The three kinds the first prefilters dropped (found by the comparison above): the
    extractor now finds each, exactly as the plain rules do."""
    differ, found = _differences([sentence], monkeypatch, (*_FIRST_TEST, *_HINTS))
    assert differ == []
    assert found > 0


def _word_skip_differences(sentences: list[str], may_apply) -> tuple[list, int]:
    """(sentences that find_targets would not pass on under ``may_apply`` although the rules
    find targets in them, sentences compared): every sentence in which the first test finds
    words but no number, in a goals paragraph and in a document without a year."""
    targets = importlib.import_module("innodrive.extraction.targets")
    from innodrive.extraction.phrases import Sentence

    differ, compared = [], 0
    for text in sentences:
        if targets._MAY_HAVE_NUMBERS.search(text) or not targets._MAY_HAVE_WORDS.search(text):
            continue
        for ctx in (_ctx(2021), _ctx(None)):
            compared += 1
            found = targets._sentence_targets(Sentence(text, 0, 0), [], ctx.horizon, True, True, ctx, "一、目标")
            if found and not may_apply(text):
                differ.append((text, found))
    return differ, compared


def test_sentences_with_words_and_no_number_are_skipped_only_when_no_rule_can_read_them(
        corpus_sentences, random_sentences, monkeypatch):
    """find_targets passes a sentence whose only first-test match is a word on only where
    _word_rule_hints says a rule may read it: the rules find nothing in the others,
    on the corpus's sentences, random sentences of the rules' words, and digits of another
    script (the rank rule reads them). The comparison fails when the test forgets a rule."""
    targets = importlib.import_module("innodrive.extraction.targets")
    extra = ["排名达到全国前٣位", "排名保持全国前٣位,投入强度达到全国平均水平", "研发投入强度持续提升",
             "全面建成国家创新型城市", "绝对贫困全面消除", "高于全省平均水平"]
    sentences = [*corpus_sentences, *random_sentences, *extra]
    differ, compared = _word_skip_differences(sentences, lambda t: targets._word_rule_hints(t) is not None)
    assert differ == []
    assert compared > 1000
    # (a test that forgot the trend rule would drop the trend target of a sentence without numbers)
    differ, _ = _word_skip_differences(sentences, lambda t: targets._relative_hint(t) or targets._milestone_hint(t)
                                       or targets._NUMBER_IN.search(t) is not None)
    assert any(f.kind == "trend" for _, found in differ for f in found)
    differ, _ = _word_skip_differences(extra, lambda t: targets._relative_hint(t) or targets._milestone_hint(t)
                                       or targets._may_trend(t) and targets._TREND_RE.search(t) is not None)
    assert {t for t, _ in differ} == {"排名达到全国前٣位"}
