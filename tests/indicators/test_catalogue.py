"""The indicator catalogue: codes others rely on, names that resolve uniquely, and a
loader that names every problem of a broken catalogue file."""

from __future__ import annotations

import pytest
import yaml

from innodrive.errors import NotFound, ValidationFailed
from innodrive.indicators.catalogue import load_catalogue, normalise_name
from innodrive.indicators.units import parse_unit

# Copied from the `indicator` column of /work/shared/data/sichuan_innovation_stats.csv
# (every distinct value), with the code each must resolve to. The notes file says
# 入库 counts and 地方口径 counts are different indicators and 新增 flows are not stocks.
CSV_INDICATOR_NAMES = {
    "GDP": "gdp",
    "R&D经费投入强度": "rd_intensity",
    "R&D经费支出": "rd_expenditure",
    "常住人口": "population",
    "技术合同成交额": "tech_contract_turnover",
    "技术合同登记数": "tech_contract_count",
    "瞪羚企业数量": "gazelle_count",
    "科技创新水平指数": "sti_composite_index",
    "科技型中小企业入库数": "tech_sme_count",
    "科技型中小企业数量": "tech_sme_count",
    "科技型中小企业数量(地方口径)": "tech_sme_local_count",
    "科技型中小企业新增数量": "tech_sme_new_count",
    "规上高新技术企业营业收入": "hnte_revenue_above_scale",
    "高新技术产业营业收入": "hightech_industry_revenue",
    "高新技术企业数量": "hnte_count",
    "高新技术企业新增数量": "hnte_new_count",
}

REQUIRED_CODES = [
    "rd_expenditure", "rd_intensity", "gdp", "population", "hnte_count", "hnte_new_count", "tech_sme_count",
    "gazelle_count", "high_value_invention_patents_per_10k", "invention_patents_per_10k", "tech_contract_turnover",
    "tech_contract_registered", "hightech_industry_revenue", "hightech_revenue_share_industry",
    "digital_core_share_gdp", "sei_value_added_share", "sti_composite_index",
]


def test_catalogue_has_the_agreed_codes_and_at_least_40_indicators():
    cat = load_catalogue()
    assert len(cat) >= 40
    for code in REQUIRED_CODES:
        assert cat.get(code) is not None, code
    assert load_catalogue() is cat  # cached


def test_every_indicator_is_complete():
    for ind in load_catalogue():
        assert ind.name and ind.definition and ind.source and ind.category, ind.code
        parse_unit(ind.unit)  # raises when the unit is unknown
        assert ind.direction in ("ge", "le")
        if ind.components is not None:
            assert ind.formula, f"{ind.code}: a derived indicator states its formula"
            assert ind.measure in ("ratio", "rate")


def test_every_csv_indicator_name_resolves_to_exactly_one_code():
    cat = load_catalogue()
    for name, code in CSV_INDICATOR_NAMES.items():
        found = cat.by_name(name)
        assert found is not None, f"{name} does not resolve"
        assert found.code == code, f"{name} -> {found.code}, expected {code}"
    # and no two indicators share a normalised name or alias
    owners: dict[str, str] = {}
    for ind in cat:
        for n in ind.names:
            key = normalise_name(n)
            assert owners.setdefault(key, ind.code) == ind.code, f"{n} is claimed by {owners[key]} and {ind.code}"


def test_shipped_statistics_resolve_and_convert_to_catalogue_units():
    """The CSV shipped by the import side (a copy of the shared data): every row's
    indicator is one decided above, and its unit converts to the catalogue unit."""
    import csv
    from importlib import resources

    from innodrive.indicators.units import convert

    shipped = resources.files("innodrive.data").joinpath("stats", "sichuan_innovation_stats.csv")
    if not shipped.is_file():
        pytest.skip("statistics not shipped in this checkout")
    cat = load_catalogue()
    with shipped.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows
    for i, row in enumerate(rows, start=2):
        name = row["indicator"]
        assert name in CSV_INDICATOR_NAMES, f"row {i}: {name} has no recorded decision"
        ind = cat.by_name(name)
        assert ind is not None and ind.code == CSV_INDICATOR_NAMES[name]
        convert(float(row["value"]), row["unit"], ind.unit)  # raises when the classes differ


