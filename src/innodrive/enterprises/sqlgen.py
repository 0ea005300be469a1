"""The same rules as SQL: CASE expressions for verdicts and WHERE clauses for filters.

A province-scale registry can be screened where it lives. :func:`screening_query`
compiles the rule sets in force into one ``SELECT`` whose columns are the verdict codes
(0 fail, 1 needs_data, 2 manual_review, 3 pass) per programme; :func:`where_clause`
gives the filter "enterprises whose verdict for a programme is X". Both run unchanged in
SQLite and PostgreSQL (dialect-specific only in ``min``/``LEAST`` and literal casts).

Derived values (ratios, growth rates, band thresholds) are computed in nested
sub-queries, one layer per level of dependency, so every expression is written once;
scores and conditions then read them as columns. ``NULL`` stands for unknown throughout,
with the same rules as the other two evaluators (division by zero → ``NULL``).
"""

from __future__ import annotations

import datetime as dt

from innodrive.enterprises import expr as E
from innodrive.enterprises.fields import NUMERIC_FIELDS
from innodrive.enterprises.rules import Condition, RuleSet, Score
from innodrive.enterprises.states import FAIL, MANUAL, NEEDS_DATA, PASS
from innodrive.errors import InputError


def _check_dialect(dialect: str) -> None:
    if dialect not in E.SQL_DIALECTS:
        raise InputError(f"不支持的数据库方言“{dialect}”，可选：{'、'.join(E.SQL_DIALECTS)}")


def _named_in(node: E.Node, acc: list[E.Named]) -> list[E.Named]:
    if isinstance(node, E.Named):
        acc.append(node)
        return acc
    for child in _children(node):
        _named_in(child, acc)
    return acc


def _children(node: E.Node) -> tuple[E.Node, ...]:
    if isinstance(node, E.Bin | E.Cmp):
        return (node.a, node.b)
    if isinstance(node, E.Neg):
        return (node.a,)
    if isinstance(node, E.Call):
        return node.args
    if isinstance(node, E.Band):
        return (node.x,)
    return ()


class _Compiler:
    """Compiles several rule sets into one layered query."""

    def __init__(self, dialect: str, ctx: dict[str, float], column: dict[str, str]) -> None:
        self.d = dialect
        self.ctx = ctx
        self.column = dict(column)  # field -> column expression, plus "@prog.name" -> alias
        self.layers: list[list[tuple[str, str]]] = []  # per depth: (alias, expression)
        self.depth: dict[int, int] = {}
        self.alias: dict[int, str] = {}

    # values -----------------------------------------------------------------
    def add_values(self, rs: RuleSet) -> None:
        for name, named in rs.values.items():
            self._place(named, f"v_{rs.programme}_{name}")

    def _place(self, named: E.Named, alias: str) -> int:
        key = id(named)
        if key in self.depth:
            return self.depth[key]
        deps = _named_in(named.node, [])
        depth = 1 + max((self._place(dn, f"{alias}__{dn.name}") for dn in deps), default=-1)
        expr_sql = E._sql(named.node, self.d, self._colmap())
        while len(self.layers) <= depth:
            self.layers.append([])
        self.layers[depth].append((alias, expr_sql))
        self.depth[key] = depth
        self.alias[key] = alias
        return depth

    def _colmap(self) -> dict:
        m = dict(self.column)
        m["\0ctx"] = self.ctx
        m["\0named"] = self.alias
        return m

    def num(self, node: E.Node) -> str:
        return E._sql(node, self.d, self._colmap())

    def lit(self, v: float) -> str:
        return E.sql_literal(v, self.d)

    # scores -----------------------------------------------------------------
    def score(self, s: Score, cache: dict[str, tuple[str, str, str]]) -> tuple[str, str, str]:
        """(lo, hi, missing) SQL expressions; missing is 0/1."""
        if s.id in cache:
            return cache[s.id]
        if s.kind == "band":
            x = self.num(s.x)
            lo_w = " ".join(f"WHEN {E.sql_compare(x, op, E.Const(e), '', self.d)} THEN {self.lit(lo)}"
                            for op, e, lo, _ in s.steps)
            hi_w = " ".join(f"WHEN {E.sql_compare(x, op, E.Const(e), '', self.d)} THEN {self.lit(hi)}"
                            for op, e, _, hi in s.steps)
            lo = f"(CASE WHEN {x} IS NULL THEN {self.lit(s.lo_bound)} {lo_w} ELSE {self.lit(s.default[0])} END)"
            hi = f"(CASE WHEN {x} IS NULL THEN {self.lit(s.hi_bound)} {hi_w} ELSE {self.lit(s.default[1])} END)"
            miss = f"(CASE WHEN {x} IS NULL THEN 1 ELSE 0 END)"
        elif s.kind == "judged":
            lo, hi, miss = self.lit(0.0), self.lit(s.max), "0"
        else:
            parts = [self.score(c, cache) for c in s.children]
            if s.kind == "best":
                lo = E.sql_greatest([p[0] for p in parts], self.d)
                hi = E.sql_greatest([p[1] for p in parts], self.d)
            else:
                lo = "(" + " + ".join(p[0] for p in parts) + ")"
                hi = "(" + " + ".join(p[1] for p in parts) + ")"
                if s.cap is not None:
                    lo = E.sql_least([lo, self.lit(s.cap)], self.d)
                    hi = E.sql_least([hi, self.lit(s.cap)], self.d)
            miss = E.sql_greatest([p[2] for p in parts], self.d)
        gfield = s.field if s.kind == "judged" else s.given
        if gfield:
            g = self.column.get(gfield, E.quote_ident(gfield))
            lo = f"(CASE WHEN {g} IS NOT NULL THEN {g} ELSE {lo} END)"
            hi = f"(CASE WHEN {g} IS NOT NULL THEN {g} ELSE {hi} END)"
            miss = f"(CASE WHEN {g} IS NOT NULL THEN 0 ELSE {miss} END)"
        cache[s.id] = (lo, hi, miss)
        return lo, hi, miss

    # conditions -------------------------------------------------------------
    def cond(self, c: Condition, scache: dict, ccache: dict[str, str]) -> str:
        if c.id in ccache:
            return ccache[c.id]
        if c.kind == "test":
            a, b = self.num(c.cmp.a), self.num(c.cmp.b)
            test = E.sql_compare(a, c.cmp.op, c.cmp.b, b, self.d)
            sql = (f"(CASE WHEN {a} IS NULL OR {b} IS NULL THEN {c.on_missing} "
                   f"WHEN {test} THEN {c.on_true} ELSE {c.on_false} END)")
        elif c.kind == "score":
            lo, hi, miss = self.score(c.score, scache)
            t = E.Const(c.threshold)
            ok_lo = E.sql_compare(lo, c.op, t, "", self.d)
            ok_hi = E.sql_compare(hi, c.op, t, "", self.d)
            sql = (f"(CASE WHEN {ok_lo} THEN {PASS} WHEN NOT ({ok_hi}) THEN {FAIL} "
                   f"WHEN {miss} = 1 THEN {NEEDS_DATA} ELSE {MANUAL} END)")
        else:
            kids = [self.cond(k, scache, ccache) for k in c.children]
            sql = E.sql_least(kids, self.d) if c.kind == "all" else E.sql_greatest(kids, self.d)
        ccache[c.id] = sql
        return sql

    def verdict(self, rs: RuleSet, *, details: bool = False) -> dict[str, str]:
        scache: dict = {}
        ccache: dict[str, str] = {}
        out = {rs.programme: self.cond(rs.verdict, scache, ccache)}
        if details:
            for cid in rs.conditions:
                out[f"{rs.programme}__{cid}"] = ccache.get(cid) or self.cond(rs.conditions[cid], scache, ccache)
        return out

    def from_clause(self, table: str, keep: list[str], names: dict[str, str]) -> str:
        """Nested sub-queries computing derived values, innermost first."""
        base_cols = ", ".join(f"{E.quote_ident(names.get(c, c))} AS {E.quote_ident(c)}" for c in keep)
        sql = f"SELECT {base_cols} FROM {table}"
        carried = list(keep)
        for i, layer in enumerate(self.layers):
            cols = ", ".join([E.quote_ident(c) for c in carried]
                             + [f"{expr_sql} AS {E.quote_ident(alias)}" for alias, expr_sql in layer])
            sql = f"SELECT {cols} FROM ({sql}) AS l{i}"
            carried += [alias for alias, _ in layer]
        return f"({sql}) AS t"


