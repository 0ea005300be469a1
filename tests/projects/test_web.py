"""The project pages over the real application (FastAPI's TestClient): the office's data
entry and decisions, the reviewer's blind pages, the public 公示 list, the JSON API."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from innodrive.projects import example
from innodrive.services import projects as P
from innodrive.services.actor import Actor, Role

from .project_helpers import split

PASSWORD = "test-Passw0rd"
CALL = "JB-2024-01"


@pytest.fixture
def web(store, seeded):
    from fastapi.testclient import TestClient

    from innodrive.services import accounts
    from innodrive.web.app import create_app

    operator = Actor.local_operator("test")
    for username, role, region in (("ls-office", Role.OFFICE, "乐山市"), ("expert", Role.REVIEWER, None),
                                   ("yb-office", Role.OFFICE, "宜宾市"), ("ls-eval", Role.EVALUATOR, "乐山市")):
        accounts.add_user(store, operator, username=username, password=PASSWORD, role=role, name=username,
                          region=region)
    app = create_app(store.url)

    def client(username: str | None):
        c = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
        if username is None:
            from innodrive.accounts.secrets import new_token

            token = new_token()
            c.cookies.set("innodrive_csrf", token)
            c.headers["X-CSRF-Token"] = token
            return c
        signed = accounts.sign_in(store, username=username, password=PASSWORD)
        c.cookies.set("innodrive_session", signed.token)
        c.headers["X-CSRF-Token"] = signed.csrf
        return c

    yield client
    app.state.store.close()


FORM = {
    "title": "副产物制备高纯硅烷（网页代录示例）", "summary": "乐山示例新材料研究院提出硅烷提纯新工艺……（构造示例）",
    "received_on": "2024-04-29", "duration_months": "24", "applicant_kind": "institute",
    "org_name": "乐山示例新材料研究院", "org_region": "乐山市",
    "partners": "乐山示例检测中心",
    "members": "何示例，乐山示例新材料研究院，研究员，项目负责人\n吕示例，乐山示例检测中心，高级工程师，技术骨干",
    "budget": "设备费，120，150\n材料费，80，60",
    "milestones": "完成小试，节点，10，小试报告；专利申请1件，100\n结题验收，结题验收，24，中试验证，100",
    "dishonest": "no", "credit_source": "信用中国查询（示例）", "credit_checked_on": "2024-04-30",
}


def test_the_office_enters_an_application_on_the_applicants_behalf(web, store, office):
    client = web("ls-office")
    r = client.get(f"/projects/calls/{CALL}/apply")
    assert r.status_code == 200 and "代录申报" in r.text and "申报单位不登录系统" in r.text
    files = {"file_0": ("技术方案（匿名）.pdf", b"%PDF-1.4 plan", "application/pdf"),
             "file_1": ("法人证书.pdf", b"%PDF-1.4 licence", "application/pdf")}
    data = {**FORM, "kind_0": "技术方案", "blind_0": "on", "kind_1": "证明材料"}
    r = client.post(f"/projects/calls/{CALL}/apply", data=data, files=files, headers={"hx-request": "true"})
    assert r.status_code == 204, r.text
    target = r.headers["hx-redirect"]
    page = client.get(target)
    assert page.status_code == 200 and "资格审查" in page.text and "符合" in page.text
    assert "乐山示例新材料研究院" in page.text and "技术方案（匿名）.pdf" in page.text
    v = P.get_application(store, office, target.rsplit("/", 1)[1])
    assert [(m.name, m.title) for m in v.members] == [("何示例", "研究员"), ("吕示例", "高级工程师")]
    assert [(b.item, b.fiscal, b.own) for b in v.budget] == [("设备费", 120, 150), ("材料费", 80, 60)]
    assert [(m.title, m.kind, m.due_in_months, m.tranche) for m in v.milestones] == [
        ("完成小试", "milestone", 10, 100), ("结题验收", "final", 24, 100)]
    assert [(a.file_name, a.blind_ok) for a in v.attachments] == [("技术方案（匿名）.pdf", True), ("法人证书.pdf", False)]
    assert office_download(web("ls-office"), v.attachments[1].id) == b"%PDF-1.4 licence"
    # a bad line is reported with its place, and nothing is stored
    bad = {**FORM, "title": "另一份", "org_name": "另一研究所", "budget": "设备费，很多，10"}
    r = client.post(f"/projects/calls/{CALL}/apply", data=bad, headers={"hx-request": "true"})
    assert r.status_code == 422 and r.headers["hx-retarget"] == "#flash"
    assert "第 1 行财政资金应为数字" in r.text


def office_download(client, attachment_id: int) -> bytes:
    r = client.get(f"/projects/attachments/{attachment_id}")
    assert r.status_code == 200 and "filename*=UTF-8''" in r.headers["content-disposition"]
    return r.content


def test_office_pages_run_the_call_to_a_contract(web, store, office):
    c = web("ls-office")
    home = c.get("/projects")
    assert home.status_code == 200 and CALL in home.text and "构造示例" in home.text
    page = c.get(f"/projects/calls/{CALL}")
    assert page.status_code == 200 and "在本市注册的企业或本市高校、科研院所" in page.text
    r = c.post(f"/projects/calls/{CALL}/assign", data={"on": "2024-05-06", "dry_run": "true"})
    assert r.status_code == 200 and "预览" in r.text and "每人评审 1–2 项" in r.text
    r = c.post(f"/projects/calls/{CALL}/assign", data={"on": "2024-05-06", "dry_run": "false"})
    assert "已分配评审专家 15 人次" in r.text
    lines = P.assignments(store, office, CALL)
    base = {f"{CALL}-001": [84, 86, 82, 85, 83], f"{CALL}-003": [75, 30, 76, 74, 77], f"{CALL}-004": [70] * 5}
    seen: dict[str, int] = {}
    for line in lines:
        i = seen.get(line.application_code, 0)
        seen[line.application_code] = i + 1
        form = {f"score_{k}": str(v) for k, v in split(base[line.application_code][i]).items()}
        r = c.post(f"/projects/assignments/{line.assignment_id}/sheet", data={**form, "call": CALL})
        assert r.status_code == 200, r.text
    page = c.get(f"/projects/calls/{CALL}")
    assert 'data-testid="non-consensus"' in page.text and "非共识，需复议" in page.text
    r = c.post(f"/projects/applications/{CALL}-001/select", data={"amount": "350", "reason": "综合排名第一"})
    assert r.status_code == 200 and "已确定拟立项" in r.text
    r = c.post(f"/projects/calls/{CALL}/publicity", data={"start": "2024-06-01", "days": ""})
    assert "已发布公示：2024-06-01 至 2024-06-07" in r.text
    r = c.post(f"/projects/calls/{CALL}/objections", data={"application": f"{CALL}-001", "received": "2024-06-02",
                                                          "submitter": "张某", "contact": "13812345678",
                                                          "text": "质疑数据"})
    assert "已登记异议" in r.text and "138****5678" in r.text and "13812345678" not in r.text
    objection = P.objections(store, office, CALL)[0].id
    c.post(f"/projects/objections/{objection}", data={"decision": "reject", "response": "经核查不成立"})
    r = c.post(f"/projects/calls/{CALL}/publicity/close", data={"on": "2024-06-08"})
    assert "正式立项" in r.text
    contract = yaml.safe_dump(example.contract(amount=350), allow_unicode=True).encode("utf-8")
    r = c.post(f"/projects/applications/{CALL}-001/contract", files={"file": ("合同.yaml", contract, "text/yaml")})
    assert r.status_code == 303 and r.headers["location"] == "/projects/contracts/HT-2024-JB01"
    r = c.post("/projects/contracts/HT-2024-JB01/milestones/2/pay", data={"paid_on": "2024-07-01", "voucher": "X"},
               headers={"hx-request": "true"})
    assert r.status_code == 409 and "尚未验收通过" in r.text
    r = c.post("/projects/contracts/HT-2024-JB01/milestones/1/pay", data={"paid_on": "2024-06-25", "voucher": "GK-1"})
    assert "已拨付，累计 105/350 万元" in r.text
    r = c.post("/projects/contracts/HT-2024-JB01/outputs",
               data={"kind": "invention_patent", "title": "一种方法（示例）", "identifier": "ZL1",
                     "obtained_on": "2025-03-01", "quantity": "1", "amount": ""})
    assert "计入指标" in r.text and "project_invention_patent_grants 2025 年 = 1件" in r.text
    public = web(None).get("/publicity")
    assert public.status_code == 200 and "乐山示例硅材料有限公司" in public.text and "构造示例" in public.text
    assert "13812345678" not in public.text and "138****5678" not in public.text


def test_the_reviewer_sees_blind_pages_only(web, store, office):
    P.assign_reviewers(store, office, CALL, on=dt.date(2024, 5, 6))
    reviewer = web("expert")
    home = reviewer.get("/reviews")
    assert home.status_code == 200 and "我的评审任务" in home.text
    nav = home.text.split('class="main-nav"')[1].split("</nav>")[0]
    assert "我的评审" in nav and "科技项目" not in nav
    mine = [p.assignment_id for p in P.my_reviews(store, Actor(username="expert", role=Role.REVIEWER))]
    assert mine
    identities = []
    for a in P.list_applications(store, office, CALL):
        v = P.get_application(store, office, a.code)
        identities += [v.applicant, *(p.name for p in v.partners), *(m.name for m in v.members)]
        identities += [v.credit_code] if v.credit_code else []
    for number in mine:
        page = reviewer.get(f"/reviews/{number}")
        assert page.status_code == 200 and "盲评：申报单位和团队信息已隐去" in page.text
        for name in identities:
            assert name not in page.text, name
    api = reviewer.get("/api/v1/reviews")
    assert api.status_code == 200 and all(p["identity"] is None for p in api.json())
    for name in identities:
        assert name not in api.text
    others = [x.assignment_id for x in P.assignments(store, office, CALL) if x.assignment_id not in mine]
    r = reviewer.get(f"/reviews/{others[0]}")
    assert r.status_code == 403 and "只能查看本人的评审任务" in r.text
    for path in ("/projects", f"/projects/calls/{CALL}", f"/projects/applications/{CALL}-001",
                 f"/api/v1/projects/calls/{CALL}/ranking"):
        assert reviewer.get(path).status_code == 403, path
    form = {f"score_{k}": str(v) for k, v in split(81).items()}
    r = reviewer.post(f"/reviews/{mine[0]}", data=form)
    assert r.status_code == 200 and "评分已提交：合计 81 分" in r.text
    r = reviewer.post(f"/api/v1/reviews/{others[0]}", json={"scores": split(70)})
    assert r.status_code == 403 and r.json()["error"] == "Forbidden"


def test_scope_and_roles_on_the_pages(web):
    assert web("yb-office").get(f"/projects/calls/{CALL}").status_code == 403
    evaluator = web("ls-eval")
    assert evaluator.get(f"/projects/calls/{CALL}").status_code == 200
    r = evaluator.post(f"/projects/calls/{CALL}/assign", data={"on": "2024-05-06"})
    assert r.status_code == 403
    public = web(None)
    assert public.get("/projects").status_code == 303  # sent to sign in
    assert public.get("/api/v1/publicity").status_code == 200
    nav = public.get("/publicity").text.split('class="main-nav"')[1].split("</nav>")[0]
    assert "立项公示" in nav and "科技项目" not in nav
