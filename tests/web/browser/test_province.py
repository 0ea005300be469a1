"""The province picture in a real browser: the 乐山 office opens 全省看板, the map of Sichuan
shows the 21 市州 coloured by their values with a legend (missing ones grey and striped, and
said so in the table), clicking 绵阳 on the map opens its page; the office computes the
科技创新水平指数 from a filled framework (CONSTRUCTED values, user-supplied standards),
sees 乐山's gap and levers and tries a what-if; it imports the 晶硅光伏 example chain (a bad
XLSX row refused with the row named), takes the only enterprise off 硅片 and sees the gap.

Its own server and database (shipped statistics + CONSTRUCTED index inputs for 2023), so the
other journeys' demo database is untouched. Screenshots under ``out/screenshots/``.
"""

from __future__ import annotations

import io
import os
import re
from importlib import resources

import openpyxl
import pytest
import yaml

from .conftest import Server, innodrive, sign_in

CONSTRUCTED = "构造的测试数据（非真实统计）"
STANDARDS = {"rd_intensity": 2.5, "fiscal_sti_expenditure_share": 5, "enterprise_rd_intensity": 2,
             "national_platform_count": 10, "new_rd_institution_count": 5, "incubator_count": 10,
             "invention_patents_per_10k": 10, "high_value_invention_patents_per_10k": 5, "tech_contract_turnover": 100,
             "hightech_revenue_share_industry": 40, "hnte_count": 500, "gdp_per_capita": 100000,
             "digital_core_share_gdp": 10}
WEIGHTS = {"env": 0.2, "input": 0.3, "output": 0.2, "hightech": 0.2, "econ_social": 0.1, **dict.fromkeys(STANDARDS, 1)}
LESHAN = {"rd_intensity": 1.5, "fiscal_sti_expenditure_share": 2.5, "enterprise_rd_intensity": 1.0,
          "national_platform_count": 4, "new_rd_institution_count": 5, "incubator_count": 6,
          "invention_patents_per_10k": 8, "high_value_invention_patents_per_10k": 2, "tech_contract_turnover": 50,
          "hightech_revenue_share_industry": 30, "hnte_count": 100, "gdp_per_capita": 50000,
          "digital_core_share_gdp": 12}


@pytest.fixture(scope="module")
def province_server(tmp_path_factory):
    from innodrive.indicators.catalogue import load_catalogue

    home = tmp_path_factory.mktemp("web-province")
    innodrive(home, "init")
    cat = load_catalogue()
    seed = home / "constructed_index_inputs.csv"
    seed.write_text("地区,指标,年份,值,单位,来源\n" + "".join(
        f"乐山市,{k},2023,{v},{cat.get(k).unit},{CONSTRUCTED}\n" for k, v in LESHAN.items()) + "".join(
        f"自贡市,{k},2023,{v},{cat.get(k).unit},{CONSTRUCTED}\n" for k, v in (("rd_intensity", 2.0),
                                                                           ("hnte_count", 300))), encoding="utf-8")
    innodrive(home, "data", "import", str(seed))
    before = os.environ.get("INNODRIVE_HOME")
    os.environ["INNODRIVE_HOME"] = str(home)
    try:
        from innodrive.store import open_store
        from innodrive.web.demo import create_demo_accounts

        store = open_store()
        create_demo_accounts(store)
        store.close()
    finally:
        if before is None:
            os.environ.pop("INNODRIVE_HOME", None)
        else:
            os.environ["INNODRIVE_HOME"] = before
    s = Server(home)
    s.start()
    yield s
    s.stop()


MAP_STATE = """() => {
  const el = document.querySelector('#map');
  const chart = window.echarts.getInstanceByDom(el);
  const series = chart.getModel().getSeriesByIndex(0);
  const data = series.getData();
  const out = [];
  for (let i = 0; i < data.count(); i++) {
    const style = data.getItemVisual(i, 'style') || {};
    const item = data.getRawDataItem(i) || {};
    out.push({code: data.getName(i), value: item.value === undefined ? null : item.value, fill: style.fill || null,
              area: data.getItemModel(i).get(['itemStyle', 'areaColor']) || null,
              decal: !!(item.itemStyle && item.itemStyle.decal)});
  }
  const legend = chart.getModel().getComponent('visualMap');
  return {items: out, legend: !!legend, legendText: legend ? legend.option.text : null};
}"""

CENTRE = """(code) => {
  const el = document.querySelector('#map');
  const chart = window.echarts.getInstanceByDom(el);
  const series = chart.getModel().getSeriesByIndex(0);
  const region = series.coordinateSystem.getRegion(code);
  return chart.convertToPixel({seriesIndex: 0}, region.getCenter());
}"""


