"""Assessment frameworks as data: the indicator tree, its parameters and its method.

A framework is a YAML file (schema in README, section 考核评价). It declares

* ``indicators`` and ``aggregates`` as flat lists linked by ``parent`` — any depth,
  so that the same loader reads a three-level 综合科技创新水平指数 and COINr's
  four-level ASEM example; a flat list is also what makes a *cycle* possible to
  write and therefore necessary to reject;
* per indicator: direction, weight (and weights per unit type), denominator,
  goalposts, 评价标准值, target, unit, and where a value came from;
* the ``method`` (the pipeline steps with their parameters), the 考核 ``scoring``
  rules, a ``version`` and the date it takes ``effect``.

A framework may ``extends:`` a bundled preset and only add or override entries;
values that a preset leaves to the user are marked "用户提供" wherever they appear.

Validation collects every problem with its location (file, entry, field) and raises
one :class:`~innodrive.errors.ValidationFailed`; nothing half-valid is returned.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from innodrive.errors import InputError, Problem, ValidationFailed, format_location

USER_SUPPLIED = "用户提供"
PRESET_PACKAGE = "innodrive.assessment.presets"
STEP_NAMES = ("denominate", "screen", "impute", "treat", "normalise", "weight", "aggregate", "topsis")
USER_FIELDS = ("standard", "weight", "target", "goalposts")


class Node(BaseModel):
    """One entry of the tree: an indicator (leaf) or an aggregate (a group of children)."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    kind: Literal["indicator", "aggregate"]
    parent: str | None = None
    direction: Literal[1, -1] = 1
    weight: float | None = 1.0
    weights_by_type: dict[str, float] = Field(default_factory=dict)
    denominator: str | None = None
    scale: float = 1.0
    goalposts: tuple[float, float] | None = None
    standard: float | None = None
    target: float | None = None
    targets_by_type: dict[str, float] = Field(default_factory=dict)
    unit: str | None = None
    sources: dict[str, str] = Field(default_factory=dict, description="field -> provenance, e.g. 用户提供")
    note: str | None = None


class Framework(BaseModel):
    """A validated framework. Build with :func:`load_framework` or :func:`parse_framework`."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    id: str
    name: str
    version: str
    effective: dt.date
    source: str | None = None
    notes: str | None = None
    unit_types: tuple[str, ...] = ()
    nodes: tuple[Node, ...]
    method: tuple[dict, ...] = ()
    scoring: dict | None = None
    uncertainty: dict | None = None
    catalogue: bool = False
    requires_user: tuple[str, ...] = ()
    file: str | None = None

    # -- tree ---------------------------------------------------------------------
    @cached_property
    def by_code(self) -> dict[str, Node]:
        return {n.code: n for n in self.nodes}

    @cached_property
    def indicators(self) -> tuple[str, ...]:
        """Indicator (leaf) codes in declaration order."""
        return tuple(n.code for n in self.nodes if n.kind == "indicator")

    @cached_property
    def root(self) -> str:
        return next(n.code for n in self.nodes if n.parent is None and n.kind == "aggregate")

    @cached_property
    def children(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {n.code: [] for n in self.nodes}
        for n in self.nodes:
            if n.parent is not None:
                out[n.parent].append(n.code)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def aggregation_order(self) -> tuple[str, ...]:
        """Aggregates bottom-up (post-order), so every child is computed before its parent."""
        order: list[str] = []

        def visit(code: str) -> None:
            for c in self.children[code]:
                visit(c)
            if self.by_code[code].kind == "aggregate":
                order.append(code)

        visit(self.root)
        return tuple(order)

    @cached_property
    def levels(self) -> dict[str, int]:
        """Level of every node: indicators 1, an aggregate 1 + the highest child level."""
        lv: dict[str, int] = {c: 1 for c in self.indicators}
        for a in self.aggregation_order:
            lv[a] = 1 + max(lv[c] for c in self.children[a])
        return lv

    def path(self, code: str) -> list[str]:
        """The codes from ``code`` up to the root."""
        out = [code]
        while self.by_code[out[-1]].parent is not None:
            out.append(self.by_code[out[-1]].parent)
        return out

    def user_supplied(self) -> list[tuple[str, str]]:
        """(code, field) of every value marked 用户提供."""
        return [(n.code, f) for n in self.nodes for f, s in n.sources.items() if s == USER_SUPPLIED]

    def label(self, code: str) -> str:
        n = self.by_code.get(code)
        return n.name if n else code


# ---------------------------------------------------------------------------------
# Loading


def preset_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files(PRESET_PACKAGE).iterdir() if p.name.endswith(".yaml"))


def _read_yaml(path: Path | str, *, display: str) -> dict:
    """A framework file: a regular file within the size limit, bounded safe YAML."""
    from innodrive.safeio import read_input

    try:
        data = read_input(path, what="考核框架文件")
    except InputError as exc:
        if not Path(path).exists():
            raise InputError("找不到考核框架文件", file=display, status=3) from None
        raise InputError(exc.message, file=display) from None
    return raw_from_bytes(data, name=display)


def raw_from_bytes(data: bytes, *, name: str) -> dict:
    """A framework file's bytes as a mapping: UTF-8, bounded safe YAML, a mapping at the top."""
    from innodrive.safeio import load_yaml

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("考核框架文件不是 UTF-8 编码的文本", file=name) from None
    raw = load_yaml(text, name=name)
    if not isinstance(raw, dict):
        raise InputError("考核框架文件的顶层应是键值映射（id、name、version、indicators…）", file=name)
    return raw


