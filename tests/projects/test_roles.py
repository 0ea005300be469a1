"""Role tests: a reviewer sees only their own assignments, blind — no applicant identity —
and nothing else; the public sees the 公示 list only."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.errors import Forbidden
from innodrive.projects import example
from innodrive.projects.specs import ApplicationSpec, CallSpec, parse
from innodrive.services import projects as P
from innodrive.services.actor import Actor, Role

from .project_helpers import AFTER_DEADLINE, split

CALL = "JB-2024-01"
REVIEWER = Actor(username="expert", name="甲示例", role=Role.REVIEWER, via="web")


@pytest.fixture
def with_attachments(store, office, seeded):
    """A fifth application with an anonymised technical plan and an identifying licence."""
    spec = parse(ApplicationSpec, {
        **example.applications()[3], "title": "副产物高值化利用路线比较（示例）",
        "applicant": {"kind": "institute", "name": "乐山示例职业技术学院研究所", "region": "乐山市"},
        # partners that exclude five of the ten experts, so that 甲 is certainly among the five reviewers
        "partners": [{"name": n} for n in ("成都示例研究院", "乐山示例学院", "西南示例理工大学", "重庆示例大学", "绵阳示例研究所")],
        "members": [{"name": "陈示例", "organisation": "乐山示例职业技术学院研究所", "title": "研究员"}],
        "summary": "乐山示例职业技术学院研究所陈示例团队提出路线比较方法……（构造示例）",
        "attachments": [{"file": "技术方案（匿名）.pdf", "kind": "技术方案", "blind": True},
                        {"file": "法人证书.pdf", "kind": "证明材料", "blind": False}]})
    files = [P.NewAttachment(name="技术方案（匿名）.pdf", data=b"%PDF-1.4 anonymised plan", kind="技术方案", blind=True),
             P.NewAttachment(name="法人证书.pdf", data=b"%PDF-1.4 licence of the institute", kind="证明材料")]
    app = P.enter_application(store, office, spec, attachments=files)
    P.assign_reviewers(store, office, CALL, on=AFTER_DEADLINE)
    return app


def _identities(store, office) -> list[str]:
    out = []
    for a in P.list_applications(store, office, CALL):
        v = P.get_application(store, office, a.code)
        out += [v.applicant, *(p.name for p in v.partners), *(m.name for m in v.members)]
        if v.credit_code:
            out.append(v.credit_code)
    return out


def test_a_reviewer_sees_only_their_assignments_and_no_identity_in_blind_mode(store, office, with_attachments):
    packets = P.my_reviews(store, REVIEWER)
    mine = [x for x in P.assignments(store, office, CALL) if x.expert_name == "甲示例" and x.state == "assigned"]
    assert sorted(p.assignment_id for p in packets) == sorted(x.assignment_id for x in mine) and packets
    identities = _identities(store, office)
    for p in packets:
        assert p.blind and p.identity is None
        dumped = p.model_dump_json()
        for name in identities:
            assert name not in dumped, f"{name} leaks into the reviewer's packet"
        # the short form of a firm's name and the applicant's own phrasing are masked in the prose
        assert "乐山示例硅材料" not in dumped and "陈示例" not in dumped
        assert all(a.blind_ok for a in p.attachments)


def test_a_reviewer_cannot_reach_identities_or_other_assignments(store, office, with_attachments):
    for call in (lambda: P.get_application(store, REVIEWER, with_attachments.code),
                 lambda: P.list_applications(store, REVIEWER, CALL),
                 lambda: P.ranking(store, REVIEWER, CALL),
                 lambda: P.get_call(store, REVIEWER, CALL),
                 lambda: P.list_experts(store, REVIEWER),
                 lambda: P.assignments(store, REVIEWER, CALL),
                 lambda: P.assign_reviewers(store, REVIEWER, CALL, on=AFTER_DEADLINE)):
        with pytest.raises(Forbidden):
            call()
    others = [x for x in P.assignments(store, office, CALL) if x.expert_name != "甲示例"]
    with pytest.raises(Forbidden, match="本人的评审任务"):
        P.review_packet(store, REVIEWER, others[0].assignment_id)
    with pytest.raises(Forbidden, match="本人的评审任务"):
        P.submit_scores(store, REVIEWER, others[0].assignment_id, split(80))


def test_a_reviewer_opens_only_anonymised_attachments_of_their_own_assignments(store, office, with_attachments):
    plan, licence = with_attachments.attachments
    reviewers = {x.expert_name for x in P.assignments(store, office, CALL) if x.application_code == with_attachments.code}
    assert reviewers == {"甲示例", "乙示例", "辛示例", "壬示例", "癸示例"}
    assert P.attachment(store, REVIEWER, plan.id) == ("技术方案（匿名）.pdf", b"%PDF-1.4 anonymised plan")
    with pytest.raises(Forbidden, match="匿名处理"):
        P.attachment(store, REVIEWER, licence.id)
    assert P.attachment(store, office, licence.id)[1] == b"%PDF-1.4 licence of the institute"
    # an attachment of an application 甲 does not review
    P.recuse(store, office, next(x.assignment_id for x in P.assignments(store, office, CALL)
                                 if x.application_code == with_attachments.code and x.expert_name == "甲示例"),
             reason="测试：回避后不能再看附件")
    with pytest.raises(Forbidden, match="本人评审任务"):
        P.attachment(store, REVIEWER, plan.id)


def test_a_reviewer_scores_their_own_assignment_and_the_audit_names_them(store, office, with_attachments):
    from innodrive.store import audit

    packet = P.my_reviews(store, REVIEWER)[0]
    v = P.submit_scores(store, REVIEWER, packet.assignment_id, split(82), comment="技术路线清晰")
    assert v.total == 82 and v.submitted_by == "expert"
    with store.read() as session:
        entry = [e for e in audit.entries(session) if e.action == "project_review.score"][-1]
    assert entry.actor == "expert" and "甲示例" in entry.summary
    assert P.review_packet(store, REVIEWER, packet.assignment_id).submitted.total == 82


def test_identity_is_shown_when_the_call_is_not_blind(store, office):
    data = example.call()
    data.update(code="ZX-2024-02", title="示例定向委托项目（非盲评）", kind="定向委托",
                review={**data["review"], "blind": False, "reviewers": 9})
    from innodrive.enterprises.directory import Enterprise
    from innodrive.projects.specs import ExpertSpec
    from innodrive.services.enterprise_directory import register_enterprises

    register_enterprises(store, office, [Enterprise(**e) for e in example.enterprises()])
    P.declare_call(store, office, parse(CallSpec, data))
    # the 光电 firm's application: only 丙 (who holds a post there) is excluded, so 9 reviewers include 甲
    P.enter_application(store, office, parse(ApplicationSpec, {**example.applications()[2], "call": "ZX-2024-02"}))
    P.register_experts(store, office, [parse(ExpertSpec, e) for e in example.experts()])
    P.assign_reviewers(store, office, "ZX-2024-02", on=AFTER_DEADLINE)
    [packet] = P.my_reviews(store, REVIEWER)
    assert not packet.blind and packet.identity.applicant == "乐山示例光电材料股份有限公司"
    assert [m.name for m in packet.identity.members] == ["周示例", "吴示例"]


def test_the_public_sees_the_publicity_list_and_nothing_else(store, office, seeded):
    public = Actor.public()
    assert P.publicity_notices(store, public) == []
    for call in (lambda: P.list_calls(store, public), lambda: P.get_call(store, public, CALL),
                 lambda: P.my_reviews(store, public), lambda: P.project_board(store, public)):
        with pytest.raises(Forbidden):
            call()


def test_the_office_enters_a_paper_sheet_for_an_expert(store, office, seeded):
    P.assign_reviewers(store, office, CALL, on=dt.date(2024, 5, 6))
    line = P.assignments(store, office, CALL)[0]
    v = P.submit_scores(store, office, line.assignment_id, split(75))
    assert v.submitted_by == f"{office.username}（代 {line.expert_name} 录入）"


def test_a_tampered_attachment_is_refused(store, office, with_attachments):
    from innodrive.blobs import default_blob_store
    from innodrive.errors import InputError

    licence = with_attachments.attachments[1]
    path = default_blob_store().root / licence.sha256[:2] / licence.sha256
    assert path.read_bytes() == b"%PDF-1.4 licence of the institute"
    path.write_bytes(b"replaced after it was handed in")
    with pytest.raises(InputError, match="校验值不符"):
        P.attachment(store, office, licence.id)