def _luminance(colour: str) -> float:
    m = re.match(r"#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})", colour.lower())
    if m:
        r, g, b = (int(x, 16) for x in m.groups())
    else:
        r, g, b = (float(x) for x in re.findall(r"[\d.]+", colour)[:3])
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_map_colours_follow_values_legend_missing_and_click_through(page, province_server, shot):
    server = province_server
    sign_in(page, server, "office")
    page.click("nav.main-nav >> text=全省看板")
    page.select_option("select[name=indicator]", "rd_intensity")
    page.select_option("select[name=year]", "2018")
    page.click("form[data-testid=filters] button")
    page.wait_for_selector("#map[data-ready='1'] canvas")
    state = page.evaluate(MAP_STATE)
    items = state["items"]
    assert len(items) == 21 and state["legend"] and state["legendText"][0].startswith("高")
    known = sorted((i for i in items if i["value"] is not None), key=lambda i: i["value"])
    missing = [i for i in items if i["value"] is None]
    assert len(known) >= 15 and missing  # 甘孜、凉山… have no 2018 value in the shipped mirror
    # colours follow the values: a higher R&D intensity is darker (luminance falls)
    lum = [_luminance(i["fill"]) for i in known]
    assert all(a >= b - 1e-6 for a, b in zip(lum, lum[1:], strict=False)), lum
    assert lum[0] - lum[-1] > 100
    # missing is visibly missing: grey with stripes on the map, 无数据 with the reason in the table
    # (no colour from the value scale: drawn in the grey area colour, striped)
    assert all(i["decal"] and i["fill"] is None and i["area"].lower() == "#e8eaed" for i in missing), missing
    assert page.locator("td[data-testid=missing]").count() == len(missing)
    row = page.locator("tr.missing-row").first.inner_text()
    assert "无数据" in row and "未录入" in row
    page.wait_for_selector("#bars[data-ready='1'] canvas")
    shot(page, "board")
    # clicking 绵阳 on the map opens its page
    x, y = page.evaluate(CENTRE, "510700")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/regions/510700")
    assert page.locator("h1").inner_text() == "绵阳市"
    assert "R&D经费投入强度" in page.locator("[data-testid=region-series]").inner_text()
    shot(page, "region")
    # the tile grid (the public pages' layout) links the same way
    page.goto(server.url + "/province?indicator=rd_intensity&year=2018&view=tiles")
    page.click(".tile[data-code='511100']")
    page.wait_for_url("**/regions/511100")


def _framework(path) -> None:
    path.write_text(yaml.safe_dump({"extends": "sichuan_sti_index", "id": "t", "name": "市州科技创新水平指数（测试）",
                                    "version": "1", "effective": "2023-01-01", "standards": STANDARDS,
                                    "weights": WEIGHTS}, allow_unicode=True), encoding="utf-8")


def test_index_gap_levers_what_if_and_checks(page, province_server, shot, tmp_path):
    server = province_server
    fw = tmp_path / "四川指数.yaml"
    _framework(fw)
    sign_in(page, server, "office")
    page.goto(server.url + "/sti-index")
    page.set_input_files("#sti-upload input[name=file]", str(fw))
    page.fill("#sti-upload input[name=year]", "2023")
    page.fill("#sti-upload input[name=region]", "乐山市")
    page.click("#sti-upload button")
    page.wait_for_selector("[data-testid=levers]")
    assert "用户提供" in page.inner_text("[data-testid=provenance]")
    gap = page.inner_text("[data-testid=gap]")
    assert "57.67" in gap and "还差 2.33" in gap
    page.wait_for_selector("#index-bars[data-ready='1'] canvas")
    shot(page, "levers")
    page.fill("#what-if input[name=wi_rd_intensity]", "2.5")
    page.click("#what-if button")
    page.wait_for_selector("[data-testid=what-if-result]")
    assert "61.67" in page.inner_text("[data-testid=what-if-result]")
    page.click("[data-testid=checks-link]")
    page.wait_for_selector("#chk-2[data-ready='1'] canvas")  # the correlation heat map
    assert page.locator("div.chart[data-ready='1']").count() >= 4
    shot(page, "checks")


def test_chain_import_bad_row_gap_on_detach(page, province_server, shot, tmp_path):
    server = province_server
    example = tmp_path / "晶硅光伏.yaml"
    example.write_bytes((resources.files("innodrive.chains.examples") / "pv_crystalline_silicon.yaml").read_bytes())
    sign_in(page, server, "office")
    page.goto(server.url + "/chains")
    page.set_input_files("#chain-import input[name=file]", str(example))
    page.click("#chain-import button")
    page.wait_for_selector("[data-testid=preview]")
    assert "环节 13 个" in page.inner_text("[data-testid=preview]")
    page.click("[data-testid=confirm]")
    page.wait_for_url("**/chains/pv_crystalline_silicon")
    page.wait_for_selector("#tree[data-ready='1'] canvas")
    assert "构造数据" in page.inner_text("[data-testid=example]")
    assert page.locator("[data-testid=leader]").count() >= 1
    shot(page, "chain")
    # a bad row in the XLSX export is refused with the row named
    with page.expect_download() as dl:
        page.click("[data-testid=export]")
    wb = openpyxl.load_workbook(io.BytesIO(dl.value.path().read_bytes()))
    wb["企业"]["B3"] = "91511100MAC0000020"
    bad = tmp_path / "有问题的产业链.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    bad.write_bytes(buf.getvalue())
    page.goto(server.url + "/chains")
    page.set_input_files("#chain-import input[name=file]", str(bad))
    page.click("#chain-import button")
    page.wait_for_selector("#flash .notice.error")
    flash = page.inner_text("#flash")
    assert "第 3 行" in flash and "统一社会信用代码" in flash
    # the only enterprise of 硅片 taken off: the node becomes a gap
    page.goto(server.url + "/chains/pv_crystalline_silicon")
    node = page.locator("[data-node=up_wafer]")
    assert node.locator("[data-testid=gap-enterprise]").count() == 0
    node.locator("[data-testid=detach]").first.click()
    page.wait_for_load_state("networkidle")
    node = page.locator("[data-node=up_wafer]")
    assert node.locator("[data-testid=gap-enterprise]").count() == 1
    assert "硅片（上游）：无本地企业" in page.inner_text("[data-testid=gaps]")
    shot(page, "chain-gap")
