"""The provincial 科技创新水平指数: a worked example computed by hand, levers against finite
differences, what-if, missing data per city, and no computation without user-supplied values."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from innodrive.errors import InputError, ValidationFailed
from innodrive.indicators import importer
from innodrive.province import sti_index as S
from innodrive.services.actor import Actor, Role
from innodrive.services.province import sti_index, sti_levers

OFFICE = Actor(username="测试", role=Role.OFFICE)
STANDARDS = {"rd_intensity": 2.5, "fiscal_sti_expenditure_share": 5, "enterprise_rd_intensity": 2,
             "national_platform_count": 10, "new_rd_institution_count": 5, "incubator_count": 10,
             "invention_patents_per_10k": 10, "high_value_invention_patents_per_10k": 5, "tech_contract_turnover": 100,
             "hightech_revenue_share_industry": 40, "hnte_count": 500, "gdp_per_capita": 100000,
             "digital_core_share_gdp": 10}
WEIGHTS = {"env": 0.2, "input": 0.3, "output": 0.2, "hightech": 0.2, "econ_social": 0.1, **dict.fromkeys(STANDARDS, 1)}
# CONSTRUCTED values for the worked example (not statistics)
LESHAN = {"rd_intensity": 1.5, "fiscal_sti_expenditure_share": 2.5, "enterprise_rd_intensity": 1.0,
          "national_platform_count": 4, "new_rd_institution_count": 5, "incubator_count": 6,
          "invention_patents_per_10k": 8, "high_value_invention_patents_per_10k": 2, "tech_contract_turnover": 50,
          "hightech_revenue_share_industry": 30, "hnte_count": 100, "gdp_per_capita": 50000,
          "digital_core_share_gdp": 12}
ZIGONG = {"rd_intensity": 2.0, "hnte_count": 300}


@pytest.fixture()
def store(initialised_store, tmp_path):
    from innodrive.indicators.catalogue import load_catalogue

    cat = load_catalogue()
    rows = ["地区,指标,年份,值,单位,来源"]
    for city, vals in (("乐山市", LESHAN), ("自贡市", ZIGONG)):
        rows += [f"{city},{k},2023,{v},{cat.get(k).unit},构造测试数据" for k, v in vals.items()]
    p = tmp_path / "t.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    importer.import_file(initialised_store, p, actor="测试")
    return initialised_store


@pytest.fixture()
def fw_file(tmp_path):
    f = tmp_path / "四川指数.yaml"
    f.write_text(yaml.safe_dump({"extends": "sichuan_sti_index", "id": "t", "name": "测试指数", "version": "1",
                                 "effective": "2023-01-01", "standards": STANDARDS, "weights": WEIGHTS},
                                allow_unicode=True), encoding="utf-8")
    return f


def hand_index() -> float:
    d = {k: min(LESHAN[k] / s, 1) * 100 for k, s in STANDARDS.items()}
    env = (d["national_platform_count"] + d["new_rd_institution_count"] + d["incubator_count"]) / 3
    inp = (d["rd_intensity"] + d["fiscal_sti_expenditure_share"] + d["enterprise_rd_intensity"]) / 3
    out = (d["invention_patents_per_10k"] + d["high_value_invention_patents_per_10k"] + d["tech_contract_turnover"]) / 3
    ht = (d["hightech_revenue_share_industry"] + d["hnte_count"]) / 2
    ec = (d["gdp_per_capita"] + d["digital_core_share_gdp"]) / 2
    return 0.2 * env + 0.3 * inp + 0.2 * out + 0.2 * ht + 0.1 * ec


def test_worked_example_by_hand(store, fw_file):
    assert hand_index() == pytest.approx(57.6666666667)  # 13.333 + 16 + 11.333 + 9.5 + 7.5
    r = sti_index(store, OFFICE, framework=fw_file, year=2023)
    by = {c.name: c for c in r.cities}
    assert len(r.cities) == 21
    assert by["乐山市"].index == pytest.approx(hand_index(), abs=1e-9)
    assert by["乐山市"].gap == pytest.approx(60 - hand_index()) and by["乐山市"].missing == []
    # 自贡 has two indicators: input (80) and hightech (60), renormalised over their weights .3 and .2
    assert by["自贡市"].index == pytest.approx((0.3 * 80 + 0.2 * 60) / 0.5)
    assert by["自贡市"].rank == 1 and by["乐山市"].rank == 2
    assert len(by["自贡市"].missing) == 11 and all(m.reason for m in by["自贡市"].missing)
    assert by["成都市"].index is None and len(by["成都市"].missing) == 13
    assert "用户提供" in r.provenance and any("数据不全" in n for n in r.notes)


def test_levers_match_finite_differences_and_hand_values(store, fw_file):
    _, lv = sti_levers(store, OFFICE, framework=fw_file, year=2023, region="乐山")
    by = {x.code: x for x in lv.levers}
    rd = by["rd_intensity"]
    assert rd.effective_weight == pytest.approx(0.1) and rd.per_unit == pytest.approx(4.0)  # 0.1 × 100 / 2.5
    assert rd.per_percent == pytest.approx(0.06)  # 1% of 1.5 = 0.015 → 0.06 points
    assert rd.needed_alone == pytest.approx(1.5 + (60 - hand_index()) / 4)
    assert by["digital_core_share_gdp"].capped and by["digital_core_share_gdp"].per_unit == 0
    assert by["hnte_count"].per_unit == pytest.approx(0.1 * 100 / 500)
    assert lv.levers[0].per_percent == max(x.per_percent for x in lv.levers)  # sorted by the 1% lever
    # every lever against a finite difference of the engine's own index
    fw = S.load_index_framework(fw_file)
    base = pd.Series({k: float(v) for k, v in LESHAN.items()})[list(fw.indicators)]
    from innodrive.assessment.coin import Coin

    coin = Coin(framework=fw, data=pd.DataFrame([base.values], index=["乐山"], columns=base.index)).run(fw.method)
    i0 = S._index_of(fw, coin, base)
    assert i0 == pytest.approx(hand_index())
    for x in lv.levers:
        h = 1e-6 * x.standard
        up = base.copy()
        up[x.code] += h
        assert (S._index_of(fw, coin, up) - i0) / h == pytest.approx(x.per_unit, rel=1e-4, abs=1e-9), x.code
        pct = base.copy()
        pct[x.code] *= 1.01
        assert S._index_of(fw, coin, pct) - i0 == pytest.approx(x.per_percent, abs=1e-9)


def test_what_if_reaches_the_line(store, fw_file):
    need = 1.5 + (60 - hand_index()) / 4
    _, lv = sti_levers(store, OFFICE, framework=fw_file, year=2023, region="乐山市", what_if={"rd_intensity": need})
    assert lv.what_if_index == pytest.approx(60.0) and lv.what_if_gap == pytest.approx(0.0, abs=1e-9)


def test_no_values_invented(store, tmp_path):
    with pytest.raises(InputError, match="未公开"):
        sti_index(store, OFFICE, framework=None, year=2023)
    with pytest.raises(ValidationFailed) as exc:
        S.load_index_framework("preset:sichuan_sti_index")
    assert "模板" in exc.value.problems[0].message
    half = tmp_path / "half.yaml"
    half.write_text(yaml.safe_dump({"extends": "sichuan_sti_index", "id": "t", "name": "t", "version": "1",
                                    "effective": "2023-01-01", "standards": {"rd_intensity": 2.5}},
                                   allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationFailed) as exc:
        S.load_index_framework(half)
    assert any("用户提供" in p.message for p in exc.value.problems)
    text = S.template_yaml()
    assert "extends: sichuan_sti_index" in text and "rd_intensity:" in text
    assert yaml.safe_load(text)["standards"]["rd_intensity"] is None  # blanks to fill, never numbers


def test_cli_levers_and_template(store, fw_file, tmp_path):
    import os
    import subprocess
    import sys

    if store.dialect != "sqlite":
        pytest.skip("one backend is enough for the face")
    env = {**os.environ, "INNODRIVE_DATABASE_URL": store.url, "COLUMNS": "200"}
    r = subprocess.run([sys.executable, "-m", "innodrive", "index", "sichuan", "-f", str(fw_file), "--year", "2023",
                        "--region", "乐山市", "--levers", "--what-if", "rd_intensity=2.1"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "提升路径" in r.stdout and "距 60 还差 2.33" in r.stdout and "假设分析" in r.stdout
    assert "用户提供" in r.stderr
    t = tmp_path / "tpl.yaml"
    r = subprocess.run([sys.executable, "-m", "innodrive", "index", "sichuan", "--year", "2023", "--template", str(t)],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0 and t.exists()
    r = subprocess.run([sys.executable, "-m", "innodrive", "index", "sichuan", "--year", "2023"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "未公开" in r.stderr


def test_checks_and_charts_of_the_index(store, fw_file, tmp_path):
    import os
    import subprocess
    import sys

    from innodrive.services.province import sti_checks

    report, view = sti_checks(store, OFFICE, framework=fw_file, year=2023, region="乐山市", uncertainty=16)
    kinds = [c.kind for c in view.charts]
    assert kinds == ["bar", "heatmap", "dot", "scatter", "intervals"]
    bar = view.charts[0]
    assert bar.reference == 60 and bar.categories[0] == "自贡市" and None in bar.values  # missing drawn as missing
    assert any(a.unit == "510100" and a.available == 0 for a in view.checks.availability)
    if store.dialect != "sqlite":
        return
    env = {**os.environ, "INNODRIVE_DATABASE_URL": store.url, "COLUMNS": "200"}
    out = tmp_path / "图"
    out.mkdir()
    r = subprocess.run([sys.executable, "-m", "innodrive", "index", "sichuan", "-f", str(fw_file), "--year", "2023",
                        "--checks", "--charts", str(out)], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "实际影响" in r.stdout and "Cronbach" in r.stdout and len(list(out.glob("*.png"))) == 4
