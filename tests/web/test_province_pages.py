"""全省看板, region, public, 四市对比, 科技创新水平指数 and 产业链 pages over the real
application (TestClient) and the shipped statistics: what each role sees, missing shown
as missing, downloads that say the same as the page, uploads refused with their reason.
Index inputs and chain enterprises are CONSTRUCTED (labelled so)."""

from __future__ import annotations

import io
import json
import re
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
import yaml

from innodrive.indicators import importer
from innodrive.services.actor import Actor, Role
from innodrive.services.province import province_board
from innodrive.store import audit

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "documents"
READERS = (Role.ADMIN, Role.OFFICE, Role.UNIT, Role.COUNTY, Role.EVALUATOR, Role.NPC)
# the worked example of tests/province/test_sti_index.py (CONSTRUCTED values, user-supplied standards)
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
OFFICE = Actor(username="测试", role=Role.OFFICE)
HAND_INDEX = 57.6666666667  # 13.333 + 16 + 11.333 + 9.5 + 7.5, computed by hand in tests/province


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _tiles(html: str) -> int:
    return len(re.findall(r'class="tile(?: dark)?(?: missing)?"', html))


def _json_block(html: str, block: str) -> dict:
    m = re.search(rf'<script type="application/json" id="{block}">(.*?)</script>', html, re.S)
    assert m, block
    return json.loads(m.group(1))


@pytest.fixture
def stats(web):
    importer.import_default(web.store, actor="测试")
    return web


# --------------------------------------------------------------------------- 全省看板


def test_board_shows_21_prefectures_with_map_bars_ranks_and_missing_as_missing(stats):
    r = stats.client(Role.OFFICE).get("/province", params={"indicator": "R&D经费投入强度", "year": 2018})
    assert r.status_code == 200
    rows = re.findall(r'<tr data-code="(\d{6})"( class="missing-row")?>', r.text)
    assert len(rows) == 21
    missing = {code for code, m in rows if m}
    assert {"513300", "513400"} <= missing  # 甘孜、凉山: cut off in the published mirror
    board = province_board(stats.store, OFFICE, indicator="rd_intensity", year=2018)
    assert missing == {row.code for row in board.rows if row.value is None}
    n = 21 - len(missing)
    text = _text(r.text)
    assert re.search(rf"有数据 {n} ?/21", text) and "绵阳市" in text and "无数据" in text and "未录入" in text
    option = _json_block(r.text, "map-data")
    data = {d["name"]: d for d in option["series"][0]["data"]}
    assert len(data) == 21 and data["513300"]["value"] is None and "decal" in data["513300"]["itemStyle"]
    assert data["510700"]["rank"] == 1 and data["510700"]["link"] == "/regions/510700"
    vm = option["visualMap"]
    known = [d["value"] for d in data.values() if d["value"] is not None]
    assert vm["min"] == min(known) and vm["max"] == max(known) and vm["text"][0].startswith("高")
    assert 'data-map-url="/maps/sichuan_prefecture.json"' in r.text
    bars = _json_block(r.text, "bars-data")
    values = [d["value"] for d in bars["series"][0]["data"]]
    assert len(values) == n and values == sorted(values, reverse=True)
    assert "甘孜藏族自治州" in bars["title"]["subtext"]
    # the year choice lists years with data, 2018 among them with its count
    assert re.search(rf'<option value="2018" selected>2018（{n} 个地区有数据）', r.text)


