"""The workbench pages of 督查督办, 专项督查, 督查通报, 第三方评估 and 人大监督, through the real
application (FastAPI TestClient), signed in as each role's test account."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from tests.web.conftest import Web

from innodrive.services.actor import Role

from .world import AS_OF, OFFICE, build_world

TODAY = dt.date.today()


@pytest.fixture
def site(accounts_db_url):
    from innodrive.store import open_store

    store = open_store(accounts_db_url)  # the test accounts are there (web/conftest.py: make_accounts)
    tasks = build_world(store)
    store.close()
    w = Web(accounts_db_url)
    yield w, tasks
    w.close()


def _ids(html: str, attr: str) -> list[int]:
    return [int(x) for x in re.findall(rf'data-{attr}="(\d+)"', html)]


def test_the_office_previews_then_raises_and_the_unit_answers_only_its_own(site):
    web, tasks = site
    office, unit = web.client(Role.OFFICE), web.client(Role.UNIT)  # t-unit is 市经信局
    preview = office.post("/duban/run", data={"as_of": AS_OF.isoformat(), "confirm": "no"})
    assert preview.status_code == 200 and 'data-testid="preview"' in preview.text
    assert "将发起 <b>3</b> 件" in preview.text and _ids(preview.text, "notice") == []
    done = office.post("/duban/run", data={"as_of": AS_OF.isoformat(), "confirm": "yes"})
    assert "已发起督办单 3 件" in done.text and len(_ids(done.text, "notice")) == 3
    mine = unit.get("/duban")
    assert len(_ids(mine.text, "notice")) == 1 and "市经信局" in mine.text and "市金融局" not in mine.text
    api = unit.get("/api/v1/duban").json()
    assert [n["unit"] for n in api["notices"]] == ["市经信局"]
    own = api["notices"][0]["id"]
    other = next(i for i in _ids(done.text, "notice") if i != own)
    assert unit.get(f"/duban/{other}").status_code == 403
    assert unit.get(f"/api/v1/duban/{other}").json()["error"] == "Forbidden"
    answered = unit.post(f"/duban/{own}/answer", data={"text": "技改项目已于九月开工，附开工报告"},
                         files=[("evidence", ("开工报告.pdf", b"%PDF-1.4 constructed", "application/pdf"))])
    assert answered.status_code == 200 and "已答复" in answered.text and "开工报告.pdf" in answered.text
    link = re.search(rf'href="(/duban/{own}/evidence/[0-9a-f]{{64}})"', answered.text)[1]
    assert office.get(link).content == b"%PDF-1.4 constructed"
    assert unit.post(f"/duban/{own}/close", data={"note": "自己办结"}).headers["x-innodrive-refusal"] == "role"
    closed = office.post(f"/duban/{own}/close", data={"note": "答复属实，予以办结"})
    assert 'data-state="closed"' in closed.text and "已办结" in closed.text


def test_a_refused_action_shows_a_chinese_message_and_changes_nothing(site):
    web, _ = site
    office = web.client(Role.OFFICE)
    office.post("/duban/run", data={"as_of": AS_OF.isoformat(), "confirm": "yes"})
    n = office.get("/api/v1/duban").json()["notices"][0]["id"]
    r = office.post(f"/duban/{n}/close", data={"note": "办结"}, headers={"HX-Request": "true"})
    assert r.status_code == 409 and "尚未答复" in r.text
    assert office.get(f"/api/v1/duban/{n}").json()["state"] == "open"


def test_campaign_pages_and_the_tongbao_files(site):
    web, tasks = site
    office, npc = web.client(Role.OFFICE), web.client(Role.NPC)
    r = office.post("/inspections", data={"name": "上半年专项督查", "as_of": AS_OF.isoformat(), "method": "rule",
                                          "flags": "overdue"})
    assert r.status_code == 200 and "选取任务 3 项" in r.text
    assert npc.get("/inspections").status_code == 200
    page = office.get("/tongbao?period=2024Q3")
    assert 'data-issued="no"' in page.text and "逾期未完成 <b>3</b> 项" in page.text
    pdf = office.get("/tongbao/2024Q3/file.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    docx = office.get("/tongbao/2024Q3/file.docx")
    assert docx.content[:2] == b"PK"
    assert npc.get("/tongbao/2024Q3/file.pdf").status_code == 403  # a draft is the office's
    issued = office.post("/tongbao/issue", data={"period": "2024Q3", "reference": "乐山创新办督〔2024〕3号"})
    assert "已印发" in issued.text
    assert npc.get("/tongbao/2024Q3/file.pdf").content == office.get("/tongbao/2024Q3/file.pdf").content
    assert "乐山创新办督〔2024〕3号" in npc.get("/tongbao").text


def test_the_evaluator_workspace_and_what_it_cannot_do(site):
    web, tasks = site
    from innodrive.services import tasks as task_service
    from innodrive.store import open_store

    from .world import JXJ

    store = open_store(web.url)
    for k in range(3):
        rep = task_service.report(store, JXJ, task_id=tasks["市经信局"], as_of=dt.date(2024, 7 + k, 5),
                                  status="推进中", narrative=f"第{k + 1}次进展", today=TODAY)
        task_service.review(store, OFFICE, report_id=rep.id, approve=True)
    store.close()
    ev, office = web.client(Role.EVALUATOR), web.client(Role.OFFICE)
    drawn = ev.post("/evaluation/samples", data={"name": "核查", "size": "2", "by": ["unit"], "seed": "42"})
    assert drawn.status_code == 200 and "已抽取样本 2 份（种子 42）" in drawn.text
    items = _ids(drawn.text, "item")
    judged = ev.post(f"/evaluation/items/{items[0]}/verdict", data={"verdict": "不符", "note": "材料日期不符"})
    assert 'data-verdict="discrepant"' in judged.text
    sample = re.search(r'/evaluation/samples/(\d+)/report\.pdf', judged.text)[1]
    assert ev.get(f"/evaluation/samples/{sample}/report.pdf").content.startswith(b"%PDF")
    # the office reads, cannot judge; the evaluator cannot raise, answer, publish or report progress
    assert office.get(f"/evaluation/samples/{sample}").status_code == 200
    assert office.post(f"/evaluation/items/{items[0]}/verdict", data={"verdict": "核实"}).status_code == 403
    for method, path in (("POST", "/duban/run"), ("POST", "/duban"), ("POST", "/public/publish"),
                         ("POST", "/npc/snapshots"), ("POST", f"/tasks/{tasks['市经信局']}/reports"),
                         ("POST", "/inspections"), ("POST", "/tongbao/issue")):
        r = ev.request(method, path, data={})
        assert r.status_code == 403 and r.headers["x-innodrive-refusal"] == "role", path


def test_npc_view_snapshot_pages_and_the_public_page(site):
    web, _ = site
    office, npc, public = web.client(Role.OFFICE), web.client(Role.NPC), web.client(None)
    view = npc.get(f"/npc?as_of={AS_OF.isoformat()}")
    assert view.status_code == 200 and "逾期未完成 <b>3</b> 项" in view.text and 'id="npc-publish"' not in view.text
    assert 'data-testid="data-note"' in view.text and "构造的测试数据" in view.text  # constructed data say so
    done = office.post("/npc/snapshots", data={"as_of": AS_OF.isoformat()})
    snap = _ids(done.text, "snapshot")[0]
    assert npc.get(f"/snapshots/{snap}").status_code == 200 and 'data-intact="yes"' in npc.get(f"/snapshots/{snap}").text
    report = npc.get(f"/npc/snapshots/{snap}/report.pdf")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    assert public.get(f"/snapshots/{snap}").status_code == 403  # the public reads public snapshots only
    assert web.client(Role.UNIT).get("/npc").headers["x-innodrive-refusal"] == "role"
    office.post("/public/publish", data={"as_of": AS_OF.isoformat()})
    page = public.get("/public").text
    assert 'data-testid="data-note"' in page and "构造的测试数据" in page
    sha = re.search(r'data-testid="sha256">([0-9a-f]{64})<', page)[1]
    from sqlalchemy import update

    from innodrive.publication.db import SnapshotRow
    from innodrive.store import open_store

    store = open_store(web.url)
    with store.write() as s:
        s.execute(update(SnapshotRow).where(SnapshotRow.sha256 == sha).values(content=SnapshotRow.content + " "))
    store.close()
    assert "尚未发布公开摘要" in public.get("/public").text  # a tampered snapshot is never shown
