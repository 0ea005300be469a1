"""The one table reader: encodings, title rows, streaming, and hostile workbooks."""

from __future__ import annotations

import io
import time
import types
import zipfile

import pytest
from openpyxl import Workbook

from innodrive.errors import InputError
from innodrive.tabular import Limits, column_letter, open_table, sniff

EXPECTED = ("地区", "指标", "年份", "值", "单位", "来源")
CSV = "地区,指标,年份,值,单位,来源\n乐山市,R&D经费支出,2020,25.3,亿元,测试\n\n乐山市,地区生产总值,2020,2003.43,亿元,测试\n"


def rows(table):
    return list(table.rows())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_csv_in_every_encoding_people_save(encoding):
    t = open_table(CSV.encode(encoding), name="t.csv", expected=EXPECTED)
    assert t.header == list(EXPECTED)
    got = rows(t)
    assert [r for r, _ in got] == [2, 4]  # row numbers as a spreadsheet shows them; blank row skipped
    assert got[0][1][1] == "R&D经费支出" and got[1][1][3] == "2003.43"


def test_rows_are_a_stream_not_a_list():
    t = open_table(CSV.encode(), name="t.csv")
    it = t.rows()
    assert isinstance(it, types.GeneratorType)
    with pytest.raises(RuntimeError):
        t.rows()


def test_title_row_above_the_header_is_skipped_by_header_names():
    text = "2023年乐山市科技统计表,,,,,\n,,,,,\n" + CSV
    t = open_table(text.encode(), name="t.csv", expected=EXPECTED)
    assert t.header_row == 3 and t.header[0] == "地区"
    assert [r for r, _ in rows(t)] == [4, 6]


def xlsx(rows_, *, title="Sheet1") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r in rows_:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_with_a_title_row_and_its_sheet_named_in_messages():
    data = xlsx([["2023年统计数据"], [], list(EXPECTED), ["乐山市", "R&D经费支出", 2020, 25.3, "亿元", "测试"]],
                title="2023年")
    t = open_table(data, name="统计.xlsx", expected=EXPECTED)
    assert (t.header_row, t.sheet) == (3, "2023年")
    assert t.where == "统计.xlsx（工作表“2023年”）"
    assert rows(t) == [(4, ["乐山市", "R&D经费支出", 2020, 25.3, "亿元", "测试"])]
    with pytest.raises(InputError, match="没有名为“其他”的工作表；现有：2023年"):
        open_table(data, name="统计.xlsx", sheet="其他")


def test_column_names_for_messages():
    t = open_table(b"a,,c\n1,2,3\n", name="t.csv")
    assert t.column_name(0) == "a" and t.column_name(1) == "第 B 列" and t.column_name(2) == "c"
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_content_must_match_the_extension():
    with pytest.raises(InputError, match="内容却是ZIP"):
        open_table(xlsx([list(EXPECTED)]), name="伪装.csv")
    with pytest.raises(InputError, match="无法读取 Excel 文件.*纯文本"):
        open_table(CSV.encode(), name="伪装.xlsx")
    with pytest.raises(InputError, match="内容却是PDF"):
        open_table(b"%PDF-1.4\n...", name="x.csv")
    with pytest.raises(InputError, match="不支持旧版 Excel"):
        open_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name="x.xlsx")
    assert sniff(b"") == "empty"


def _rewrite(data: bytes, member: str, edit) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == member:
                body = edit(body)
            z.writestr(info.filename, body)
    return out.getvalue()


def test_decompressed_size_is_limited_before_anything_is_inflated():
    data = _rewrite(xlsx([list(EXPECTED)]), "xl/worksheets/sheet1.xml", lambda b: b + b" " * (30 * 1024 * 1024))
    assert len(data) < 1024 * 1024  # a small file ...
    with pytest.raises(InputError, match="解压后.*压缩炸弹"):
        open_table(data, name="bomb.xlsx", limits=Limits(max_decompressed=20 * 1024 * 1024))


def test_a_sheet_declaring_twenty_million_rows_is_refused_quickly():
    def edit(body: bytes) -> bytes:
        body = body.replace(b'<dimension ref="A1:F1"/>', b'<dimension ref="A1:F20000000"/>')
        return body
    data = _rewrite(xlsx([list(EXPECTED)]), "xl/worksheets/sheet1.xml", edit)
    start = time.perf_counter()
    with pytest.raises(InputError, match="声明了 20,000,000 行"):
        open_table(data, name="rows.xlsx", expected=EXPECTED)
    assert time.perf_counter() - start < 5


