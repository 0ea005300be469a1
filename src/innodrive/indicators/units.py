"""Units as Chinese statistics write them, and conversion between them.

Documents and statistical releases write amounts with a magnitude folded into the
unit (45亿元, 1.2万家, 3000万元). Comparing a target with an observation, importing
a table in 万元 into an indicator kept in 亿元, or scoring an extracted target
against the gold all need the same small piece of knowledge: the magnitude, the base
unit and the *class* of a unit. Units of different classes never convert.

Classes: ``money`` (元), ``count`` (家/户/个/项: the gold rules treat these as one
class of "things"), ``percent`` (%), ``points`` (个百分点, a difference of percents),
``multiple`` (倍), and otherwise the base unit itself (件, 人, 吨, 亩 …).
"""

from __future__ import annotations

from dataclasses import dataclass

from innodrive.errors import InputError

MAGNITUDES: dict[str, float] = {
    "万亿": 1e12,
    "千亿": 1e11,
    "百亿": 1e10,
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "十万": 1e5,
    "万": 1e4,
    "千": 1e3,
    "百": 1e2,
}

# base unit -> class
BASE_UNITS: dict[str, str] = {
    "元": "money",
    "家": "count", "户": "count", "个": "count", "项": "count",
    "%": "percent", "‰": "permille",
    "个百分点": "points", "百分点": "points",
    "倍": "multiple",
    "件": "件", "人": "人", "名": "人", "人次": "人次", "位": "人",
    "所": "所", "座": "座", "台": "台", "套": "套", "条": "条", "次": "次", "篇": "篇",
    "部": "部", "场": "场", "支": "支", "处": "处", "款": "款", "份": "份", "批": "批",
    "吨": "吨", "千瓦": "千瓦", "千瓦时": "千瓦时", "兆瓦": "千瓦", "吉瓦": "千瓦",
    "亩": "亩", "公顷": "公顷", "平方公里": "平方公里", "平方米": "平方米", "公里": "公里",
    "小时": "小时", "天": "天", "分": "分", "辆": "辆", "床": "床",
    "微克/立方米": "微克/立方米", "毫克/立方米": "毫克/立方米", "吨标准煤": "吨标准煤",
}

# units whose name carries a fixed scale of another base (兆瓦 = 1000 千瓦)
_SCALED_BASES: dict[str, tuple[str, float]] = {
    "兆瓦": ("千瓦", 1e3),
    "吉瓦": ("千瓦", 1e6),
    "名": ("人", 1.0),
    "位": ("人", 1.0),
    "百分点": ("个百分点", 1.0),
    "％": ("%", 1.0),
}


# (what parse_unit reads for every unit, built once: the magnitudes longest first, so that
# 万亿 is tried before 万, and every base a magnitude may stand before)
_MAGNITUDES_LONGEST_FIRST = tuple(sorted(MAGNITUDES, key=len, reverse=True))
_BASES = frozenset(BASE_UNITS) | frozenset(_SCALED_BASES)


@dataclass(frozen=True)
class Unit:
    """A parsed unit: ``factor`` × ``base`` (亿元 = 1e8 × 元)."""

    written: str
    base: str
    factor: float
    unit_class: str


def parse_unit(unit: str) -> Unit:
    """Split a written unit into magnitude and base unit.

    >>> parse_unit("亿元")
    Unit(written='亿元', base='元', factor=100000000.0, unit_class='money')
    >>> parse_unit("万家").factor
    10000.0
    """
    text = (unit or "").strip()
    if not text:
        raise InputError("单位为空")
    if text in ("亿", "万亿", "千亿", "百亿", "万", "千万", "百万"):
        # "500亿产业集群": a bare magnitude means money in this genre
        return Unit(text, "元", MAGNITUDES[text], "money")
    factor = 1.0
    rest = text
    for mag in _MAGNITUDES_LONGEST_FIRST:
        if rest.startswith(mag) and rest[len(mag):] in _BASES:
            factor = MAGNITUDES[mag]
            rest = rest[len(mag):]
            break
    if rest in _SCALED_BASES:
        base, scale = _SCALED_BASES[rest]
        factor *= scale
        rest = base
    if rest not in BASE_UNITS:
        raise InputError(f"无法识别的单位“{unit}”")
    return Unit(text, rest, factor, BASE_UNITS[rest])


def is_known_unit(unit: str) -> bool:
    try:
        parse_unit(unit)
    except InputError:
        return False
    return True


def unit_class(unit: str) -> str:
    return parse_unit(unit).unit_class


def to_base(value: float, unit: str) -> tuple[float, str]:
    """``(45, "亿元") -> (4.5e9, "元")``."""
    u = parse_unit(unit)
    return value * u.factor, u.base


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert between units of the same class (万元 → 亿元, 家 → 户, 万人 → 人).

    Raises :class:`InputError` for units of different classes (亿元 → %).
    """
    a, b = parse_unit(from_unit), parse_unit(to_unit)
    if a.unit_class != b.unit_class:
        raise InputError(f"单位“{from_unit}”与“{to_unit}”不属于同一类，不能换算")
    return value * a.factor / b.factor


def comparable(unit_a: str, unit_b: str) -> bool:
    """Whether two written units measure the same kind of quantity."""
    try:
        return parse_unit(unit_a).unit_class == parse_unit(unit_b).unit_class
    except InputError:
        return False


def clean_many(values):
    """:func:`innodrive.indicators.observations.clean` of every value of a float array,
    exactly, at C speed (an import converts hundreds of thousands of values).

    ``clean`` rounds a value to 12 significant digits and reads the decimal back. Here
    the value is scaled by ``10**k`` so that 12 digits are its integer part, rounded, and
    scaled back: the rounded integer (< 10**12) and ``10**k`` (``|k| <= 22``) are exact
    doubles, so the one division or multiplication back is correctly rounded, which is
    what reading the decimal gives. The scaled value itself carries a rounding error far
    below 10**-3; a value whose fraction lies that close to one half (where the error
    could change the rounding), or whose scale falls outside that range (0, NaN,
    infinities, extremes), is cleaned one by one as before."""
    import numpy as np

    from innodrive.indicators.observations import clean

    x = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        k = 11.0 - np.floor(np.log10(np.abs(x)))  # inf or NaN for 0, NaN, infinities
        ok = np.isfinite(k) & (np.abs(k) <= 22)
        k = np.where(ok, k, 0.0).astype(np.int64)
        p = 10.0 ** np.abs(k)  # exact: powers of ten up to 10**22 are doubles
        up = k >= 0
        scaled = np.where(up, x * p, x / p)
        r = np.rint(scaled)
        frac = np.abs(scaled - np.trunc(scaled))
        a = np.abs(r)
        ok &= (np.abs(frac - 0.5) > 1e-3) & (a >= 1e11) & (a <= 1e12)
        out = np.where(up, r / p, r * p)
    for j in np.flatnonzero(~ok).tolist():
        out[j] = clean(float(x[j]))
    return out