def _column_map(columns: dict[str, str] | None) -> dict[str, str]:
    return {k: E.quote_ident(v) for k, v in (columns or {}).items()}


def screening_query(rule_sets: list[RuleSet], *, on: dt.date, dialect: str, table: str = "enterprise_registry",
                    key: str = "credit_code", details: bool = False, columns: dict[str, str] | None = None) -> str:
    """One SELECT giving ``key`` and the verdict code of every programme.

    ``table`` is a table name (quoted here) holding the registry's fields as columns
    (numbers as floating point, dates as day numbers since 1970-01-01); ``columns`` maps
    field names to other column names when the table uses its own. With ``details`` the
    state of every named condition is returned too (``<programme>__<condition>``).
    """
    _check_dialect(dialect)
    comp = _Compiler(dialect, E.context_for(on), {})
    for rs in rule_sets:
        comp.add_values(rs)
    names = dict(columns or {})
    unknown = [f for f in names if f not in NUMERIC_FIELDS and f != key]
    if unknown:
        raise InputError(f"列映射中有未知字段：{'、'.join(unknown)}")
    keep = [key] + sorted({f for rs in rule_sets for f in rs.fields if f in NUMERIC_FIELDS})
    verdicts: dict[str, str] = {}
    for rs in rule_sets:
        verdicts.update(comp.verdict(rs, details=details))
    select = ", ".join([E.quote_ident(key)] + [f"{sql} AS {E.quote_ident(alias)}" for alias, sql in verdicts.items()])
    return f"SELECT {select} FROM {comp.from_clause(E.quote_ident(table), keep, names)} ORDER BY {E.quote_ident(key)}"


def where_clause(rs: RuleSet, *, on: dt.date, dialect: str, state: str = "pass") -> str:
    """A WHERE condition over the registry's own columns selecting one verdict state.

    Unlike :func:`screening_query` the derived values are inlined, so the clause can be
    appended to any query on the registry table.
    """
    from innodrive.enterprises.states import STATE_CODES

    _check_dialect(dialect)
    comp = _Compiler(dialect, E.context_for(on), {})  # no layers: Named nodes inline
    return f"{comp.verdict(rs)[rs.programme]} = {STATE_CODES[state]}"