def test_a_sheet_that_hides_millions_of_empty_rows_stops_at_the_row_limit():
    def edit(body: bytes) -> bytes:
        return body.replace(b"</sheetData>", b'<row r="20000000"><c r="A20000000" t="inlineStr"><is><t>x</t></is>'
                                              b"</c></row></sheetData>")
    data = _rewrite(xlsx([list(EXPECTED)]), "xl/worksheets/sheet1.xml", edit)
    t = open_table(data, name="gap.xlsx", expected=EXPECTED)
    start = time.perf_counter()
    with pytest.raises(InputError, match="超过 5,000,000 行") as err:
        rows(t)
    assert err.value.row == 20_000_000 and time.perf_counter() - start < 5


@pytest.mark.parametrize("payload", [
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
])
def test_xxe_and_entity_expansion_are_refused(payload):
    def edit(body: bytes) -> bytes:
        return payload + body.split(b"?>", 1)[-1]
    data = _rewrite(xlsx([list(EXPECTED), ["乐山市"]]), "xl/worksheets/sheet1.xml", edit)
    with pytest.raises(InputError, match="不允许的 XML|无法读取 Excel") as err:
        rows(open_table(data, name="xxe.xlsx", expected=EXPECTED))
    assert "root:" not in str(err.value) and "aaaaaaaaaaaaaaaaaaaa" not in str(err.value)


def test_rows_beyond_a_wrong_dimension_are_read_not_dropped():
    def edit(body: bytes) -> bytes:
        return body.replace(b"</sheetData>", b'<row r="5"><c r="A5" t="inlineStr"><is><t>late</t></is></c></row>'
                                              b"</sheetData>")
    data = _rewrite(xlsx([list(EXPECTED)]), "xl/worksheets/sheet1.xml", edit)
    assert b"A1:F1" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert rows(open_table(data, name="late.xlsx", expected=EXPECTED)) == [(5, ["late", None, None, None, None, None])]


def test_broken_and_empty_inputs():
    with pytest.raises(InputError, match="表格为空"):
        open_table(b"", name="e.csv")
    with pytest.raises(InputError, match="表格为空"):
        open_table(b"\n\n,,\n", name="e.csv")
    with pytest.raises(InputError, match="无法读取 Excel 文件"):
        open_table(b"PK\x03\x04garbage", name="b.xlsx")
    with pytest.raises(InputError, match="二进制"):
        open_table(b"a,b\x00\x01", name="b.csv")


def test_csv_limits_on_columns_and_field_size():
    wide = ",".join(["a"] * 50) + "\n"
    with pytest.raises(InputError, match="超过 10 列"):
        rows(open_table(wide.encode(), name="w.csv", limits=Limits(max_columns=10)))
    big = "a,b\n" + "x" * 2000 + ",1\n"
    with pytest.raises(InputError, match="单元格超过 1,000 个字符"):
        rows(open_table(big.encode(), name="f.csv", limits=Limits(max_field_chars=1000)))


