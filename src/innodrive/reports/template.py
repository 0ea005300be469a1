"""Editable templates: the wording of a document is the office's, the numbers are the data's.

A template is a YAML file the office can edit (one per kind of document, bundled
defaults in ``innodrive/reports/templates``). It holds

* ``variables`` — fixed wording reused below (the issuer's full and short names …);
* ``header`` — 发文机关标志, 发文字号, 标题, 主送机关, 落款, 成文日期, 抄送, 印发机关;
* ``body`` — the order of the document: ``heading`` (level 1–4; numbered 一、（一）1.
  （1） by the renderer), ``text`` (each line a paragraph), ``table`` and ``chart``
  (named tables and charts the writer builds from the data), ``page_break``; any block
  may carry ``when`` (an expression: the block appears only when it is true), and
  ``for: x in items`` with ``blocks`` repeats blocks for each item;
* ``attachments`` — the names in the 附件说明; ``fonts`` — font names for Word.

Text is laid out as Chinese official text is: a space next to a Chinese character is
dropped (so YAML's folded ``>-`` lines join without a gap), and each line of a
``text`` block is one paragraph.

Every string is Jinja text over the data the writer supplies (``{{ year }}``,
``{{ units | join('、') }}``, ``{{ score | num(2) }}``), evaluated in a sandbox with
strict undefined names. **Numbers come only from the data**: the literal text of the
body and the attachments may not contain a digit — a number written into the wording
would survive a change of the data and make the document lie. (Header fields may:
the 文号 and the 成文日期 are the office's to write.)

A city overrides the bundled template with a file of the same name in
``INNODRIVE_HOME/templates/<城市>/`` or ``INNODRIVE_HOME/templates/`` — only the keys it
gives are replaced (``variables``, ``header`` and ``fonts`` key by key; ``body`` and
``attachments`` as a whole) — or names a template file explicitly.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from innodrive.errors import InputError, Problem, ValidationFailed, validation_problems
from innodrive.reports.model import (
    Block,
    Figure,
    Fonts,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    Table,
)

TEMPLATE_PACKAGE = "innodrive.reports.templates"
HEADER_FIELDS = ("issuer_mark", "doc_number", "title", "recipients", "signature", "date", "cc", "printed_by",
                 "printed_on")
_DIGIT = re.compile(r"[0-9０-９]")
_WIDE = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]"
_CJK_SPACE = re.compile(rf"(?<={_WIDE})[ \t]+|[ \t]+(?={_WIDE})")
_FOR = re.compile(r"^\s*([A-Za-z_]\w*)\s+in\s+(.+?)\s*$")


class BodyBlock(BaseModel):
    """One entry of ``body`` as written in the YAML file."""

    model_config = ConfigDict(extra="forbid")

    heading: str | None = None
    level: int = Field(1, ge=1, le=4)
    text: str | None = None
    table: str | None = None
    chart: str | None = None
    page_break: bool = False
    when: str | None = None
    for_: str | None = Field(None, alias="for")
    blocks: list[BodyBlock] | None = None


class DocumentTemplate(BaseModel):
    """A validated template (see the module docstring for its parts)."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    name: str = ""
    description: str = ""
    variables: dict[str, str] = Field(default_factory=dict)
    header: dict[str, str | None] = Field(default_factory=dict)
    fonts: dict[str, str] = Field(default_factory=dict)
    attachments: list[str] = Field(default_factory=list)
    body: list[BodyBlock] = Field(default_factory=list)
    source: str = Field("", description="where the template was read from (shown in messages)")


# -- loading -------------------------------------------------------------------


def bundled_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files(TEMPLATE_PACKAGE).iterdir() if p.name.endswith(".yaml"))


def bundled_text(kind: str) -> str:
    res = resources.files(TEMPLATE_PACKAGE) / f"{kind}.yaml"
    if not res.is_file():
        raise InputError(f"没有名为“{kind}”的文书模板；可用：{'、'.join(bundled_names())}", field="template")
    return res.read_text(encoding="utf-8")


def _raw(text: str, name: str) -> dict:
    from innodrive.safeio import load_yaml

    raw = load_yaml(text, name=name)
    if not isinstance(raw, dict):
        raise InputError("文书模板的顶层应是键值映射（kind、variables、header、body…）", file=name)
    return raw


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if key in ("variables", "header", "fonts") and isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = {**base[key], **value}
        else:
            out[key] = value
    return out


