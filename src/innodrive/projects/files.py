"""Reading the files the office writes: calls, applications, expert lists, contracts.

The edge between a user's files and the specs of :mod:`.specs`. YAML goes through
:func:`innodrive.safeio.load_yaml` (bounded), files through
:func:`innodrive.safeio.read_input`; expert lists may also be CSV/XLSX tables with
Chinese headers (read with the one table reader of the indicators importer). Every
problem names the file, the row and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from innodrive.errors import InputError, Problem, ValidationFailed, format_location
from innodrive.projects.specs import ApplicationSpec, CallSpec, ContractSpec, ExpertSpec, parse
from innodrive.safeio import load_yaml, read_input

EXPERT_HEADERS = {
    "姓名": "name", "工作单位": "affiliation", "单位统一社会信用代码": "affiliation_code", "职称": "title",
    "专业领域": "fields", "兼职单位": "posts", "合作关系": "collaborations", "每轮最多评审数": "max_load",
    "账号": "username", "在库": "active",
}


def load_document(path: Path, *, what: str) -> Any:
    return parse_document(read_input(path, what=what), name=str(path), what=what)


def parse_document(data: bytes, *, name: str, what: str) -> Any:
    """A YAML document from bytes (a file read from disk or uploaded in the browser)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{what}应为 UTF-8 编码的 YAML 文本", file=name) from None
    return load_yaml(text, name=name)


def read_call(path: Path) -> CallSpec:
    return parse(CallSpec, load_document(path, what="榜单文件"), file=str(path), what="榜单文件")


def read_application(path: Path) -> tuple[ApplicationSpec, list[tuple[str, bytes]]]:
    """An application and the bytes of its attachments (paths relative to the file)."""
    spec = parse(ApplicationSpec, load_document(path, what="申报文件"), file=str(path), what="申报文件")
    files = []
    for a in spec.attachments:
        p = Path(a.file)
        if not p.is_absolute():
            p = path.parent / p
        files.append((p.name, read_input(p, what="附件")))
    return spec, files


def read_contract(path: Path) -> ContractSpec:
    return parse(ContractSpec, load_document(path, what="合同文件"), file=str(path), what="合同文件")


def read_experts(source: Path | bytes, *, name: str | None = None) -> list[ExpertSpec]:
    """Experts from a YAML list or a CSV/XLSX table (headers: 姓名、工作单位、专业领域 …).

    ``source`` is a file or the bytes of an uploaded one; ``name`` is how messages name
    it (and, for bytes, what tells the kind of file by its extension)."""
    if isinstance(source, Path):
        shown = name or source.name
    else:
        shown = name or "专家名单"
    suffix = Path(shown).suffix.lower()
    if suffix in (".yaml", ".yml"):
        data = read_input(source, what="专家名单") if isinstance(source, Path) else source
        raw = parse_document(data, name=shown, what="专家名单")
        if not isinstance(raw, list):
            raise InputError("专家名单应为列表（每位专家一项）", file=shown)
        records = [(i, r) for i, r in enumerate(raw, start=1)]
    else:
        from innodrive.tabular import cell_text, open_table

        table = open_table(source, name=shown, expected=EXPERT_HEADERS)
        fields = [EXPERT_HEADERS.get(h.strip(), h.strip()) for h in table.header]
        missing = [h for h, f in EXPERT_HEADERS.items() if f in ("name", "affiliation", "fields") and f not in fields]
        if missing:
            raise InputError(f"专家名单缺少列：{'、'.join(missing)}", file=shown)
        records = []
        for row_no, cells in table.rows():
            rec = {}
            for f, v in zip(fields, cells, strict=False):
                text = cell_text(v)
                if text:
                    rec[f] = _cell(f, text)
            records.append((row_no, rec))
    headers = {v: k for k, v in EXPERT_HEADERS.items()} if suffix not in (".yaml", ".yml") else {}
    out: list[ExpertSpec] = []
    problems: list[Problem] = []
    for row, rec in records:
        try:
            out.append(parse(ExpertSpec, rec, file=shown, what="专家信息"))
        except ValidationFailed as exc:
            for p in exc.problems:
                top = (p.field or "").split(".")[0]
                field = headers.get(top, p.field) if top else p.field
                problems.append(Problem(p.message, file=shown, row=row, field=field))
    if problems:
        first = format_location(None, problems[0].row, problems[0].field, problems[0].message)
        raise ValidationFailed(f"专家名单有 {len(problems)} 处问题，未导入任何专家：{first}", file=shown,
                               problems=problems)
    return out


def _cell(field: str, text: str) -> Any:
    if field == "collaborations":  # 单位或人员:年份；…
        items = []
        for part in text.replace("；", ";").split(";"):
            part = part.strip()
            if not part:
                continue
            name, _, year = part.replace("：", ":").partition(":")
            items.append({"with": name.strip(), **({"until": year.strip()} if year.strip() else {})})
        return items
    if field == "active":
        return text not in ("否", "0", "false", "False", "停用")
    return text