def test_path_input_goes_through_read_input(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(CSV, encoding="utf-8")
    t = open_table(p, expected=EXPECTED)
    assert t.name == "t.csv" and len(rows(t)) == 2
    with pytest.raises(InputError, match="不存在"):
        open_table(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="不支持的文件类型"):
        open_table(tmp_path / "x.json")


@pytest.mark.parametrize("layout", ["codes-first", "text-first"])
def test_coded_columns_of_numbers_are_read_once_and_as_written(monkeypatch, layout):
    """A coded column the C parser would turn into numbers (a choice written as codes 1–5,
    "1" and "1.0" apart) arrives as the cells written in every slab: found on the first
    lines it is read as cells from the start (never read twice); found in a later slab,
    that slab alone is read again."""
    import pandas as pd

    from innodrive import tabular

    n = 150_000  # four or five slabs of about 1 MB
    if layout == "codes-first":
        cells = [("1", "2", "1.0")[i % 3] if i < 40_000 or i >= 80_000 else ("工业", "2")[i % 2] for i in range(n)]
    else:
        cells = [("工业", "零售业")[i % 2] if i < 40_000 else ("3", "03", "")[i % 3] for i in range(n)]
    data = ("划型行业,序号,备注\n" + "".join(f"{c},{i:012d},示例\n" for i, c in enumerate(cells))).encode()
    again = []
    real = tabular._cells_as_written

    def counted(frame, slab, *args):
        frame, redone = real(frame, slab, *args)
        again.extend(redone)
        return frame, redone

    monkeypatch.setattr(tabular, "_cells_as_written", counted)
    coded = list(open_table(data, name="t.csv").frames(20_000, columns=[0], text=[0], coded=[0]))
    plain = list(open_table(data, name="t.csv").frames(20_000, columns=[0], text=[0]))
    assert len(coded) == len(plain) >= 3
    for a, b in zip(coded, plain, strict=True):
        col = a.frame[0]
        if isinstance(col.dtype, pd.CategoricalDtype):
            assert all(isinstance(c, str) for c in col.cat.categories.tolist())
        assert col.astype(object).where(col.notna(), None).tolist() == b.frame[0].where(b.frame[0].notna(), None).tolist()
        assert a.numbers.tolist() == b.numbers.tolist()
    assert again == ([] if layout == "codes-first" else [0])  # read again at most once, in the slab that needed it


def test_xlsx_rows_keep_filled_cells_beyond_the_header_and_drop_empty_ones():
    """As a CSV row keeps all its cells, an Excel row keeps those up to its last filled one past
    the header (a reader reports it); None and spaces there are dropped; limits still apply."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in (["a", "b"], [1, 2, None, " ", "x"], [3, 4, None, "\u3000"], [None, None, None, None, None, 9],
              [5, None]):
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    t = open_table(buf.getvalue(), name="w.xlsx")
    assert list(t.rows()) == [(2, [1, 2, None, " ", "x"]), (3, [3, 4]), (4, [None] * 5 + [9]), (5, [5, None])]
    t = open_table(buf.getvalue(), name="w.xlsx")
    assert [b.wide for b in t.frames()] == [{2: 5, 4: 6}]
    with pytest.raises(InputError, match="第 2 行有 5 列，超过 4 列的上限"):
        rows(open_table(buf.getvalue(), name="w.xlsx", limits=Limits(max_columns=4)))


@pytest.mark.parametrize("end", ["\r\n", "\n"])
def test_chunks_number_rows_like_rows_after_line_breaks_inside_quoted_cells(end):
    """A quoted cell may hold LF, CR LF or a lone CR; the text stream splits lines at each, so
    the row path counts each as a line. chunks() (the importer's path) must give the same
    row numbers — it counted only LF, and every row after a lone CR was one line short."""
    lines = ["指标,值", '甲,"一\r二"', '乙,"三\n四"', '丙,"五\r\n六"', '丁,"七\r\r八"', "戊,9"]
    data = end.join(lines).encode() + end.encode()
    by_rows = [n for n, _ in open_table(data, name="t.csv", expected=["指标", "值"]).rows()]
    by_chunks = [n for nums, _ in open_table(data, name="t.csv", expected=["指标", "值"]).chunks(2) for n in nums]
    assert by_rows == by_chunks == [3, 5, 7, 10, 11]


def test_the_encoding_found_piece_by_piece_is_the_whole_file_s():
    """``detect_encoding`` decodes in 32 KB pieces: a character cut by a piece's edge, a bad
    byte far into the file, a truncated last character, GB18030 text and text that is both
    are judged as decoding the whole file at once judges them (CONSTRUCTED bytes)."""
    from innodrive.errors import InputError
    from innodrive.tabular import detect_encoding

    def whole(data: bytes) -> str | None:
        for encoding, name in (("utf-8", "utf-8-sig"), ("gb18030", "gb18030")):
            try:
                data.decode(encoding)
                return name
            except UnicodeDecodeError:
                continue
        return None

    line = "统一社会信用代码,企业名称,甲乙丙\n".encode()
    body = line * (3 * (1 << 15) // len(line) + 7)
    cases = [body, b"a" + body, b"ab" + body]  # the 3-byte characters fall across every edge
    step = 1 << 15
    for at in (step - 1, step, step + 1, 2 * step - 2, len(body) - 1):
        cases.append(body[:at] + b"\xff" + body[at:])  # a byte no UTF-8 or GB18030 text holds
        cases.append(body[:at] + b"\xe4" + body[at:])  # a lone lead byte
        cases.append(body[:at] + b"\xed\xa0\x80" + body[at:])  # a surrogate, refused by UTF-8
    cases += [body[:-1], body[:-2], "企业名称,甲\n".encode("gb18030") * 5000, b"abc,def\n" * 9000]
    for data in cases:
        want = whole(data)
        if want is None:
            with pytest.raises(InputError):
                detect_encoding(data, "表.csv")
        else:
            assert detect_encoding(data, "表.csv") == want