def test_flows_point_to_their_stocks_and_are_not_stocks():
    cat = load_catalogue()
    assert cat.require("hnte_new_count").flow_of == "hnte_count"
    assert cat.require("hnte_new_count").measure == "flow"
    assert cat.require("hnte_count").measure == "stock"
    assert cat.flow_for("hnte_count").code == "hnte_new_count"
    assert cat.flow_for("incubator_count") is None


def test_derived_indicators_name_their_parts():
    cat = load_catalogue()
    comp = cat.require("rd_intensity").components
    assert (comp.numerator, comp.denominator, comp.scale) == ("rd_expenditure", "gdp", 100)
    comp = cat.require("high_value_invention_patents_per_10k").components
    assert (comp.numerator, comp.denominator) == ("high_value_invention_patents", "population")
    assert cat.require("population").unit == "万人"


def test_normalise_name_folds_width_scope_and_count_suffix_but_keeps_meaning():
    assert normalise_name("全市国家高新技术企业数量") == "高新技术企业"
    assert normalise_name("Ｒ＆Ｄ经费投入强度") == "R&D经费投入强度"
    assert normalise_name("科技创新综合水平指数") == "科技创新综合水平指数"  # 指数 is not a count suffix
    assert normalise_name("新增高新技术企业") == "新增高新技术企业"  # the flow marker stays
    assert normalise_name("國家高新技術企業") == "高新技术企业"  # traditional script
    # 国家级 is a level, not part of a qualification's name: it stays
    assert normalise_name("国家级科技企业孵化器") == "国家级科技企业孵化器"


def test_require_unknown_code_is_a_chinese_not_found():
    with pytest.raises(NotFound, match="没有代码为“no_such”的指标"):
        load_catalogue().require("no_such")


def _write(tmp_path, data) -> str:
    p = tmp_path / "cat.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(p)


def _ind(code: str, name: str, **kw) -> dict:
    base = {"code": code, "name": name, "unit": "家", "measure": "stock", "category": "测试",
            "definition": "测试", "source": "测试", "release_lag_months": 3}
    base.update(kw)
    return base


def test_broken_catalogue_reports_every_problem(tmp_path):
    data = {"version": 1, "effective": "2024-01-01", "indicators": [
        _ind("a_count", "甲企业数", aliases=["乙企业"]),
        _ind("b_count", "乙企业数量"),            # same normalised name as a's alias
        _ind("c_share", "丙占比", unit="斤两", measure="ratio"),   # unknown unit
        _ind("d_share", "丁占比", measure="ratio", components={"numerator": "a_count", "denominator": "zzz"}),
        _ind("e_new", "新增戊", measure="flow", flow_of="nowhere"),
    ]}
    with pytest.raises(ValidationFailed) as exc:
        load_catalogue(_write(tmp_path, data))
    messages = " | ".join(p.message for p in exc.value.problems)
    assert "同时对应指标“a_count”和“b_count”" in messages
    assert "单位“斤两”无法识别" in messages
    assert "组成指标“zzz”不在目录中" in messages
    assert "存量指标“nowhere”不在目录中" in messages
    assert len(exc.value.problems) == 4


def test_schema_errors_name_the_indicator_and_field(tmp_path):
    data = {"indicators": [_ind("Bad-Code", "甲"), _ind("ok_code", "乙", direction="up")]}
    with pytest.raises(ValidationFailed) as exc:
        load_catalogue(_write(tmp_path, data))
    fields = {p.field for p in exc.value.problems}
    assert "code" in fields and "direction" in fields


def test_missing_or_invalid_file(tmp_path):
    with pytest.raises(NotFound):
        load_catalogue(tmp_path / "none.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("indicators: [unclosed", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="不是有效的 YAML"):
        load_catalogue(bad)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("- just a list", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="应包含 indicators 列表"):
        load_catalogue(wrong)