_PRESET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")


def _preset_raw(name: str) -> dict:
    if not _PRESET_NAME.match(name):
        raise InputError(f"预置框架名称“{name}”无效；可用：{'、'.join(preset_names())}", field="extends")
    res = resources.files(PRESET_PACKAGE) / f"{name}.yaml"
    if not res.is_file():
        raise InputError(f"未知的预置框架“{name}”；可用：{'、'.join(preset_names())}", field="extends")
    with resources.as_file(res) as p:
        return _read_yaml(p, display=f"预置框架 {name}.yaml")


def _extended_raw(name: str, *, folder: Path | None, root: Path | None, file: str | None) -> tuple[dict, Path | None]:
    """The framework named by ``extends:`` and the folder its own ``extends`` is read from.

    A bare name (``casted_index``, or ``preset:casted_index``) is a bundled preset. A
    ``.yaml`` path is read relative to the including file and must stay inside the
    folder of the file the user gave (``root``): ``extends: ../../etc/x.yaml``, an
    absolute path, or a symlink pointing outside are refused, so a framework cannot
    make innodrive read and echo an arbitrary file on the server.
    """
    text = str(name).strip()
    if text.startswith("preset:"):
        text = text.split(":", 1)[1]
    if _PRESET_NAME.match(text):
        return _preset_raw(text), None
    outside = InputError(f"extends 只能写预置框架名称（{'、'.join(preset_names())}），或与框架文件同一文件夹"
                         f"（含子文件夹）中的 .yaml 文件；“{text}”超出了允许的范围", file=file, field="extends")
    if folder is None or root is None or not text.lower().endswith((".yaml", ".yml")) or Path(text).is_absolute():
        raise outside
    target = (folder / text).resolve()
    try:
        target.relative_to(root)
    except ValueError:
        raise outside from None
    return _read_yaml(target, display=target.name), target.parent


def load_framework(path: Path | str, *, catalogue_codes: set[str] | None = None) -> Framework:
    """Read and validate a framework YAML file (or a preset given as ``preset:NAME``)."""
    text = str(path)
    if text.startswith("preset:"):
        name = text.split(":", 1)[1]
        return parse_framework(_preset_raw(name), file=f"预置框架 {name}.yaml", catalogue_codes=catalogue_codes)
    display = Path(path).name
    raw = _read_yaml(path, display=display)
    folder = Path(path).resolve().parent
    return parse_framework(raw, file=display, catalogue_codes=catalogue_codes, folder=folder)


def _merge_entries(base: list, over: list) -> list:
    by = {e.get("code"): dict(e) for e in base if isinstance(e, dict)}
    order = [e.get("code") for e in base if isinstance(e, dict)]
    for e in over:
        if not isinstance(e, dict):
            order.append(None)
            by[id(e)] = e
            continue
        code = e.get("code")
        if code in by:
            by[code].update(e)
        else:
            by[code] = dict(e)
            order.append(code)
    return [by[c] for c in order if c in by]


