"""From an outline to the ledger of key tasks (pure functions).

The 清单制 of a plan is its list of key tasks. innodrive reads it off the outline: a
task is a heading with no sub-headings, unless it sits under a heading that states the
plan's ideas or goals (the rule set ``task_rules.yaml`` lists those). Each task keeps
its 牵头单位/责任单位 and time limit as the extractor found them; the time limit is
turned into the last day it allows (2023-06 → 2023-06-30, 2023 → 2023-12-31), the date
from which a task is overdue.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pydantic import BaseModel

from innodrive.extraction.models import ExtractedPlan, OutlineNode


class TaskRules(BaseModel):
    version: str
    effective: dt.date
    not_tasks: list[str]


@cache
def default_rules() -> TaskRules:
    text = resources.files("innodrive.plans").joinpath("task_rules.yaml").read_text(encoding="utf-8")
    from innodrive.safeio import load_yaml

    return TaskRules.model_validate(load_yaml(text, name="task_rules.yaml", shipped=True))


@dataclass(frozen=True)
class TaskSpec:
    """A task as read from one version of a plan."""

    path: str
    label: str
    title: str
    level: int
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...]
    deadline: str | None
    due_date: dt.date | None
    span: tuple[int, int]


def due_date(deadline: str | None) -> dt.date | None:
    """The last day a written time limit allows; ``None`` if there is none or it is unreadable.

    >>> due_date("2023-06")
    datetime.date(2023, 6, 30)
    >>> due_date("2025")
    datetime.date(2025, 12, 31)
    """
    if not deadline:
        return None
    text = deadline.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            year, month = int(m[1]), int(m[2])
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        if re.fullmatch(r"\d{4}", text):
            return dt.date(int(text), 12, 31)
    except ValueError:
        return None
    return None


def tasks_from_plan(plan: ExtractedPlan, *, rules: TaskRules | None = None, text: str | None = None) -> list[TaskSpec]:
    """The key tasks of ``plan`` in document order.

    Owners the extractor did not find in a task's labelled lines are read from its
    heading ("…（市科技局牵头，市财政局配合）") and, when the document ``text`` is given,
    from its body ("由市经信局牵头，…配合") — see :mod:`innodrive.plans.units`.
    """
    from innodrive.plans.units import owners_in

    rules = rules or default_rules()
    nodes = plan.outline
    by_path: dict[str, OutlineNode] = {n.path: n for n in nodes}
    parents = {n.path.rsplit("/", 1)[0] for n in nodes if "/" in n.path}
    tasks: list[TaskSpec] = []
    seen: set[str] = set()
    for node in nodes:
        if node.path in parents or node.path in seen:
            continue
        if _excluded(node, by_path, rules):
            continue
        seen.add(node.path)
        lead, co = list(node.lead_units), list(node.co_units)
        if not lead:
            lead, co2 = owners_in(node.title)
            if not lead and text and node.body_span:
                lead, co2 = owners_in(text[node.body_span[0]:node.body_span[1]][:5000])
            co = co or co2
        tasks.append(TaskSpec(
            path=node.path, label=node.label, title=node.title.strip(), level=node.level,
            lead_units=tuple(lead), co_units=tuple(u for u in co if u not in lead),
            deadline=node.deadline, due_date=due_date(node.deadline),
            span=tuple(node.body_span or node.span),
        ))
    return tasks


def _excluded(node: OutlineNode, by_path: dict[str, OutlineNode], rules: TaskRules) -> bool:
    parts = node.path.split("/")
    for i in range(1, len(parts) + 1):
        ancestor = by_path.get("/".join(parts[:i]))
        if ancestor is not None and any(p in ancestor.title for p in rules.not_tasks):
            return True
    return False