def test_tiles_counties_download_and_api_say_the_same(stats):
    office = stats.client(Role.OFFICE)
    tiles = office.get("/province", params={"indicator": "rd_intensity", "year": 2018, "view": "tiles"})
    assert tiles.status_code == 200 and _tiles(tiles.text) == 21
    assert tiles.text.count('href="/regions/51') >= 21 and "方块示意图" in tiles.text
    county = office.get("/province", params={"indicator": "hnte_count", "year": 2023, "level": "county"})
    assert county.status_code == 200
    assert len(re.findall(r'<tr data-code="\d{6}"', county.text)) == 183
    assert 'data-map-url="/maps/sichuan_county.json"' in county.text
    x = office.get("/province.xlsx", params={"indicator": "rd_intensity", "year": 2018})
    assert x.status_code == 200 and "attachment" in x.headers["content-disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    table = list(ws.iter_rows(values_only=True))
    assert len(table) == 1 + 21 + 2
    by = {row[1]: row for row in table[1:]}
    assert by["绵阳市"][0] == 1 and by["甘孜藏族自治州"][3] is None and "未录入" in by["甘孜藏族自治州"][-1]
    api = office.get("/api/v1/province", params={"indicator": "rd_intensity", "year": 2018}).json()
    n = sum(1 for row in api["rows"] if row["value"] is not None)
    assert api["with_data"] == n and len(api["rows"]) == 21 and 15 <= n < 21
    assert {r["name"]: r["rank"] for r in api["rows"]}["绵阳市"] == 1
    years = office.get("/api/v1/province/years", params={"indicator": "rd_intensity"}).json()
    assert {"year": 2018, "regions": n} in years
    geo = office.get("/maps/sichuan_prefecture.json")
    assert geo.status_code == 200 and len(geo.json()["features"]) == 21


def _one_backend(web) -> None:
    if not web.url.startswith("sqlite"):
        pytest.skip("one backend is enough for what each role sees")


def test_every_reading_role_sees_the_board_and_a_region(stats):
    _one_backend(stats)
    for role in READERS:
        c = stats.client(role)
        r = c.get("/province", params={"indicator": "rd_intensity", "year": 2018})
        assert r.status_code == 200 and "绵阳市" in r.text, role
        page = c.get("/regions/510700")
        assert page.status_code == 200 and "R&amp;D经费投入强度" in page.text and "统计公报" in page.text
        if role == Role.ADMIN:
            assert "计划中没有绵阳市的目标" in _text(page.text)
        else:  # the other roles are scoped to 乐山: 绵阳's statistics yes, its plan targets no
            assert "无权查看绵阳市的计划目标" in _text(page.text), role


def test_the_public_gets_the_tile_grid_not_the_boundaries_unless_switched_on(stats, monkeypatch):
    _one_backend(stats)
    public = stats.client(Role.PUBLIC)
    assert public.get("/province").status_code == 303
    r = public.get("/public/province", params={"indicator": "rd_intensity", "year": 2018})
    assert r.status_code == 200 and _tiles(r.text) == 21 and "map-data" not in r.text
    assert 'href="/regions/' not in r.text  # region pages are the workbench's
    assert public.get("/maps/sichuan_prefecture.json").status_code == 404
    monkeypatch.setenv("INNODRIVE_PUBLIC_MAP", "1")
    r = public.get("/public/province", params={"indicator": "rd_intensity", "year": 2018})
    assert "map-data" in r.text and public.get("/maps/sichuan_prefecture.json").status_code == 200


def test_bad_board_input_is_a_clear_message(stats):
    _one_backend(stats)
    office = stats.client(Role.OFFICE)
    r = office.get("/province", params={"indicator": "没有这个指标"})
    assert r.status_code in (400, 404) and "没有这个指标" in r.text and "<nav" in r.text
    assert office.get("/province", params={"level": "village"}).status_code == 422
    assert office.get("/maps/sichuan_town.json").status_code == 404
    assert office.get("/regions/999999").status_code in (400, 404)


# --------------------------------------------------------------------------- 四市对比


def test_cities_side_by_side_with_targets_paths_and_lights(stats, tmp_path, monkeypatch):
    from innodrive.extraction import extract_path
    from innodrive.plans import storage

    _one_backend(stats)
    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path))
    for p in sorted(EXAMPLES.glob("*.txt")):
        storage.add_plan(stats.store, extract_path(p), actor="测试")
    r = stats.client(Role.ADMIN).get("/cities", params={"indicator": "高新技术企业数量", "as_of": "2024-06-30"})
    assert r.status_code == 200
    cities = re.findall(r'data-testid="city" data-code="(\d+)"', r.text)
    assert cities == ["510300", "511100", "510700", "511500"]  # 自贡 乐山 绵阳 宜宾
    text = _text(r.text)
    assert "192" in text and "倍" in text and "序时路径" in text
    assert re.search(r'data-light="(green|yellow|red)"', r.text)
    api = stats.client(Role.ADMIN).get("/api/v1/cities", params={"indicator": "hnte_count", "as_of": "2024-06-30"})
    assert [c["region_name"] for c in api.json()["cities"]] == ["自贡市", "乐山市", "绵阳市", "宜宾市"]
    # a 乐山 account sees 乐山's column only
    office = stats.client(Role.OFFICE).get("/cities", params={"indicator": "hnte_count", "as_of": "2024-06-30"})
    assert re.findall(r'data-testid="city" data-code="(\d+)"', office.text) == ["511100"]


# --------------------------------------------------------------------------- 科技创新水平指数


@pytest.fixture
def sti(web, tmp_path):
    from innodrive.indicators.catalogue import load_catalogue

    cat = load_catalogue()
    rows = ["地区,指标,年份,值,单位,来源"]
    rows += [f"乐山市,{k},2023,{v},{cat.get(k).unit},构造测试数据" for k, v in LESHAN.items()]
    rows += [f"自贡市,{k},2023,{v},{cat.get(k).unit},构造测试数据" for k, v in {"rd_intensity": 2.0,
                                                                            "hnte_count": 300}.items()]
    p = tmp_path / "t.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    importer.import_file(web.store, p, actor="测试")
    return web


