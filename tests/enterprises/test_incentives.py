"""研发费用加计扣除 (spec §3.4 R1–R9), the two R&D bases (§2.2 G11, §3.2 R8) and
local incentives declared with caps."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from innodrive.enterprises.incentives import (
    Profile,
    deductible_rd_base,
    hnte_rd_total,
    local_incentive_arrays,
    local_rules_for,
    monthly_rates,
    super_deduction,
    super_deduction_arrays,
)
from innodrive.errors import NotFound


def test_R1_2023_software_company_full_deduction():
    assert super_deduction(year=2023, rd_expensed=800, profile=Profile()).extra_deduction == 800


def test_R2_R3_negative_list_is_more_than_half():
    # R2: 60% wholesale income -> excluded; R3: exactly 50% -> still eligible at 100%
    cols = {"rd_expense_y1": np.array([300.0, 300.0]), "negative_list_share": np.array([0.60, 0.50]),
            "deemed_taxation": np.array([0.0, 0.0])}
    out = super_deduction_arrays(cols, 2, year=2023)
    assert out["extra_deduction"].tolist() == [0.0, 300.0]
    assert out["excluded"].tolist() == [True, False]


def test_R4_2022_monthly_split_for_a_non_manufacturer():
    r = super_deduction(year=2022, rd_expensed=1200, profile=Profile())
    assert r.monthly_rates == [0.75] * 9 + [1.0] * 3
    assert r.extra_deduction == pytest.approx(1200 * 9 / 12 * 0.75 + 1200 * 3 / 12 * 1.00)  # 975
    assert r.extra_deduction == pytest.approx(975)
    # 2022 Q4 may use the actual Q4 amount instead of 3/12 of the year
    by_month = [100.0] * 9 + [0.0, 0.0, 300.0]
    r2 = super_deduction(year=2022, rd_expensed=1200, profile=Profile(), rd_by_month=by_month)
    assert r2.extra_deduction == pytest.approx(900 * 0.75 + 300 * 1.0)


def test_R5_2022_manufacturing_full_year_at_100():
    assert monthly_rates(2022, Profile(manufacturing=True)) == [1.0] * 12


def test_R6_2020_any_eligible_enterprise_75():
    assert super_deduction(year=2020, rd_expensed=500, profile=Profile()).extra_deduction == pytest.approx(375)


def test_R7_2024_ic_design_120():
    assert super_deduction(year=2024, rd_expensed=1000, profile=Profile(ic_or_machine_tool=True)
                           ).extra_deduction == pytest.approx(1200)


def test_R8_other_related_costs_cap_10_percent():
    # cap = 900 * 10% / 90% = 100 -> base 1000
    assert deductible_rd_base(other_related=150, other_groups=900) == pytest.approx(1000)


def test_R9_capitalised_rd_amortised_on_200_percent():
    r = super_deduction(year=2023, rd_expensed=0, profile=Profile(), capitalised_cost=600)
    assert r.amortisation_base == pytest.approx(1200)
    # 2022 Q4's 100% applied to expensed R&D only: capitalised R&D of a non-manufacturer stays at 175%
    r22 = super_deduction(year=2022, rd_expensed=0, profile=Profile(), capitalised_cost=600)
    assert r22.amortisation_base == pytest.approx(1050)


def test_G11_hnte_other_costs_cap_20_percent():
    # other allowed = min(250, 800 * 0.20 / 0.80 = 200) -> 1000
    assert hnte_rd_total(other_costs=250, non_other=800) == pytest.approx(1000)
    # contracted-out R&D counts at 80%
    assert hnte_rd_total(other_costs=0, non_other=800, contracted_domestic=100) == pytest.approx(880)


def test_earlier_periods_and_tech_sme():
    assert monthly_rates(2016, Profile()) == [0.5] * 12
    assert monthly_rates(2017, Profile(tech_sme=True)) == [0.75] * 12
    assert monthly_rates(2017, Profile()) == [0.5] * 12
    assert monthly_rates(2022, Profile(tech_sme=True)) == [1.0] * 12
    assert monthly_rates(2028, Profile(ic_or_machine_tool=True)) == [1.0] * 12
    with pytest.raises(NotFound):
        monthly_rates(2015, Profile())


def test_tax_saved_uses_hnte_rate_and_taxable_income():
    cols = {"rd_expense_y1": np.array([800.0, 800.0, np.nan]), "valid_hnte_cert": np.array([1.0, 0.0, 0.0]),
            "taxable_income_y1": np.array([np.nan, 500.0, np.nan])}
    out = super_deduction_arrays(cols, 3, year=2023)
    assert out["tax_saved"][0] == pytest.approx(800 * 0.15)
    assert out["tax_saved"][1] == pytest.approx(500 * 0.25)  # only 500 of taxable income to offset
    assert np.isnan(out["tax_saved"][2])  # unknown R&D stays unknown


def test_local_example_incentives_are_capped_and_marked_as_example():
    rules = local_rules_for(dt.date(2024, 6, 30))
    assert rules.status == "example"
    cols = {"rd_expense_y1": np.array([2000.0, 300.0, 90.0, np.nan]),
            "rd_expense_y2": np.array([500.0, 200.0, 10.0, 100.0]),
            "voucher_service_cost": np.array([10.0, 100.0, np.nan, 0.0])}
    out = local_incentive_arrays(cols, 4, rules, on=dt.date(2024, 6, 30))
    # post-subsidy: 10% of the increase, capped at 100; R&D below 100 not eligible
    assert out["rd_post_subsidy"][0] == 100  # (2000-500) * 10% = 150 -> cap 100
    assert out["rd_post_subsidy"][1] == pytest.approx(10)  # (300-200) * 10%
    assert out["rd_post_subsidy"][2] == 0
    assert np.isnan(out["rd_post_subsidy"][3])
    # voucher: 50% of service cost, capped at 20
    assert out["innovation_voucher"][:2].tolist() == [5.0, 20.0]
    assert np.isnan(out["innovation_voucher"][2])
