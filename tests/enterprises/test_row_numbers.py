"""Problems name the row as the user sees it in the file: a title row above the header and
blank lines between rows shift every later row, on the whole-table reader (used by the
funnel and the ``--code`` hints) as on the streaming check, and in the stage ledger
(CONSTRUCTED data)."""

from __future__ import annotations

import datetime as dt

import pytest

from innodrive.enterprises import registry as R
from innodrive.enterprises.stream import screen_stream

from .ent_helpers import make_code

TODAY = dt.date(2024, 6, 30)


def _registry() -> bytes:
    lines = ["2024年企业名录（示例）",                       # line 1: a title row
             "统一社会信用代码,企业名称,职工总数",            # line 2: the header
             f"{make_code(1)},甲,10",                         # line 3
             "",                                              # line 4: blank
             f"{make_code(2)},乙,很多",                       # line 5: not a number
             f"{make_code(3)},丙,12,多出的值",                # line 6: a cell beyond the header
             f"{make_code(4)},丁,13"]                         # line 7
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_whole_table_reader_numbers_rows_as_the_streaming_check_does():
    data = _registry()
    view = screen_stream(data, name="名录.csv", on=TODAY, out=None, today=TODAY)
    streamed = [(p.row, p.field) for p in view.problems]
    assert streamed == [(5, "职工总数"), (6, "整行")]
    reg = R.read_registry_bytes(data, name="名录.csv", today=TODAY)
    assert [(p.row, p.field) for p in reg.problems] == streamed
    assert [p.message for p in reg.problems] == [p.message for p in view.problems]
    assert reg.row_numbers.tolist() == [3, 7]


def test_a_frame_built_in_memory_keeps_header_plus_position():
    raw = R.read_table_bytes(_registry(), name="名录.csv")
    rebuilt = raw.copy()
    rebuilt.attrs = {}
    reg = R.check_table(rebuilt, file="x.csv", today=TODAY)
    # without the reader's line numbers the rows follow a one-line header
    assert [p.row for p in reg.problems] == [3]
    assert reg.row_numbers.tolist() == [2, 4, 5]


def test_ledger_problems_name_the_line_and_the_file(tmp_path):
    from innodrive.enterprises.db import read_ledger
    from innodrive.errors import ValidationFailed

    bad = tmp_path / "台账.csv"
    bad.write_text("培育台账（2022年）\n"
                   "统一社会信用代码,企业名称,所属地区,阶段,日期\n"
                   f"{make_code(1)},甲,翠屏区,入库,2022-04-01\n"
                   "\n"
                   f"{make_code(3)},丙,翠屏区,上市,2022-04-01\n"
                   f"{make_code(4)},丁,宜宾市,认定,2022-05-01,多出的值\n",
                   encoding="utf-8")
    with pytest.raises(ValidationFailed) as exc:
        read_ledger(bad)
    problems = exc.value.problems
    assert [(p.row, p.field) for p in problems] == [(5, "阶段"), (6, None)]
    # a good row before them does not change the file the problems name
    assert {p.file for p in problems} == {"台账.csv"}
    assert problems[1].message.startswith("该行有 6 个单元格，表头只有 5 列")
    assert "整行未导入" in problems[1].message
