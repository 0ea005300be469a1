"""The indicator catalogue: the canonical indicators every target and observation uses.

Plans name indicators loosely (国家高新技术企业, 高新技术企业数量, 高企), statistical
releases use their own wording (R&D经费投入强度, 研发经费投入强度). Tracking, import and
assessment need one key per concept, with its unit, direction and kind of measure, so
that a target can be compared with an observation and a flow (新增…) is never added to
a stock. The catalogue is declared in ``catalogue.yaml`` (methods are data) and checked
on load: unique codes, every name and alias resolving to exactly one code, parseable
units, and derived indicators whose components exist.

Pure: reading the bundled YAML is the only I/O, done once and cached.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from innodrive.errors import NotFound, Problem, ValidationFailed
from innodrive.indicators.units import is_known_unit

Measure = Literal["stock", "flow", "ratio", "index", "rate"]
Direction = Literal["ge", "le"]

CATALOGUE_FILE = "catalogue.yaml"


class Components(BaseModel):
    """How a derived indicator is computed from two others:
    ``numerator / denominator × scale``, both parts in their catalogue units."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    numerator: str
    denominator: str
    scale: float = 1.0


class Indicator(BaseModel):
    """One canonical indicator (see the header of ``catalogue.yaml`` for each field)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    aliases: tuple[str, ...] = ()
    unit: str
    direction: Direction = "ge"
    measure: Measure
    category: str
    definition: str
    formula: str | None = None
    components: Components | None = None
    flow_of: str | None = None
    source: str
    release_lag_months: int = Field(ge=0, le=36)

    @property
    def names(self) -> tuple[str, ...]:
        """The official name followed by every alias."""
        return (self.name, *self.aliases)

    @property
    def is_flow(self) -> bool:
        return self.measure == "flow"

    @property
    def is_ratio_like(self) -> bool:
        """Ratios, indices and rates: quotients or scores, never amounts or counts."""
        return self.measure in ("ratio", "index", "rate")


# --------------------------------------------------------------------------- names

# Scope words that say *where*, not *what* (全市国家高新技术企业 → 国家高新技术企业).
SCOPE_PREFIXES: tuple[str, ...] = (
    "全市", "本市", "我市", "全省", "本省", "我省", "全州", "全县", "全区", "全国", "市本级", "县本级", "本级",
)
# Prefixes that are part of a qualification's name, not a level: the catalogue counts
# 国家高新技术企业 as 高新技术企业 (there is no provincial 高企), unlike 国家级孵化器.
QUALIFICATION_PREFIXES: dict[str, str] = {
    "国家高新技术企业": "高新技术企业",
    "国家科技型中小企业": "科技型中小企业",
    "有效高新技术企业": "高新技术企业",
}
# Count suffixes that do not change the concept (高新技术企业数量 = 高新技术企业数).
COUNT_SUFFIXES: tuple[str, ...] = ("数量", "总数", "家数", "户数", "个数", "数")
_NOT_COUNT_SUFFIXES: tuple[str, ...] = ("指数", "系数", "倍数", "基数", "参数")

_PUNCT = re.compile(r"[\s\"'“”‘’「」『』《》〈〉【】\[\]()（）、，,。.:：;；!！?？·•/\\-—_~～]+")


@cache
def _t2s():
    try:
        from opencc import OpenCC
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return None
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    conv = _t2s()
    return conv.convert(text) if conv is not None else text


def normalise_name(text: str) -> str:
    """The key under which indicator names are compared.

    Full/half width and traditional/simplified folded, Latin upper-cased, spaces and
    punctuation dropped (brackets too, their words kept), leading scope words removed
    (全市, 本市 …), the 国家 of 国家高新技术企业 dropped, and a trailing count suffix
    (数量/数 …) removed. Flow markers (新增) and ratio words (强度, 占比) are *kept*:
    they change the indicator.
    """
    s = unicodedata.normalize("NFKC", text or "")
    s = to_simplified(s)
    s = s.upper().replace("＆", "&")
    s = _PUNCT.sub("", s)
    changed = True
    while changed:
        changed = False
        for w in SCOPE_PREFIXES:
            if s.startswith(w) and len(s) > len(w) + 1:
                s = s[len(w):]
                changed = True
    for long, short in QUALIFICATION_PREFIXES.items():
        s = s.replace(long, short)
    for suf in COUNT_SUFFIXES:
        if s.endswith(suf) and len(s) > len(suf) + 1 and not s.endswith(_NOT_COUNT_SUFFIXES):
            s = s[: -len(suf)]
            break
    return s


# --------------------------------------------------------------------------- catalogue


class Catalogue:
    """All indicators, indexed by code and by normalised name/alias.

    ``get(code)`` returns ``None`` for an unknown code (like ``dict.get``);
    ``require(code)`` raises :class:`~innodrive.errors.NotFound` with a Chinese message.
    """

    def __init__(self, indicators: list[Indicator], *, version: int, effective: str, source: str = CATALOGUE_FILE) -> None:
        self.version = version
        self.effective = effective
        self.source = source
        self._by_code: dict[str, Indicator] = {}
        self._by_key: dict[str, str] = {}
        problems: list[Problem] = []
        for ind in indicators:
            if ind.code in self._by_code:
                problems.append(Problem(f"指标代码“{ind.code}”重复", file=source, field="code"))
            self._by_code[ind.code] = ind
        for ind in indicators:
            if not is_known_unit(ind.unit):
                problems.append(Problem(f"指标“{ind.code}”的单位“{ind.unit}”无法识别", file=source, field="unit"))
            for name in ind.names:
                key = normalise_name(name)
                other = self._by_key.get(key)
                if other is not None and other != ind.code:
                    problems.append(Problem(
                        f"名称“{name}”同时对应指标“{other}”和“{ind.code}”，每个名称只能对应一个指标",
                        file=source, field="aliases"))
                self._by_key[key] = ind.code
            if ind.components is not None:
                for part in (ind.components.numerator, ind.components.denominator):
                    if part not in self._by_code:
                        problems.append(Problem(
                            f"派生指标“{ind.code}”的组成指标“{part}”不在目录中", file=source, field="components"))
            if ind.flow_of is not None:
                stock = self._by_code.get(ind.flow_of)
                if stock is None:
                    problems.append(Problem(
                        f"流量指标“{ind.code}”对应的存量指标“{ind.flow_of}”不在目录中", file=source, field="flow_of"))
                elif not ind.is_flow or stock.is_flow:
                    problems.append(Problem(
                        f"“{ind.code}”的 flow_of 必须由流量指标指向存量指标", file=source, field="flow_of"))
        if problems:
            raise ValidationFailed(f"指标目录 {source} 有 {len(problems)} 处错误", file=source, problems=problems)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def codes(self) -> list[str]:
        return list(self._by_code)

    def get(self, code: str) -> Indicator | None:
        return self._by_code.get(code)

    def require(self, code: str) -> Indicator:
        ind = self._by_code.get(code)
        if ind is None:
            raise NotFound(f"指标目录中没有代码为“{code}”的指标", field="indicator")
        return ind

    def by_name(self, name: str) -> Indicator | None:
        """The indicator whose official name or an alias equals ``name`` after
        :func:`normalise_name`; ``None`` when there is none (no fuzzy guessing here,
        see :func:`innodrive.indicators.linking.link`)."""
        code = self._by_key.get(normalise_name(name))
        return self._by_code[code] if code else None

    def name_keys(self) -> dict[str, str]:
        """Normalised name/alias → code (a copy), for matching."""
        return dict(self._by_key)

    def flow_for(self, stock_code: str) -> Indicator | None:
        """The flow indicator (新增…) that adds to ``stock_code``, if the catalogue has one."""
        for ind in self._by_code.values():
            if ind.flow_of == stock_code:
                return ind
        return None


def parse_catalogue(data: object, *, source: str = CATALOGUE_FILE) -> Catalogue:
    """Build a :class:`Catalogue` from the parsed YAML document, naming every problem."""
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise ValidationFailed(f"指标目录 {source} 格式错误：应包含 indicators 列表", file=source)
    problems: list[Problem] = []
    indicators: list[Indicator] = []
    for i, raw in enumerate(data["indicators"], start=1):
        try:
            indicators.append(Indicator.model_validate(raw))
        except ValidationError as exc:
            code = raw.get("code") if isinstance(raw, dict) else None
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"])
                problems.append(Problem(f"第 {i} 个指标（{code or '无代码'}）：{err['msg']}", file=source, field=field))
    if problems:
        raise ValidationFailed(f"指标目录 {source} 有 {len(problems)} 处错误", file=source, problems=problems)
    return Catalogue(indicators, version=int(data.get("version", 1)), effective=str(data.get("effective", "")),
                     source=source)


@cache
def _bundled() -> Catalogue:
    text = resources.files("innodrive.indicators").joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
    from innodrive.safeio import load_yaml

    return parse_catalogue(load_yaml(text, name=CATALOGUE_FILE, shipped=True), source=CATALOGUE_FILE)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The bundled catalogue (cached), or one read from ``path``."""
    if path is None:
        return _bundled()
    from innodrive.errors import InputError
    from innodrive.safeio import load_yaml, read_input

    p = Path(path)
    if not p.exists():
        raise NotFound("无法读取指标目录文件：文件不存在", file=str(p))
    try:
        data = load_yaml(read_input(p, what="指标目录文件").decode("utf-8-sig"), name=str(p))
    except UnicodeDecodeError:
        raise ValidationFailed("指标目录文件应为 UTF-8 编码", file=str(p)) from None
    except InputError as exc:
        raise ValidationFailed(f"指标目录不是有效的 YAML：{exc.message}", file=str(p)) from None
    return parse_catalogue(data, source=str(p))
