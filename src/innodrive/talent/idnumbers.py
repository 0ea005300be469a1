"""ID documents of talent: the GB 11643 check digit, the birth date, and plausibility.

A register keyed by a mistyped ID number splits one person into two (and a card is
issued twice), so every number is checked before anything is stored. Most talent
hold a 居民身份证 whose 18-character number (GB 11643-1999 《公民身份号码》) is a
six-digit address code, an eight-digit birth date, a three-digit sequence and a check
character computed over the first seventeen (ISO 7064 MOD 11-2: weights
``2**(17-i) mod 11``, the remainder mapped through ``10X98765432``). The same structure
and check serve the 港澳台居民居住证 (address codes 810000, 820000, 830000) and the
2023 外国人永久居留身份证 (a leading ``9``, the province of issue, a three-digit
nationality code, the birth date in positions 7–14). Passports and the two 通行证 have
no check character; their shape is checked and the birth date must be given apart.

Excel stores a long digit string typed into a number cell as a floating-point number
and silently drops everything after the fifteenth digit; such a cell is refused with
that explanation instead of being "corrected".

Pure functions; problems are returned in Chinese, never raised, so a bulk import can
collect every one.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
CHECK_CHARS = "10X98765432"

# GB/T 2260 province-level codes (first two digits of an address code)
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
})
HMT_PREFIXES = ("810000", "820000", "830000")  # 港澳台居民居住证

MIN_BIRTH_YEAR = 1900
MIN_AGE = 16  # a recognised talent younger than this is a typing error, not a prodigy

RESIDENT = "居民身份证"
HMT_RESIDENCE = "港澳台居民居住证"
FOREIGN_PR = "外国人永久居留身份证"
PASSPORT = "护照"
HK_MACAO_PERMIT = "港澳居民来往内地通行证"
TAIWAN_PERMIT = "台湾居民来往大陆通行证"

ID_TYPES = (RESIDENT, HMT_RESIDENCE, FOREIGN_PR, PASSPORT, HK_MACAO_PERMIT, TAIWAN_PERMIT)
ALIASES = {"身份证": RESIDENT, "居民身份证号": RESIDENT, "身份证号": RESIDENT, "居住证": HMT_RESIDENCE,
           "港澳台居住证": HMT_RESIDENCE, "永久居留身份证": FOREIGN_PR, "外国人永久居留证": FOREIGN_PR,
           "永居证": FOREIGN_PR, "回乡证": HK_MACAO_PERMIT, "港澳通行证": HK_MACAO_PERMIT,
           "台胞证": TAIWAN_PERMIT, "passport": PASSPORT}
# documents whose number carries the birth date and a GB 11643 check character
CHECKED_TYPES = (RESIDENT, HMT_RESIDENCE, FOREIGN_PR)


@dataclass(frozen=True)
class CheckedId:
    """A valid ID document: type, normalised number and (where it carries one) birth date."""

    id_type: str
    number: str
    birth_date: dt.date | None


def normalise(number: object) -> str:
    """Full-width to half-width, no spaces or dashes, upper case (``x`` → ``X``)."""
    text = unicodedata.normalize("NFKC", str(number if number is not None else ""))
    return re.sub(r"[\s\-]", "", text).upper()


def id_type(text: object) -> str | None:
    """The canonical document type for ``text`` (``None`` when not one of :data:`ID_TYPES`);
    blank means 居民身份证."""
    t = unicodedata.normalize("NFKC", str(text or "")).strip().replace(" ", "")
    if not t:
        return RESIDENT
    if t in ID_TYPES:
        return t
    return ALIASES.get(t) or ALIASES.get(t.lower())


def check_char(first17: str) -> str:
    """The GB 11643 check character of the first seventeen digits."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def birth_problem(birth: dt.date, *, today: dt.date, what: str = "出生日期") -> str | None:
    """Why ``birth`` is not a plausible birth date of a recognised talent, or ``None``."""
    if birth > today:
        return f"{what} {birth.isoformat()} 晚于今天"
    if birth.year < MIN_BIRTH_YEAR:
        return f"{what} {birth.isoformat()} 早于 {MIN_BIRTH_YEAR} 年，不合常理"
    if age_on(birth, today) < MIN_AGE:
        return f"{what} {birth.isoformat()} 表明此人未满 {MIN_AGE} 周岁，请核对"
    return None


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of age (周岁) on ``day``: the birthday itself counts (born 1984-06-30 →
    40 on 2024-06-30); someone born on 29 February turns a year older on 1 March."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def _birth(digits8: str) -> dt.date | None:
    try:
        return dt.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None


