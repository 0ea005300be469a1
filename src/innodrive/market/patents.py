"""Chinese patent numbers: the application (专利) number with its check digit, and the
publication number.

A result's IP is how two entries of the same result are recognised (the same patent
registered twice by a university and by its licensee), so numbers are checked and
stored in one form. The application number (申请号, which with the prefix ZL is also the
granted patent's 专利号) has, since 1 October 2003, 12 digits — year (4), kind (1: 1
发明, 2 实用新型, 3 外观设计, 8 PCT 发明 and 9 PCT 实用新型 entering the national phase),
serial (7) — then a dot and a check character; before that 8 digits (year in 2 digits,
kind, serial of 5). The check character is the sum of the digits weighted
2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5 (8 digits: 2…9) modulo 11, written X for 10
(国家知识产权局《专利申请号标准》ZC 0006—2003). A publication (公开/公告) number is CN,
7 to 9 digits and a kind letter (A, B, C, U, Y, S with an optional digit); it has no
check character, so only its form is checked.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

KINDS = {"1": "发明", "2": "实用新型", "3": "外观设计", "8": "发明（PCT进入国家阶段）",
         "9": "实用新型（PCT进入国家阶段）"}
WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)

_PREFIX = re.compile(r"^(?:专利号|申请号|专利申请号|公开号|公告号|授权公告号)?[:：]?\s*")
_APPLICATION = re.compile(r"^(?:cn|zl)?(\d{8}|\d{12})\.?([0-9x])?$")
_PUBLICATION = re.compile(r"^cn(\d{7,9})([abcuys]\d?)$")


def check_char(digits: str) -> str:
    """The check character of an 8- or 12-digit application number."""
    total = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=False))
    r = total % 11
    return "X" if r == 10 else str(r)


def parse(text: str, *, today: dt.date | None = None) -> tuple[str | None, str | None]:
    """``(normalised number, None)`` or ``(None, what is wrong in Chinese)``.

    Application numbers come back as ``200310102344.5`` (no ZL/CN prefix: the granted
    patent ZL200310102344.5 is the same right); publication numbers as ``CN102345678B``.
    """
    raw = str(text or "")
    t = unicodedata.normalize("NFKC", raw).strip()
    t = _PREFIX.sub("", t).replace(" ", "").replace("\u3000", "").lower()
    if not t:
        return None, "专利号为空"
    if m := _PUBLICATION.match(t):
        return "CN" + m.group(1) + m.group(2).upper(), None
    m = _APPLICATION.match(t)
    if not m:
        return None, (f"“{raw.strip()}”不是有效的专利号：申请号应为12位数字加校验位（如 200310102344.5，"
                      f"2003年10月前为8位加校验位），公开号应为 CN 加数字和类型字母（如 CN102345678B）")
    digits, given = m.group(1), m.group(2)
    year_now = (today or dt.date.today()).year
    if len(digits) == 12:
        year, kind = int(digits[:4]), digits[4]
        if not 2003 <= year <= year_now:
            return None, f"专利申请号“{raw.strip()}”的年份 {year} 不在 2003—{year_now} 之间"
    else:
        year, kind = 1900 + int(digits[:2]), digits[2]
        if not 1985 <= year <= 2003:
            return None, f"8位专利申请号“{raw.strip()}”的年份 {year} 不在 1985—2003 之间"
    if kind not in KINDS:
        return None, f"专利申请号“{raw.strip()}”第{5 if len(digits) == 12 else 3}位（专利类型）应为 1、2、3、8 或 9"
    expected = check_char(digits)
    if given is None:
        return None, f"专利申请号“{raw.strip()}”缺少校验位（应为 {digits}.{expected}）"
    if given.upper() != expected:
        return None, f"专利申请号“{raw.strip()}”校验位错误：应为 {expected}，实际为 {given.upper()}"
    return f"{digits}.{expected}", None


def kind_of(number: str) -> str:
    """发明 / 实用新型 / … for a normalised application number; 公开号 for a publication one."""
    if number.startswith("CN"):
        return "公开（公告）号"
    digits = number.split(".")[0]
    return KINDS[digits[4] if len(digits) == 12 else digits[2]]


def split_cell(cell: str) -> list[str]:
    """The numbers written in one cell (separated by 、，,；; or new lines)."""
    return [p for p in re.split(r"[、,，;；\n]+", unicodedata.normalize("NFKC", str(cell or ""))) if p.strip()]
