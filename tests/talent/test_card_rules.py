"""英才卡 and service entitlements on constructed people: every category, both kinds of
引进方式, and each edge of the age and arrival conditions, with the explanation."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from innodrive.errors import Conflict, InputError
from innodrive.talent import cards, catalogue
from innodrive.talent.cards import Facts, decide_card, decide_service, entitlements

ON = dt.date(2024, 6, 30)
RULES = cards.rules_for(ON)


def facts(category, employment="全职", *, birth=dt.date(1980, 1, 1), arrival=dt.date(2022, 1, 1), departure=None):
    return Facts(category=category, employment=employment, birth_date=birth, arrival_date=arrival,
                 departure_date=departure)


@pytest.mark.parametrize("category, employment, card, rule", [
    ("A", "全职", "A", "card-a"), ("A", "柔性", "B", "card-b-flex"),
    ("B", "全职", "A", "card-a"), ("B", "柔性", "B", "card-b-flex"),
    ("C", "全职", "B", "card-b"), ("C", "柔性", None, "no-card"),
    ("D", "全职", "B", "card-b"), ("D", "柔性", None, "no-card"),
    ("E", "全职", "C", "card-c-young"), ("E", "柔性", None, "no-card"),
    (None, "全职", None, "no-card"),
])
def test_each_category_and_employment_gets_its_card(category, employment, card, rule):
    d = decide_card(RULES, facts(category, employment, birth=dt.date(1990, 5, 5)), ON)
    assert (d.card, d.rule_id, d.granted) == (card, rule, card is not None)
    assert d.rules_version == "example-1" and d.rules_status == "example"
    assert "示例" in d.rules and d.sources and d.article
    if card:
        assert d.card_name == RULES.cards[card].name and d.reason.startswith(f"发放{d.card_name}")
        assert all(c.ok for c in d.checks)
    else:
        assert d.reason.startswith("不发放英才卡") and d.not_met  # every earlier rule says why it did not apply


def test_age_edge_of_the_young_talent_card_is_the_41st_birthday():
    born = dt.date(1984, 6, 30)
    day_before = decide_card(RULES, facts("E", birth=born), dt.date(2025, 6, 29))
    birthday = decide_card(RULES, facts("E", birth=born), dt.date(2025, 6, 30))
    assert day_before.card == "C" and [c.actual for c in day_before.checks if c.label == "年龄"] == ["40周岁"]
    assert birthday.card is None
    assert "年龄为41周岁，要求不超过40周岁" in birthday.reason


def test_a_29_february_birthday_turns_41_on_1_march():
    born = dt.date(1984, 2, 29)
    assert decide_card(RULES, facts("E", birth=born), dt.date(2025, 2, 28)).card == "C"
    assert decide_card(RULES, facts("E", birth=born), dt.date(2025, 3, 1)).card is None


def test_arrival_edge_is_the_fifth_anniversary():
    arrived = dt.date(2020, 3, 15)
    assert decide_card(RULES, facts("E", arrival=arrived, birth=dt.date(1995, 1, 1)), dt.date(2025, 3, 14)).card == "C"
    late = decide_card(RULES, facts("E", arrival=arrived, birth=dt.date(1995, 1, 1)), dt.date(2025, 3, 15))
    assert late.card is None and "到岗未满5年（2025-03-15 前）" in late.reason


def test_someone_who_has_left_gets_no_card_from_the_day_of_leaving():
    f = facts("A", departure=dt.date(2024, 6, 30))
    assert decide_card(RULES, f, dt.date(2024, 6, 29)).card == "A"
    gone = decide_card(RULES, f, dt.date(2024, 6, 30))
    assert gone.card is None and gone.rule_id == "departed" and "2024-06-30 已离开" in gone.reason


@pytest.mark.parametrize("card, employment, allowed", [
    ("A", "全职", {"housing", "schooling", "spouse_job", "medical", "travel", "hukou"}),
    ("B", "全职", {"housing", "schooling", "spouse_job", "medical", "hukou"}),
    ("B", "柔性", {"schooling", "medical"}),
    ("C", "全职", {"schooling", "medical", "hukou"}),
    (None, "全职", set()),
])
def test_which_services_each_card_opens(card, employment, allowed):
    got = {d.service for d in entitlements(RULES, facts("C", employment), card=card, on=ON) if d.granted}
    assert got == allowed


def test_a_refused_service_says_which_condition_failed_and_the_granted_one_names_unit_and_limit():
    housing = RULES.service("housing")
    no = decide_service(RULES, facts("A", "柔性"), housing, card="B", on=ON)
    assert not no.granted and no.reason == "不能申请人才安居：引进方式为柔性，要求全职"
    yes = decide_service(RULES, facts("A"), housing, card="A", on=ON)
    assert yes.granted and yes.reason == "可以申请人才安居（市住建局办理，时限15个工作日）"
    assert yes.article == "示例第六条" and yes.rules_version == "example-1"


def test_validity_and_renewal_window():
    assert cards.validity_end(RULES, "A", dt.date(2024, 6, 30)) == dt.date(2029, 6, 29)
    assert cards.validity_end(RULES, "B", dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)
    with pytest.raises(Conflict, match="可在到期前 90 天内（2027-03-31 起）办理续期"):
        cards.renewal_end(RULES, "B", valid_to=dt.date(2027, 6, 29), on=dt.date(2027, 3, 30))
    # in time: the validity runs on from the old expiry
    assert cards.renewal_end(RULES, "B", valid_to=dt.date(2027, 6, 29), on=dt.date(2027, 3, 31)) == dt.date(2030, 6, 29)
    # lapsed: from the renewal day
    assert cards.renewal_end(RULES, "B", valid_to=dt.date(2027, 6, 29), on=dt.date(2027, 9, 1)) == dt.date(2030, 8, 31)


def test_an_official_file_of_the_office_wins_over_the_example(tmp_path, monkeypatch):
    folder = tmp_path / "rules" / "talent"
    folder.mkdir(parents=True)
    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path))
    from importlib import resources

    text = resources.files("innodrive.talent").joinpath("rules/catalogue-example.yaml").read_text(encoding="utf-8")
    text = (text.replace("version: example-1", "version: city-2025").replace("status: example", "status: official")
            .replace("effective_from: 2016-01-01", "effective_from: 2025-01-01")
            .replace("title: 人才分类目录（示例）", "title: 某市高层次人才分类目录（构造的正式文件）"))
    (folder / "catalogue-city.yaml").write_text(text, encoding="utf-8")
    catalogue.reload()
    try:
        assert catalogue.catalogue_for(dt.date(2024, 12, 31)).version == "example-1"
        assert catalogue.catalogue_for(dt.date(2025, 1, 1)).version == "city-2025"
        assert catalogue.catalogue_for(dt.date(2025, 1, 1), version="example-1").status == "example"
    finally:
        monkeypatch.delenv("INNODRIVE_HOME")
        catalogue.reload()


def test_a_broken_rule_file_is_refused_with_its_name(tmp_path, monkeypatch):
    folder = tmp_path / "rules" / "talent"
    folder.mkdir(parents=True)
    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path))
    (folder / "cards-bad.yaml").write_text(textwrap.dedent("""\
        kind: talent_cards
        title: 错误的规则
        version: bad-1
        status: official
        effective_from: 2025-01-01
        source: [测试]
        catalogue: example-1
        card_number_prefix: YC
        cards: {A: {name: A卡, validity_years: 5}}
        renewal: {window_days: 30}
        issue_rules:
          - {id: a, label: A类, card: A, when: {categories: [A, Z]}}
          - {id: none, label: 其他, card: null, when: {}}
        services: []
        satisfaction: {source: x, levels: {1: 差, 2: 好}, satisfied_at_least: 2}
        """), encoding="utf-8")
    cards.reload()
    try:
        with pytest.raises(InputError, match="cards-bad.yaml.*没有的人才类别：Z"):
            cards.rules_for(dt.date(2025, 6, 1))
    finally:
        monkeypatch.delenv("INNODRIVE_HOME")
        cards.reload()
