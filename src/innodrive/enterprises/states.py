"""Verdict states and how conditions combine.

States are ordered ``fail < needs_data < manual_review < pass`` and coded 0..3 so that
"all of" is the minimum and "any of" the maximum in every backend (Python ``min``,
``np.minimum``, SQL ``min()``/``LEAST``). The order encodes the judgement: one failed
required condition fails the whole; a missing input outranks an expert check (there is
nothing to check until the data is there); one passing alternative is enough.
"""

from __future__ import annotations

FAIL, NEEDS_DATA, MANUAL, PASS = 0, 1, 2, 3

STATE_CODES: dict[str, int] = {"fail": FAIL, "needs_data": NEEDS_DATA, "manual_review": MANUAL, "pass": PASS}
STATE_NAMES: dict[int, str] = {v: k for k, v in STATE_CODES.items()}
STATE_LABELS: dict[str, str] = {
    "pass": "符合",
    "fail": "不符合",
    "needs_data": "缺少数据",
    "manual_review": "需人工审核",
}


def label(state: str | int) -> str:
    name = STATE_NAMES[state] if isinstance(state, int) else state
    return STATE_LABELS[name]
