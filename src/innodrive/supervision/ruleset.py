"""督查督办 rules, declared as data (``supervision/rules/<name>.yaml``).

Which board lines raise a 督办单, how long a unit has to answer and what it must answer
with, the escalation ladder (督办通知 → 二次督办 → 约谈), what closing needs, and who
answers for a target: an office's practice, not code. A rule file names its version and
date of effect; every notice records the rule id and version that raised or escalated
it, so a later change of the file never rewrites why an old notice exists.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from innodrive.errors import InputError, NotFound, Problem, ValidationFailed

RULES_PACKAGE = "innodrive.supervision.rules"
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,40}")
LIGHTS = ("red", "yellow", "green", "blue", "grey")


class RaiseRule(BaseModel):
    """One kind of board line that becomes a 督办单."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9-]{0,40}$")
    name: str
    source: Literal["target", "task"]
    lights: list[Literal["red", "yellow", "green", "blue", "grey"]] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list, description="task flags that must all be present")
    min_days_overdue: int = Field(default=0, ge=0)
    response_days: int = Field(ge=1, le=365)
    response: str = Field(min_length=2, max_length=1000)

    @model_validator(mode="after")
    def _needs_a_condition(self) -> RaiseRule:
        if not self.lights and not self.flags:
            raise ValueError("督办规则须至少给出一个条件（lights 或 flags）")
        return self


class Rung(BaseModel):
    """One level of the escalation ladder."""

    model_config = ConfigDict(extra="forbid")
    level: int = Field(ge=1, le=9)
    name: str
    after_days_overdue: int = Field(default=1, ge=0, le=365,
                                    description="days past the previous level's deadline before climbing")
    response_days: int = Field(default=10, ge=1, le=365)
    response: str = ""
    interview: bool = Field(default=False, description="this level is a 约谈: its record is needed before closing")


class Closing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    evidence_required: bool = True
    returns_before_escalation: int = Field(default=2, ge=1, le=20)
    return_days: int = Field(default=7, ge=1, le=365)


class Addressees(BaseModel):
    model_config = ConfigDict(extra="forbid")
    county_target: str | None = Field(default="{region}人民政府",
                                      description="addressee of a county's target; {region} is its name")
    by_indicator: dict[str, str] = Field(default_factory=dict,
                                         description="catalogue code or indicator name → unit")


class SupervisionRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["supervision-rules"]
    title: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    number_format: str = "{prefix}〔{year}〕{seq}号"
    number_prefix: str = "督办"
    raise_: list[RaiseRule] = Field(alias="raise", min_length=1)
    ladder: list[Rung] = Field(min_length=1)
    closing: Closing = Field(default_factory=Closing)
    addressees: Addressees = Field(default_factory=Addressees)

    @model_validator(mode="after")
    def _consistent(self) -> SupervisionRules:
        levels = [r.level for r in self.ladder]
        if levels != list(range(1, len(levels) + 1)):
            raise ValueError(f"ladder 的级别应从 1 起连续编号，实际为 {levels}")
        ids = [r.id for r in self.raise_]
        if len(set(ids)) != len(ids):
            raise ValueError("raise 中的规则 id 重复")
        for field in ("{prefix}", "{year}", "{seq}"):
            if field not in self.number_format:
                raise ValueError(f"number_format 须包含 {field}")
        return self

    @property
    def label(self) -> str:
        return f"{self.title}@{self.version}"

    def rung(self, level: int) -> Rung:
        return self.ladder[min(max(level, 1), len(self.ladder)) - 1]

    @property
    def top(self) -> int:
        return len(self.ladder)

    def level_name(self, level: int) -> str:
        return self.rung(level).name

    def number(self, year: int, seq: int) -> str:
        return self.number_format.format(prefix=self.number_prefix, year=year, seq=seq)


def parse_rules(data: object, *, source: str) -> SupervisionRules:
    """Validate a rules document, naming every problem (file and field)."""
    if not isinstance(data, dict):
        raise InputError("督查督办规则文件应为一个 YAML 映射（键: 值）", file=source)
    try:
        return SupervisionRules.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(_message(err), file=source, field=".".join(str(p) for p in err["loc"]))
                    for err in exc.errors()]
        raise ValidationFailed(f"督查督办规则 {source} 有 {len(problems)} 处错误", file=source,
                               problems=problems) from None


def _message(err: dict) -> str:
    msg = str(err.get("msg", ""))
    if err.get("type") == "missing":
        return "缺少此项"
    if err.get("type") == "extra_forbidden":
        return "不认识的字段（请检查拼写）"
    return msg.removeprefix("Value error, ")


@cache
def _builtin(name: str) -> SupervisionRules:
    from innodrive.safeio import load_yaml

    text = (resources.files(RULES_PACKAGE) / f"{name}.yaml").read_text(encoding="utf-8")
    return parse_rules(load_yaml(text, name=f"{name}.yaml"), source=f"{name}.yaml")


def list_rule_files() -> list[str]:
    folder = resources.files(RULES_PACKAGE)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_rules(name: str | None = None) -> SupervisionRules:
    """The shipped rules by name (``default``) or a rules file when ``name`` is a path."""
    name = (name or "default").strip()
    if name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name:
        from innodrive.safeio import load_yaml, read_input

        p = Path(name)
        if not p.exists() and not p.is_symlink():
            raise NotFound("督查督办规则文件不存在", file=str(p))
        raw = read_input(p, what="督查督办规则文件")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("督查督办规则文件应为 UTF-8 编码", file=str(p)) from None
        return parse_rules(load_yaml(text, name=str(p)), source=str(p))
    if not _NAME.fullmatch(name) or name not in list_rule_files():
        raise NotFound(f"没有名为“{name}”的内置督查督办规则（可用：{'、'.join(list_rule_files())}）",
                       field="rules")
    return _builtin(name)
