"""Sealed snapshots: what was published stays what it was — a later change of the data does
not reach it, and an edit of the stored snapshot is detected (its hash, and the hash the
audit log recorded when it was published)."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from sqlalchemy import select, update
from tests.supervision.world import AS_OF, KJJ, NPC, OFFICE, OTHER_OFFICE, build_world, statistics

from innodrive.errors import Forbidden, InputError
from innodrive.publication.canonical import canonical, seal, verify
from innodrive.publication.db import SnapshotRow
from innodrive.services import data, plans, publication
from innodrive.store.schema import AuditRow


def test_canonical_form_is_one_text_per_content():
    a = {"b": [1, 2.5, None], "a": "红灯", "d": dt.date(2024, 9, 30), "z": -0.0}
    b = {"z": 0.0, "d": "2024-09-30", "a": "红灯", "b": [1, 2.5, None]}
    assert canonical(a) == canonical(b) == '{"a":"红灯","b":[1,2.5,null],"d":"2024-09-30","z":0.0}'
    text, sha = seal(a)
    assert verify(text, sha) == [] and canonical(json.loads(text)) == text
    assert canonical({"x": math.nan, "y": math.inf}) == '{"x":null,"y":null}'  # unknown is null, never a number
    assert verify(text + " ", sha) == ["内容的 SHA-256 与发布时记录的不一致", "内容不是规范序列化的形式"]
    assert verify('{"a": 1}', seal({"a": 1})[1]) != []  # same data, not canonical: refused


def _public():
    from innodrive.services.actor import Actor

    return Actor.public()


def test_a_published_snapshot_does_not_change_when_the_data_changes(initialised_store):
    store = initialised_store
    build_world(store)
    s = publication.publish(store, OFFICE, as_of=AS_OF)
    before = publication.get_snapshot(store, OFFICE, s.id)
    hnte = next(t for t in s.targets if t.indicator == "高新技术企业数量")
    assert hnte.latest_value == 100 and hnte.light == "red" and before.intact
    # the data changes: a revised statistic, a new plan; a later summary differs
    data.import_table(store, OFFICE, statistics({2023: 200, 2024: 260}))
    from innodrive.blobs import Upload

    plans.add_documents(store, OFFICE, [Upload(name="2025要点.txt", data="乐山市科技创新工作要点（构造的测试文件）\n"
                                                                         "一、主要目标\n到2026年，全市技术合同成交额达到88亿元。\n"
                                                                         .encode())])
    later = publication.publish(store, OFFICE, as_of=AS_OF)
    assert next(t for t in later.targets if t.indicator == "高新技术企业数量").latest_value == 200
    after = publication.get_snapshot(store, OFFICE, s.id)
    assert (after.content, after.sha256, after.intact) == (before.content, before.sha256, True)
    assert later.sha256 != s.sha256
    with store.read() as session:
        logged = session.scalar(select(AuditRow.after).where(AuditRow.action == "publication.publish",
                                                             AuditRow.entity_id == str(s.id)))
    assert logged["sha256"] == s.sha256
    # the public sees the newest intact summary of the region; withdrawing it shows the older one
    assert [x.id for x in publication.published(store, _public())] == [later.id]
    publication.withdraw(store, OFFICE, later.id)
    shown = publication.published(store, _public())
    assert [x.id for x in shown] == [s.id] and shown[0].targets == s.targets


def test_tampering_with_a_stored_snapshot_is_detected(initialised_store):
    store = initialised_store
    build_world(store)
    s = publication.publish(store, OFFICE, as_of=AS_OF)
    with store.read() as session:
        original = session.get(SnapshotRow, s.id).content
    forged = original.replace('"latest_value":100.0', '"latest_value":280.0')
    assert forged != original
    with store.write() as session:
        session.execute(update(SnapshotRow).where(SnapshotRow.id == s.id).values(content=forged))
    got = publication.get_snapshot(store, OFFICE, s.id)
    assert not got.intact and "内容的 SHA-256 与发布时记录的不一致" in got.problems
    assert publication.published(store, _public()) == []  # never shown to the public
    # rewriting the stored hash as well: the audit log still holds the published one
    with store.write() as session:
        session.execute(update(SnapshotRow).where(SnapshotRow.id == s.id)
                        .values(sha256=seal(json.loads(forged))[1]))
    got = publication.get_snapshot(store, OFFICE, s.id)
    assert got.problems == ["快照记录的 SHA-256 与发布时写入审计日志的不一致"]
    assert [x.intact for x in publication.snapshots(store, OFFICE)] == [False]


def test_rights_over_snapshots(initialised_store):
    store = initialised_store
    build_world(store)
    for who in (KJJ, NPC):
        with pytest.raises(Forbidden):
            publication.publish(store, who, as_of=AS_OF)
    with pytest.raises(Forbidden, match="本辖区"):
        publication.publish(store, OTHER_OFFICE, region="乐山市", as_of=AS_OF)
    npc = publication.publish_npc(store, OFFICE, as_of=AS_OF)
    assert publication.get_snapshot(store, NPC, npc.id).intact
    with pytest.raises(Forbidden):
        publication.get_snapshot(store, KJJ, npc.id)
    with pytest.raises(Forbidden):
        publication.get_snapshot(store, _public(), npc.id)
    assert [x.kind for x in publication.snapshots(store, _public())] == []
    with pytest.raises(InputError, match="无法识别的快照类别"):
        publication.snapshots(store, OFFICE, kind="secret")


def test_published_summaries_of_an_older_database_move_into_sealed_snapshots(empty_db_url):
    from sqlalchemy import text

    from innodrive.store import Store, migrate

    store = Store(empty_db_url)
    migrate.upgrade(store, "0006_web_accounts")
    payload = {"counts": {"red": 1}, "targets": [{"plan": "要点", "indicator": "高新技术企业数量", "goal": "300家",
                                                   "light": "red", "label": "明显滞后", "latest_value": 100.0,
                                                   "latest_period": "2023", "unit": "家"}]}
    with store.write() as session:
        session.execute(text("INSERT INTO published_summaries (id, region_code, title, as_of, payload, published_at, "
                             "published_by) VALUES (7, NULL, '旧摘要', '2024-06-30', :p, '2024-07-01 08:00:00', "
                             "'old-office')"), {"p": json.dumps(payload, ensure_ascii=False)})
    migrate.upgrade(store)
    s = publication.get_snapshot(store, OFFICE, 7)
    assert s.intact and s.kind == "public" and s.content["targets"] == payload["targets"]
    assert [x.id for x in publication.published(store, _public())] == [7]
    migrate.downgrade(store, "0006_web_accounts")
    with store.read() as session:
        row = session.execute(text("SELECT title, payload FROM published_summaries WHERE id = 7")).one()
    assert row[0] == "旧摘要"
    back = row[1] if isinstance(row[1], dict) else json.loads(row[1])
    assert back == payload
    store.close()
