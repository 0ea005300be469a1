"""Small pieces of Chinese policy language shared by the target rules.

- sentence and clause splitting with offsets;
- quoted spans (“5553”, 《…》) where numbers are names, not values;
- trimming an indicator phrase: time words, scope words (全市, 市本级), firmness
  (力争, 确保) and bare action verbs (实现, 建成, 打造) are taken off the front, but
  verbs that change what is counted (新增, 新认定, 新创建, 引进, 获批, 入库) stay.
"""

from __future__ import annotations

from collections import namedtuple
from functools import lru_cache

from innodrive import regex_cache
from innodrive.extraction import edges

SENTENCE_END = regex_cache.compile(r"[。!?]")
CLAUSE_SEP = regex_cache.compile(r"[,:;]")


# text, its clean offset (of text[0]) and the index of its paragraph. A plain namedtuple
# rather than typing.NamedTuple: importing typing costs ``extract --json`` start-up time.
Sentence = namedtuple("Sentence", "text start paragraph")


def split_sentences(clean: str, para: tuple[int, int], index: int) -> list[Sentence]:
    a, b = para
    text = clean[a:b]
    out: list[Sentence] = []
    new = _tuple_new  # (a namedtuple's own constructor is a Python function: this is the same tuple)
    if "!" not in text and "?" not in text:
        # (the usual paragraph: 。 alone ends its sentences, and str.split finds them in C)
        pos = a
        for piece in text.split("。"):
            if piece:
                out.append(new(Sentence, (piece, pos, index)))
            pos += len(piece) + 1
        return out
    pos = 0
    for m in SENTENCE_END.finditer(text):
        end = m.start()
        if end > pos:
            out.append(new(Sentence, (text[pos:end], a + pos, index)))
        pos = end + 1  # (every match is one character)
    if pos < len(text):
        out.append(new(Sentence, (text[pos:], a + pos, index)))
    return out


_tuple_new = tuple.__new__


_QUOTES = regex_cache.compile(r"“[^”]{0,40}”|\"[^\"]{0,40}\"|《[^》]{0,80}》|「[^」]{0,40}」|‘[^’]{0,40}’")


# the characters every quoted span opens with (None: unbounded, then every text is searched)
QUOTE_OPENERS = edges.opening_chars(_QUOTES)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTES.finditer(text)]


_SCOPE_RE = regex_cache.compile(
    r"^(?P<scope>全市|全省|全区|全县|全州|全域|市本级|本市|我市|本省|我省|市域|县域"
    r"|各县\((?:市、)?区\)|各县区|各区县"
    r"|[^\W\d_a-zA-Z]{0,6}(?:高新区|经开区|新区|园区|开发区|自贸区|试验区))")

_LEAD_WORDS = [
    # time
    r"到20\d\d年(?:底|末)?", r"至20\d\d年(?:底|末)?", r"20\d\d年(?:底|末)?(?:前)?", r"全年", r"年内", r"今年",
    r"每年", r"当年", r"年底前", r"“?十[一二三四五六]五”?(?:期间|时期|末)?",
    # firmness and connectors
    r"力争", r"确保", r"努力", r"争取", r"力求", r"并", r"且", r"同时", r"其中", r"进一步", r"持续", r"保持",
    r"全面", r"基本", r"初步", r"加快", r"大力", r"积极", r"着力", r"推动", r"推进", r"支持", r"使", r"各类", r"各级",
    # bare action verbs (counted things stay: 新增, 新认定, 新创建, 引进, 获批, 入库)
    r"实现", r"建成", r"建设", r"打造", r"培育形成", r"培育", r"形成", r"完成", r"达到", r"发展", r"壮大",
]
_LEAD_WORDS.append(r"在[^,;。]{1,24}?等?(?:领域|方面|行业|地区|环节)")  # 在科研、工业等领域应用落地
# list numbers that were not headings: 47.全年新增… / (3)… / 三、…
_LEAD_WORDS.append(r"(?:具有|具备|富有)[^,;。的]{1,12}的")  # 具有核心竞争力的科技领军企业 → 科技领军企业
_LEAD_WORDS.append(r"\d{1,3}[.、](?!\d)|\(\d{1,3}\)|\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、")
_LEAD_RE = regex_cache.compile("^(?:" + "|".join(_LEAD_WORDS) + ")")
_MODIFIER_IN = regex_cache.compile(r"(?:具有|具备|富有)[^,;。的]{1,12}的(?=.)")
_TRAIL_RE = regex_cache.compile(r"(?:力争|确保|要|将|均|等指标均|等指标|指标|等|的|为|继续|保持|稳定|总体|分别|累计|年均)$")
_TRAIL_LAST = edges.closing_gate(_TRAIL_RE)   # the last characters of its matches, and the line break ``$`` allows
_PUNCT_EDGE = " ,:;、和及与并"