def _apply_extends(raw: dict, problems: list[Problem], file: str | None, *, depth: int = 0,
                   folder: Path | None = None, root: Path | None = None) -> dict:
    if depth == 0 and raw.get("template"):
        problems.append(Problem("这是一个预置模板，不能直接运行：请新建框架文件，写 extends: 模板名，"
                                "并补充三级指标、评价标准值和权重（见 README 考核评价一节）", file=file,
                                field="template"))
    name = raw.get("extends")
    if name is None:
        return raw
    if depth > 4:
        problems.append(Problem("extends 嵌套过深（可能互相引用）", file=file, field="extends"))
        return raw
    base_raw, base_folder = _extended_raw(str(name), folder=folder, root=root, file=file)
    base = _apply_extends(dict(base_raw), problems, file, depth=depth + 1, folder=base_folder, root=root)
    base.pop("id", None)
    base.pop("template", None)
    requires = tuple(base.get("requires_user") or ())
    merged = {**base, **{k: v for k, v in raw.items() if k not in ("indicators", "aggregates", "extends")}}
    for key in ("indicators", "aggregates"):
        merged[key] = _merge_entries(list(base.get(key) or []), list(raw.get(key) or []))
    merged.pop("_user_entries", None)
    merged["_extended"] = True
    merged["requires_user"] = list(requires)
    merged["_user_entries"] = {e.get("code"): set(e) for k in ("indicators", "aggregates")
                               for e in raw.get(k) or [] if isinstance(e, dict)}
    return merged


def _apply_value_maps(raw: dict, problems: list[Problem], file: str | None) -> None:
    """``standards: {code: value}``, ``weights: {code: value}``, ``targets: {…}`` shortcuts."""
    entries = {e.get("code"): e for k in ("indicators", "aggregates") for e in raw.get(k) or []
               if isinstance(e, dict)}
    user = raw.setdefault("_user_entries", {})
    for key, fld in (("standards", "standard"), ("weights", "weight"), ("targets", "target")):
        m = raw.get(key)
        if m is None:
            continue
        if key == "weights" and m == "equal":
            # an explicit choice of equal weights for every entry the user left without one
            for code, e in entries.items():
                if e.get("weight") is None:
                    e["weight"] = 1.0
                    user.setdefault(code, set()).add("weight")
            continue
        if not isinstance(m, dict):
            problems.append(Problem(f"“{key}”应是“指标代码: 数值”的映射", file=file, field=key))
            continue
        for code, value in m.items():
            if code not in entries:
                problems.append(Problem(f"未知指标“{code}”：框架中没有这个指标或分组", file=file,
                                        field=f"{key}.{code}"))
                continue
            entries[code][fld] = value
            user.setdefault(code, set()).add(fld)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


_DIRECTIONS = {1: 1, -1: -1, "1": 1, "-1": -1, "+1": 1, "正向": 1, "逆向": -1, "positive": 1, "negative": -1}


