"""Blind review (盲评): what a reviewer may see of an application.

In blind mode a reviewer sees the application under an anonymous code (匿名编号) with its
title, technical summary, budget by item, proposed milestones and the attachments the
office marked as anonymised — never the applicant, the partners, the team or the
credit code. The view models simply have no such fields; in addition, names that
appear inside the free text (an applicant naming itself in its summary) are replaced
by ``＊＊＊`` so that they do not leak through the prose.
"""

from __future__ import annotations

import re
import secrets

MASK = "＊＊＊"
_ORG_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司", "集团")
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRTUWXY"  # no 0/O, 1/I, S/5, V/U look-alikes


def anonymous_code(taken: set[str]) -> str:
    """A fresh 匿名编号 such as ``N-7K3Q-P2``: random, so it reveals neither the order
    of receipt nor the applicant."""
    while True:
        body = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
        code = f"N-{body[:4]}-{body[4:]}"
        if code not in taken:
            return code


def identity_terms(*, organisations: list[str], people: list[str], codes: list[str]) -> list[str]:
    """Every string that would identify the applicant, longest first."""
    terms: set[str] = set()
    for org in organisations:
        org = (org or "").strip()
        if len(org) < 2:
            continue
        terms.add(org)
        for suffix in _ORG_SUFFIXES:
            if org.endswith(suffix) and len(org) - len(suffix) >= 4:
                terms.add(org[: -len(suffix)])
                break
    terms.update(p.strip() for p in people if len(p.strip()) >= 2)
    terms.update(c.strip() for c in codes if c and c.strip())
    return sorted(terms, key=len, reverse=True)


def redact(text: str, terms: list[str]) -> str:
    """``text`` with every identity term replaced by :data:`MASK`."""
    if not text or not terms:
        return text
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    return pattern.sub(MASK, text)
