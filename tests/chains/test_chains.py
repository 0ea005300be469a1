"""产业链图谱: import with row checks (YAML and XLSX), gaps, directory verdicts, export round trip, rights."""

from __future__ import annotations

import io
from importlib import resources

import openpyxl
import pytest

from innodrive.errors import Forbidden, ValidationFailed
from innodrive.services.actor import Actor, Role
from innodrive.services.chains import detach_enterprise, import_chain, list_chains, show_chain

OFFICE = Actor(username="测试", role=Role.OFFICE)


def example(name: str = "pv_crystalline_silicon") -> bytes:
    return (resources.files("innodrive.chains.examples") / f"{name}.yaml").read_bytes()


def test_examples_import_with_their_structure_and_constructed_labels(initialised_store):
    for n in ("pv_crystalline_silicon", "power_battery", "electronic_information"):
        import_chain(initialised_store, OFFICE, example(n), file_name=f"{n}.yaml")
    assert {c.key for c in list_chains(initialised_store, OFFICE)} == {
        "pv_crystalline_silicon", "power_battery", "electronic_information"}
    v = show_chain(initialised_store, OFFICE, "pv_crystalline_silicon")
    names = [n.name for n in v.nodes]
    assert names[:3] == ["工业硅", "多晶硅", "硅片"] and {"电池片", "组件", "光伏电站", "辅材", "装备"} <= set(names)
    assert {n.segment for n in v.nodes} == {"上游", "中游", "下游"}
    assert v.example and all(e["constructed"] and "构造示例" in e["name"] for n in v.nodes for e in n.enterprises)
    assert any(e["leader"] for n in v.nodes for e in n.enterprises)
    assert any("2000亿元" in t.text for t in v.targets)
    gaps = {n.code for n in v.gaps}
    assert "aux_paste" in gaps and "up_poly" not in gaps  # 多晶硅 has firms and a platform


def test_a_gap_appears_when_the_only_enterprise_of_a_node_is_removed(initialised_store):
    import_chain(initialised_store, OFFICE, example(), file_name="pv.yaml")
    before = {n.code: n for n in show_chain(initialised_store, OFFICE, "pv_crystalline_silicon").nodes}
    assert not before["up_wafer"].gap_enterprise and before["up_wafer"].local_enterprises == 1
    code = before["up_wafer"].enterprises[0]["credit_code"]
    assert detach_enterprise(initialised_store, OFFICE, "pv_crystalline_silicon", code) == 1
    after = {n.code: n for n in show_chain(initialised_store, OFFICE, "pv_crystalline_silicon").nodes}
    assert after["up_wafer"].gap_enterprise and after["up_wafer"].local_enterprises == 0


def _xlsx_of(store) -> bytes:
    from innodrive.assessment.run import write_xlsx  # noqa: I001
    from innodrive.chains.export import frames

    v = show_chain(store, OFFICE, "pv_crystalline_silicon")
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "c.xlsx"
        write_xlsx(p, frames(v))
        return p.read_bytes()


def test_xlsx_export_imports_back_and_a_bad_row_is_refused_with_the_row_named(initialised_store):
    import_chain(initialised_store, OFFICE, example(), file_name="pv.yaml")
    data = _xlsx_of(initialised_store)
    r = import_chain(initialised_store, OFFICE, data, file_name="晶硅光伏.xlsx")
    assert r.replaced and r.nodes == 13 and r.enterprises == 8 and r.platforms == 2 and r.targets == 2
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["企业"]
    ws["B3"] = "91511100MAC0000020"  # wrong check digit, data row 2 = spreadsheet row 3
    ws["A5"] = "no_such_node"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ValidationFailed) as exc:
        import_chain(initialised_store, OFFICE, buf.getvalue(), file_name="坏.xlsx")
    probs = exc.value.problems
    assert any(p.row == 3 and p.field == "统一社会信用代码" and "校验位" in p.message and "企业" in p.file for p in probs)
    assert any(p.row == 5 and p.field == "环节代码" for p in probs)
    assert "第 3 行" in str(probs[0]) or "第 3 行" in exc.value.message
    # nothing changed: the stored chain is still the good one
    v = show_chain(initialised_store, OFFICE, "pv_crystalline_silicon")
    assert sum(len(n.enterprises) for n in v.nodes) == 8


def test_yaml_row_checks_name_every_problem():
    from innodrive.chains.reader import read_chain

    bad = """key: t
name: t
nodes:
  - {code: a, name: A, segment: 上游}
  - {code: a, name: B, segment: 中流}
  - {code: c, name: C, segment: 下游, parent: zz}
enterprises:
  - {node: a, credit_code: "123", name: X, leader: maybe}
""".encode()
    with pytest.raises(ValidationFailed) as exc:
        read_chain(bad, "t.yaml")
    msgs = [(p.row, p.field) for p in exc.value.problems]
    assert (2, "环节代码") in msgs and (2, "链段") in msgs and (3, "上级环节") in msgs
    assert (1, "统一社会信用代码") in msgs and (1, "链主") in msgs


def test_directory_verdicts_show_on_the_chain(initialised_store):
    from innodrive.enterprises.directory import Enterprise
    from innodrive.services.enterprise_directory import register_enterprises

    import_chain(initialised_store, OFFICE, example(), file_name="pv.yaml")
    v = show_chain(initialised_store, OFFICE, "pv_crystalline_silicon")
    code = next(n for n in v.nodes if n.code == "mid_cell").enterprises[0]["credit_code"]
    register_enterprises(initialised_store, OFFICE, [Enterprise(
        credit_code=code, name="构造示例高效电池片企业06", verdicts={"hnte": {"state": "pass", "version": "most-2016"}})])
    v = show_chain(initialised_store, OFFICE, "pv_crystalline_silicon")
    e = next(n for n in v.nodes if n.code == "mid_cell").enterprises[0]
    assert e["verdicts"]["hnte"]["state"] == "pass" and e["leader"]


def test_rights_and_audit(initialised_store):
    from innodrive.store import audit

    with pytest.raises(Forbidden):
        import_chain(initialised_store, Actor(username="c", role=Role.COUNTY, region_code="511102"), example(),
                     file_name="pv.yaml")
    import_chain(initialised_store, OFFICE, example(), file_name="pv.yaml")
    with initialised_store.read() as s:
        entries = audit.entries(s, entity="chain")
    assert entries[-1].actor == "测试" and "晶硅光伏" in entries[-1].summary