def parse_framework(raw: dict, *, file: str | None = None, catalogue_codes: set[str] | None = None,
                    folder: Path | None = None) -> Framework:
    """Validate a framework given as a dict (already read from YAML).

    ``folder`` is where the framework file lies: ``extends:`` may name a ``.yaml`` file
    in it (or below it); without it only bundled presets can be extended.
    """
    problems: list[Problem] = []
    raw = dict(raw)
    for key in ("indicators", "aggregates"):
        if raw.get(key) is not None and not isinstance(raw.get(key), list):
            problems.append(Problem(f"“{key}”应是列表（每项写明 code、name 等）", file=file, field=key))
            raw[key] = []
    raw = _apply_extends(raw, problems, file, folder=folder, root=folder)
    _apply_value_maps(raw, problems, file)
    user_entries: dict = raw.get("_user_entries", {})
    requires = tuple(raw.get("requires_user") or ())

    for key in ("id", "name", "version"):
        if not isinstance(raw.get(key), str | int | float) or raw.get(key) in ("", None):
            problems.append(Problem(f"缺少“{key}”（框架的标识、名称与版本号都必须写明）", file=file, field=key))
    eff = raw.get("effective")
    if isinstance(eff, str):
        try:
            eff = dt.date.fromisoformat(eff)
        except ValueError:
            eff = None
    if not isinstance(eff, dt.date):
        problems.append(Problem("缺少或无法识别“effective”（生效日期，格式 YYYY-MM-DD）", file=file, field="effective"))
    unit_types = raw.get("unit_types") or []
    if not isinstance(unit_types, list) or not all(isinstance(t, str) for t in unit_types):
        problems.append(Problem("“unit_types”应是单位类型名称的列表，如 [主城区, 县域, 园区]", file=file,
                                field="unit_types"))
        unit_types = []

    nodes: list[Node] = []
    seen: dict[str, str] = {}
    for key, kind in (("indicators", "indicator"), ("aggregates", "aggregate")):
        entries = raw.get(key) or []
        if not isinstance(entries, list):
            problems.append(Problem(f"“{key}”应是列表", file=file, field=key))
            continue
        for i, e in enumerate(entries):
            where = f"{key}[{i + 1}]"
            node = _parse_node(e, kind, where, file, problems, unit_types,
                               user_entries if raw.get("_extended") else {}, requires)
            if node is None:
                continue
            if node.code in seen:
                problems.append(Problem(f"指标代码“{node.code}”重复（另见 {seen[node.code]}）", file=file,
                                        field=f"{where}.code"))
                continue
            seen[node.code] = where
            nodes.append(node)
    if not any(n.kind == "indicator" for n in nodes) and not problems:
        problems.append(Problem("框架中没有任何指标（indicators 为空）", file=file, field="indicators"))
    _check_tree(nodes, seen, file, problems)
    if catalogue_codes is None and raw.get("catalogue"):
        catalogue_codes = _catalogue_codes(file)
    if catalogue_codes is not None:
        for n in nodes:
            if n.kind == "indicator" and n.code not in catalogue_codes:
                problems.append(Problem(f"未知指标“{n.code}”：指标目录（indicators/catalogue.yaml）中没有这个代码",
                                        file=file, field=f"{seen[n.code]}.code"))
    method = raw.get("method") or []
    if not isinstance(method, list):
        problems.append(Problem("“method”应是步骤列表", file=file, field="method"))
        method = []
    for i, st in enumerate(method):
        if not isinstance(st, dict) or st.get("step") not in STEP_NAMES:
            problems.append(Problem(f"未知的步骤；可用：{'、'.join(STEP_NAMES)}", file=file, field=f"method[{i + 1}].step"))
            continue
        problem = _check_step(st)
        if problem:
            problems.append(Problem(problem, file=file, field=f"method[{i + 1}]（{st['step']}）"))
    scoring = raw.get("scoring")
    if scoring is not None:
        from innodrive.assessment.scoring import check_scoring

        check_scoring(scoring, {n.code for n in nodes if n.kind == "indicator"}, file, problems)
    unc = raw.get("uncertainty")
    if unc is not None and (not isinstance(unc, dict) or not isinstance(unc.get("factors"), list)
                            or not all(isinstance(f, dict) and f.get("kind") in ("weights", "normalise", "aggregate")
                                       for f in unc["factors"])):
        problems.append(Problem("“uncertainty”应为 {factors: [...]}，每个因素的 kind 为 weights、normalise 或 aggregate",
                                file=file, field="uncertainty"))
    if problems:
        first = problems[0]
        where = format_location(None, first.row, first.field, first.message)
        raise ValidationFailed(f"考核框架有 {len(problems)} 处错误，第一处：{where}", file=file, problems=problems)
    return Framework(
        id=str(raw["id"]), name=str(raw["name"]), version=str(raw["version"]), effective=eff,
        source=raw.get("source"), notes=raw.get("notes"), unit_types=tuple(unit_types), nodes=tuple(nodes),
        method=tuple(dict(m) for m in method), scoring=scoring, uncertainty=unc, catalogue=bool(raw.get("catalogue")),
        requires_user=requires, file=file,
    )


def _check_step(spec: dict) -> str | None:
    """The first problem of one declared step's parameters (names of the step and of
    its kernel), so that a misspelt parameter is reported when the framework is read,
    naming the file and the step, not as a crash in the middle of a run."""
    from innodrive.assessment.kernels.aggregate import AGGREGATORS
    from innodrive.assessment.kernels.normalise import NORMALISERS
    from innodrive.assessment.steps import check_kernel_params, make_step

    params = {k: v for k, v in spec.items() if k != "step"}
    try:
        make_step(spec["step"], params)
        if spec["step"] == "normalise":
            specs = [(params.get("method", "minmax"), params.get("params"))]
            per = params.get("per_indicator") or {}
            if not isinstance(per, dict):
                return "per_indicator 应是“指标代码: {method, params}”的映射"
            specs += [(v.get("method", specs[0][0]), v.get("params")) for v in per.values() if isinstance(v, dict)]
            for name, given in specs:
                if name not in NORMALISERS:
                    return f"未知的标准化方法“{name}”；可用：{'、'.join(NORMALISERS)}"
                check_kernel_params(NORMALISERS[name].func, given, what=f"标准化方法“{name}”", field="params",
                                    supplied=("direction",))
        elif spec["step"] == "aggregate":
            specs = [(params.get("method", "arithmetic"), params.get("params"))]
            by_level = params.get("by_level") or {}
            if not isinstance(by_level, dict):
                return "by_level 应是“层级: {method, params}”的映射"
            specs += [(v.get("method", specs[0][0]), v.get("params")) for v in by_level.values() if isinstance(v, dict)]
            for name, given in specs:
                if name not in AGGREGATORS:
                    return f"未知的合成方法“{name}”；可用：{'、'.join(AGGREGATORS)}"
                check_kernel_params(AGGREGATORS[name], given, what=f"合成方法“{name}”", field="params")
    except InputError as exc:
        return exc.message
    return None


