"""Incentives an enterprise is due: 研发费用加计扣除 and local rewards with caps.

The super-deduction rate changed often (50% → 75% → 100% → 120%) and differs by
enterprise type and by month (2022 Q4), so the periods are data
(``rules/incentive-super-deduction.yaml``) and a month's rate is the highest rate of the
periods that apply to the enterprise that month. Exclusions (industries on the negative
list above 50% of income, deemed-basis taxation) give zero. The annual figure spreads
R&D evenly over the twelve months unless monthly amounts are given.

Local incentives (研发后补助, 创新券) are declared as ``base × rate, capped`` with an
optional eligibility test; the bundled set is an *example* and says so in every output.

Also here: the two R&D aggregation rules of the spec (§2.2 高企 basis with its 20% cap
on other costs and 80% of contracted R&D; §3.2 the tax basis with its 10% cap).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from innodrive.enterprises import expr as E
from innodrive.enterprises.fields import load_yaml_text
from innodrive.errors import InputError, NotFound

WHO = ("all", "tech_sme", "manufacturing", "ic_or_machine_tool")


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: str = Field(alias="from")
    end: str | None = Field(default=None, alias="to")
    who: str
    rate: float
    basis: str
    expensed_only: bool = False

    def covers(self, year: int, month: int) -> bool:
        ym = f"{year:04d}-{month:02d}"
        return self.start <= ym and (self.end is None or ym <= self.end)


class _VersionedRules(BaseModel):
    """What every rule file declares about itself: what it is, its version and status,
    when it is in force and which documents it rests on."""

    model_config = ConfigDict(extra="forbid")
    kind: str
    title: str
    version: str
    status: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    source: list[str]
    notes: str = ""


class SuperDeductionRules(_VersionedRules):
    periods: list[Period]
    negative_list_share_above: float
    manufacturing_share_at_least: float
    other_costs_cap: float
    hnte_other_costs_cap: float
    hnte_contracted_share: float
    standard_tax_rate: float
    hnte_tax_rate: float


class LocalIncentive(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    base: str
    base_label: str
    rate: float
    cap: float | None = None
    eligible: str | None = None
    eligible_label: str | None = None


class LocalRules(_VersionedRules):
    incentives: list[LocalIncentive]


def _read(name: str) -> dict:
    text = resources.files("innodrive.enterprises").joinpath("rules").joinpath(name).read_text(encoding="utf-8")
    return load_yaml_text(text)


@cache
def super_deduction_rules() -> SuperDeductionRules:
    rules = SuperDeductionRules.model_validate(_read("incentive-super-deduction.yaml"))
    for p in rules.periods:
        if p.who not in WHO:
            raise InputError(f"加计扣除规则中未知的适用对象“{p.who}”", file="incentive-super-deduction.yaml")
    return rules


@cache
def local_rules() -> tuple[LocalRules, ...]:
    folder = resources.files("innodrive.enterprises").joinpath("rules")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("incentive-local") and entry.name.endswith(".yaml"):
            out.append(LocalRules.model_validate(load_yaml_text(entry.read_text(encoding="utf-8"))))
    return tuple(out)


def local_rules_for(on: dt.date) -> LocalRules:
    for r in local_rules():
        if r.effective_from <= on and (r.effective_to is None or on <= r.effective_to):
            return r
    raise NotFound(f"{on.isoformat()} 没有生效的地方激励规则")


# --------------------------------------------------------------------------- rates


@dataclass(frozen=True)
class Profile:
    """What decides an enterprise's rate in a year (unknown flags count as "no")."""

    tech_sme: bool = False
    manufacturing: bool = False
    ic_or_machine_tool: bool = False
    excluded: bool = False


def monthly_rates(year: int, profile: Profile, *, expensed: bool = True) -> list[float]:
    """The extra-deduction rate for each month of ``year``."""
    rules = super_deduction_rules()
    if year < rules.effective_from.year or (rules.effective_to is not None and year > rules.effective_to.year):
        raise NotFound(f"{year} 年不在加计扣除规则 {rules.version} 的适用期间内（自 {rules.effective_from.isoformat()} 起）")
    out = []
    for m in range(1, 13):
        rate = 0.0
        if not profile.excluded:
            for p in rules.periods:
                if p.expensed_only and not expensed:
                    continue
                applies = p.who == "all" or getattr(profile, p.who)
                if applies and p.covers(year, m):
                    rate = max(rate, p.rate)
        out.append(rate)
    return out