def check(number: object, *, kind: str = RESIDENT, today: dt.date | None = None) -> tuple[CheckedId | None, str | None]:
    """``(checked, None)`` or ``(None, what is wrong)`` for an ID document number.

    :param number: the number as typed (a ``float``/``int`` cell from Excel is refused).
    :param kind: one of :data:`ID_TYPES`.
    """
    today = today or dt.date.today()
    if isinstance(number, bool):
        return None, "证件号码不是文本"
    if isinstance(number, int | float):
        return None, ("证件号码被 Excel 存成了数字，第15位以后的数字可能已经丢失："
                      "请把该列设置为“文本”格式后重新录入号码")
    text = normalise(number)
    if not text:
        return None, "证件号码为空"
    if kind in CHECKED_TYPES:
        return _check_gb11643(text, kind, today)
    patterns = {
        PASSPORT: (r"[A-Z0-9]{5,20}", "护照号码应为5至20位字母或数字"),
        HK_MACAO_PERMIT: (r"[HM]\d{8}(\d{2})?", "港澳居民来往内地通行证号码应为 H 或 M 加8位或10位数字"),
        TAIWAN_PERMIT: (r"\d{8}(\d{2})?", "台湾居民来往大陆通行证号码应为8位或10位数字"),
    }
    if kind not in patterns:
        return None, f"未知的证件类型“{kind}”：应为{'、'.join(ID_TYPES)}之一"
    pattern, message = patterns[kind]
    if not re.fullmatch(pattern, text):
        return None, f"{message}，实际为“{text}”"
    return CheckedId(kind, text, None), None


def _check_gb11643(text: str, kind: str, today: dt.date) -> tuple[CheckedId | None, str | None]:
    label = {RESIDENT: "身份证号", HMT_RESIDENCE: "居住证号码", FOREIGN_PR: "永久居留身份证号码"}[kind]
    if len(text) == 15 and text.isdecimal() and kind == RESIDENT:
        return None, "15位的第一代身份证号码已停止使用，请填写18位公民身份号码"
    if len(text) != 18:
        return None, f"{label}应为18位，实际为{len(text)}位"
    if not text[:17].isdecimal() or not (text[17].isdecimal() or text[17] == "X"):
        return None, f"{label}前17位应为数字，第18位应为数字或 X"
    if kind == RESIDENT and text[:2] not in PROVINCES:
        return None, f"{label}前两位“{text[:2]}”不是有效的省级行政区划代码"
    if kind == HMT_RESIDENCE and not text.startswith(HMT_PREFIXES):
        return None, f"{label}应以 810000（香港）、820000（澳门）或 830000（台湾）开头"
    if kind == FOREIGN_PR and not text.startswith("9"):
        return None, f"{label}（2023年版）应以 9 开头"
    birth_digits = text[6:14]  # positions 7–14 in all three documents
    birth = _birth(birth_digits)
    if birth is None:
        return None, f"{label}第7至14位“{birth_digits}”不是有效的出生日期"
    if (problem := birth_problem(birth, today=today, what=f"{label}中的出生日期")) is not None:
        return None, problem
    expected = check_char(text[:17])
    if text[17] != expected:
        return None, f"{label}校验位错误：按 GB 11643 第18位应为 {expected}，实际为 {text[17]}（请核对号码是否录错）"
    return CheckedId(kind, text, birth), None


__all__ = ["CHECKED_TYPES", "ID_TYPES", "MIN_AGE", "CheckedId", "age_on", "birth_problem", "check", "check_char",
           "id_type", "normalise"]