def split_scope(phrase: str) -> tuple[str | None, str]:
    """Take a leading scope word off a phrase: 全市国家高新技术企业 → (全市, 国家高新技术企业)."""
    m = _SCOPE_RE.match(phrase)
    if not m:
        return None, phrase
    scope = m.group("scope")
    rest = phrase[m.end():]
    if len(rest) < 2:  # the phrase *is* the place (乐山高新区 as a milestone object)
        return None, phrase
    return scope, rest


@lru_cache(maxsize=8192)
def trim_indicator(phrase: str) -> tuple[str | None, str]:
    """Clean an indicator phrase; returns (scope, indicator)."""
    scope = None
    s = phrase.strip(_PUNCT_EDGE)
    for _ in range(8):
        before = s
        # (= _LEAD_RE.sub("", s): its one possible match opens the text, at ``^``)
        lead = _LEAD_RE.match(s)
        s = (s[lead.end():] if lead else s).strip(_PUNCT_EDGE)
        sc, s = split_scope(s)
        scope = scope or sc
        if s[-1:] in _TRAIL_LAST:   # (a phrase ending otherwise has no trailing word: not searched)
            s = _TRAIL_RE.sub("", s)
        s = s.strip(_PUNCT_EDGE)
        if s == before:
            break
    if "的" in s:
        s = _MODIFIER_IN.sub("", s)  # 新增具备自主知识产权的高新技术企业 → 新增高新技术企业
    return scope, s


_LIST_SEP = regex_cache.compile(r"、")
SHARED_TAILS = ("数量", "规模", "总量", "总额", "增加值", "营业收入", "收入", "产值", "占比", "比重", "增速",
                "增幅", "个数", "家数")


def split_list(phrase: str) -> list[str]:
    """Coordinated indicators: A、B数量 → [A数量, B数量] (a shared tail is distributed)."""
    items = [x.strip(_PUNCT_EDGE) for x in _LIST_SEP.split(phrase)]
    items = [x for x in items if x]
    if len(items) < 2:
        return items
    last = items[-1]
    for tail in SHARED_TAILS:
        if last.endswith(tail):
            items = [x if x.endswith(tail) or any(x.endswith(t) for t in SHARED_TAILS) else x + tail
                     for x in items]
            break
    return items


_SHARED_SHARE = regex_cache.compile(r"^(?P<a>.+?)和(?P<b>.+?)(?P<tail>占.+?(?:比重|比例))$")


def split_share_pair(phrase: str) -> list[str]:
    """A和B占C比重 → [A占C比重, B占C比重]."""
    m = _SHARED_SHARE.match(phrase)
    if not m:
        return [phrase]
    return [m.group("a") + m.group("tail"), m.group("b") + m.group("tail")]


INDICATOR_NOUNS = regex_cache.compile(
    r"(比重|占比|比例|率|数量|数|总量|总额|规模|强度|收入|产值|增加值|投入|支出|指数|拥有量|额|量|企业|平台|中心|"
    r"基地|项目|人才|团队|专利|机构|孵化器|众创空间|园区|实验室|资金|经费|增速|增幅)$")


_INDICATOR_NOUNS_LAST = edges.closing_gate(INDICATOR_NOUNS)


def looks_like_indicator(phrase: str) -> bool:
    return 0 < len(phrase) <= 40 and phrase[-1] in _INDICATOR_NOUNS_LAST and INDICATOR_NOUNS.search(phrase) is not None
