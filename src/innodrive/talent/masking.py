"""Masked personal data: enough to recognise a record, not enough to identify a person.

Screens, lists and ordinary exports show personal fields masked (去标识化 in the sense
of GB/T 35273-2020 《个人信息安全规范》): the office can tell two records apart and a
handling unit can greet "张*明", but a screenshot or a forwarded spreadsheet does not
disclose an ID number or a telephone number. Only roles that need the full values
receive them, and each such view is written to the audit log (see
:mod:`innodrive.services.talent`). Pure functions.
"""

from __future__ import annotations

import datetime as dt

HIDDEN = "（已隐藏）"


def name(value: str | None) -> str | None:
    """``张三`` → ``张*``, ``张三丰`` → ``张*丰``, ``欧阳明月`` → ``欧**月``; Latin names keep
    their first letter (``John Smith`` → ``J*** S****``)."""
    if not value:
        return value
    v = value.strip()
    if v.isascii():
        return " ".join(w[0] + "*" * (len(w) - 1) for w in v.split())
    if len(v) <= 2:
        return v[0] + "*"
    return v[0] + "*" * (len(v) - 2) + v[-1]


def id_number(value: str | None) -> str | None:
    """First three and last four characters: ``511***********123X``; short numbers keep
    only their last two."""
    if not value:
        return value
    if len(value) >= 10:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * (len(value) - 2) + value[-2:]


def phone(value: str | None) -> str | None:
    """``13812345678`` → ``138****5678``; landlines keep the last four digits."""
    if not value:
        return value
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    return "*" * max(len(value) - 4, 0) + value[-4:]


def email(value: str | None) -> str | None:
    """``zhangsan@example.com`` → ``z***@example.com``."""
    if not value:
        return value
    local, _, domain = value.partition("@")
    return (local[:1] + "***@" + domain) if domain else HIDDEN


def birth_date(value: dt.date | None) -> str | None:
    """Only the decade of birth (``1980年代``): ages in a list stay roughly readable."""
    if value is None:
        return None
    return f"{value.year // 10 * 10}年代"


__all__ = ["HIDDEN", "birth_date", "email", "id_number", "name", "phone"]
