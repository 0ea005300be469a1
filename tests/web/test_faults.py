"""Faults: concurrent reports both kept, refused input changes nothing, the ledger export."""

from __future__ import annotations

import io
import threading

from sqlalchemy import func, select

from innodrive.blobs import Upload
from innodrive.services import plans, tasks
from innodrive.services.actor import Actor, Role
from innodrive.store.schema import AuditRow, ObservationRow

OFFICE = Actor(username="t-office", role=Role.OFFICE, region_code="511100", via="web")
DOC = """乐山市2024年科技创新工作要点（构造的测试文件）
一、重点任务
（一）实施创新主体培育行动。由市科技局牵头，2024年6月底前完成。
（二）建设成果转化平台。由市发改委牵头，2023年12月底前完成。
"""


def _task(web) -> int:
    plans.add_documents(web.store, OFFICE, [Upload(name="要点.txt", data=DOC.encode("utf-8"))])
    import datetime as dt

    from innodrive.services import board

    line = board.tasks(web.store, OFFICE, as_of=dt.date.today()).lines[0]
    tasks.assign(web.store, OFFICE, task_id=line.task.id, lead=["市经信局"], co=[])
    return line.task.id


def test_two_people_reporting_on_one_task_at_once_both_keep_their_report(web):
    task_id = _task(web)
    clients = [web.client(Role.OFFICE), web.client(Role.UNIT)]
    barrier = threading.Barrier(len(clients))
    answers = []

    def file(client, who):
        barrier.wait()
        answers.append(client.post(f"/api/v1/tasks/{task_id}/reports",
                                   data={"status": "推进中", "narrative": f"{who}的进展", "percent": "50"},
                                   files=[("evidence", (f"{who}.pdf", b"%PDF-1.4 " + who.encode()))]))

    threads = [threading.Thread(target=file, args=(c, w)) for c, w in zip(clients, ("创新办", "经信局"), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status_code for a in answers) == [200, 200], [a.text for a in answers]
    report = web.client(Role.OFFICE).get(f"/api/v1/tasks/{task_id}").json()["reports"]
    assert sorted(r["narrative"] for r in report) == ["创新办的进展", "经信局的进展"]
    assert all(len(r["evidence"]) == 1 for r in report)


def test_a_refused_import_or_upload_changes_nothing(web):
    office = web.client(Role.OFFICE)

    def state():
        with web.store.read() as s:
            return (s.scalar(select(func.count()).select_from(ObservationRow)),
                    s.scalar(select(func.max(AuditRow.id))))

    before = state()
    bad = "地区,指标,年份,值,单位,来源\n乐山市,高新技术企业数量,2024,abc,家,x\n宜宾市,高新技术企业数量,2024,5,家,\n"
    r = office.post("/data/preview", files={"file": ("bad.csv", bad.encode())})
    assert r.status_code == 422 and "第 2 行" in r.text and "第 3 行" in r.text
    r = office.post("/api/v1/data/imports", files={"file": ("bad.csv", bad.encode())})
    assert r.status_code in (403, 422) and r.json()["problems"]
    r = office.post("/plans", files={"files": ("x.exe", b"MZ...")})
    assert r.status_code == 400 and "只接受" in r.text
    r = office.post("/plans", files={"files": ("../../etc/passwd.txt", b"text")})
    assert r.status_code == 400 and "不能包含路径" in r.text
    r = office.post(f"/api/v1/tasks/{999999}/reports", data={"status": "推进中", "narrative": "x"})
    assert r.status_code == 404
    assert state() == before


def test_a_department_sees_only_its_tasks_and_the_ledger_exports_overdue_rows(web):
    import openpyxl

    task_id = _task(web)
    unit = web.client(Role.UNIT)
    ledger = unit.get("/api/v1/tasks").json()["lines"]
    assert [line["task"]["id"] for line in ledger] == [task_id]
    others = [line["task"]["id"] for line in web.client(Role.OFFICE).get("/api/v1/tasks").json()["lines"]
              if line["task"]["id"] != task_id]
    r = unit.get(f"/tasks/{others[0]}")
    assert r.status_code == 403 and "只能处理本单位" in r.text
    book = web.client(Role.OFFICE).get("/tasks.xlsx?as_of=2025-01-31")
    ws = openpyxl.load_workbook(io.BytesIO(book.content))["任务台账"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "计划", "任务")
    overdue = [r for r in rows[1:] if r[-1] == "是"]
    assert overdue and all(ws.cell(row=i + 2, column=1).fill.fgColor.rgb.endswith("FCE8E6")
                           for i, r in enumerate(rows[1:]) if r[-1] == "是")
    page = web.client(Role.OFFICE).get("/tasks?as_of=2025-01-31")
    assert page.text.count('class="overdue"') == len(overdue)
