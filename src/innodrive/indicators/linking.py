"""Linking: which catalogue indicator does a target's indicator phrase mean?

Plans write 全市国家高新技术企业, 研发经费投入强度, 新增高新技术企业; observations and
tracking need ``hnte_count``, ``rd_intensity``, ``hnte_new_count``. :func:`link` decides,
in this order, and says how it decided:

1. ``remembered`` — a person mapped this phrase before (the store keeps those
   mappings; this function only reads them);
2. ``exact`` / ``alias`` — the normalised phrase equals the official name or an alias;
3. ``fuzzy`` — rapidfuzz similarity against every name and alias, among the
   indicators that can be meant at all (see below), above a threshold and clearly
   ahead of the runner-up;
4. ``unmatched`` — otherwise: a person must map it; the best candidates are listed.

Two guards keep fuzzy matching from confusing concepts that look alike:

- a phrase with a flow marker (新增, 新认定, 新培育, 获批 …) is a flow: it links only to
  a flow indicator (新增高新技术企业 → ``hnte_new_count``), never to the stock it adds
  to; when the catalogue has no such flow the phrase stays unmatched;
- a phrase with a ratio word (强度, 占比, 比重, 每万, 人均, 率, 指数 …) links only to a
  ratio, index or rate, and a phrase without one never does — so 研发经费投入强度 can
  never become ``rd_expenditure``.

Change words at the end (增速, 增幅, 提升幅度 …) and scope words at the start (全市,
本级 …) are set aside and reported as ``qualifiers``: the target's kind carries the
notion of change, the region carries the scope.

Pure: no database; the caller passes remembered mappings in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from innodrive.indicators.catalogue import SCOPE_PREFIXES, Catalogue, Indicator, normalise_name, to_simplified
from innodrive.indicators.units import parse_unit

Method = Literal["remembered", "exact", "alias", "fuzzy", "unmatched"]

DEFAULT_THRESHOLD = 80.0
# the best fuzzy candidate must lead the next *different* indicator by this many points
DEFAULT_MARGIN = 4.0
MAX_CANDIDATES = 5

FLOW_MARKER = re.compile(r"(?<!重)新(?:增|认定|培育|引进|建|创建|获批|入库|设立|登记|上市)|净增|(?<!已)获批")
RATIO_MARKER = re.compile(r"强度|占比|比重|比例|每万|人均|率|指数|水平|密度|之比")
CHANGE_SUFFIX = re.compile(r"(?:年均)?(?:增速|增幅|增长率|增长幅度|提升幅度|提高幅度|增长|提升|提高)$")


class Candidate(BaseModel):
    code: str
    name: str
    score: float = Field(ge=0, le=100)


class LinkResult(BaseModel):
    """The decision for one phrase, with how it was reached."""

    text: str
    normalised: str = Field(description="the phrase as compared, after normalisation")
    code: str | None = None
    name: str | None = Field(default=None, description="the official name of the linked indicator")
    score: float = Field(ge=0, le=100)
    method: Method
    candidates: list[Candidate] = Field(default_factory=list)
    qualifiers: list[str] = Field(default_factory=list, description="scope and change words set aside (全市, 增速 …)")
    note: str | None = Field(default=None, description="why, in Chinese, when it is not a plain name match")

    @property
    def matched(self) -> bool:
        return self.code is not None

    @property
    def is_change(self) -> bool:
        """The phrase speaks of a change of the indicator (…增速, …提升幅度)."""
        return any(CHANGE_SUFFIX.fullmatch(q) for q in self.qualifiers)


def analyse(text: str) -> tuple[str, list[str]]:
    """Split a phrase into its comparison key and the qualifiers set aside.

    >>> analyse("全市每万人口高价值发明专利拥有量增速")
    ('每万人口高价值发明专利拥有量', ['全市', '增速'])
    """
    s = to_simplified(unicodedata.normalize("NFKC", text or "")).strip()
    qualifiers: list[str] = []
    changed = True
    while changed:
        changed = False
        for w in SCOPE_PREFIXES:
            if s.startswith(w) and len(s) > len(w) + 1:
                qualifiers.append(w)
                s = s[len(w):]
                changed = True
    m = CHANGE_SUFFIX.search(s)
    if m and len(s) - len(m.group(0)) >= 2:
        qualifiers.append(m.group(0))
        s = s[: m.start()]
    return normalise_name(s), qualifiers


def is_flow_phrase(key: str) -> bool:
    return FLOW_MARKER.search(key) is not None


def is_ratio_phrase(key: str) -> bool:
    return RATIO_MARKER.search(key) is not None


def _is_marked_flow(ind: Indicator) -> bool:
    """A flow that counts additions to a stock (新增…), as opposed to an annual amount
    such as R&D经费支出 that is a flow by nature but read as a level."""
    return ind.flow_of is not None or is_flow_phrase(normalise_name(ind.name))


def _unit_fits(ind: Indicator, unit: str | None) -> bool:
    if not unit:
        return True
    try:
        return parse_unit(unit).unit_class == parse_unit(ind.unit).unit_class
    except Exception:  # an unknown written unit says nothing against the indicator
        return True


def _similarity(a: str, b: str) -> float:
    """Similarity of two normalised phrases, 0–100.

    ``ratio`` rewards equal wording; ``partial_ratio`` lets a short official name sit
    inside a longer phrase (国家高新技术企业 in 全市国家高新技术企业数量), discounted by
    the length difference so that a two-character name cannot match a long phrase.
    """
    if not a or not b:
        return 0.0
    r = fuzz.ratio(a, b)
    short, long_ = sorted((len(a), len(b)))
    p = fuzz.partial_ratio(a, b) * (0.5 + 0.5 * short / long_) if short >= 4 else 0.0
    return float(max(r, p))


def _score_all(key: str, pool: list[Indicator]) -> list[Candidate]:
    scored = []
    for ind in pool:
        best = max(_similarity(key, normalise_name(n)) for n in ind.names)
        scored.append(Candidate(code=ind.code, name=ind.name, score=round(best, 1)))
    scored.sort(key=lambda c: -c.score)
    return scored


def _pick(scored: list[Candidate], threshold: float, margin: float) -> Candidate | None:
    if not scored or scored[0].score < threshold:
        return None
    if len(scored) > 1 and scored[0].score - scored[1].score < margin:
        return None
    return scored[0]


def _result(text: str, key: str, qualifiers: list[str], *, ind: Indicator | None, score: float, method: Method,
            candidates: list[Candidate] | None = None, note: str | None = None) -> LinkResult:
    return LinkResult(text=text, normalised=key, code=ind.code if ind else None, name=ind.name if ind else None,
                      score=score, method=method, candidates=(candidates or [])[:MAX_CANDIDATES],
                      qualifiers=qualifiers, note=note)


def link(text: str, catalogue: Catalogue, remembered: Mapping[str, str] | None = None, *,
         unit: str | None = None, threshold: float = DEFAULT_THRESHOLD, margin: float = DEFAULT_MARGIN) -> LinkResult:
    """Link an indicator phrase to a catalogue code.

    :param text: the indicator as the document names it
    :param catalogue: the catalogue to link into
    :param remembered: phrase → code mappings made by people earlier; keys are matched
        as written and after :func:`normalise_name`. A mapping to a code that is no
        longer in the catalogue is ignored (and said so in ``note``).
    :param unit: the written unit of a ``number`` target, if any; fuzzy candidates whose
        unit is of another class (个 vs 人, 亿元 vs 家) are not considered.
    :param threshold: the lowest fuzzy score accepted (0–100).
    :param margin: how far the best fuzzy candidate must lead the runner-up.
    """
    key, qualifiers = analyse(text)
    stale_note = None
    if remembered:
        code = remembered.get(text)
        if code is None:
            wanted = {normalise_name(text), key}
            code = next((c for k, c in remembered.items() if normalise_name(k) in wanted), None)
        if code is not None:
            ind = catalogue.get(code)
            if ind is not None:
                return _result(text, key, qualifiers, ind=ind, score=100.0, method="remembered",
                               note="按此前人工确认的对应关系链接")
            stale_note = f"此前人工确认的指标代码“{code}”已不在目录中，已重新匹配"

    def note(msg: str | None) -> str | None:
        parts = [p for p in (stale_note, msg) if p]
        return "；".join(parts) or None

    if not key:
        return _result(text, key, qualifiers, ind=None, score=0.0, method="unmatched", note=note("指标名称为空"))

    exact = catalogue.by_name(key)
    if exact is not None:
        method: Method = "exact" if normalise_name(exact.name) == key else "alias"
        return _result(text, key, qualifiers, ind=exact, score=100.0, method=method, note=note(None))

    ratio = is_ratio_phrase(key)
    pool = [ind for ind in catalogue if ind.is_ratio_like == ratio and _unit_fits(ind, unit)]

    if is_flow_phrase(key):
        flows = [ind for ind in pool if _is_marked_flow(ind)]
        scored = _score_all(key, flows)
        # The stock named after the marker, then the flow that adds to it.
        stock_key = normalise_name(FLOW_MARKER.sub("", key, count=1))
        stock = catalogue.by_name(stock_key)
        stock_score = 100.0
        if stock is None:
            stock_scored = _score_all(stock_key, [i for i in catalogue if not i.is_flow and not i.is_ratio_like])
            best = _pick(stock_scored, threshold, margin)
            stock = catalogue.get(best.code) if best else None
            stock_score = best.score if best else 0.0
        if stock is not None:
            flow = catalogue.flow_for(stock.code)
            if flow is not None and _unit_fits(flow, unit):
                cands = [Candidate(code=flow.code, name=flow.name, score=stock_score)] + \
                        [c for c in scored if c.code != flow.code]
                return _result(text, key, qualifiers, ind=flow, score=stock_score,
                               method="alias" if stock_score == 100.0 else "fuzzy", candidates=cands,
                               note=note(f"“新增”类流量指标，对应存量指标“{stock.name}”的增量"))
        picked = _pick(scored, threshold, margin)
        if picked is not None:
            return _result(text, key, qualifiers, ind=catalogue.get(picked.code), score=picked.score,
                           method="fuzzy", candidates=scored, note=note(None))
        why = "“新增”类流量指标，目录中没有对应的流量指标"
        if stock is not None:
            why += f"，不能链接到存量指标“{stock.name}”"
        return _result(text, key, qualifiers, ind=None, score=scored[0].score if scored else 0.0,
                       method="unmatched", candidates=scored, note=note(why + "，请人工指定"))

    pool = [ind for ind in pool if not _is_marked_flow(ind)]
    scored = _score_all(key, pool)
    picked = _pick(scored, threshold, margin)
    if picked is not None:
        return _result(text, key, qualifiers, ind=catalogue.get(picked.code), score=picked.score,
                       method="fuzzy", candidates=scored, note=note(None))
    if scored and scored[0].score >= threshold:
        why = f"与“{scored[0].name}”“{scored[1].name}”相似度接近，无法确定"
    else:
        why = "目录中没有足够相似的指标"
    return _result(text, key, qualifiers, ind=None, score=scored[0].score if scored else 0.0, method="unmatched",
                   candidates=scored, note=note(why + "，请人工指定对应指标"))
