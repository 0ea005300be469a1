"""The small expression language of the qualification rules, and its three backends.

Rules are data (YAML). Their numeric parts are written as short formulas
(``rd_expense_y1 / revenue_y1``, ``if(net_assets_y2 == 0, -1, ...)``) that are parsed
once into an immutable tree. The same tree is then *interpreted* three ways, which is
the point of the module: one rule definition, three evaluators that must agree.

* :func:`scalar` — one enterprise, plain Python floats, ``None`` for unknown (used by
  the explaining evaluator);
* :func:`vector` — a whole registry as NumPy columns, ``NaN`` for unknown;
* :func:`to_sql` — a SQL expression (SQLite or PostgreSQL) where ``NULL`` is unknown.

Semantics shared by all backends (and pinned by tests):

* any arithmetic on an unknown value is unknown;
* division by zero is unknown (a ratio without a denominator cannot be judged);
* ``if(c, a, b)`` is unknown when the comparison ``c`` has an unknown side;
* ``min``/``max`` are unknown when any argument is unknown;
* ``coalesce(a, b)`` takes the first known argument;
* ``any(t1, t2, …)`` and ``all(t1, t2, …)`` combine truth values (comparisons, or other
  ``any``/``all``) in three-valued (Kleene) logic: ``any`` is true when one argument is
  true even if others are unknown, false when all are false, else unknown; ``all`` the
  dual. "Fewer than 1000 staff *or* revenue below 4亿" is decided by the staff count
  alone when the revenue is missing;
* ``year(day)`` is the calendar year of a day number;
* context names (``ON_DAY``, ``ON_YEAR``, ``PREV_YEAR_END_DAY``) are constants of one
  evaluation (``ctx``); ``years_back(day, n)`` shifts a constant day back n calendar
  years and is computed in Python, so every backend sees the same number.

Dates are day numbers (days since 1970-01-01) so that date arithmetic is plain
arithmetic in all three backends.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np

EPOCH = dt.date(1970, 1, 1)
CONTEXT_NAMES = ("ON_DAY", "ON_YEAR", "PREV_YEAR_END_DAY")
_CMP = {ast.GtE: ">=", ast.Gt: ">", ast.LtE: "<=", ast.Lt: "<", ast.Eq: "==", ast.NotEq: "!="}
_BIN = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
FUNCTIONS = {"min", "max", "if", "coalesce", "years_back", "any", "all", "year"}
LOGIC = ("any", "all")


class ExprError(ValueError):
    """A formula in a rule file that is not valid (caught when rules are loaded)."""


# --------------------------------------------------------------------------- nodes


@dataclass(frozen=True, eq=False)
class Node:
    pass


@dataclass(frozen=True, eq=False)
class Const(Node):
    value: float


@dataclass(frozen=True, eq=False)
class Field(Node):
    name: str


@dataclass(frozen=True, eq=False)
class Ctx(Node):
    name: str


@dataclass(frozen=True, eq=False)
class Bin(Node):
    op: str
    a: Node
    b: Node


@dataclass(frozen=True, eq=False)
class Neg(Node):
    a: Node


@dataclass(frozen=True, eq=False)
class Cmp(Node):
    op: str
    a: Node
    b: Node


@dataclass(frozen=True, eq=False)
class Call(Node):
    fn: str
    args: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Band(Node):
    """Piecewise value: the first step whose test ``x op edge`` holds, else ``default``.

    ``steps`` are ``(op, edge, value)``; written in rule files as ``[">=", 0.3, 20]``.
    """

    x: Node
    steps: tuple[tuple[str, float, float], ...]
    default: float


@dataclass(frozen=True, eq=False)
class Named(Node):
    """A named derived value (kept as a node so explanations can show it by name)."""

    name: str
    node: Node


# --------------------------------------------------------------------------- parsing


def parse(text: str | int | float, *, names: dict[str, Node] | None = None) -> Node:
    """Parse a formula; ``names`` maps derived-value names to their (already parsed) nodes.

    Any other bare name is an input field of the registry.
    """
    if isinstance(text, bool):
        return Const(1.0 if text else 0.0)
    if isinstance(text, int | float):
        return Const(float(text))
    # ``if`` is a Python keyword: rename the function before handing the text to ``ast``
    source = re.sub(r"\bif\s*\(", "_if_(", str(text).strip())
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"公式语法错误：{text}（{exc.msg}）") from None
    return _convert(tree.body, names or {}, str(text))


def _convert(n: ast.AST, names: dict[str, Node], src: str) -> Node:
    if isinstance(n, ast.Constant) and isinstance(n.value, int | float) and not isinstance(n.value, bool):
        return Const(float(n.value))
    if isinstance(n, ast.Name):
        if n.id in CONTEXT_NAMES:
            return Ctx(n.id)
        if n.id in names:
            return names[n.id]
        return Field(n.id)
    if isinstance(n, ast.BinOp) and type(n.op) in _BIN:
        return Bin(_BIN[type(n.op)], _convert(n.left, names, src), _convert(n.right, names, src))
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
        inner = _convert(n.operand, names, src)
        return Const(-inner.value) if isinstance(inner, Const) else Neg(inner)
    if isinstance(n, ast.Compare) and len(n.ops) == 1 and type(n.ops[0]) in _CMP:
        return Cmp(_CMP[type(n.ops[0])], _convert(n.left, names, src), _convert(n.comparators[0], names, src))
    fname = n.func.id.replace("_if_", "if") if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) else ""
    if fname in FUNCTIONS and not n.keywords:
        args = tuple(_convert(a, names, src) for a in n.args)
        fn = fname
        if fn == "if":
            if len(args) != 3 or not isinstance(args[0], Cmp):
                raise ExprError(f"if(条件, 值1, 值2) 的条件必须是一个比较：{src}")
        elif fn == "years_back":
            if len(args) != 2:
                raise ExprError(f"years_back(日期, 年数) 需要两个参数：{src}")
        elif fn in LOGIC:
            if len(args) < 1 or not all(_is_truth(a) for a in args):
                raise ExprError(f"{fn}(…) 的参数必须是比较式或 any/all：{src}")
        elif fn == "year":
            if len(args) != 1:
                raise ExprError(f"year(日期) 需要一个参数：{src}")
        elif len(args) < 1 or (fn in ("min", "max") and len(args) < 2):
            raise ExprError(f"{fn} 的参数个数不对：{src}")
        return Call(fn, args)
    raise ExprError(f"公式中有不支持的写法：{src}")


def _is_truth(node: Node) -> bool:
    """Whether a node yields a truth value (1, 0 or unknown)."""
    if isinstance(node, Named):
        return _is_truth(node.node)
    return isinstance(node, Cmp) or (isinstance(node, Call) and node.fn in LOGIC)


# --------------------------------------------------------------------------- context


def day_number(d: dt.date) -> float:
    return float((d - EPOCH).days)


def from_day_number(n: float) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


def context_for(on: dt.date) -> dict[str, float]:
    """The constants of one evaluation on date ``on``."""
    return {
        "ON_DAY": day_number(on),
        "ON_YEAR": float(on.year),
        "PREV_YEAR_END_DAY": day_number(dt.date(on.year - 1, 12, 31)),
    }


def _years_back(day: float, years: float) -> float:
    d = from_day_number(day)
    y = d.year - int(years)
    try:
        shifted = d.replace(year=y)
    except ValueError:  # 29 February in a year without one
        shifted = dt.date(y, 2, 28)
    return day_number(shifted)


def _arith(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a / b


def fields_of(node: Node, acc: set[str] | None = None) -> set[str]:
    """Every registry field a formula reads (for documentation and needs_data reasons)."""
    acc = set() if acc is None else acc
    if isinstance(node, Field):
        acc.add(node.name)
    elif isinstance(node, Bin | Cmp):
        fields_of(node.a, acc)
        fields_of(node.b, acc)
    elif isinstance(node, Neg):
        fields_of(node.a, acc)
    elif isinstance(node, Call):
        for a in node.args:
            fields_of(a, acc)
    elif isinstance(node, Band):
        fields_of(node.x, acc)
    elif isinstance(node, Named):
        fields_of(node.node, acc)
    return acc


# --------------------------------------------------------------------------- scalar


# Comparisons forgive floating-point noise, never real differences: 0.5 × (1 + 1.3) − 1 is
# 0.1499999999999999 in binary floating point although the growth is exactly 15%. The
# threshold side moves by 1e-9 relatively (plus 1e-12) in the direction that lets a value
# equal to the threshold in decimal arithmetic count as equal. Amounts in 万元 with two
# decimals differ by far more than that, so no real case is decided by the tolerance. The
# same shifted numbers are computed in every backend (constants in Python, expressions in
# SQL with the same operations), so the three evaluators still agree bit for bit.
TOL_REL = 1e-9
TOL_ABS = 1e-12


def shift_edge(op: str, b: float) -> float:
    """The threshold as compared (see above); ``==`` and ``!=`` stay exact."""
    if op in (">=", "<"):
        return b - (TOL_REL * abs(b) + TOL_ABS)
    if op in (">", "<="):
        return b + (TOL_REL * abs(b) + TOL_ABS)
    return b


def _cmp(op: str, a: float, b: float) -> bool:
    b = shift_edge(op, b)
    if op == ">=":
        return a >= b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == "<":
        return a < b
    if op == "==":
        return a == b
    return a != b


def scalar(node: Node, row: dict[str, float | None], memo: dict[int, float | None] | None = None,
           ctx: dict[str, float] | None = None) -> float | None:
    """Evaluate on one enterprise; ``row`` maps field names to floats or ``None``.

    ``memo`` must belong to one (row, ctx) pair; the context rides along inside it.
    """
    memo = {} if memo is None else memo
    if ctx is not None:
        memo[-1] = ctx  # type: ignore[assignment]
    key = id(node)
    if key in memo:
        return memo[key]
    v = _scalar(node, row, memo)
    memo[key] = v
    return v


def _ctx(memo) -> dict[str, float]:
    ctx = memo.get(-1)
    if ctx is None:
        raise ExprError("公式使用了评价日期（ON_DAY 等），但未给出评价日期")
    return ctx


def const_value(node: Node, ctx: dict[str, float]) -> float:
    """The value of a formula made only of constants and context names."""
    v = scalar(node, {}, {-1: ctx})  # type: ignore[dict-item]
    if v is None:
        raise ExprError(f"不是常量：{describe(node)}")
    return v


def _known(x: float | None) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def _scalar(node: Node, row, memo) -> float | None:
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Ctx):
        return _ctx(memo)[node.name]
    if isinstance(node, Field):
        v = row.get(node.name)
        return float(v) if _known(v) else None
    if isinstance(node, Named):
        return scalar(node.node, row, memo)
    if isinstance(node, Bin):
        a, b = scalar(node.a, row, memo), scalar(node.b, row, memo)
        if a is None or b is None:
            return None
        if node.op == "/" and b == 0:
            return None
        return _arith(node.op, a, b)
    if isinstance(node, Neg):
        a = scalar(node.a, row, memo)
        return None if a is None else -a
    if isinstance(node, Cmp):
        a, b = scalar(node.a, row, memo), scalar(node.b, row, memo)
        if a is None or b is None:
            return None
        return 1.0 if _cmp(node.op, a, b) else 0.0
    if isinstance(node, Band):
        x = scalar(node.x, row, memo)
        if x is None:
            return None
        for op, edge, value in node.steps:
            if _cmp(op, x, edge):
                return value
        return node.default
    if isinstance(node, Call):
        if node.fn == "coalesce":
            for a in node.args:
                v = scalar(a, row, memo)
                if v is not None:
                    return v
            return None
        if node.fn == "if":
            c = scalar(node.args[0], row, memo)
            if c is None:
                return None
            return scalar(node.args[1] if c else node.args[2], row, memo)
        if node.fn == "years_back":
            return _years_back(const_value(node.args[0], _ctx(memo)), const_value(node.args[1], _ctx(memo)))
        vals = [scalar(a, row, memo) for a in node.args]
        if node.fn in LOGIC:
            decisive = 1.0 if node.fn == "any" else 0.0
            if any(v == decisive for v in vals):
                return decisive
            return None if any(v is None for v in vals) else 1.0 - decisive
        if node.fn == "year":
            return None if vals[0] is None else float(from_day_number(vals[0]).year)
        if any(v is None for v in vals):
            return None
        return min(vals) if node.fn == "min" else max(vals)
    raise ExprError(f"未折叠的节点：{node!r}")


# --------------------------------------------------------------------------- numpy


def _np_cmp(op: str, a: np.ndarray, b) -> np.ndarray:
    if isinstance(b, np.ndarray):
        if op in (">=", "<"):
            b = b - (TOL_REL * np.abs(b) + TOL_ABS)
        elif op in (">", "<="):
            b = b + (TOL_REL * np.abs(b) + TOL_ABS)
    else:
        b = shift_edge(op, float(b))
    if op == ">=":
        return a >= b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == "<":
        return a < b
    if op == "==":
        return a == b
    return a != b


def vector(node: Node, cols: dict[str, np.ndarray], n: int, memo: dict) -> np.ndarray:
    """Evaluate over a whole registry. Results are float64 arrays with NaN for unknown.

    ``memo`` caches by node identity, so a ratio used by five conditions is computed once;
    the nodes must therefore outlive the memo (rule sets are loaded once and kept).
    Missing columns are treated as entirely unknown. The evaluation context (dates)
    is ``memo["ctx"]``.
    """
    key = id(node)
    hit = memo.get(key)
    if hit is not None:
        return hit
    v = _vector(node, cols, n, memo)
    memo[key] = v
    return v


def _vector(node: Node, cols, n, memo) -> np.ndarray:
    if isinstance(node, Const):
        return np.full(n, node.value)
    if isinstance(node, Ctx):
        return np.full(n, _vctx(memo)[node.name])
    if isinstance(node, Field):
        c = cols.get(node.name)
        return np.full(n, np.nan) if c is None else c
    if isinstance(node, Named):
        return vector(node.node, cols, n, memo)
    if isinstance(node, Bin):
        if isinstance(node.b, Const) and node.op != "/":
            a = vector(node.a, cols, n, memo)
            return _np_arith(node.op, a, node.b.value)
        a, b = vector(node.a, cols, n, memo), vector(node.b, cols, n, memo)
        if node.op == "/":
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                out = a / b
            out[b == 0] = np.nan
            return out
        return _np_arith(node.op, a, b)
    if isinstance(node, Neg):
        return -vector(node.a, cols, n, memo)
    if isinstance(node, Cmp):
        a, b = vector(node.a, cols, n, memo), vector(node.b, cols, n, memo)
        out = _np_cmp(node.op, a, b).astype(np.float64)
        out[np.isnan(a) | np.isnan(b)] = np.nan
        return out
    if isinstance(node, Band):
        x = vector(node.x, cols, n, memo)
        out = np.full(n, node.default)
        done = np.zeros(n, dtype=bool)
        for op, edge, value in node.steps:
            hit = _np_cmp(op, x, edge) & ~done
            out[hit] = value
            done |= hit
        out[np.isnan(x)] = np.nan
        return out
    if isinstance(node, Call):
        if node.fn == "coalesce":
            out = vector(node.args[0], cols, n, memo).copy()
            for a in node.args[1:]:
                miss = np.isnan(out)
                if miss.any():
                    out[miss] = vector(a, cols, n, memo)[miss]
            return out
        if node.fn == "if":
            c = vector(node.args[0], cols, n, memo)
            a, b = vector(node.args[1], cols, n, memo), vector(node.args[2], cols, n, memo)
            out = np.where(c == 1.0, a, b)
            out[np.isnan(c)] = np.nan
            return out
        if node.fn == "years_back":
            ctx = _vctx(memo)
            return np.full(n, _years_back(const_value(node.args[0], ctx), const_value(node.args[1], ctx)))
        vals = [vector(a, cols, n, memo) for a in node.args]
        if node.fn in LOGIC:
            decisive = 1.0 if node.fn == "any" else 0.0
            hit = vals[0] == decisive
            unknown = np.isnan(vals[0])
            for v in vals[1:]:
                hit |= v == decisive
                unknown |= np.isnan(v)
            out = np.full(n, 1.0 - decisive)
            out[unknown] = np.nan
            out[hit] = decisive
            return out
        if node.fn == "year":
            return _np_year(vals[0])
        # np.minimum/np.maximum propagate NaN, which is the rule
        out = vals[0]
        for v in vals[1:]:
            out = np.minimum(out, v) if node.fn == "min" else np.maximum(out, v)
        return out
    raise ExprError(f"未折叠的节点：{node!r}")


def _np_year(days: np.ndarray) -> np.ndarray:
    unknown = np.isnan(days)
    whole = np.where(unknown, 0.0, days).astype(np.int64).astype("datetime64[D]")
    out = whole.astype("datetime64[Y]").astype(np.int64).astype(np.float64) + 1970.0
    out[unknown] = np.nan
    return out


def _vctx(memo) -> dict[str, float]:
    ctx = memo.get("ctx")
    if ctx is None:
        raise ExprError("公式使用了评价日期（ON_DAY 等），但未给出评价日期")
    return ctx


def _np_arith(op: str, a, b):
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    return a * b


# --------------------------------------------------------------------------- SQL

SQL_DIALECTS = ("sqlite", "postgresql")


def sql_literal(value: float, dialect: str) -> str:
    """A float literal that both databases read as the same IEEE double.

    ``repr`` round-trips exactly; PostgreSQL would read a bare ``0.05`` as NUMERIC,
    so it is cast to DOUBLE PRECISION to keep arithmetic in binary floating point.
    """
    text = repr(float(value))
    if text in ("inf", "-inf", "nan"):
        raise ExprError("规则中不能使用无穷大或非数值常量")
    if dialect == "postgresql":
        return f"CAST({text} AS DOUBLE PRECISION)"
    return text if ("." in text or "e" in text) else text + ".0"


def sql_least(parts: list[str], dialect: str) -> str:
    if len(parts) == 1:
        return parts[0]
    return ("LEAST(" if dialect == "postgresql" else "min(") + ", ".join(parts) + ")"


def sql_greatest(parts: list[str], dialect: str) -> str:
    if len(parts) == 1:
        return parts[0]
    return ("GREATEST(" if dialect == "postgresql" else "max(") + ", ".join(parts) + ")"


def sql_compare(a: str, op: str, b_node: Node, b: str, dialect: str) -> str:
    """``a op b`` in SQL with the same threshold shift as :func:`shift_edge`."""
    sql_op = "=" if op == "==" else ("<>" if op == "!=" else op)
    if isinstance(b_node, Const):
        return f"{a} {sql_op} {sql_literal(shift_edge(op, b_node.value), dialect)}"
    if op in (">=", "<", ">", "<="):
        sign = "-" if op in (">=", "<") else "+"
        tol = f"({sql_literal(TOL_REL, dialect)} * ABS({b}) + {sql_literal(TOL_ABS, dialect)})"
        return f"{a} {sql_op} ({b} {sign} {tol})"
    return f"{a} {sql_op} {b}"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def to_sql(node: Node, dialect: str, column: dict[str, str] | None = None,
           ctx: dict[str, float] | None = None) -> str:
    """A SQL expression computing the node; ``NULL`` stands for unknown.

    ``column`` maps field names to column expressions (default: the quoted field name);
    ``ctx`` holds the evaluation constants (dates), written into the SQL as literals.
    """
    column = dict(column or {})
    column["\0ctx"] = ctx  # type: ignore[assignment]
    return _sql(node, dialect, column)


def _sql(node: Node, d: str, col: dict) -> str:
    if isinstance(node, Const):
        return sql_literal(node.value, d)
    if isinstance(node, Ctx):
        return sql_literal(_sctx(col)[node.name], d)
    if isinstance(node, Field):
        return col.get(node.name, quote_ident(node.name))
    if isinstance(node, Named):
        alias = (col.get("\0named") or {}).get(id(node))
        return quote_ident(alias) if alias else _sql(node.node, d, col)
    if isinstance(node, Bin):
        a, b = _sql(node.a, d, col), _sql(node.b, d, col)
        if node.op == "/":
            # force floating-point division even over INTEGER columns (SQLite's 5/2 is 2)
            real = "DOUBLE PRECISION" if d == "postgresql" else "REAL"
            return f"(CAST({a} AS {real}) / NULLIF({b}, {sql_literal(0.0, d)}))"
        return f"({a} {node.op} {b})"
    if isinstance(node, Neg):
        return f"(-{_sql(node.a, d, col)})"
    if isinstance(node, Cmp):
        a, b = _sql(node.a, d, col), _sql(node.b, d, col)
        one, zero = sql_literal(1.0, d), sql_literal(0.0, d)
        test = sql_compare(a, node.op, node.b, b, d)
        return f"(CASE WHEN {a} IS NULL OR {b} IS NULL THEN NULL WHEN {test} THEN {one} ELSE {zero} END)"
    if isinstance(node, Band):
        x = _sql(node.x, d, col)
        whens = " ".join(
            f"WHEN {sql_compare(x, op, Const(edge), '', d)} THEN {sql_literal(value, d)}"
            for op, edge, value in node.steps
        )
        return f"(CASE WHEN {x} IS NULL THEN NULL {whens} ELSE {sql_literal(node.default, d)} END)"
    if isinstance(node, Call):
        if node.fn == "years_back":
            ctx = _sctx(col)
            return sql_literal(_years_back(const_value(node.args[0], ctx), const_value(node.args[1], ctx)), d)
        args = [_sql(a, d, col) for a in node.args]
        if node.fn in LOGIC:
            # SQL's own AND/OR are three-valued exactly as required; truth values are
            # 1.0/0.0/NULL numbers, turned into booleans and back
            one = sql_literal(1.0, d)
            joined = f" {'OR' if node.fn == 'any' else 'AND'} ".join(f"{a} = {one}" for a in args)
            if d == "postgresql":
                return f"CAST(CAST(({joined}) AS INTEGER) AS DOUBLE PRECISION)"
            return f"(({joined}) * 1.0)"
        if node.fn == "year":
            if d == "postgresql":
                return f"CAST(EXTRACT(YEAR FROM (DATE '1970-01-01' + CAST({args[0]} AS INTEGER))) AS DOUBLE PRECISION)"
            return f"CAST(strftime('%Y', {args[0]} * 86400, 'unixepoch') AS REAL)"
        if node.fn == "coalesce":
            return f"COALESCE({', '.join(args)})"
        if node.fn == "if":
            c = args[0]
            return (f"(CASE WHEN {c} IS NULL THEN NULL WHEN {c} = {sql_literal(1.0, d)} "
                    f"THEN {args[1]} ELSE {args[2]} END)")
        # Both databases' LEAST/GREATEST (PostgreSQL) skip NULLs, SQLite's min/max return
        # NULL: make "unknown if any argument is unknown" explicit for both.
        nulls = " OR ".join(f"{a} IS NULL" for a in args)
        inner = sql_least(args, d) if node.fn == "min" else sql_greatest(args, d)
        return f"(CASE WHEN {nulls} THEN NULL ELSE {inner} END)"
    raise ExprError(f"未折叠的节点：{node!r}")


def _sctx(col) -> dict[str, float]:
    ctx = col.get("\0ctx")
    if ctx is None:
        raise ExprError("公式使用了评价日期（ON_DAY 等），但未给出评价日期")
    return ctx


def describe(node: Node) -> str:
    """A readable rendering of a formula (for explanations and documentation)."""
    if isinstance(node, Const):
        v = node.value
        return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)
    if isinstance(node, Field | Ctx):
        return node.name
    if isinstance(node, Named):
        return node.name
    if isinstance(node, Bin):
        return f"({describe(node.a)} {node.op} {describe(node.b)})"
    if isinstance(node, Neg):
        return f"-{describe(node.a)}"
    if isinstance(node, Cmp):
        return f"{describe(node.a)} {node.op} {describe(node.b)}"
    if isinstance(node, Band):
        return f"band({describe(node.x)})"
    if isinstance(node, Call):
        return f"{node.fn}({', '.join(describe(a) for a in node.args)})"
    return repr(node)
