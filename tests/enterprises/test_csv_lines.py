"""Result CSV lines written from columns against ``csv.writer`` over ``safe_cell``: random
hostile texts (quotes, commas, line breaks, formula leads, empty, non-BMP characters,
cells longer than a spreadsheet holds), coded and plain columns, numbers with holes —
in several batches per block (short writes to a file: test_output_fast_paths)."""

from __future__ import annotations

import csv
import io

import numpy as np

from innodrive.enterprises.stream import CsvSink, safe_column
from innodrive.safeio import XLSX_MAX_CELL, safe_cell

_PIECES = ['"', '""', ",", "\n", "\r", "\r\n", "=", "+", "-", "@", "'", " ", "\t", "甲", "企业", "𠀀", "😀", "a",
           "1", "\x01", "\ufffe", "\x7f", "é"]


def _text(rng: np.random.Generator) -> str:
    k = int(rng.integers(0, 4))
    if k == 0:
        return ""
    if k == 1 and rng.random() < 0.05:  # longer than a cell holds (cut, and logged once per cell)
        return "长" * (XLSX_MAX_CELL + int(rng.integers(1, 50)))
    return "".join(rng.choice(_PIECES, int(rng.integers(1, 12))).tolist())


def _columns(rng: np.random.Generator, n: int) -> dict[str, object]:
    texts = np.empty(40, dtype=object)
    texts[:] = [_text(rng) for _ in range(40)]
    plain = np.empty(n, dtype=object)
    plain[:] = [_text(rng) for _ in range(n)]
    holey = plain.copy()
    holey[rng.random(n) < 0.2] = None
    amounts = np.round(rng.uniform(-1e6, 1e6, n), int(rng.integers(0, 4)))
    amounts[rng.random(n) < 0.3] = np.nan
    amounts[:2] = [-0.0, 0.0]
    return {"=行号": np.arange(2, n + 2), "名称": plain, "地区": holey,
            "结论": (rng.integers(0, 40, n).astype(np.int8), texts),
            "原因": (rng.integers(-40, 40, n), texts),  # a negative code is read as NumPy reads it
            "金额": amounts, "备注": (rng.integers(0, 3, n), np.array(["", "=x", "a,b"], dtype=object))}


def _expected(columns: dict[str, object]) -> bytes:
    cells = []
    for v in columns.values():
        col = np.asarray(v[1], dtype=object)[v[0]] if isinstance(v, tuple) else v
        cells.append(safe_column(col) if col.dtype == object
                     else np.where(np.isnan(col.astype(float)), None, col).astype(object))
    plain = io.BytesIO()
    text = io.TextIOWrapper(plain, encoding="utf-8-sig", newline="")
    w = csv.writer(text)
    w.writerow([safe_cell(h) for h in columns])
    w.writerows(zip(*cells, strict=True))
    text.flush()
    return plain.getvalue()


def _written(blocks: list[dict[str, object]]) -> bytes:
    out = io.BytesIO()
    sink = CsvSink(out)
    for b in blocks:
        sink._write(b)
    sink.finish(None)
    return out.getvalue()


def test_lines_are_csv_writer_over_safe_cells(monkeypatch):
    monkeypatch.setattr(CsvSink, "BATCH", 700)  # several batches per block, the last one short
    for seed in range(6):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(1, 2500))
        columns = _columns(rng, n)
        assert _written([columns]) == _expected(columns), seed
    rng = np.random.default_rng(12)
    blocks = [_columns(rng, 900), _columns(rng, 1300)]
    assert _written(blocks).startswith(_expected(blocks[0]))
