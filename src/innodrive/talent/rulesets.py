"""Versioned rule files of the talent service, and which version is in force on a date.

The 人才分类目录, the 英才卡 rules and the holiday calendar are data: a city changes them
by publishing a new document, and the office changes innodrive by adding a file, not
code. Every file declares what it is (``kind``), its ``version``, its ``status``
(``official`` = taken from a published document, ``unconfirmed`` = known only from a
repost or not yet checked line by line, ``example`` = demonstration values that are
*not* any city's rules), the dates it is in force and the documents it rests on. Each
decision quotes them, so an official can always say which rule of which document
made it — and an example can never pass for an official rule.

Files come from the package (``innodrive/talent/rules/*.yaml``: the bundled examples)
and from the office's own folder ``$INNODRIVE_HOME/rules/talent/*.yaml`` (the city's
official catalogue and card rules, kept outside the installed program). On a date,
the version in force is the one whose period covers it; an official file wins over an
unconfirmed one and both over an example; then the later ``effective_from`` wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import ValidationError

from innodrive.enterprises.incentives import _VersionedRules  # the one versioned-rules header
from innodrive.errors import InputError, NotFound

Status = Literal["official", "unconfirmed", "example"]
STATUS_LABELS: dict[str, str] = {"official": "正式文件", "unconfirmed": "待核实", "example": "示例（非官方规则）"}
_RANK = {"official": 0, "unconfirmed": 1, "example": 2}


class Versioned(_VersionedRules):
    """What every rule file declares about itself — the project's one versioned-rules
    header (kind, title, version, status, dates in force, sources), with the status
    narrowed to the three the talent decisions cite."""

    status: Status

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def citation(self) -> str:
        """``《英才卡与服务事项规则（示例）》example-1（示例（非官方规则））``."""
        return f"《{self.title}》{self.version}（{self.status_label}）"


T = TypeVar("T", bound=Versioned)


def office_folder() -> Path:
    from innodrive import settings

    return settings.home() / "rules" / "talent"


def _texts() -> list[tuple[str, str]]:
    """(file name, text) of every rule file: the package's, then the office's."""
    from innodrive.safeio import read_input

    out = []
    for entry in sorted(resources.files("innodrive.talent").joinpath("rules").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            out.append((entry.name, entry.read_text(encoding="utf-8")))
    folder = office_folder()
    if folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            data = read_input(path, limit=2 * 1024 * 1024, what="规则文件")
            try:
                out.append((str(path), data.decode("utf-8")))
            except UnicodeDecodeError:
                raise InputError("规则文件应为 UTF-8 编码", file=str(path)) from None
    return out


def load_kind(kind: str, model: type[T], *, check: Callable[[T, str], None] | None = None) -> list[T]:
    """Every file of ``kind`` parsed into ``model`` (and checked), or a clear error."""
    from innodrive.safeio import load_yaml

    found: list[T] = []
    for name, text in _texts():
        data = load_yaml(text, name=name)
        if not isinstance(data, dict) or data.get("kind") != kind:
            continue
        try:
            item = model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(f"规则文件格式错误（{where}）：{first['msg']}", file=Path(name).name) from None
        if check is not None:
            check(item, Path(name).name)
        found.append(item)
    versions = [f.version for f in found]
    dup = sorted({v for v in versions if versions.count(v) > 1})
    if dup:
        raise InputError(f"同一种规则文件的版本号重复：{'、'.join(dup)}（每个版本只能有一个文件）")
    return found


def pick(items: list[T], on: dt.date, *, what: str, version: str | None = None) -> T:
    """The version named, or the one in force on ``on``."""
    if version is not None:
        for item in items:
            if item.version == version:
                return item
        raise NotFound(f"没有版本为“{version}”的{what}（已有：{'、'.join(i.version for i in items) or '无'}）")
    live = [i for i in items if i.in_force(on)]
    if not live:
        raise NotFound(f"{on.isoformat()} 没有生效的{what}（已有版本：{'、'.join(i.version for i in items) or '无'}）")
    return min(live, key=lambda i: (_RANK[i.status], -i.effective_from.toordinal()))


__all__ = ["STATUS_LABELS", "Versioned", "load_kind", "office_folder", "pick"]