def _catalogue_codes(file: str | None) -> set[str]:
    try:
        from innodrive.indicators.catalogue import load_catalogue
    except ImportError:
        raise InputError("框架要求对照指标目录（catalogue: true），但指标目录模块不可用", file=file,
                         field="catalogue") from None
    return set(load_catalogue().codes())


def _parse_node(e: Any, kind: str, where: str, file: str | None, problems: list[Problem],
                unit_types: list[str], user_entries: dict, requires: tuple[str, ...]) -> Node | None:
    if not isinstance(e, dict):
        problems.append(Problem("每一项应是键值映射（code、name、parent…）", file=file, field=where))
        return None
    code = e.get("code")
    if not isinstance(code, str) or not code.strip():
        problems.append(Problem("缺少指标代码“code”", file=file, field=f"{where}.code"))
        return None
    label = f"{where}（{code}）"
    n_before = len(problems)
    fields: dict[str, Any] = {"code": code, "kind": kind, "name": str(e.get("name") or code)}
    parent = e.get("parent")
    if parent is not None and not isinstance(parent, str):
        problems.append(Problem("“parent”应是上级分组的代码", file=file, field=f"{label}.parent"))
    fields["parent"] = parent
    d = e.get("direction", 1)
    if d not in _DIRECTIONS:
        problems.append(Problem(f"方向“{d}”无法识别，应为 1（正向）或 -1（逆向）", file=file, field=f"{label}.direction"))
    else:
        fields["direction"] = _DIRECTIONS[d]
    sources: dict[str, str] = {}
    for fld in ("weight", "standard", "target", "scale"):
        if fld not in e or e[fld] is None:
            continue
        v = _num(e[fld])
        if v is None:
            problems.append(Problem(f"“{fld}”应是数值，实际为“{e[fld]}”", file=file, field=f"{label}.{fld}"))
        elif fld in ("weight",) and v < 0:
            problems.append(Problem(f"权重不能为负数（{v}）", file=file, field=f"{label}.{fld}"))
        elif fld in ("standard", "scale") and v <= 0:
            problems.append(Problem(f"“{fld}”应为正数（{v}）", file=file, field=f"{label}.{fld}"))
        else:
            fields[fld] = v
    if "weight" in e and e["weight"] is None:
        fields["weight"] = None
    for fld in ("weights_by_type", "targets_by_type"):
        m = e.get(fld)
        if m is None:
            continue
        if not isinstance(m, dict):
            problems.append(Problem(f"“{fld}”应是“单位类型: 数值”的映射", file=file, field=f"{label}.{fld}"))
            continue
        clean = {}
        for t, v in m.items():
            if t not in unit_types:
                problems.append(Problem(f"单位类型“{t}”未在 unit_types 中声明", file=file, field=f"{label}.{fld}.{t}"))
            num = _num(v)
            if num is None or (fld == "weights_by_type" and num < 0):
                problems.append(Problem(f"应是非负数值，实际为“{v}”", file=file, field=f"{label}.{fld}.{t}"))
            else:
                clean[str(t)] = num
        fields[fld] = clean
    gp = e.get("goalposts")
    if gp is not None:
        if (not isinstance(gp, list | tuple) or len(gp) != 2 or any(_num(v) is None for v in gp)
                or float(gp[0]) == float(gp[1])):
            problems.append(Problem("“goalposts”应是两个不相等的数值 [下限, 上限]", file=file, field=f"{label}.goalposts"))
        else:
            fields["goalposts"] = (float(gp[0]), float(gp[1]))
    for fld in ("denominator", "unit", "note"):
        if e.get(fld) is not None:
            fields[fld] = str(e[fld])
    declared = e.get("sources") or {}
    if isinstance(declared, dict):
        sources.update({str(k): str(v) for k, v in declared.items()})
    for fld in USER_FIELDS:
        if fld in user_entries.get(code, set()) and fields.get(fld) is not None:
            sources[fld] = USER_SUPPLIED  # a value the user's file sets over a preset
    for fld in requires:
        applies = (kind == "indicator") if fld == "standard" else (fld != "weight" or parent is not None)
        if not applies or fld not in USER_FIELDS:
            continue
        if fields.get(fld) is None:
            if fld in ("standard", "weight"):
                problems.append(Problem(f"该预置框架要求由用户提供“{fld}”（官方现行值未公开），请在框架文件中填写",
                                        file=file, field=f"{label}.{fld}"))
        elif fld not in sources:
            sources[fld] = USER_SUPPLIED
    fields["sources"] = sources
    if len(problems) > n_before:
        return None
    return Node(**fields)


