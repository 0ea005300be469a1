"""The bulk paths of a registry check give exactly what the plain per-cell and per-row
forms give: CSV fields against ``csv.writer`` over :func:`safe_column` cells, reasons
against a per-row walk of the rule tree."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
from tests.enterprises.ent_helpers import holey_registry

from innodrive.enterprises.stream import CsvSink, _cells, csv_column, safe_column

EDGE_TEXTS = ["", " ", "普通文本", "=1+1", "+A1", "-3", "@SUM(A1)", "\t=cmd", "\rx", "\nx", "＝全角", "＋", "－", "＠",
              'say "hi"', "a,b", "甲，乙", "line\nbreak", "cr\rhere", "ctrl\x01char", "\x7fdel", "'quoted",
              "x" * 40_000, "1,234.5", "None", "nan", "-", "—"]


def _one_field(cell: str) -> str:
    """Undo the per-line split for fields holding a line break: compare parsed values."""
    return next(csv.reader(io.StringIO(cell + ",x")))[0] if cell else ""


def test_text_columns_match_csv_writer_over_safe_cells():
    rng = np.random.default_rng(16)
    values = np.array([EDGE_TEXTS[i] for i in rng.integers(0, len(EDGE_TEXTS), 3000)] + [None, np.nan, None],
                      dtype=object)
    got = csv_column(values)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerows([[v] + ["x"] for v in safe_column(values).tolist()])
    got_text = "".join(f"{g.decode()},x\r\n" for g in got)
    assert got_text == buf.getvalue()
    assert _one_field(got[values.tolist().index("=1+1")].decode()) == "'=1+1"


def test_one_risky_text_among_plain_ones_is_written_as_csv_writer_writes():
    """A column of plain texts is encoded in one piece; one text among them that needs
    more (a formula, a character a cell cannot hold, one that needs quoting) is still
    written cell for cell as csv.writer writes its safe cell."""
    extra = ["\ufffe", "x\uffffy", "\ud800lone", "\x00", "a\x00b", "\ttab", "tab\tinside", "\x1f", "\x0bv"]
    for risky in EDGE_TEXTS + extra:
        values = np.array(["普通文本", "甲乙（丙）；丁", risky, "末尾"], dtype=object)
        buf = io.StringIO()
        csv.writer(buf).writerows([[v, "x"] for v in safe_column(values).tolist()])
        assert "".join(f"{g.decode()},x\r\n" for g in csv_column(values)) == buf.getvalue(), repr(risky)


def test_number_and_mixed_columns_match_csv_writer():
    floats = np.array([0.0, -0.0, 1.5, np.nan, 20.0, 1e-7, 123456789.12, -3.25, np.inf, 0.1 + 0.2])
    ints = np.array([2, 3, 10**12, -1], dtype=np.int64)
    mixed = np.array([1, 1.0, True, "=x", None, 2.5, "a,b"], dtype=object)
    for values in (floats, ints, mixed, np.array([], dtype=object), np.array([None, None], dtype=object)):
        buf = io.StringIO()
        csv.writer(buf).writerows([[v, "x"] for v in
                                   (safe_column(values) if values.dtype == object
                                    else np.where(np.isnan(values.astype(float)), None, values).astype(object)).tolist()])
        assert "".join(f"{g.decode()},x\r\n" for g in csv_column(values)) == buf.getvalue()


def test_csv_sink_writes_the_bytes_csv_writer_writes():
    table = pd.DataFrame({"行号": np.arange(2, 40_002), "名称": [EDGE_TEXTS[i % len(EDGE_TEXTS)] for i in range(40_000)],
                          "金额": np.where(np.arange(40_000) % 7 == 0, np.nan, np.arange(40_000) / 8),
                          "说明": np.where(np.arange(40_000) % 3 == 0, "", "不得享受")})
    fast = io.BytesIO()
    sink = CsvSink(fast)
    sink.rows(table.iloc[:25_000])
    sink.rows(table.iloc[25_000:])
    sink.finish(None)
    plain = io.BytesIO()
    text = io.TextIOWrapper(plain, encoding="utf-8-sig", newline="")
    w = csv.writer(text)
    w.writerow(list(table.columns))
    w.writerows(zip(*_cells(table), strict=True))  # the per-cell form the sink replaced
    text.flush()
    assert fast.getvalue() == plain.getvalue()


def _reason_per_row(rs, pa, i: int) -> str:
    """The specification of a 原因 cell: walk the rule tree for one row."""
    from innodrive.enterprises.states import PASS, STATE_LABELS, STATE_NAMES

    out: list[str] = []

    def visit(c) -> None:
        st = int(pa.conditions[c.id][i])
        if st == PASS:
            return
        if c.kind == "all":
            for k in c.children:
                visit(k)
        elif c.kind == "any":
            score = [int(pa.conditions[k.id][i]) * 2 + (k.kind in ("all", "any")) for k in c.children]
            visit(c.children[max(j for j, v in enumerate(score) if v == max(score))])  # ties: the later route
        else:
            out.append(f"{STATE_LABELS[STATE_NAMES[st]]}：{c.label}；")

    visit(rs.verdict)
    return "".join(out)


def test_reasons_match_a_per_row_walk_of_the_rule_tree():
    import datetime as dt

    from innodrive.enterprises.rules import rules_in_force
    from innodrive.enterprises.screening import _reasons
    from innodrive.enterprises.vectorised import columns_of, evaluate_arrays

    on = dt.date(2024, 6, 30)
    frame = holey_registry(4000, seed=16, unknown_rows=50)
    cols, n = columns_of(frame)
    rule_sets = rules_in_force(on)
    arrays = evaluate_arrays(cols, n, rule_sets, on=on)
    for rs in rule_sets:
        got = _reasons(rs, arrays[rs.programme], n)
        assert got.tolist() == [_reason_per_row(rs, arrays[rs.programme], i) for i in range(n)], rs.programme
        assert len(set(got.tolist())) > 5, rs.programme  # the test reaches many combinations
    empty = evaluate_arrays({k: v[:0] for k, v in cols.items()}, 0, rule_sets, on=on)
    assert _reasons(rule_sets[0], empty[rule_sets[0].programme], 0).tolist() == []


def test_coded_columns_write_what_their_cells_write():
    from innodrive.enterprises.stream import csv_coded

    texts = np.array(EDGE_TEXTS[:-6] + ["不符合：甲；缺少数据：乙；"], dtype=object)  # one over the cell limit
    codes = np.random.default_rng(3).integers(0, len(texts), 5000)
    assert csv_coded(codes, texts) == csv_column(texts[codes])
    short = np.array([t for t in texts.tolist() if len(t) < 1000], dtype=object)
    codes = codes % len(short)
    assert csv_coded(codes, short) == csv_column(short[codes])
    assert csv_coded(np.array([], dtype=np.int64), short) == []
