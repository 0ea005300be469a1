"""One canonical serialisation and its SHA-256 (pure).

Two snapshots with the same content must give the same bytes, on every machine and
every Python: JSON with keys sorted, no insignificant whitespace, UTF-8 (Chinese kept
as characters, not escapes), dates as ISO text, no NaN or infinity (an unknown value is
``null``, never a number). Floats are written in Python's shortest round-trip form, so
reading a snapshot and writing it again gives the very same text — which
:func:`verify` checks along with the hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from typing import Any

from pydantic import BaseModel

METHOD = "json-c14n-v1"


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(mode="json"))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return None if not math.isfinite(value) else (0.0 if value == 0 else value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"cannot canonicalise {type(value).__name__}")


def canonical(content: Any) -> str:
    """The canonical text of ``content`` (plain data or pydantic models)."""
    return json.dumps(_plain(content), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal(content: Any) -> tuple[str, str]:
    """(canonical text, its SHA-256)."""
    text = canonical(content)
    return text, digest(text)


def verify(text: str, sha256: str) -> list[str]:
    """Why ``text`` is not the sealed snapshot ``sha256`` (empty: it is)."""
    problems = []
    if digest(text) != sha256:
        problems.append("内容的 SHA-256 与发布时记录的不一致")
    try:
        if canonical(json.loads(text)) != text:
            problems.append("内容不是规范序列化的形式")
    except (ValueError, TypeError):
        problems.append("内容不是有效的 JSON")
    return problems
