"""The escalation ladder and the closing conditions of a 督办单 (pure).

A notice waits on its addressee while it is ``open`` and on the office while it is
``answered``. An open notice still unanswered ``after_days_overdue`` days past its
deadline climbs one rung of the declared ladder (督办通知 → 二次督办 → 约谈) with a new
deadline; so does a notice whose answers the office has returned as many times as the
rules allow. The top rung is a 约谈: the office records the interview, and cannot close
the notice before it has. An open notice on the top rung past its deadline climbs no
further — it is reported as overdue after the 约谈.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from innodrive.supervision.ruleset import SupervisionRules

State = Literal["open", "answered", "closed"]
STATE_NAMES = {"open": "待答复", "answered": "已答复待审核", "closed": "已办结"}


class LadderState(BaseModel):
    """What the ladder needs to know of one notice."""

    id: int
    level: int
    state: State
    deadline: dt.date
    returns_at_level: int = 0
    interviewed_at_level: bool = False
    last_answer_has_evidence: bool = False


class Escalation(BaseModel):
    notice_id: int
    from_level: int
    to_level: int
    level_name: str
    deadline: dt.date
    response: str
    interview: bool
    why: str


def days_overdue(n: LadderState, today: dt.date) -> int:
    """Days past the deadline of a notice still waiting on its addressee (0 otherwise)."""
    if n.state != "open":
        return 0
    return max(0, (today - n.deadline).days)


def next_rung(n: LadderState, rules: SupervisionRules, today: dt.date, *, why: str) -> Escalation | None:
    """The escalation of ``n`` one rung up (``None`` on the top rung)."""
    if n.state == "closed" or n.level >= rules.top:
        return None
    rung = rules.rung(n.level + 1)
    return Escalation(notice_id=n.id, from_level=n.level, to_level=rung.level, level_name=rung.name,
                      deadline=today + dt.timedelta(days=rung.response_days),
                      response=rung.response, interview=rung.interview, why=why)


def due_escalations(notices: list[LadderState], rules: SupervisionRules, today: dt.date) -> list[Escalation]:
    """The escalations the ladder asks for at ``today`` (open notices past their deadline)."""
    found = []
    for n in notices:
        if n.state != "open" or n.level >= rules.top:
            continue
        rung = rules.rung(n.level + 1)
        late = (today - n.deadline).days
        if late >= rung.after_days_overdue:
            e = next_rung(n, rules, today, why=f"逾期 {late} 天未答复（期限 {n.deadline.isoformat()}），"
                                                f"按规则升级为{rung.name}")
            if e is not None:
                found.append(e)
    return found


def escalates_on_return(n: LadderState, rules: SupervisionRules) -> bool:
    """Whether returning one more answer at this level climbs the ladder."""
    return n.level < rules.top and n.returns_at_level + 1 >= rules.closing.returns_before_escalation


def close_problems(n: LadderState, rules: SupervisionRules) -> list[str]:
    """Why the office cannot close ``n`` now (empty: it can)."""
    problems = []
    if n.state == "closed":
        problems.append("该督办单已办结")
        return problems
    if n.state != "answered":
        problems.append("责任单位尚未答复（或答复已退回），不能办结")
    elif rules.closing.evidence_required and not n.last_answer_has_evidence:
        problems.append("规则要求答复附佐证材料，最近一次答复没有材料")
    if rules.rung(n.level).interview and not n.interviewed_at_level:
        problems.append(f"已升级为{rules.level_name(n.level)}，须先记录约谈情况")
    return problems