def bases_for(year: int, profile: Profile, rates: list[float], *, expensed: bool = True) -> list[str]:
    """The documents that give each month its rate: only periods that apply to this
    enterprise, cover the month and carry the rate actually used (a repealed period
    is never cited after its end)."""
    out: list[str] = []
    if profile.excluded:
        return out
    for m, rate in enumerate(rates, start=1):
        if rate <= 0:
            continue
        for p in super_deduction_rules().periods:
            if p.expensed_only and not expensed:
                continue
            applies = p.who == "all" or getattr(profile, p.who)
            if applies and p.covers(year, m) and p.rate == rate and p.basis not in out:
                out.append(p.basis)
    return out


class SuperDeduction(BaseModel):
    year: int
    rd_expensed: float
    extra_deduction: float
    monthly_rates: list[float]
    capitalised_cost: float | None = None
    amortisation_base: float | None = None
    tax_rate: float
    tax_saved: float
    excluded_reason: str | None = None
    basis: list[str]


def super_deduction(*, year: int, rd_expensed: float, profile: Profile, rd_by_month: list[float] | None = None,
                    capitalised_cost: float | None = None, tax_rate: float = 0.25,
                    taxable_income: float | None = None, excluded_reason: str | None = None) -> SuperDeduction:
    """Extra deduction and tax saved for one enterprise and tax year (amounts in 万元).

    ``rd_by_month`` (12 amounts) replaces the even spread, e.g. the actual Q4 of 2022.
    Tax saved is the extra deduction times the income-tax rate, limited to the taxable
    income before the deduction when it is given (losses carried forward are not modelled).
    """
    if rd_expensed < 0:
        raise InputError("研发费用不能为负数")
    rates = monthly_rates(year, profile)
    if rd_by_month is not None:
        if len(rd_by_month) != 12 or any(v < 0 for v in rd_by_month):
            raise InputError("按月研发费用应为12个非负数")
        if abs(sum(rd_by_month) - rd_expensed) > 1e-6 * max(1.0, rd_expensed):
            raise InputError(f"按月研发费用合计 {sum(rd_by_month):g} 与全年研发费用 {rd_expensed:g} 不一致")
        extra = sum(a * r for a, r in zip(rd_by_month, rates, strict=True))
    else:
        extra = rd_expensed * sum(rates) / 12
    amort = None
    if capitalised_cost is not None:
        cap_rates = monthly_rates(year, profile, expensed=False)
        amort = capitalised_cost * (1 + max(cap_rates))
    deductible = extra if taxable_income is None else min(extra, max(taxable_income, 0.0))
    used = bases_for(year, profile, rates)
    return SuperDeduction(year=year, rd_expensed=rd_expensed, extra_deduction=extra, monthly_rates=rates,
                          capitalised_cost=capitalised_cost, amortisation_base=amort, tax_rate=tax_rate,
                          tax_saved=deductible * tax_rate, excluded_reason=excluded_reason, basis=used)


def deductible_rd_base(*, other_related: float, other_groups: float) -> float:
    """Tax basis (§3.2 item 4): other related costs capped at 10% of the total,
    ``cap = other_groups × 10% / (1 − 10%)``."""
    cap_share = super_deduction_rules().other_costs_cap
    return other_groups + min(other_related, other_groups * cap_share / (1 - cap_share))


def hnte_rd_total(*, other_costs: float, non_other: float, contracted_domestic: float = 0.0) -> float:
    """高企 basis (§2.2): contracted-out R&D at 80%, other costs capped at 20% of the total,
    ``other_allowed = min(other, non_other × 0.20 / 0.80)``."""
    r = super_deduction_rules()
    base = non_other + contracted_domestic * r.hnte_contracted_share
    return base + min(other_costs, base * r.hnte_other_costs_cap / (1 - r.hnte_other_costs_cap))


# --------------------------------------------------------------------------- registry-wide


