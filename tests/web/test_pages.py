"""Every page of the workbench on real data: the page and its JSON twin show the same
data (one data object, then HTML or JSON from it), in Chinese, with no error."""

from __future__ import annotations

import re
from pathlib import Path

from innodrive.blobs import Upload
from innodrive.services import plans
from innodrive.services.actor import Actor, Role

ROOT = Path(__file__).resolve().parents[2]
OFFICE = Actor(username="t-office", role=Role.OFFICE, region_code="511100", via="web")


def _leshan_plans(web) -> list[int]:
    files = [Upload(name=p.name, data=p.read_bytes()) for p in sorted((ROOT / "examples" / "documents").glob("乐山*"))]
    batch = plans.add_documents(web.store, OFFICE, files)
    return [f.plan_id for f in batch.files]


def test_each_page_and_its_json_twin_agree(web):
    plan_ids = _leshan_plans(web)
    office = web.client(Role.OFFICE)
    board = office.get("/api/v1/board?as_of=2024-06-30").json()
    html = office.get("/board?as_of=2024-06-30").text
    assert html.count("data-target=") == len(board["lines"]) > 20
    for light, n in board["totals"].items():
        assert re.search(rf'data-light="{light}">.*?<b>{n}</b>', html, re.S)
    overview = office.get("/api/v1/overview?as_of=2024-06-30").json()
    page = office.get("/overview?as_of=2024-06-30").text
    assert overview["targets"] == len(board["lines"]) and f"目标 {overview['targets']} 项" in page
    ledger = office.get("/api/v1/tasks").json()
    assert office.get("/tasks").text.count("data-task=") == len(ledger["lines"]) > 10
    listing = office.get("/api/v1/plans").json()
    assert sorted(p["id"] for p in listing) == sorted(plan_ids)
    for pid in plan_ids:
        detail = office.get(f"/api/v1/plans/{pid}").json()
        assert office.get(f"/plans/{pid}").text.count("/targets/") >= len(detail["targets"])
        document = office.get(f"/api/v1/plans/{pid}/document").json()
        doc_html = office.get(f"/plans/{pid}/document").text
        assert document["targets"]
        for t in document["targets"]:  # every target's words start a highlighted run at its offset
            assert re.search(rf'<mark class="[^"]*target[^"]*" data-o="{t["start"]}"', doc_html), t["indicator"]
    target = board["lines"][0]
    detail = office.get(f"/api/v1/targets/{target['target_id']}").json()
    assert detail["line"]["target_id"] == target["target_id"] and detail["sentence"]["words"]
    assert office.get(f"/targets/{target['target_id']}").text.count(detail["sentence"]["words"][:10]) >= 1
    audit = office.get("/api/v1/audit?limit=50").json()["entries"]
    assert any(e["action"] == "plan.add" and e["actor"] == "t-office" for e in audit)
    assert "plan.add" in office.get("/audit?user=t-office").text
    for path in ("/data", "/data?region=乐山市&indicator=hnte_count", "/enterprises", "/public", "/account"):
        r = office.get(path)
        assert r.status_code == 200 and "<nav" in r.text and "Traceback" not in r.text, path
    # a page's cached content follows the database: a change shows at once
    first = next(line for line in board["lines"] if len(line["plans"]) == 1)
    assert office.post(f"/api/v1/targets/{first['target_id']}/reject").status_code == 200
    assert office.get("/board?as_of=2024-06-30").text.count("data-target=") == len(board["lines"]) - 1
