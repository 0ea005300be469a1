"""Constructed example data: one 揭榜挂帅 call from 榜单 to contract.

Everything here is invented for demonstration and tests — the call, the firms (with
made-up but checksum-valid 统一社会信用代码), the teams and the experts — and is
marked as constructed wherever it appears (``constructed: true`` on the call and the
applications, "示例" in every name). It shows the file formats the office writes and
exercises the cases a review must handle: an applicant registered too recently, one
whose credit check is still missing, a university team, and experts who must be kept
away from applications by every kind of conflict of interest.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from innodrive.enterprises.credit_code import check_char

LABEL = "构造示例（非真实数据）"


def credit_code(seq: int, region: str = "511100") -> str:
    """A checksum-valid, obviously invented 统一社会信用代码 (``91`` + region + ``MA`` + seq)."""
    first17 = f"91{region}MA{seq:07d}"[:17].replace("I", "1").replace("O", "0")
    return first17 + check_char(first17)


SILICON = credit_code(1001)
YOUNG = credit_code(1002)
PHOTON = credit_code(1003)


def enterprises() -> list[dict]:
    """Directory entries of the constructed applicants (as ``innodrive.enterprises.directory.Enterprise``)."""
    return [
        {"credit_code": SILICON, "name": "乐山示例硅材料有限公司", "region_code": "511102", "industry": "新材料",
         "size_class": "中型", "established": dt.date(2015, 6, 18),
         "verdicts": {"hnte": {"state": "pass", "version": "most-2016", "on": "2024-03-31"}}, "source": LABEL},
        {"credit_code": YOUNG, "name": "乐山示例新能源科技有限公司", "region_code": "511112", "industry": "新能源",
         "size_class": "小型", "established": dt.date(2023, 9, 1),
         "verdicts": {"tech_sme": {"state": "pass", "version": "most-2017", "on": "2024-03-31"}}, "source": LABEL},
        {"credit_code": PHOTON, "name": "乐山示例光电材料股份有限公司", "region_code": "511102", "industry": "新材料",
         "size_class": "中型", "established": dt.date(2012, 3, 5),
         "verdicts": {"hnte": {"state": "pass", "version": "most-2016", "on": "2024-03-31"}}, "source": LABEL},
    ]


def call(*, plan_task: int | None = None) -> dict:
    return {
        "code": "JB-2024-01",
        "title": "高纯晶硅副产物高值化利用关键技术（示例榜单）",
        "kind": "揭榜挂帅",
        "constructed": True,
        "problem": "（构造示例）研发四氯化硅等副产物制备电子级材料的工艺，建成中试线，副产物综合利用率达到 95% 以上。",
        "issuer": "乐山市科学技术局（示例）",
        "region": "乐山市",
        "field": "新材料",
        "quota": 500,
        "max_awards": 1,
        "opens_on": "2024-03-01",
        "deadline": "2024-04-30",
        "plan_task": plan_task,
        "source": "《关于发布2024年度揭榜挂帅榜单的通知》（示例，非真实文件）",
        "eligibility": {
            "C1": {"label": "在本市注册的企业或本市高校、科研院所", "basis": "榜单“揭榜条件”第一条", "test": "in_region == 1"},
            "C2a": {"label": "企业成立满一年", "basis": "榜单“揭榜条件”第一条", "test": "established <= years_back(ON_DAY, 1)"},
            "C2b": {"label": "高校或科研院所", "test": "is_academic == 1"},
            "C2": {"label": "成立时间条件", "basis": "榜单“揭榜条件”第一条", "any": ["C2a", "C2b"]},
            "C3": {"label": "无严重失信记录", "basis": "榜单“揭榜条件”第二条", "test": "dishonest == 0"},
            "C4a": {"label": "高新技术企业", "test": "hnte == 1"},
            "C4b": {"label": "科技型中小企业", "test": "tech_sme == 1"},
            "C4": {"label": "高新技术企业、科技型中小企业或高校院所", "basis": "榜单“揭榜条件”第三条", "any": ["C4a", "C4b", "C2b"]},
            "C5": {"label": "自筹资金不低于申请财政资金", "basis": "榜单“经费要求”", "test": "self_funding >= requested"},
            "C6": {"label": "申请财政资金不超过榜额", "basis": "榜单“经费要求”", "test": "requested <= quota"},
        },
        "criteria": [
            {"id": "tech", "label": "技术方案先进性与可行性", "max": 40},
            {"id": "team", "label": "团队能力与工作基础", "max": 25},
            {"id": "budget", "label": "经费预算合理性", "max": 15},
            {"id": "benefit", "label": "预期经济社会效益", "max": 20},
        ],
        "review": {"reviewers": 5, "blind": True, "aggregation": "trimmed_mean", "trim": 1,
                   "disagreement": {"measure": "range", "threshold": 25}, "collaboration_years": 3},
        "publicity_days": 7,
    }


def _budget(fiscal: float, own: float) -> list[dict]:
    return [
        {"item": "设备费", "fiscal": round(fiscal * 0.5, 2), "self": round(own * 0.6, 2)},
        {"item": "材料费", "fiscal": round(fiscal * 0.3, 2), "self": round(own * 0.3, 2)},
        {"item": "测试化验加工费", "fiscal": round(fiscal - round(fiscal * 0.5, 2) - round(fiscal * 0.3, 2), 2),
         "self": round(own - round(own * 0.6, 2) - round(own * 0.3, 2), 2)},
    ]


def _milestones() -> list[dict]:
    return [
        {"title": "完成工艺小试", "due_in_months": 8, "deliverables": ["小试工艺包", "发明专利申请 2 件"], "tranche": 150},
        {"title": "中期检查", "kind": "中期检查", "due_in_months": 12, "deliverables": ["中期报告"], "tranche": 100},
        {"title": "建成中试线并结题", "kind": "结题验收", "due_in_months": 24,
         "deliverables": ["中试线 1 条", "副产物综合利用率 ≥95%", "发明专利授权 1 件"], "tranche": 100},
    ]


def applications() -> list[dict]:
    """Four constructed applications to ``JB-2024-01`` (attachments omitted)."""
    base = {"call": "JB-2024-01", "constructed": True, "duration_months": 24, "milestones": _milestones()}
    return [
        {**base, "title": "四氯化硅制备电子级二氧化硅成套工艺（示例）", "received_on": "2024-04-20",
         "summary": "乐山示例硅材料有限公司依托省级企业技术中心，提出氯化—水解—提纯三段工艺……（构造示例）",
         "applicant": {"kind": "enterprise", "credit_code": SILICON},
         "partners": [{"name": "乐山示例学院"}],
         "members": [{"name": "王示例", "organisation": "乐山示例硅材料有限公司", "title": "正高级工程师", "role": "项目负责人"},
                     {"name": "赵示例", "organisation": "乐山示例学院", "title": "教授", "role": "技术骨干"},
                     {"name": "钱示例", "organisation": "乐山示例硅材料有限公司", "title": "工程师", "role": "技术骨干"}],
         "budget": _budget(400, 600),
         "credit_check": {"dishonest": False, "source": "信用中国查询（示例）", "checked_on": "2024-04-22"}},
        {**base, "title": "副产物低温转化新路线（示例）", "received_on": "2024-04-25",
         "summary": "提出低温催化转化路线，降低能耗……（构造示例）",
         "applicant": {"kind": "enterprise", "credit_code": YOUNG},
         "members": [{"name": "孙示例", "organisation": "乐山示例新能源科技有限公司", "title": "高级工程师", "role": "项目负责人"}],
         "budget": _budget(300, 300),
         "credit_check": {"dishonest": False, "source": "信用中国查询（示例）", "checked_on": "2024-04-26"}},
        {**base, "title": "硅基副产物制备高端光学材料（示例）", "received_on": "2024-04-28",
         "summary": "利用副产物合成光学级材料，团队在光学薄膜方面有十年积累……（构造示例）",
         "applicant": {"kind": "enterprise", "credit_code": PHOTON},
         "members": [{"name": "周示例", "organisation": "乐山示例光电材料股份有限公司", "title": "研究员", "role": "项目负责人"},
                     {"name": "吴示例", "organisation": "乐山示例光电材料股份有限公司", "title": "高级工程师", "role": "技术骨干"}],
         "budget": _budget(450, 500),
         "credit_check": {"dishonest": False, "source": "信用中国查询（示例）", "checked_on": "2024-04-29"}},
        {**base, "title": "副产物资源化利用机理与工艺（示例）", "received_on": "2024-04-29",
         "summary": "从反应机理出发优化工艺参数……（构造示例）",
         "applicant": {"kind": "university", "name": "乐山示例学院", "region": "乐山市"},
         "members": [{"name": "郑示例", "organisation": "乐山示例学院", "title": "教授", "role": "项目负责人"},
                     {"name": "冯示例", "organisation": "乐山示例学院", "title": "副教授", "role": "技术骨干"}],
         "budget": _budget(200, 200),
         "credit_check": {"dishonest": False, "source": "信用中国查询（示例）", "checked_on": "2024-04-30"}},
    ]


def experts() -> list[dict]:
    """A constructed pool of ten 新材料 experts with declared posts and collaborations."""
    def e(name, org, **kw):
        return {"name": name, "affiliation": org, "title": kw.pop("title", "教授"), "fields": kw.pop("fields", ["新材料"]),
                **kw}

    return [
        e("甲示例", "四川示例大学", username="expert"),
        e("乙示例", "四川示例大学材料学院", collaborations=[{"with": "乐山示例硅材料有限公司", "until": 2023}]),
        e("丙示例", "成都示例研究院", title="研究员", posts=["乐山示例光电材料股份有限公司"]),
        e("丁示例", "乐山示例学院"),
        e("戊示例", "西南示例理工大学", collaborations=[{"with": "周示例", "until": 2018}]),
        e("己示例", "重庆示例大学"),
        e("庚示例", "绵阳示例研究所", title="研究员"),
        e("辛示例", "成都示例科技有限公司", title="正高级工程师", fields=["新材料", "电子信息"]),
        e("壬示例", "贵州示例大学"),
        e("癸示例", "昆明示例研究院", title="研究员", fields=["电子信息", "新材料"]),
    ]


def contract(*, amount: float = 350) -> dict:
    """The contract of the selected application: a first tranche on signing, then milestones."""
    first = round(amount * 0.3, 2)
    mid = round(amount * 0.3, 2)
    last = round(amount - first - mid, 2)
    return {
        "code": "HT-2024-JB01",
        "signed_on": "2024-06-20",
        "starts_on": "2024-07-01",
        "ends_on": "2026-06-30",
        "milestones": [
            {"title": "合同签订，拨付首期资金", "kind": "start", "due_on": "2024-06-20", "tranche": first},
            {"title": "中期检查", "kind": "midterm", "due_on": "2025-06-30", "deliverables": ["小试工艺包", "中期报告"],
             "tranche": mid},
            {"title": "建成中试线并结题验收", "kind": "final", "due_on": "2026-06-30",
             "deliverables": ["中试线 1 条", "副产物综合利用率 ≥95%", "发明专利授权 1 件"], "tranche": last},
        ],
    }


def write_files(folder: Path) -> list[Path]:
    """The example as the files the office writes (call, applications, experts, contract)."""
    import yaml

    from innodrive.safeio import atomic_write

    folder.mkdir(parents=True, exist_ok=True)
    head = f"# {LABEL}：innodrive 揭榜挂帅示例，所有单位、人员和数字均为虚构。\n"

    def dump(name: str, data) -> Path:
        text = head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
        return atomic_write(folder / name, text.encode("utf-8"), what="示例文件")

    paths = [dump("企业名录.yaml", [{**e, "established": e["established"].isoformat()} for e in enterprises()]),
             dump("榜单.yaml", call()), dump("评审专家.yaml", experts())]
    for i, a in enumerate(applications(), start=1):
        paths.append(dump(f"申报{i}.yaml", a))
    paths.append(dump("合同.yaml", contract()))
    return paths


def load_into(store, actor) -> list[str]:
    """Register the example in a database through the use cases (as the office would):
    the firms in the directory, the call, the four applications and the experts."""
    from innodrive.enterprises.directory import Enterprise
    from innodrive.projects.specs import ApplicationSpec, CallSpec, ExpertSpec, parse
    from innodrive.services import projects as P
    from innodrive.services.enterprise_directory import register_enterprises

    lines = []
    r = register_enterprises(store, actor, [Enterprise(**e) for e in enterprises()], file=LABEL)
    lines.append(f"企业名录：新增 {r.added} 家，更新 {r.updated} 家（{LABEL}）")
    v = P.declare_call(store, actor, parse(CallSpec, call(), what="示例榜单"), replace=True)
    lines.append(f"榜单 {v.code}：{v.title}")
    for a in applications():
        app = P.enter_application(store, actor, parse(ApplicationSpec, a, what="示例申报"))
        lines.append(f"申报 {app.code}：{app.title}（资格审查{app.eligibility.state_label}）")
    e = P.register_experts(store, actor, [parse(ExpertSpec, x, what="示例专家") for x in experts()], file=LABEL)
    lines.append(f"评审专家：新增 {e.added} 人")
    return lines