def _check_tree(nodes: list[Node], seen: dict[str, str], file: str | None, problems: list[Problem]) -> None:
    by = {n.code: n for n in nodes}
    for n in nodes:
        if n.parent is not None and n.parent not in by:
            problems.append(Problem(f"上级分组“{n.parent}”不存在（未在 aggregates 中声明）", file=file,
                                    field=f"{seen[n.code]}（{n.code}）.parent"))
        elif n.parent is not None and by[n.parent].kind == "indicator":
            problems.append(Problem(f"上级“{n.parent}”是指标而非分组，指标下不能再挂子项", file=file,
                                    field=f"{seen[n.code]}（{n.code}）.parent"))
    # cycles: follow parents; a chain that returns to a visited code is a cycle
    reported: set[frozenset] = set()
    for n in nodes:
        chain = [n.code]
        cur = n.parent
        while cur is not None and cur in by:
            if cur in chain:
                cyc = chain[chain.index(cur):] + [cur]
                key = frozenset(cyc)
                if key not in reported:
                    reported.add(key)
                    problems.append(Problem(f"指标层级存在循环：{' → '.join(cyc)}", file=file,
                                            field=f"{seen[cur]}（{cur}）.parent"))
                break
            chain.append(cur)
            cur = by[cur].parent
    if any("循环" in p.message or "上级" in p.message for p in problems):
        return
    roots = [n.code for n in nodes if n.parent is None]
    if len(roots) != 1 or (roots and by[roots[0]].kind != "aggregate"):
        problems.append(Problem(f"框架应有且只有一个总指数（没有 parent 的分组），现有：{'、'.join(roots) or '无'}",
                                file=file, field="aggregates"))
    has_child = {n.parent for n in nodes if n.parent is not None}
    for n in nodes:
        if n.kind == "aggregate" and n.code not in has_child:
            problems.append(Problem(f"分组“{n.code}”（{n.name}）下没有任何指标", file=file, field=f"{seen[n.code]}"))


# ---------------------------------------------------------------------------------
# COINr interoperability


def framework_from_coinr(imeta, *, id: str = "coinr", name: str = "COINr framework", version: str = "1",
                         effective: dt.date = dt.date(2000, 1, 1)) -> Framework:
    """Convert a COINr ``iMeta`` table (pandas DataFrame) into a framework.

    Lets a researcher move an existing COINr index to innodrive unchanged, and lets
    the test suite run COINr's own example against COINr's own numbers.
    """
    import pandas as pd

    ind, agg = [], []
    for _, r in imeta.iterrows():
        t = r["Type"]
        if t not in ("Indicator", "Aggregate"):
            continue
        e: dict[str, Any] = {"code": r["iCode"], "name": r["iName"]}
        if pd.notna(r.get("Parent")):
            e["parent"] = r["Parent"]
        if pd.notna(r.get("Weight")):
            e["weight"] = float(r["Weight"])
        if pd.notna(r.get("Direction")):
            e["direction"] = int(r["Direction"])
        if t == "Indicator":
            if pd.notna(r.get("Target")):
                e["target"] = float(r["Target"])
            if pd.notna(r.get("Denominator")):
                e["denominator"] = r["Denominator"]
            if pd.notna(r.get("Unit")):
                e["unit"] = str(r["Unit"])
            ind.append(e)
        else:
            agg.append(e)
    return parse_framework({"id": id, "name": name, "version": version, "effective": effective,
                            "indicators": ind, "aggregates": agg}, file=None)