def override_paths(kind: str, city: str | None = None) -> list[Path]:
    """Where a city's own template may live, most specific first."""
    from innodrive import settings

    root = settings.home() / "templates"
    paths = []
    if city:
        paths.append(root / city / f"{kind}.yaml")
    paths.append(root / f"{kind}.yaml")
    return paths


def load_template(kind: str, *, path: str | Path | None = None, city: str | None = None) -> DocumentTemplate:
    """The template for ``kind``: the bundled default, overridden by the city's file
    (``INNODRIVE_HOME/templates/<city>/<kind>.yaml``, else ``…/templates/<kind>.yaml``)
    and then by ``path`` when given."""
    from innodrive.safeio import read_input

    raw = _raw(bundled_text(kind), f"内置模板 {kind}.yaml")
    sources = [f"内置模板 {kind}.yaml"]
    layers: list[tuple[str, bytes]] = []
    for p in override_paths(kind, city):
        if p.is_file():
            layers.append((str(p), read_input(p, what="文书模板")))
            break
    if path is not None:
        layers.append((str(path), read_input(path, what="文书模板")))
    for name, data in layers:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("文书模板不是 UTF-8 编码的文本", file=name) from None
        over = _raw(text, name)
        if over.get("kind", kind) != kind:
            raise InputError(f"模板的 kind 为“{over.get('kind')}”，此处需要“{kind}”", file=name, field="kind")
        raw = _merge(raw, over)
        sources.append(name)
    return parse_template(raw, source=" + ".join(sources))


def parse_template(raw: dict, *, source: str = "") -> DocumentTemplate:
    """Validate a template given as data; every problem is reported with its place."""
    try:
        template = DocumentTemplate.model_validate({**raw, "source": source})
    except ValidationError as exc:
        problems = validation_problems(exc, file=source)
        raise ValidationFailed(f"文书模板有 {len(problems)} 处格式错误，第一处：{problems[0]}", file=source,
                               problems=problems) from None
    problems: list[Problem] = []
    unknown = sorted(set(template.header) - set(HEADER_FIELDS))
    for key in unknown:
        problems.append(Problem(f"未知的版头字段“{key}”；可用：{'、'.join(HEADER_FIELDS)}", file=source,
                                field=f"header.{key}"))
    unknown_fonts = sorted(set(template.fonts) - set(Fonts.model_fields))
    for key in unknown_fonts:
        problems.append(Problem(f"未知的字体角色“{key}”；可用：{'、'.join(Fonts.model_fields)}", file=source,
                                field=f"fonts.{key}"))
    for i, text in enumerate(template.attachments):
        _check_no_digits(text, f"attachments[{i + 1}]", source, problems)
    _check_blocks(template.body, "body", source, problems)
    env = _env()
    for where, text in _all_texts(template):
        try:
            env.parse(text)
        except Exception as exc:  # jinja2.TemplateSyntaxError
            problems.append(Problem(f"模板语法错误：{getattr(exc, 'message', exc)}", file=source, field=where))
    if problems:
        raise ValidationFailed(f"文书模板有 {len(problems)} 处错误，第一处：{problems[0]}", file=source,
                               problems=problems)
    return template


def _check_no_digits(text: str | None, where: str, source: str, problems: list[Problem]) -> None:
    """Digits in the literal wording (outside ``{{ }}`` and ``{% %}``) are refused."""
    if not text:
        return
    literal = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", text, flags=re.S)
    m = _DIGIT.search(literal)
    if m:
        around = literal[max(0, m.start() - 8): m.end() + 8].replace("\n", " ")
        problems.append(Problem(f"模板正文中写有数字（“…{around}…”）：数字只能来自数据，请改用数据项，"
                                "如 {{ year }}", file=source, field=where))


