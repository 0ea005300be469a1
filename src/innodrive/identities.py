"""Comparing the names people act under.

Until every action carries a real account, a person is a typed name (``--by``,
``INNODRIVE_USER``). Rules such as "the reviewer is not the reporter" must not be
dodged by writing the same name differently: ``alice``, ``Alice``, full-width
``ａｌｉｃｅ`` or ``alice`` followed by a zero-width space are one person. The key is the
NFKC form, case-folded, without invisible characters (format characters, controls and
every kind of space).
"""

from __future__ import annotations

import unicodedata


def identity_key(name: str | None) -> str:
    """The comparison key of a person's name (see the module docstring)."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc", "Zs", "Zl", "Zp"))


def same_person(a: str | None, b: str | None) -> bool:
    ka, kb = identity_key(a), identity_key(b)
    return bool(ka) and ka == kb


def clean_name(name: str | None) -> str:
    """A name as it is recorded: NFKC, invisible characters removed, spaces trimmed
    (the case a person typed is kept)."""
    text = unicodedata.normalize("NFKC", name or "")
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc")).strip()