def super_deduction_arrays(cols: dict[str, np.ndarray], n: int, *, year: int | np.ndarray
                           ) -> dict[str, np.ndarray]:
    """Extra deduction, tax rate and tax saved for every row (NaN where R&D is unknown).

    ``year`` is one tax year or one per row. Exclusion and type flags that are unknown
    count as "no"; the caller reports that assumption (``assumed`` is True on such rows).
    """
    rules = super_deduction_rules()
    nan = np.full(n, np.nan)
    rd = cols.get("rd_expense_y1", nan)
    neg = cols.get("negative_list_share", nan)
    deemed = cols.get("deemed_taxation", nan)
    excluded = (neg > rules.negative_list_share_above) | (deemed == 1)
    assumed = np.isnan(neg) | np.isnan(deemed)
    tech = cols.get("tech_sme_registered", nan) == 1
    manu = cols.get("manufacturing_share", nan) >= rules.manufacturing_share_at_least
    ic = cols.get("ic_or_machine_tool", nan) == 1
    years = np.broadcast_to(np.asarray(year), (n,))
    avg_rate = np.zeros(n)
    for y in np.unique(years):
        sel = years == y
        for t in (False, True):
            for mf in (False, True):
                for icf in (False, True):
                    mask = sel & (tech == t) & (manu == mf) & (ic == icf)
                    if mask.any():
                        rates = monthly_rates(int(y), Profile(tech_sme=t, manufacturing=mf, ic_or_machine_tool=icf))
                        avg_rate[mask] = sum(rates) / 12
    avg_rate[excluded] = 0.0
    extra = rd * avg_rate
    hnte = cols.get("valid_hnte_cert", nan) == 1
    tax_rate = np.where(hnte, rules.hnte_tax_rate, rules.standard_tax_rate)
    given_rate = cols.get("income_tax_rate")
    if given_rate is not None:
        tax_rate = np.where(np.isnan(given_rate), tax_rate, given_rate)
    taxable = cols.get("taxable_income_y1", nan)
    deductible = np.where(np.isnan(taxable), extra, np.minimum(extra, np.maximum(taxable, 0.0)))
    return {"extra_deduction": extra, "tax_rate": tax_rate, "tax_saved": deductible * tax_rate,
            "excluded": excluded, "assumed": assumed}


@cache
def _parsed(formula: str) -> E.Node:
    """Parsed once and kept alive: the vector memo is keyed by node identity."""
    return E.parse(formula)


def local_incentive_arrays(cols: dict[str, np.ndarray], n: int, rules: LocalRules, *, on: dt.date
                           ) -> dict[str, np.ndarray]:
    """Each local incentive's amount per row: ``min(max(base, 0) × rate, cap)`` when eligible,
    0 when not, NaN when the base or eligibility is unknown."""
    memo: dict = {"ctx": E.context_for(on)}
    out = {}
    for inc in rules.incentives:
        base = E.vector(_parsed(inc.base), cols, n, memo)
        amount = np.maximum(base, 0.0) * inc.rate
        if inc.cap is not None:
            amount = np.minimum(amount, inc.cap)
        if inc.eligible:
            ok = E.vector(_parsed(inc.eligible), cols, n, memo)
            amount = np.where(ok == 0, 0.0, amount)
            amount[np.isnan(ok)] = np.nan
        out[inc.id] = amount
    return out


def incentive_lines(row: dict[str, float | None], *, on: dt.date) -> list[str]:
    """The incentives of one enterprise as explained sentences (for ``check --code``)."""
    cols = {k: np.array([np.nan if v is None else float(v)]) for k, v in row.items()}
    year = int(row.get("data_year") or (on.year - 1))
    lines = []
    try:
        sd = super_deduction_arrays(cols, 1, year=year)
        extra, saved = sd["extra_deduction"][0], sd["tax_saved"][0]
        rules = super_deduction_rules()
        if np.isnan(extra):
            lines.append(f"{rules.title}（{year}年度）：缺少上年研发费用，无法测算")
        else:
            note = ("；属于负面清单行业或核定征收，不得享受" if sd["excluded"][0]
                    else ("；未提供负面清单行业收入占比或征收方式，按不属于排除情形测算" if sd["assumed"][0] else ""))
            lines.append(f"{rules.title}（{year}年度，{rules.version}）：加计扣除额 {extra:,.2f} 万元，"
                         f"按税率 {sd['tax_rate'][0]:.0%} 约减免企业所得税 {saved:,.2f} 万元{note}")
    except NotFound as exc:
        lines.append(str(exc))
    try:
        local = local_rules_for(on)
        amounts = local_incentive_arrays(cols, 1, local, on=on)
        tag = "（示例规则，非官方数值）" if local.status == "example" else ""
        for inc in local.incentives:
            v = amounts[inc.id][0]
            cap = f"，上限 {inc.cap:g} 万元" if inc.cap is not None else ""
            text = "缺少数据" if np.isnan(v) else f"{v:,.2f} 万元"
            lines.append(f"{inc.title}{tag}：{inc.base_label} × {inc.rate:.0%}{cap} → {text}")
    except NotFound:
        pass
    return lines