def _check_blocks(blocks: list[BodyBlock], where: str, source: str, problems: list[Problem]) -> None:
    for i, b in enumerate(blocks):
        here = f"{where}[{i + 1}]"
        kinds = [k for k in ("heading", "text", "table", "chart") if getattr(b, k) is not None]
        kinds += ["page_break"] if b.page_break else []
        kinds += ["for"] if b.for_ is not None else []
        if len(kinds) != 1:
            problems.append(Problem("每一项应恰有 heading、text、table、chart、page_break、for 之一"
                                    f"（现有：{'、'.join(kinds) or '无'}）", file=source, field=here))
        if b.for_ is not None:
            if not _FOR.match(b.for_):
                problems.append(Problem("for 应写作“变量 in 列表”，如 g in groups", file=source, field=f"{here}.for"))
            if not b.blocks:
                problems.append(Problem("for 需要 blocks（每个元素重复的内容）", file=source, field=f"{here}.blocks"))
            else:
                _check_blocks(b.blocks, f"{here}.blocks", source, problems)
        elif b.blocks is not None:
            problems.append(Problem("blocks 只能与 for 一起使用", file=source, field=f"{here}.blocks"))
        _check_no_digits(b.heading, f"{here}.heading", source, problems)
        _check_no_digits(b.text, f"{here}.text", source, problems)


def _all_texts(t: DocumentTemplate):
    for k, v in t.variables.items():
        yield f"variables.{k}", v
    for k, v in t.header.items():
        if v is not None:
            yield f"header.{k}", v
    for i, a in enumerate(t.attachments):
        yield f"attachments[{i + 1}]", a

    def walk(blocks, where):
        for i, b in enumerate(blocks):
            here = f"{where}[{i + 1}]"
            for key in ("heading", "text", "table", "chart"):
                v = getattr(b, key)
                if v is not None:
                    yield f"{here}.{key}", v
            if b.when:
                yield f"{here}.when", "{{ " + b.when + " }}"
            if b.blocks:
                yield from walk(b.blocks, f"{here}.blocks")

    yield from walk(t.body, "body")


# -- rendering -----------------------------------------------------------------


def _num(value, decimals: int | None = None, thousands: bool = False) -> str:
    from innodrive.reports.text import number

    return number(value, decimals, thousands=thousands)


def _signed(value, decimals: int = 2) -> str:
    from innodrive.reports.text import signed

    return signed(value, decimals)


def _pct(value, decimals: int = 1) -> str:
    from innodrive.reports.text import number

    return "—" if value is None else f"{number(value * 100, decimals)}%"


def _date_filter(value) -> str:
    from innodrive.reports.text import cn_date

    return cn_date(_as_date(value, "日期"))


def _cn_number(value) -> str:
    from innodrive.reports.text import cn_number

    return cn_number(int(value))


@cache
def _env():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True,
                                        lstrip_blocks=True)
    env.filters.update(num=_num, signed=_signed, pct=_pct, cn_date=_date_filter, cn_number=_cn_number)
    return env


def _as_date(value, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what}“{text}”不是有效日期（应为 YYYY-MM-DD 或 2025年3月1日）", field=what) from None


class Renderer:
    """Evaluates one template's strings against one context, naming the place of any error."""

    def __init__(self, template: DocumentTemplate, context: dict[str, Any]) -> None:
        self.template = template
        self.context = dict(context)
        for key, text in template.variables.items():  # variables may use the data and earlier variables
            self.context[key] = self.text(text, f"variables.{key}")

    def text(self, source: str, where: str, extra: dict | None = None) -> str:
        from jinja2.exceptions import SecurityError, TemplateError, UndefinedError

        ctx = {**self.context, **(extra or {})}
        try:
            return _env().from_string(source).render(**ctx).strip()
        except UndefinedError as exc:
            raise InputError(f"模板引用了数据中没有的项：{exc.message}；可用的数据项："
                             f"{'、'.join(sorted(k for k in ctx if not k.startswith('_')))}",
                             file=self.template.source, field=where) from None
        except SecurityError as exc:
            raise InputError(f"模板使用了不允许的操作：{exc}", file=self.template.source, field=where) from None
        except TemplateError as exc:
            raise InputError(f"模板错误：{exc}", file=self.template.source, field=where) from None
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise InputError(f"模板计算出错：{exc}", file=self.template.source, field=where) from None

    def test(self, expression: str, where: str, extra: dict | None = None) -> bool:
        from jinja2.exceptions import TemplateError, UndefinedError

        ctx = {**self.context, **(extra or {})}
        try:
            return bool(_env().compile_expression(expression, undefined_to_none=False)(**ctx))
        except UndefinedError as exc:
            raise InputError(f"条件引用了数据中没有的项：{exc.message}", file=self.template.source,
                             field=where) from None
        except TemplateError as exc:
            raise InputError(f"条件表达式错误：{exc}", file=self.template.source, field=where) from None

    def items(self, expression: str, where: str, extra: dict | None = None) -> list:
        from jinja2.exceptions import TemplateError, UndefinedError

        ctx = {**self.context, **(extra or {})}
        try:
            value = _env().compile_expression(expression, undefined_to_none=False)(**ctx)
        except UndefinedError as exc:
            raise InputError(f"for 引用了数据中没有的项：{exc.message}", file=self.template.source,
                             field=where) from None
        except TemplateError as exc:
            raise InputError(f"for 表达式错误：{exc}", file=self.template.source, field=where) from None
        try:
            return list(value)
        except TypeError:
            raise InputError("for 的对象不是列表", file=self.template.source, field=where) from None


