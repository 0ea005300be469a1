"""Reading a chain from YAML or the XLSX template, checking every row.

The XLSX template has five sheets — 产业链, 环节, 企业, 平台, 目标 — each read through the
one table reader (:func:`innodrive.tabular.open_table`: limits, title rows, messages).
Every problem is collected with its file, sheet, row and column, and a chain with any
problem is refused whole (:class:`~innodrive.errors.ValidationFailed`): nothing is
stored from a file that is half right. The YAML form holds the same lists.
"""

from __future__ import annotations

from pathlib import Path

from innodrive.chains.models import (
    PLATFORM_LEVELS,
    SEGMENTS,
    ChainSpec,
    EnterpriseLink,
    NodeSpec,
    PlatformSpec,
    TargetSpec,
)
from innodrive.errors import InputError, Problem, ValidationFailed

SHEETS = {
    "产业链": ("产业链代码", "产业链名称", "地区", "说明", "来源", "示例"),
    "环节": ("环节代码", "环节名称", "链段", "上级环节", "说明"),
    "企业": ("环节代码", "统一社会信用代码", "企业名称", "所在地区", "链主", "说明"),
    "平台": ("环节代码", "平台名称", "级别", "类型"),
    "目标": ("环节代码", "目标", "数值", "单位", "年份"),
}
YES = {"是", "y", "yes", "true", "1", "√", "链主"}
NO = {"", "否", "n", "no", "false", "0"}


def read_chain(data: bytes, name: str) -> ChainSpec:
    """A chain from the bytes of a ``.yaml``/``.yml`` or ``.xlsx`` file, checked row by row."""
    suffix = Path(name).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _from_yaml(data, name)
    if suffix in (".xlsx", ".xlsm"):
        return _from_xlsx(data, name)
    raise InputError(f"产业链文件应为 .yaml 或 .xlsx，而不是“{suffix or '无扩展名'}”", file=name)


# --------------------------------------------------------------------------- YAML


def _from_yaml(data: bytes, name: str) -> ChainSpec:
    from innodrive.safeio import load_yaml

    try:
        raw = load_yaml(data.decode("utf-8-sig"), name=name)
    except UnicodeDecodeError:
        raise InputError("产业链文件不是 UTF-8 编码的文本", file=name) from None
    if not isinstance(raw, dict):
        raise InputError("产业链文件的顶层应是键值映射（key、name、nodes…）", file=name)
    rows: dict[str, list[tuple[int, dict]]] = {}
    for key, sheet in (("nodes", "环节"), ("enterprises", "企业"), ("platforms", "平台"), ("targets", "目标")):
        items = raw.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise InputError(f"“{key}”应是列表，每一项是键值映射", file=name, field=key)
        rows[sheet] = [(i + 1, {str(k): v for k, v in item.items()}) for i, item in enumerate(items)]
    head = {"key": raw.get("key"), "name": raw.get("name"), "region": raw.get("region"),
            "description": raw.get("description"), "source": raw.get("source"), "example": raw.get("example")}
    return _check(head, rows, name, yaml_keys=True)


# --------------------------------------------------------------------------- XLSX


def _from_xlsx(data: bytes, name: str) -> ChainSpec:
    from innodrive.tabular import cell_text, open_table

    problems: list[Problem] = []
    rows: dict[str, list[tuple[int, dict]]] = {}
    for sheet, columns in SHEETS.items():
        try:
            table = open_table(data, name=name, sheet=sheet, expected=columns)
        except InputError as exc:
            if sheet in ("企业", "目标", "平台") and ("没有名为" in exc.message or "表格为空" in exc.message):
                rows[sheet] = []
                continue
            raise
        missing = [c for c in columns[:2] if c not in table.header]
        if missing:
            problems.append(Problem(f"缺少列：{'、'.join(missing)}", file=f"{name}（工作表“{sheet}”）",
                                    row=table.header_row))
            rows[sheet] = []
            continue
        idx = {h: i for i, h in enumerate(table.header)}
        rows[sheet] = [(rownum, {c: cell_text(cells[idx[c]]) if c in idx and idx[c] < len(cells) else ""
                                 for c in columns}) for rownum, cells in table.rows()]
    if problems:
        raise ValidationFailed(f"产业链文件有 {len(problems)} 处问题，未导入", file=name, problems=problems)
    info = rows.pop("产业链")
    if len(info) != 1:
        raise ValidationFailed("工作表“产业链”应恰有一行（一个文件一条产业链）", file=name,
                               problems=[Problem(f"工作表“产业链”有 {len(info)} 行数据，应为 1 行",
                                                 file=f"{name}（工作表“产业链”）")])
    r = info[0][1]
    head = {"key": r["产业链代码"], "name": r["产业链名称"], "region": r["地区"], "description": r["说明"],
            "source": r["来源"], "example": r["示例"]}
    return _check(head, rows, name, yaml_keys=False)


