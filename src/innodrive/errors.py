"""One exception family for everything a user can get wrong.

Every error a person can cause (a file that cannot be read, a bad row in an import,
a framework with a cycle) is raised as an :class:`InnodriveError`. It carries a
message in Simplified Chinese plus where the problem is (file, row, field), so the
CLI can print one line and the web/API layer can return one JSON shape. Anything
that is *not* an ``InnodriveError`` is a bug in innodrive, never the user's fault.
"""

from __future__ import annotations

from dataclasses import dataclass

# What a command says when Ctrl-C stops it (exit status 130): output files are written through
# a temporary file renamed at the end (innodrive.safeio.atomic_write) and database changes in
# one transaction, so an interrupted write leaves nothing behind.
INTERRUPTED = "已中断：未完成的写入均已撤销，没有留下写了一半的文件或数据。"


@dataclass(frozen=True)
class Problem:
    """One located problem: what is wrong and where.

    Used in bulk validation (imports, registries) where every bad row is reported,
    not only the first.
    """

    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        return format_location(self.file, self.row, self.field, self.message)


def format_location(file: str | None, row: int | None, field: str | None, message: str) -> str:
    """Render ``文件 a.csv 第 3 行 字段「value」：message`` leaving out unknown parts."""
    parts = []
    if file:
        parts.append(f"文件 {file}")
    if row is not None:
        parts.append(f"第 {row} 行")
    if field:
        parts.append(f"字段「{field}」")
    return f"{' '.join(parts)}：{message}" if parts else message


class InnodriveError(Exception):
    """Base of all user-facing errors.

    ``status`` is the process exit code for the CLI (2 = bad input, 3 = not found,
    4 = conflict, 5 = not allowed, 1 = other); ``http_status`` is what the web face
    and the JSON API answer with (400, 422, 404, 409, 403, 401; 503 for "the database
    is busy or unreachable", the base class's default).
    """

    default_status = 1
    default_http_status = 503

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 field: str | None = None, status: int | None = None,
                 problems: list[Problem] | None = None, http_status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.field = field
        self.status = self.default_status if status is None else status
        self.http_status = self.default_http_status if http_status is None else http_status
        self.problems = list(problems or [])

    def __str__(self) -> str:
        return format_location(self.file, self.row, self.field, self.message)

    def as_dict(self) -> dict:
        """The one JSON error shape shared by the CLI (--json) and the API."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "problems": [p.__dict__ for p in self.problems],
        }


class InputError(InnodriveError):
    """The input itself is wrong: unreadable file, bad value, bad row."""

    default_status = 2
    default_http_status = 400


class UnreadableDocument(InputError):
    """A document that cannot be read at all (empty, binary, unsupported, undecodable)."""


class ValidationFailed(InputError):
    """Bulk input with one or more bad rows; ``problems`` lists every one of them."""

    default_http_status = 422


class NotFound(InnodriveError):
    default_status = 3
    default_http_status = 404


class Conflict(InnodriveError):
    default_status = 4
    default_http_status = 409


class Forbidden(InnodriveError):
    """The actor's role or scope does not allow the action (see ``innodrive.services.access``)."""

    default_status = 5
    default_http_status = 403


class NotAuthenticated(InnodriveError):
    """No valid login or token (web and API only)."""

    default_status = 5
    default_http_status = 401


def validation_problems(exc, *, file: str | None = None) -> list[Problem]:
    """The errors of a pydantic ``ValidationError`` on a user's file (a YAML scheme, a
    template) as located problems in Chinese: the field path and what is wrong."""
    out = []
    for e in exc.errors():
        kind = e.get("type", "")
        if kind == "extra_forbidden":
            message = "未知的键（拼写错误？）"
        elif kind == "missing":
            message = "缺少必填项"
        elif kind.startswith("date"):
            message = f"日期格式应为 YYYY-MM-DD（{e.get('input')}）"
        elif kind.endswith("_type") or kind.endswith("_parsing"):
            message = f"类型不对：{e.get('msg')}"
        else:
            message = str(e.get("msg"))
        out.append(Problem(message, file=file, field=".".join(str(p) for p in e["loc"])))
    return out