def render_document(template: DocumentTemplate, context: dict[str, Any], *, tables: dict[str, Table] | None = None,
                    charts: dict[str, Figure] | None = None, data_note: str | None = None,
                    subject: str | None = None, keywords: tuple[str, ...] = ()) -> OfficialDocument:
    """Fill ``template`` with ``context`` (the data) and the writer's tables and charts."""
    tables, charts = tables or {}, charts or {}
    r = Renderer(template, context)
    header: dict[str, Any] = {}
    for key in HEADER_FIELDS:
        src = template.header.get(key)
        header[key] = r.text(src, f"header.{key}") if src else None
    if not header["title"]:
        raise InputError("文书模板没有标题（header.title）", file=template.source, field="header.title")
    if not header["date"]:
        raise InputError("没有成文日期：请在模板 header.date 中给出，或由数据提供", file=template.source,
                         field="header.date")
    date = _as_date(header.pop("date"), "成文日期")
    printed_on = header.pop("printed_on")
    blocks: list[Block] = []

    def walk(items: list[BodyBlock], where: str, extra: dict) -> None:
        for i, b in enumerate(items):
            here = f"{where}[{i + 1}]"
            if b.when is not None and not r.test(b.when, f"{here}.when", extra):
                continue
            if b.for_ is not None:
                var, expr = _FOR.match(b.for_).groups()
                for item in r.items(expr, f"{here}.for", extra):
                    walk(b.blocks or [], f"{here}.blocks", {**extra, var: item})
            elif b.heading is not None:
                blocks.append(Heading(level=b.level, text=r.text(b.heading, f"{here}.heading", extra)))
            elif b.text is not None:
                for line in r.text(b.text, f"{here}.text", extra).splitlines():
                    if line.strip():
                        blocks.append(Paragraph(text=join_lines(line.strip())))
            elif b.table is not None or b.chart is not None:
                key, what, named = ("table", "表格", tables) if b.table is not None else ("chart", "图表", charts)
                name = r.text(getattr(b, key), f"{here}.{key}", extra)
                if name not in named:
                    raise InputError(f"模板引用的{what}“{name}”不存在；可用：{'、'.join(named) or '无'}",
                                     file=template.source, field=f"{here}.{key}")
                blocks.append(named[name])
            elif b.page_break:
                blocks.append(PageBreak())

    walk(template.body, "body", {})
    attachments = tuple(a for a in (r.text(t, f"attachments[{i + 1}]") for i, t in enumerate(template.attachments))
                        if a)
    return OfficialDocument(
        **header, date=date, printed_on=_as_date(printed_on, "印发日期") if printed_on else None,
        blocks=tuple(blocks), attachments=attachments, data_note=data_note,
        fonts=Fonts(**template.fonts), subject=subject, keywords=keywords,
    )


def join_lines(text: str) -> str:
    """No spaces next to Chinese characters: YAML's folded lines join with a space, and
    Chinese official text never sets a space beside a character or a number."""
    return _CJK_SPACE.sub("", text)


def template_text(kind: str) -> str:
    """The bundled template as text, for the office to copy and edit."""
    return bundled_text(kind)


__all__ = ["DocumentTemplate", "bundled_names", "load_template", "override_paths", "parse_template",
           "render_document", "template_text"]
