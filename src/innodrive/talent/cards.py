"""英才卡 and service entitlements as versioned rules, every decision explained.

Which category gets which card, which card holder may ask for which service, which
unit handles it within which time limit and how an overdue request escalates are
declared in ``rules/cards-*.yaml`` (``kind: talent_cards``), one file per version of
the city's rules, and interpreted here. The issue rules are an ordered list: the
first rule all of whose conditions hold decides the card, and the list ends with a
rule without conditions (usually "no card"), so every person gets a decision. A
decision names the rule, its article, the rule file (title, version, status) and
its sources, and lists every condition with the person's value and what the rule
required — an official can read why, and a person refused can be told.

Conditions (all optional, all must hold): ``categories`` (人才类别), ``employment``
(全职/柔性), ``max_age``/``min_age`` (周岁 on the decision date), ``arrived_within_years``
(the decision date falls before the n-th anniversary of arrival: "到岗未满n年") and
``arrived_at_least_months`` (at least n months since arrival). A person who has left
the city (离开日期 on or before the decision date) gets no card and no service.

Pure functions over pydantic models; the dates are given, never "today".
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from innodrive.errors import Conflict, InputError
from innodrive.talent.idnumbers import age_on
from innodrive.talent.rulesets import Versioned, load_kind, pick

DayUnit = Literal["working", "calendar"]
DAY_UNITS = {"working": "个工作日", "calendar": "个自然日"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DayCount(_Strict):
    days: int = Field(ge=0, le=3650)
    unit: DayUnit

    @property
    def label(self) -> str:
        return f"{self.days}{DAY_UNITS[self.unit]}"


class Conditions(_Strict):
    categories: list[str] | None = None
    employment: list[str] | None = None
    max_age: int | None = None
    min_age: int | None = None
    arrived_within_years: int | None = None
    arrived_at_least_months: int | None = None


class IssueRule(_Strict):
    id: str
    label: str
    article: str | None = None
    card: str | None
    when: Conditions = Field(default_factory=Conditions)


class CardType(_Strict):
    name: str
    validity_years: int = Field(ge=1, le=20)


class Renewal(_Strict):
    window_days: int = Field(ge=0, le=3650)


class Service(_Strict):
    id: str
    name: str
    content: str = ""
    article: str | None = None
    cards: list[str]
    when: Conditions = Field(default_factory=Conditions)
    unit: str
    time_limit: DayCount


class Escalation(_Strict):
    level: int = Field(ge=1)
    name: str
    after: DayCount
    to: str


class Satisfaction(_Strict):
    source: str
    levels: dict[int, str]
    satisfied_at_least: int


class CardRules(Versioned):
    catalogue: str
    card_number_prefix: str = Field(pattern=r"^[A-Z]{1,6}$")
    cards: dict[str, CardType]
    renewal: Renewal
    issue_rules: list[IssueRule]
    services: list[Service]
    reminder: DayCount | None = None
    escalation: list[Escalation] = Field(default_factory=list)
    satisfaction: Satisfaction

    def service(self, service_id: str) -> Service | None:
        key = service_id.strip()
        return next((s for s in self.services if s.id == key or s.name == key), None)

    def card_name(self, card: str | None) -> str:
        return self.cards[card].name if card in self.cards else "不发卡"

    def satisfaction_label(self, level: int) -> str:
        return self.satisfaction.levels.get(level, str(level))


# ---------------------------------------------------------------- loading


def _check(rules: CardRules, name: str) -> None:
    from innodrive.talent.catalogue import catalogues

    cat = next((c for c in catalogues() if c.version == rules.catalogue), None)
    if cat is None:
        raise InputError(f"规则引用的人才分类目录版本“{rules.catalogue}”不存在", file=name)
    codes = set(cat.codes())
    if not rules.issue_rules or rules.issue_rules[-1].when != Conditions():
        raise InputError("发卡规则须以一条无条件的兜底规则结束（when: {}）", file=name)
    seen: set[str] = set()
    for r in rules.issue_rules:
        if r.id in seen:
            raise InputError(f"发卡规则编号“{r.id}”重复", file=name)
        seen.add(r.id)
        if r.card is not None and r.card not in rules.cards:
            raise InputError(f"发卡规则 {r.id} 的卡别“{r.card}”未在 cards 中声明", file=name)
        _check_conditions(r.when, codes, f"发卡规则 {r.id}", name)
    ids = [s.id for s in rules.services]
    if len(set(ids)) != len(ids):
        raise InputError("服务事项编号重复", file=name)
    for s in rules.services:
        unknown = [c for c in s.cards if c not in rules.cards]
        if unknown:
            raise InputError(f"服务事项 {s.id} 引用了未声明的卡别：{'、'.join(unknown)}", file=name)
        _check_conditions(s.when, codes, f"服务事项 {s.id}", name)
    levels = [e.level for e in rules.escalation]
    if levels != sorted(set(levels)) or [e.after.days for e in rules.escalation] != sorted(
            e.after.days for e in rules.escalation):
        raise InputError("逐级督办的层级须从低到高排列，逾期天数递增", file=name)
    if not 1 <= rules.satisfaction.satisfied_at_least <= max(rules.satisfaction.levels):
        raise InputError("satisfied_at_least 应在评价等级范围内", file=name)


def _check_conditions(c: Conditions, codes: set[str], what: str, name: str) -> None:
    from innodrive.talent.catalogue import EMPLOYMENT

    bad = [x for x in (c.categories or []) if x not in codes]
    if bad:
        raise InputError(f"{what} 引用了目录中没有的人才类别：{'、'.join(bad)}", file=name)
    bad = [x for x in (c.employment or []) if x not in EMPLOYMENT]
    if bad:
        raise InputError(f"{what} 的引进方式应为 全职 或 柔性，实际为：{'、'.join(bad)}", file=name)


@cache
def _all() -> tuple[CardRules, ...]:
    return tuple(load_kind("talent_cards", CardRules, check=_check))


def rules_for(on: dt.date, *, version: str | None = None) -> CardRules:
    """The 英才卡 rules in force on ``on`` (or the version named)."""
    return pick(list(_all()), on, what="英才卡规则", version=version)


def all_rules() -> list[CardRules]:
    return list(_all())


def reload() -> None:
    _all.cache_clear()


# ---------------------------------------------------------------- dates


def add_years(day: dt.date, years: int) -> dt.date:
    """The anniversary ``years`` later; 29 February falls on 1 March in a common year
    (as a birthday does for :func:`~innodrive.talent.idnumbers.age_on`)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    import calendar

    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------- decisions