def _framework(**changes) -> bytes:
    doc = {"extends": "sichuan_sti_index", "id": "t", "name": "测试指数", "version": "1", "effective": "2023-01-01",
           "standards": STANDARDS, "weights": WEIGHTS, **changes}
    return yaml.safe_dump(doc, allow_unicode=True).encode("utf-8")


def _upload(client, data: bytes, **form):
    return client.post("/sti-index", files={"file": ("四川指数.yaml", data, "application/x-yaml")},
                       data={"year": "2023", **form})


def test_index_gap_levers_and_what_if_for_one_city(sti):
    office = sti.client(Role.OFFICE)
    start = office.get("/sti-index")
    assert start.status_code == 200 and 'value="511100"' in start.text  # the office's own 市州 suggested
    tpl = office.get("/sti-index/template.yaml")
    assert tpl.status_code == 200 and "extends: sichuan_sti_index" in tpl.text and "standards:" in tpl.text
    r = _upload(office, _framework(), region="乐山市")
    assert r.status_code == 303
    page = office.get(r.headers["location"])
    assert page.status_code == 200
    text = _text(page.text)
    assert "用户提供" in text and "测试指数" in text
    assert f"{HAND_INDEX:.2f}" in text and f"{60 - HAND_INDEX:.2f}" in text  # index 57.67, gap 2.33
    levers = re.findall(r'<tr data-code="(\w+)">', page.text.split('data-testid="levers"')[1])
    assert len(levers) == 13
    bars = _json_block(page.text, "index-bars-data")
    assert bars["__points"] == 2 and bars["series"][0]["markLine"]["data"] == [{"yAxis": 60.0}]
    assert "成都市" in bars["title"]["subtext"]  # cities without data named, not drawn as 0
    # missing data listed per city with reasons
    assert re.search(r'<tr data-code="510300".*?11 项', page.text, re.S)
    # what-if: 乐山 reaching the standard of R&D intensity adds 0.3 × 1/3 × (100 − 60) = 4 points
    what = office.get(r.headers["location"].split("?")[0], params={"region": "511100", "wi_rd_intensity": "2.5"})
    assert what.status_code == 200
    assert f"{HAND_INDEX + 4:.2f}" in _text(what.text) and "达到 60" in _text(what.text)
    bad = office.get(r.headers["location"].split("?")[0], params={"region": "511100", "wi_rd_intensity": "很多"})
    assert bad.status_code == 400 and "不是数字" in bad.text
    # the JSON API: the same numbers
    api = office.post("/api/v1/sti-index", files={"file": ("f.yaml", _framework(), "application/x-yaml")},
                      data={"year": "2023", "region": "乐山市", "what_if": "rd_intensity=2.5"}).json()
    assert api["levers"]["city"]["index"] == pytest.approx(HAND_INDEX)
    assert api["levers"]["what_if_index"] == pytest.approx(HAND_INDEX + 4)
    assert {c["name"]: c["rank"] for c in api["report"]["cities"]}["自贡市"] == 1


def test_checks_page_draws_the_charts_and_balances_weights(sti):
    office = sti.client(Role.OFFICE)
    where = _upload(office, _framework()).headers["location"]
    r = office.get(where + "/checks", params={"region": "乐山市", "uncertainty": 50})
    assert r.status_code == 200
    kinds = [_json_block(r.text, f"chk-{i}-data") for i in range(1, 6)]
    assert [k["series"][0]["type"] for k in kinds] == ["bar", "heatmap", "scatter", "scatter", "bar"]
    assert kinds[0]["series"][0]["markLine"]["data"] == [{"yAxis": 60.0}]
    text = _text(r.text)
    assert "Cronbach" in text and "有效影响力" in text and "剔除一项" in text and "可得性" in text
    b = office.get(where + "/checks", params={"balance": 1, "uncertainty": 0})
    assert b.status_code == 200 and 'data-testid="balanced"' in b.text


def test_an_index_without_user_values_is_refused_and_nothing_kept(sti):
    office = sti.client(Role.OFFICE)
    with sti.store.read() as s:
        from sqlalchemy import func, select

        from innodrive.accounts.db import StagedUploadRow

        before = s.scalar(select(func.count()).select_from(StagedUploadRow))
    r = _upload(office, b"extends: sichuan_sti_index\nid: x\nname: x\nversion: '1'\neffective: 2023-01-01\n")
    assert r.status_code in (400, 422) and "官方现行值未公开" in _text(r.text)
    wrong = office.post(
        "/sti-index", files={"file": ("指数.txt", b"x", "text/plain")}, data={"year": "2023"})
    assert wrong.status_code == 400 and ".yaml" in wrong.text
    with sti.store.read() as s:
        assert s.scalar(select(func.count()).select_from(StagedUploadRow)) == before
    # a unit may not run the index; nor may anyone open another's staged framework
    assert sti.client(Role.UNIT).get("/sti-index").status_code == 403
    where = _upload(office, _framework()).headers["location"]
    assert sti.client(Role.EVALUATOR).get(where).status_code == 404


