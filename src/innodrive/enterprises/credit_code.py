"""统一社会信用代码 (unified social credit code, GB 32100-2015): shape and check digit.

A registry keyed by a mistyped code silently splits one enterprise into two, so every
code is checked on import. The 18th character is a check digit over the first 17 in
base 31 (the alphabet omits I, O, Z, S and V), weights ``3**i mod 31``.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def check_char(first17: str) -> str:
    """The check character for the first 17 characters (which must use the alphabet)."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """What is wrong with ``code`` in Chinese, or ``None`` when it is valid."""
    text = code.strip().upper()
    if len(text) != 18:
        return f"统一社会信用代码应为18位，实际为{len(text)}位"
    bad = sorted({c for c in text if c not in _VALUE})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）"
    if not text[2:8].isdigit():
        return "统一社会信用代码第3至8位应为登记管理机关行政区划码（数字）"
    expected = check_char(text[:17])
    if text[17] != expected:
        return f"统一社会信用代码校验位错误：第18位应为 {expected}，实际为 {text[17]}"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def normalise(code: str) -> str:
    return code.strip().upper()
