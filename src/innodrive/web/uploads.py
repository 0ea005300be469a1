"""Files people upload through the browser or the API, checked before anything reads them.

A file name is only a label: it never becomes a path (``../../x`` or ``C:\\x`` is refused
rather than cleaned, so nobody is misled about what was stored), its extension must be
one the page accepts, and the content must not be empty or larger than
``INNODRIVE_UPLOAD_MAX_MB``. Whatever is refused here changes nothing.
"""

from __future__ import annotations

import unicodedata

from fastapi import UploadFile

from innodrive.errors import InputError

DOCUMENTS = (".txt", ".docx", ".pdf", ".html", ".htm")
TABLES = (".csv", ".xlsx")
EVIDENCE = (".pdf", ".docx", ".xlsx", ".csv", ".txt", ".jpg", ".jpeg", ".png", ".zip", ".doc", ".xls", ".ofd")


def safe_name(name: str | None) -> str:
    """``name`` if it is a plain file name; otherwise a clear refusal."""
    text = unicodedata.normalize("NFC", (name or "").strip())
    if not text:
        raise InputError("上传的文件没有文件名", field="file")
    if len(text) > 200:
        raise InputError("文件名过长（最多 200 个字符）", file=text[:40] + "…", field="file")
    if "/" in text or "\\" in text or text in (".", "..") or text.startswith(".."):
        raise InputError("文件名不能包含路径（/、\\ 或 ..），请上传文件本身", file=text, field="file")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        raise InputError("文件名含有控制字符", file=text.encode("unicode_escape").decode()[:60], field="file")
    return text


def check_extension(name: str, allowed: tuple[str, ...], what: str) -> None:
    lower = name.lower()
    if not any(lower.endswith(ext) for ext in allowed):
        raise InputError(f"{what}只接受 {'、'.join(allowed)} 格式的文件", file=name, field="file")


async def read_upload(file: UploadFile | None, *, allowed: tuple[str, ...], what: str) -> tuple[str, bytes]:
    """The checked name and bytes of an uploaded file."""
    from innodrive.web.app import upload_limit_bytes

    if file is None or not getattr(file, "filename", None):
        raise InputError(f"请选择要上传的{what}", field="file")
    name = safe_name(file.filename)
    check_extension(name, allowed, what)
    limit = upload_limit_bytes()
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"文件超过 {limit // (1024 * 1024)} MB 的上限", file=name, field="file", http_status=413)
    if not data:
        raise InputError("文件是空的", file=name, field="file")
    return name, data
