"""Reading policy documents: bytes of any common kind → a clean :class:`Document`.

``read_path`` / ``read_document`` accept .txt (UTF-8 with or without BOM, GB18030/GBK,
Big5, UTF-16 — detected, not guessed by the user), .docx, PDF with a text layer and
HTML, in simplified or traditional characters. The result keeps the original decoded
text and a map from every clean character back to it, so that extraction can report
exact spans. Anything that cannot be read raises
:class:`~innodrive.errors.UnreadableDocument` with a one-line Chinese message.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, field

from innodrive import settings
from innodrive.documents.limits import check_text
from innodrive.documents.normalise import normalise
from innodrive.documents.offsets import OffsetMap, concat
from innodrive.documents.readers import read_bytes
from innodrive.errors import UnreadableDocument

__all__ = ["Document", "read_document", "read_path"]


@dataclass
class Document:
    """A document ready for extraction.

    ``clean`` is the normalised text: one paragraph per line, simplified script,
    half-width ASCII, furniture and repeats removed. ``span(a, b)`` converts a clean
    span into a span of ``original``.
    """

    name: str
    sha256: str
    format: str
    encoding: str
    script: str
    original: str
    clean: str
    offsets: OffsetMap
    paragraphs: list[tuple[int, int]]
    html_title: str | None = None
    furniture_lines: int = 0
    repeated_paragraphs: int = 0
    warnings: list[str] = field(default_factory=list)

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.span(start, end)

    def paragraph_text(self, i: int) -> str:
        a, b = self.paragraphs[i]
        return self.clean[a:b]


def read_document(data: bytes, name: str) -> Document:
    """Read a document from its bytes; ``name`` is used in messages and metadata."""
    limit = settings.max_input_bytes()
    if len(data) > limit:
        raise UnreadableDocument(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），超过上限 {limit // 1024 // 1024} MB"
            "（可通过 INNODRIVE_MAX_INPUT_MB 调整）", file=name)
    sha256 = _sha256_hex(data)
    with paused_gc():
        raw = read_bytes(data, name)
        del data  # the caller passes its only reference (see read_path): free the bytes now
        check_text(raw.text.text, name)
        norm = normalise(raw.text, extra_furniture=raw.furniture)
        spans: list[tuple[int, int]] = []
        pos = 0
        for p in norm.paragraphs:
            spans.append((pos, pos + len(p.text)))
            pos += len(p.text) + 1
        clean = concat(norm.paragraphs, sep="\n")
        script, furniture, repeated = norm.script, norm.furniture_lines, len(norm.repeated)
        del norm
    if not clean.text.strip():
        raise UnreadableDocument("文件中没有可读取的正文文字", file=name)
    warnings = list(raw.warnings)
    return Document(
        name=name, sha256=sha256, format=raw.format, encoding=raw.encoding, script=script,
        original=raw.original, clean=clean.text, offsets=OffsetMap.from_mtext(clean), paragraphs=spans,
        html_title=raw.html_title, furniture_lines=furniture, repeated_paragraphs=repeated, warnings=warnings,
    )


def read_path(path: str | os.PathLike) -> Document:
    """Read a document file from disk: a regular file within the size limit (a device,
    a FIFO or a symlink to one is refused rather than read forever).

    (Paths with :mod:`os.path`: importing :mod:`pathlib` costs ``extract --json`` start-up time.)"""
    import stat

    from innodrive.errors import InputError
    from innodrive.safeio import read_input

    p = os.fspath(path)
    name = _file_name(p)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise UnreadableDocument("文件不存在", file=str(path)) from None
    except OSError as exc:
        raise UnreadableDocument(f"读取文件失败（{exc.strerror or exc}）", file=name) from None
    if stat.S_ISDIR(st.st_mode):
        raise UnreadableDocument("这是一个文件夹，不是文件", file=str(path))
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableDocument("不是普通文件（设备、管道或套接字），拒绝读取", file=str(path))
    limit = settings.max_input_bytes()
    if st.st_size > limit:
        raise UnreadableDocument(
            f"文件过大（{st.st_size / 1024 / 1024:.1f} MB），超过上限 {limit // 1024 // 1024} MB"
            "（可通过 INNODRIVE_MAX_INPUT_MB 调整）", file=name)
    try:
        holder = [read_input(p, what="文件")]
    except InputError as exc:
        raise UnreadableDocument(exc.message, file=name) from None
    # hand over the only reference to the bytes, so that read_document can free them early
    return read_document(holder.pop(), name)


def _file_name(path: str) -> str:
    """The last component of ``path``, as :attr:`pathlib.PurePath.name` gives it."""
    parts = [c for c in path.replace(os.altsep or os.sep, os.sep).split(os.sep) if c not in ("", ".")]
    return parts[-1] if parts else ""


_builtin_hashed = 0  # bytes this process has hashed with the built-in SHA-256


def _sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` in hex. Up to a megabyte with CPython's built-in SHA-256:
    importing :mod:`hashlib` loads OpenSSL, which costs a one-document ``extract --json``
    more than hashing its bytes; larger inputs use OpenSSL's faster implementation (eight
    times faster), and so does a process that has already hashed a megabyte of documents
    (a batch: the import is then paid once and repaid by every later document)."""
    global _builtin_hashed
    if len(data) <= 1 << 20 and _builtin_hashed < 1 << 20:
        _builtin_hashed += len(data)
        try:
            from _sha256 import sha256  # CPython 3.11
        except ImportError:
            try:
                from _sha2 import sha256  # CPython 3.12 and later
            except ImportError:
                sha256 = None
        if sha256 is not None:
            return sha256(data).hexdigest()
    import hashlib

    return hashlib.sha256(data).hexdigest()


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while a document is processed.

    Reading and extraction create millions of small acyclic objects; the collector's
    passes over a growing heap would make the work grow faster than the input.
    Reference counting still frees everything; the collector resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