class Facts(BaseModel):
    """What the rules look at about a person (no name, no ID number)."""

    category: str | None
    employment: str
    birth_date: dt.date
    arrival_date: dt.date
    departure_date: dt.date | None = None


class Check(BaseModel):
    label: str
    actual: str
    required: str
    ok: bool


class Decision(BaseModel):
    """One decision with its reasons: a card (``card``) or a service (``service``)."""

    subject: str                  # 英才卡 | the service's name
    granted: bool
    card: str | None = None
    card_name: str | None = None
    service: str | None = None
    rule_id: str
    rule_label: str
    article: str | None = None
    rules: str                    # citation of the rule file
    rules_version: str
    rules_status: str
    sources: list[str]
    checks: list[Check] = Field(default_factory=list)
    not_met: list[str] = Field(default_factory=list)  # earlier rules and the first condition each failed
    reason: str
    on: dt.date


def _cat_label(codes: list[str]) -> str:
    return "、".join(f"{c}类" for c in codes)


def evaluate(cond: Conditions, facts: Facts, on: dt.date) -> list[Check]:
    """Every declared condition with the person's value, in a fixed order."""
    checks: list[Check] = []
    if cond.categories is not None:
        actual = f"{facts.category}类" if facts.category else "未认定类别"
        checks.append(Check(label="人才类别", actual=actual, required=f"{_cat_label(cond.categories)}之一"
                            if len(cond.categories) > 1 else _cat_label(cond.categories),
                            ok=facts.category in cond.categories))
    if cond.employment is not None:
        checks.append(Check(label="引进方式", actual=facts.employment, required="或".join(cond.employment),
                            ok=facts.employment in cond.employment))
    age = age_on(facts.birth_date, on)
    if cond.max_age is not None:
        checks.append(Check(label="年龄", actual=f"{age}周岁", required=f"不超过{cond.max_age}周岁",
                            ok=age <= cond.max_age))
    if cond.min_age is not None:
        checks.append(Check(label="年龄", actual=f"{age}周岁", required=f"不低于{cond.min_age}周岁",
                            ok=age >= cond.min_age))
    if cond.arrived_within_years is not None:
        until = add_years(facts.arrival_date, cond.arrived_within_years)
        checks.append(Check(label="到岗时间", actual=f"{facts.arrival_date.isoformat()} 到岗",
                            required=f"到岗未满{cond.arrived_within_years}年（{until.isoformat()} 前）",
                            ok=facts.arrival_date <= on < until))
    if cond.arrived_at_least_months is not None:
        since = add_months(facts.arrival_date, cond.arrived_at_least_months)
        checks.append(Check(label="到岗时间", actual=f"{facts.arrival_date.isoformat()} 到岗",
                            required=f"到岗满{cond.arrived_at_least_months}个月（{since.isoformat()} 起）",
                            ok=on >= since))
    return checks


def _base(rules: CardRules, on: dt.date) -> dict:
    return {"rules": rules.citation(), "rules_version": rules.version, "rules_status": rules.status,
            "sources": list(rules.source), "on": on}


def _departed(facts: Facts, on: dt.date) -> Check | None:
    if facts.departure_date is not None and facts.departure_date <= on:
        return Check(label="在本市工作", actual=f"{facts.departure_date.isoformat()} 已离开", required="仍在本市工作",
                     ok=False)
    return None


