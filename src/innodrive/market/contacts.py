"""Contact persons of results and demands: personal data, checked on entry and masked
on display.

A contact's name, telephone and e-mail are personal information (个人信息保护法): the
registry shows them masked (张*、138****5678、z***@example.com) to everyone, and only an
actor holding ``market.contact`` may ask for them in clear — each such view is written
to the audit log by the service that reveals them.
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel

_MOBILE = re.compile(r"^(?:\+?86[- ]?)?(1[3-9]\d{9})$")
_LANDLINE = re.compile(r"^(0\d{2,3})[- ]?(\d{7,8})(?:[- 转]+(\d{1,6}))?$")
_EMAIL = re.compile(r"^[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}$")


class Contact(BaseModel):
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    masked: bool = False

    def masked_copy(self) -> Contact:
        return Contact(name=mask_name(self.name), phone=mask_phone(self.phone), email=mask_email(self.email),
                       masked=True)


def clean_phone(text: str | None) -> tuple[str | None, str | None]:
    """``(normalised phone, None)``, ``(None, None)`` for a blank cell, or ``(None, reason)``."""
    t = unicodedata.normalize("NFKC", str(text or "")).strip().replace("（", "(").replace("）", ")")
    t = re.sub(r"[()]", "", t)
    if not t:
        return None, None
    compact = t.replace(" ", "")
    if m := _MOBILE.match(compact):
        return m.group(1), None
    if m := _LANDLINE.match(t):
        return f"{m.group(1)}-{m.group(2)}" + (f"-{m.group(3)}" if m.group(3) else ""), None
    return None, f"“{text}”不是有效的电话号码（手机11位，座机如 0833-1234567）"


def clean_email(text: str | None) -> tuple[str | None, str | None]:
    t = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    if not t:
        return None, None
    if _EMAIL.match(t):
        return t, None
    return None, f"“{text}”不是有效的电子邮箱"


def mask_name(name: str | None) -> str | None:
    """张三 → 张*, 欧阳明华 → 欧***; a Latin name keeps its first letter."""
    if not name:
        return name
    n = name.strip()
    return n[0] + "*" * max(1, len(n) - 1)


def mask_phone(phone: str | None) -> str | None:
    """13812345678 → 138****5678; 0833-1234567 → 0833-****567."""
    if not phone:
        return phone
    if "-" in phone:
        area, rest = phone.split("-", 1)
        number = rest.split("-")[0]
        return f"{area}-{'*' * max(1, len(number) - 3)}{number[-3:]}"
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) > 7 else phone[:1] + "*" * (len(phone) - 1)


def mask_email(email: str | None) -> str | None:
    """zhangsan@example.com → z***@example.com."""
    if not email or "@" not in email:
        return email
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"