# --------------------------------------------------------------------------- 产业链图谱


def _example(name: str = "pv_crystalline_silicon") -> bytes:
    return (resources.files("innodrive.chains.examples") / f"{name}.yaml").read_bytes()


def _import(client, data: bytes, name: str = "晶硅光伏.yaml"):
    preview = client.post("/chains/preview", files={"file": (name, data, "application/octet-stream")})
    assert preview.status_code == 200, preview.text[:500]
    staged = re.search(r'name="staged_id" value="(\w+)"', preview.text).group(1)
    return preview, client.post("/chains/imports", data={"staged_id": staged, "csrf_token": client.csrf})


def test_office_imports_a_chain_sees_tree_gaps_and_a_gap_appears_on_detach(web):
    office = web.client(Role.OFFICE)
    preview, done = _import(office, _example())
    assert "环节 13 个" in _text(preview.text) and "尚未保存" in preview.text
    assert done.status_code == 303 and done.headers["location"] == "/chains/pv_crystalline_silicon"
    page = office.get("/chains/pv_crystalline_silicon")
    assert page.status_code == 200
    text = _text(page.text)
    assert "构造数据" in text and "链主" in text and "2000亿元" in text
    tree = _json_block(page.text, "tree-data")
    segments = [s["name"] for s in tree["series"][0]["data"][0]["children"]]
    assert segments == ["上游", "中游", "下游"] and tree["__points"] == 13
    node = page.text.split('data-node="up_wafer"')[1].split('data-testid="node"')[0]
    assert "gap-enterprise" not in node
    code = re.search(r'name="credit_code" value="(\w+)"', node).group(1)
    r = office.post("/chains/pv_crystalline_silicon/detach",
                    data={"credit_code": code, "node": "up_wafer", "csrf_token": office.csrf})
    assert r.status_code == 303
    after = office.get("/chains/pv_crystalline_silicon").text
    node = after.split('data-node="up_wafer"')[1].split('data-testid="node"')[0]
    assert 'data-testid="gap-enterprise"' in node and "硅片（上游）：无本地企业" in _text(after)
    with web.store.read() as s:
        done = [(e.action, e.actor) for e in audit.entries(s, entity="chain", entity_id="pv_crystalline_silicon")]
    assert {("chain.import", "t-office"), ("chain.detach", "t-office")} <= set(done)
    # the export downloads and imports back
    x = office.get("/chains/pv_crystalline_silicon/export.xlsx")
    assert x.status_code == 200 and {"环节", "企业", "缺口"} <= set(openpyxl.load_workbook(io.BytesIO(x.content)).sheetnames)
    api = office.post("/api/v1/chains/imports", files={"file": ("c.xlsx", x.content, "application/octet-stream")},
                      data={"dry_run": "true"})
    assert api.status_code == 200 and api.json()["replaced"] and api.json()["enterprises"] == 7


def test_a_bad_xlsx_row_is_refused_with_the_row_named_and_nothing_changes(web):
    office = web.client(Role.OFFICE)
    _import(office, _example())
    x = office.get("/chains/pv_crystalline_silicon/export.xlsx").content
    wb = openpyxl.load_workbook(io.BytesIO(x))
    wb["企业"]["B3"] = "91511100MAC0000020"  # wrong check digit on spreadsheet row 3
    buf = io.BytesIO()
    wb.save(buf)
    r = office.post("/chains/preview", files={"file": ("坏.xlsx", buf.getvalue(), "application/octet-stream")})
    assert r.status_code in (400, 422)
    text = _text(r.text)
    assert "第 3 行" in text and "统一社会信用代码" in text
    api = office.get("/api/v1/chains/pv_crystalline_silicon").json()
    assert sum(len(n["enterprises"]) for n in api["nodes"]) == 8


def test_chain_reading_and_writing_by_role(web):
    from innodrive.services.chains import import_chain

    _one_backend(web)
    import_chain(web.store, Actor.local_operator("test"), _example(), file_name="pv.yaml")
    for role in READERS:
        c = web.client(role)
        assert c.get("/chains").status_code == 200
        page = c.get("/chains/pv_crystalline_silicon")
        assert page.status_code == 200 and "晶硅光伏产业链" in page.text, role
        writes = role == Role.OFFICE
        assert ('data-testid="detach"' in page.text) == writes, role
        r = c.post("/chains/preview", files={"file": ("p.yaml", _example(), "application/octet-stream")})
        assert (r.status_code == 200) == writes and (r.status_code == 403) == (not writes), role
        assert c.get("/chains/template.xlsx").status_code == 200
