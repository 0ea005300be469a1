"""Conflicts of interest (利益冲突) between a review expert and an application.

An expert must not review an application when

* **same organisation** (同一单位): the expert works for the applicant, a partner (联合申报
  单位) or a team member's organisation. Organisations are compared by 统一社会信用代码
  when both are known, otherwise by name; a name that extends another ending in an
  organisation word (四川大学 / 四川大学化学学院) counts as the same legal person — the
  conservative reading of 回避 rules, which ask for avoidance of 本单位 including its
  subordinate units;
* **applicant's own staff** (申报单位人员): the expert holds a post there (兼职), or is a
  member of the applying team;
* **past collaboration** (合作关系): the expert declared a collaboration with the
  applicant, a partner or a team member whose last year lies within the call's window
  (近 N 年; a collaboration without a year always counts);
* **declared** (本人申请回避): the expert asked to be excused from this application.

Pure: the caller gives both sides as plain models and gets every reason back, so that a
refused pairing can always be explained.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from innodrive.projects.specs import org_key

ORG_WORDS = ("大学", "学院", "研究院", "研究所", "科学院", "公司", "集团", "中心", "医院", "学校", "实验室")

KIND_LABELS = {
    "same_org": "同一单位",
    "own_staff": "申报单位人员",
    "collaboration": "近年合作",
    "declared": "本人申请回避",
}


class Party(BaseModel):
    """An organisation on the applying side."""

    name: str
    credit_code: str | None = None
    role: str = Field(description="申报单位 / 联合申报单位 / 团队成员单位")


class TeamMember(BaseModel):
    name: str
    organisation: str = ""


class ApplicationSide(BaseModel):
    """What conflict checks need to know about an application."""

    key: str
    parties: list[Party]
    members: list[TeamMember] = Field(default_factory=list)
    year: int = Field(description="the call's year: collaborations are counted back from it")


class ExpertSide(BaseModel):
    key: str
    name: str
    affiliation: str
    affiliation_code: str | None = None
    posts: list[str] = Field(default_factory=list)
    collaborations: list[tuple[str, int | None]] = Field(default_factory=list, description="(with, last year)")
    declared: list[str] = Field(default_factory=list, description="application keys the expert asked to be excused from")


class ConflictReason(BaseModel):
    kind: str
    label: str
    detail: str


def same_org(a: str | None, b: str | None, *, code_a: str | None = None, code_b: str | None = None) -> bool:
    """Whether two organisation names (and optional credit codes) are the same legal person."""
    if code_a and code_b:
        return code_a.strip().upper() == code_b.strip().upper()
    ka, kb = org_key(a), org_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    return len(short) >= 4 and long_.startswith(short) and short.endswith(ORG_WORDS)


def conflicts(expert: ExpertSide, app: ApplicationSide, *, window_years: int) -> list[ConflictReason]:
    """Every reason ``expert`` may not review ``app`` (empty: no conflict)."""
    out: list[ConflictReason] = []

    def add(kind: str, detail: str) -> None:
        out.append(ConflictReason(kind=kind, label=KIND_LABELS[kind], detail=detail))

    orgs = list(app.parties) + [Party(name=m.organisation, role="团队成员单位") for m in app.members if m.organisation]
    for p in orgs:
        if same_org(expert.affiliation, p.name, code_a=expert.affiliation_code,
                    code_b=p.credit_code if p.role != "团队成员单位" else None):
            add("same_org", f"专家工作单位“{expert.affiliation}”与{p.role}“{p.name}”为同一单位")
            break
    for post in expert.posts:
        hit = next((p for p in app.parties if same_org(post, p.name)), None)
        if hit is not None:
            add("own_staff", f"专家在{hit.role}“{hit.name}”任职（兼职单位“{post}”）")
            break
    expert_orgs = [expert.affiliation, *expert.posts]
    for m in app.members:
        if m.name.strip() == expert.name.strip() and (
                not m.organisation or any(same_org(m.organisation, o) for o in expert_orgs)):
            add("own_staff", f"专家本人是申报团队成员（{m.name}）")
            break
    earliest = app.year - window_years
    for with_, until in expert.collaborations:
        if until is not None and until < earliest:
            continue
        when = f"{until}年" if until is not None else "未注明年份"
        hit_org = next((p for p in app.parties if same_org(with_, p.name)), None)
        if hit_org is not None:
            add("collaboration", f"专家申报的合作关系：与{hit_org.role}“{hit_org.name}”（{when}）")
            continue
        hit_member = next((m for m in app.members if m.name.strip() == with_.strip()), None)
        if hit_member is not None:
            add("collaboration", f"专家申报的合作关系：与团队成员{hit_member.name}（{when}）")
    if app.key in expert.declared:
        add("declared", "专家本人申请回避")
    return out
