"""Storing and reading chains inside the caller's transaction (the service owns it)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from innodrive.chains.db import ChainEnterpriseRow, ChainNodeRow, ChainPlatformRow, ChainRow, ChainTargetRow
from innodrive.chains.models import ChainSpec, ChainView, NodeView, PlatformSpec, TargetSpec
from innodrive.errors import NotFound
from innodrive.store.schema import utcnow


def save(session: Session, spec: ChainSpec, *, actor: str, file: str | None = None) -> tuple[int, bool]:
    """Create or replace the chain ``spec.key``; returns (chain id, replaced?).

    Enterprises not yet in the enterprise directory are registered there (name and
    region from the chain file); firms already known keep what the directory says.
    """
    from innodrive.enterprises import directory
    from innodrive.enterprises.directory import Enterprise

    known = directory.get_many(session, [e.credit_code for e in spec.enterprises])
    new = {}
    for e in spec.enterprises:
        if e.credit_code not in known and e.credit_code not in new:
            new[e.credit_code] = Enterprise(credit_code=e.credit_code, name=e.name, region_code=e.region_code,
                                            source=f"产业链 {spec.name}" + ("（构造示例）" if spec.example else ""))
    if new:
        directory.register(session, list(new.values()), actor=actor, file=file)
    row = session.scalar(select(ChainRow).where(ChainRow.key == spec.key))
    replaced = row is not None
    if row is None:
        row = ChainRow(key=spec.key, name=spec.name, updated_at=utcnow(), updated_by=actor, example=spec.example)
        session.add(row)
        session.flush()
    else:
        for table in (ChainNodeRow, ChainEnterpriseRow, ChainPlatformRow, ChainTargetRow):
            session.execute(delete(table).where(table.chain_id == row.id))
    row.name, row.region_code, row.description = spec.name, spec.region_code, spec.description
    row.source, row.example, row.updated_at, row.updated_by = spec.source, spec.example, utcnow(), actor
    for i, n in enumerate(spec.nodes):
        session.add(ChainNodeRow(chain_id=row.id, code=n.code, name=n.name, segment=n.segment, parent_code=n.parent,
                                 ordinal=i, note=n.note))
    for e in spec.enterprises:
        session.add(ChainEnterpriseRow(chain_id=row.id, node_code=e.node, credit_code=e.credit_code,
                                       leader=e.leader, note=e.note))
    for p in spec.platforms:
        session.add(ChainPlatformRow(chain_id=row.id, node_code=p.node, name=p.name, level=p.level, kind=p.kind))
    for t in spec.targets:
        session.add(ChainTargetRow(chain_id=row.id, node_code=t.node, text=t.text, value=t.value, unit=t.unit,
                                   year=t.year, plan_target_id=t.plan_target_id))
    session.flush()
    return row.id, replaced


def chain_row(session: Session, key: str) -> ChainRow:
    row = session.scalar(select(ChainRow).where(ChainRow.key == key))
    if row is None:
        keys = session.scalars(select(ChainRow.key).order_by(ChainRow.key)).all()
        raise NotFound(f"没有代码为“{key}”的产业链；现有：{'、'.join(keys) or '无（请先导入）'}", field="chain")
    return row


def list_chains(session: Session) -> list[ChainRow]:
    return list(session.scalars(select(ChainRow).order_by(ChainRow.key)))


def view(session: Session, key: str) -> ChainView:
    """The chain with its nodes, enterprises (with directory verdicts), platforms, targets and gaps."""
    from innodrive.enterprises import directory
    from innodrive.regions import all_regions

    row = chain_row(session, key)
    regions = all_regions()
    nodes = list(session.scalars(select(ChainNodeRow).where(ChainNodeRow.chain_id == row.id)
                                 .order_by(ChainNodeRow.ordinal)))
    links = list(session.scalars(select(ChainEnterpriseRow).where(ChainEnterpriseRow.chain_id == row.id)
                                 .order_by(ChainEnterpriseRow.id)))
    plats = list(session.scalars(select(ChainPlatformRow).where(ChainPlatformRow.chain_id == row.id)
                                 .order_by(ChainPlatformRow.id)))
    tgts = list(session.scalars(select(ChainTargetRow).where(ChainTargetRow.chain_id == row.id)
                                .order_by(ChainTargetRow.id)))
    firms = directory.get_many(session, [link.credit_code for link in links])
    by_code = {n.code: n for n in nodes}

    def depth(code: str) -> int:
        d, cur = 0, by_code[code].parent_code
        while cur in by_code and d < 50:
            d, cur = d + 1, by_code[cur].parent_code
        return d

    views = {n.code: NodeView(code=n.code, name=n.name, segment=n.segment, parent=n.parent_code, depth=depth(n.code),
                              note=n.note) for n in nodes}
    for link in links:
        f = firms.get(link.credit_code)
        rc = f.region_code if f else None
        local = row.region_code is None or (rc is not None and (rc == row.region_code
                                                                or regions.is_within(rc, row.region_code)))
        r = regions.get(rc) if rc else None
        views[link.node_code].enterprises.append({
            "credit_code": link.credit_code, "name": f.name if f else link.credit_code,
            "region_code": rc, "region_name": r.name if r else None, "leader": link.leader, "local": local,
            "verdicts": (f.verdicts if f else {}), "note": link.note,
            "constructed": bool(f and f.source and "构造" in f.source)})
    for p in plats:
        views[p.node_code].platforms.append(PlatformSpec(node=p.node_code, name=p.name, level=p.level, kind=p.kind))
    chain_targets = []
    for t in tgts:
        spec = TargetSpec(node=t.node_code, text=t.text, value=t.value, unit=t.unit, year=t.year,
                          plan_target_id=t.plan_target_id)
        (views[t.node_code].targets if t.node_code in views else chain_targets).append(spec)
    # gaps, over each node's subtree
    children: dict[str | None, list[str]] = {}
    for n in nodes:
        children.setdefault(n.parent_code, []).append(n.code)

    def covered(code: str) -> tuple[int, int]:
        v = views[code]
        ents = sum(1 for e in v.enterprises if e["local"])
        pls = len(v.platforms)
        for k in children.get(code, []):
            a, b = covered(k)
            ents, pls = ents + a, pls + b
        return ents, pls

    for code, v in views.items():
        ents, pls = covered(code)
        v.local_enterprises = ents
        v.gap_enterprise, v.gap_platform = ents == 0, pls == 0
    reg = regions.get(row.region_code) if row.region_code else None
    return ChainView(key=row.key, name=row.name, region_code=row.region_code, region_name=reg.name if reg else None,
                     description=row.description, source=row.source, example=row.example,
                     nodes=list(views.values()), targets=chain_targets)


def remove_link(session: Session, key: str, credit_code: str, node: str | None = None) -> int:
    """Detach an enterprise from the chain (from one node, or from all); returns links removed."""
    row = chain_row(session, key)
    q = delete(ChainEnterpriseRow).where(ChainEnterpriseRow.chain_id == row.id) \
        .where(ChainEnterpriseRow.credit_code == credit_code.strip().upper())
    if node:
        q = q.where(ChainEnterpriseRow.node_code == node)
    return session.execute(q).rowcount or 0