# --------------------------------------------------------------------------- checks

_YAML_FIELDS = {
    "环节": {"环节代码": "code", "环节名称": "name", "链段": "segment", "上级环节": "parent", "说明": "note"},
    "企业": {"环节代码": "node", "统一社会信用代码": "credit_code", "企业名称": "name", "所在地区": "region",
           "链主": "leader", "说明": "note"},
    "平台": {"环节代码": "node", "平台名称": "name", "级别": "level", "类型": "kind"},
    "目标": {"环节代码": "node", "目标": "text", "数值": "value", "单位": "unit", "年份": "year"},
}


def _get(row: dict, sheet: str, column: str, yaml_keys: bool) -> str:
    key = _YAML_FIELDS[sheet][column] if yaml_keys else column
    v = row.get(key)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _check(head: dict, rows: dict[str, list[tuple[int, dict]]], name: str, *, yaml_keys: bool) -> ChainSpec:
    from innodrive.enterprises import credit_code as cc
    from innodrive.regions import try_resolve

    problems: list[Problem] = []

    def where(sheet: str) -> str:
        return f"{name}（{'列表 ' + sheet if yaml_keys else '工作表“' + sheet + '”'}）"

    key = str(head.get("key") or "").strip()
    cname = str(head.get("name") or "").strip()
    if not key:
        problems.append(Problem("缺少产业链代码（key）", file=name, field="产业链代码"))
    elif not all(ch.isalnum() or ch in "_-" for ch in key) or len(key) > 60:
        problems.append(Problem(f"产业链代码“{key}”只能含字母、数字、下划线和连字符（不超过 60 字）", file=name,
                                field="产业链代码"))
    if not cname:
        problems.append(Problem("缺少产业链名称（name）", file=name, field="产业链名称"))
    region_code = None
    if str(head.get("region") or "").strip():
        found, why = try_resolve(head["region"])
        if found is None:
            problems.append(Problem(why or "未知的地区", file=name, field="地区"))
        else:
            region_code = found.code
    example = str(head.get("example") or "").strip().lower() in YES or head.get("example") is True

    nodes: list[NodeSpec] = []
    seen: dict[str, int] = {}
    parents: list[tuple[int, str, str]] = []
    for rownum, r in rows.get("环节", []):
        code, nname = _get(r, "环节", "环节代码", yaml_keys), _get(r, "环节", "环节名称", yaml_keys)
        seg, parent = _get(r, "环节", "链段", yaml_keys), _get(r, "环节", "上级环节", yaml_keys)
        bad = len(problems)
        if not code:
            problems.append(Problem("环节代码为空", file=where("环节"), row=rownum, field="环节代码"))
        elif code in seen:
            problems.append(Problem(f"环节代码“{code}”重复（另见第 {seen[code]} 行）", file=where("环节"), row=rownum,
                                    field="环节代码"))
        if not nname:
            problems.append(Problem("环节名称为空", file=where("环节"), row=rownum, field="环节名称"))
        if seg not in SEGMENTS:
            problems.append(Problem(f"链段应为{'、'.join(SEGMENTS)}之一，而不是“{seg}”", file=where("环节"), row=rownum,
                                    field="链段"))
        if len(problems) == bad:
            seen[code] = rownum
            nodes.append(NodeSpec(code=code, name=nname, segment=seg, parent=parent or None,
                                  note=_get(r, "环节", "说明", yaml_keys) or None))
            if parent:
                parents.append((rownum, code, parent))
    if not rows.get("环节"):
        problems.append(Problem("产业链没有任何环节", file=where("环节")))
    for rownum, code, parent in parents:
        if parent not in seen:
            problems.append(Problem(f"上级环节“{parent}”不存在", file=where("环节"), row=rownum, field="上级环节"))
        elif parent == code:
            problems.append(Problem("环节不能以自己为上级", file=where("环节"), row=rownum, field="上级环节"))
    by = {n.code: n for n in nodes}
    for n in nodes:  # cycles
        chain, cur = [n.code], n.parent
        while cur in by and cur not in chain:
            chain.append(cur)
            cur = by[cur].parent
        if cur in chain and cur is not None:
            problems.append(Problem(f"上级环节存在循环：{' → '.join(chain + [cur])}", file=where("环节"),
                                    row=seen[n.code], field="上级环节"))
            break

    enterprises: list[EnterpriseLink] = []
    pairs: dict[tuple[str, str], int] = {}
    for rownum, r in rows.get("企业", []):
        node, code = _get(r, "企业", "环节代码", yaml_keys), _get(r, "企业", "统一社会信用代码", yaml_keys).upper()
        ename, region = _get(r, "企业", "企业名称", yaml_keys), _get(r, "企业", "所在地区", yaml_keys)
        leader = _get(r, "企业", "链主", yaml_keys).lower()
        bad = len(problems)
        if node not in seen:
            problems.append(Problem(f"环节代码“{node}”不在“环节”中", file=where("企业"), row=rownum, field="环节代码"))
        why = cc.problem(code) if code else "统一社会信用代码为空"
        if why:
            problems.append(Problem(why, file=where("企业"), row=rownum, field="统一社会信用代码"))
        elif (node, code) in pairs:
            problems.append(Problem(f"该企业已挂在环节“{node}”（另见第 {pairs[(node, code)]} 行）", file=where("企业"),
                                    row=rownum, field="统一社会信用代码"))
        if not ename:
            problems.append(Problem("企业名称为空", file=where("企业"), row=rownum, field="企业名称"))
        if leader not in YES and leader not in NO:
            problems.append(Problem(f"“链主”应填 是 或 否，而不是“{leader}”", file=where("企业"), row=rownum,
                                    field="链主"))
        rcode = None
        if region:
            found, msg = try_resolve(region, within=None)
            if found is None:
                problems.append(Problem(msg or "未知的地区", file=where("企业"), row=rownum, field="所在地区"))
            else:
                rcode = found.code
        if len(problems) == bad:
            pairs[(node, code)] = rownum
            enterprises.append(EnterpriseLink(node=node, credit_code=code, name=ename, region=region or None,
                                              region_code=rcode, leader=leader in YES,
                                              note=_get(r, "企业", "说明", yaml_keys) or None))

    platforms: list[PlatformSpec] = []
    for rownum, r in rows.get("平台", []):
        node, pname, level = (_get(r, "平台", c, yaml_keys) for c in ("环节代码", "平台名称", "级别"))
        bad = len(problems)
        if node not in seen:
            problems.append(Problem(f"环节代码“{node}”不在“环节”中", file=where("平台"), row=rownum, field="环节代码"))
        if not pname:
            problems.append(Problem("平台名称为空", file=where("平台"), row=rownum, field="平台名称"))
        if level and level not in PLATFORM_LEVELS:
            problems.append(Problem(f"级别应为{'、'.join(PLATFORM_LEVELS)}之一", file=where("平台"), row=rownum,
                                    field="级别"))
        if len(problems) == bad:
            platforms.append(PlatformSpec(node=node, name=pname, level=level or "其他",
                                          kind=_get(r, "平台", "类型", yaml_keys) or None))

    targets: list[TargetSpec] = []
    for rownum, r in rows.get("目标", []):
        node, text = _get(r, "目标", "环节代码", yaml_keys), _get(r, "目标", "目标", yaml_keys)
        value, unit, year = (_get(r, "目标", c, yaml_keys) for c in ("数值", "单位", "年份"))
        bad = len(problems)
        if node and node not in seen:
            problems.append(Problem(f"环节代码“{node}”不在“环节”中（整条产业链的目标请留空）", file=where("目标"),
                                    row=rownum, field="环节代码"))
        if not text:
            problems.append(Problem("目标内容为空", file=where("目标"), row=rownum, field="目标"))
        num = None
        if value:
            try:
                num = float(value.replace(",", ""))
            except ValueError:
                problems.append(Problem(f"数值“{value}”不是数字", file=where("目标"), row=rownum, field="数值"))
        yr = None
        if year:
            if not (year.isdecimal() and 1990 <= int(year) <= 2100):
                problems.append(Problem(f"年份“{year}”无效", file=where("目标"), row=rownum, field="年份"))
            else:
                yr = int(year)
        if len(problems) == bad:
            targets.append(TargetSpec(node=node or None, text=text, value=num, unit=unit or None, year=yr))

    if problems:
        first = problems[0]
        raise ValidationFailed(f"产业链文件有 {len(problems)} 处问题，未导入任何内容；第一处：{first}", file=name,
                               problems=problems)
    return ChainSpec(key=key, name=cname, region=str(head.get("region") or "") or None, region_code=region_code,
                     description=str(head.get("description") or "") or None,
                     source=str(head.get("source") or "") or None, example=example, nodes=nodes,
                     enterprises=enterprises, platforms=platforms, targets=targets)