def decide_card(rules: CardRules, facts: Facts, on: dt.date) -> Decision:
    """Which card (if any) the person gets on ``on``, and why."""
    if (gone := _departed(facts, on)) is not None:
        return Decision(subject="英才卡", granted=False, rule_id="departed", rule_label="已离开本市的人员不发放英才卡",
                        checks=[gone], reason=f"不发放英才卡：{gone.actual}", **_base(rules, on))
    not_met: list[str] = []
    for rule in rules.issue_rules:
        checks = evaluate(rule.when, facts, on)
        failed = next((c for c in checks if not c.ok), None)
        if failed is not None:
            not_met.append(f"{rule.label}：{failed.label}为{failed.actual}，要求{failed.required}")
            continue
        name = rules.card_name(rule.card)
        granted = rule.card is not None
        reason = (f"发放{name}：符合“{rule.label}”" if granted else f"不发放英才卡：{rule.label}")
        if not granted and not_met:
            reason += "（" + "；".join(not_met) + "）"
        return Decision(subject="英才卡", granted=granted, card=rule.card, card_name=name if granted else None,
                        rule_id=rule.id, rule_label=rule.label, article=rule.article, checks=checks,
                        not_met=not_met, reason=reason, **_base(rules, on))
    raise AssertionError("the loader guarantees a final rule without conditions")


def decide_service(rules: CardRules, facts: Facts, service: Service, *, card: str | None, on: dt.date) -> Decision:
    """Whether a holder of ``card`` (an active card on ``on``, or ``None``) may ask for ``service``."""
    checks: list[Check] = []
    if (gone := _departed(facts, on)) is not None:
        checks.append(gone)
    names = "、".join(rules.card_name(c) for c in service.cards)
    checks.append(Check(label="持卡情况", actual=f"持有{rules.card_name(card)}" if card else "未持有有效的英才卡",
                        required=f"持有{names}之一" if len(service.cards) > 1 else f"持有{names}",
                        ok=card in service.cards))
    checks += evaluate(service.when, facts, on)
    failed = [c for c in checks if not c.ok]
    if failed:
        reason = f"不能申请{service.name}：" + "；".join(f"{c.label}为{c.actual}，要求{c.required}" for c in failed)
    else:
        reason = f"可以申请{service.name}（{service.unit}办理，时限{service.time_limit.label}）"
    return Decision(subject=service.name, granted=not failed, card=card, service=service.id,
                    rule_id=service.id, rule_label=f"{service.name}：{names}持有人"
                    + (f"（{'，'.join(_cond_text(service.when))}）" if _cond_text(service.when) else ""),
                    article=service.article, checks=checks, reason=reason, **_base(rules, on))


def _cond_text(c: Conditions) -> list[str]:
    out = []
    if c.categories:
        out.append(_cat_label(c.categories))
    if c.employment:
        out.append("或".join(c.employment))
    if c.max_age is not None:
        out.append(f"不超过{c.max_age}周岁")
    if c.min_age is not None:
        out.append(f"不低于{c.min_age}周岁")
    if c.arrived_within_years is not None:
        out.append(f"到岗未满{c.arrived_within_years}年")
    if c.arrived_at_least_months is not None:
        out.append(f"到岗满{c.arrived_at_least_months}个月")
    return out


def entitlements(rules: CardRules, facts: Facts, *, card: str | None, on: dt.date) -> list[Decision]:
    """Every service of the rules, decided for a holder of ``card``."""
    return [decide_service(rules, facts, s, card=card, on=on) for s in rules.services]


# ---------------------------------------------------------------- validity


def validity_end(rules: CardRules, card: str, start: dt.date) -> dt.date:
    """The last day of a card of type ``card`` valid from ``start``."""
    return add_years(start, rules.cards[card].validity_years) - dt.timedelta(days=1)


def renewal_end(rules: CardRules, card: str, *, valid_to: dt.date, on: dt.date) -> dt.date:
    """The new last day after renewing on ``on``: the validity runs on from the old
    expiry when renewed in time, from the renewal day when the card had lapsed.

    Raises :class:`~innodrive.errors.Conflict` before the renewal window opens."""
    opens = valid_to - dt.timedelta(days=rules.renewal.window_days)
    if on < opens:
        raise Conflict(f"尚未到续期时间：该卡有效期至 {valid_to.isoformat()}，可在到期前 {rules.renewal.window_days} 天内"
                         f"（{opens.isoformat()} 起）办理续期")
    start = valid_to + dt.timedelta(days=1) if on <= valid_to else on
    return validity_end(rules, card, start)


__all__ = ["DAY_UNITS", "CardRules", "Check", "Conditions", "DayCount", "Decision", "Escalation", "Facts", "Service",
           "add_months", "add_years", "all_rules", "decide_card", "decide_service", "entitlements", "evaluate",
           "reload", "renewal_end", "rules_for", "validity_end"]
