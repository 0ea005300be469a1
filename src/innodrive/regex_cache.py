"""Compiled regular expressions kept between runs, like Python keeps compiled bytecode.

The extraction rules are a few hundred regular expressions. Python's ``re`` compiles a
pattern in Python code (parser, optimiser, code generator) every time a process starts;
for these patterns that takes longer than reading and extracting a whole 10 KB document,
and ``innodrive extract --json`` is called once per document by scripts. :func:`compile`
returns exactly what :func:`re.compile` returns, but stores the engine code it generates
in ``__pycache__/regex-cache.<python tag>.marshal`` beside this module and, in the next
process, builds the pattern object from that code directly (microseconds instead of
milliseconds).

Safety and fallbacks: the cache is keyed by the Python build and the regex engine's
version; it is written with :mod:`marshal` (plain data, never code), atomically, and only
where the folder is writable; anything unexpected — another Python, a damaged file, an
engine that rejects the code — falls back to :func:`re.compile`. The engine itself
validates the code it is given.
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import os
import re
import sys

try:  # CPython's regex engine and the compiler that feeds it
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover — another Python: plain re.compile
    _sre = None

_TAG = f"{sys.implementation.cache_tag}-{getattr(_sre, 'MAGIC', 0)}"
# (os.path, not pathlib: this module is on the start-up path of ``extract --json``)
_FILE = os.path.join(os.path.dirname(os.path.realpath(__file__)), "__pycache__", f"regex-cache.{_TAG}.marshal")
_cache: dict | None = None
_added = False


def compile(pattern: str, flags: int = 0) -> re.Pattern:  # noqa: A001 — mirrors re.compile
    """:func:`re.compile`, served from the cache of earlier runs when possible."""
    if _sre is None or not isinstance(pattern, str):
        return re.compile(pattern, flags)
    flags = int(flags)  # re.I and friends are enum members; the cache keeps plain numbers
    cache = _load()
    entry = cache.get((pattern, flags))
    if entry is not None:
        try:
            code_flags, code, groups, groupindex, indexgroup = entry
            return _sre.compile(pattern, code_flags, list(code), groups, dict(groupindex), tuple(indexgroup))
        except Exception:  # noqa: BLE001 — a stale or damaged entry: compile afresh
            pass
    return _compile_and_remember(pattern, flags, cache)


def kept(key: tuple, compute):
    """``compute()``, kept in the cache file between runs like a compiled pattern: plain data
    derived from patterns (what :mod:`marshal` writes) that is as slow to derive at start-up
    as a pattern is to compile. ``key`` must name everything the value depends on (the
    pattern, its flags, a stamp of the code deriving it)."""
    global _added
    cache = _load()
    full = ("kept", *key)   # (a compiled pattern's key is a pair: the two never meet)
    if full in cache:
        return cache[full]
    value = compute()
    cache[full] = value
    _added = True
    return value


def _compile_and_remember(pattern: str, flags: int, cache: dict) -> re.Pattern:
    global _added
    try:
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for k, i in groupindex.items():
            indexgroup[i] = k
        entry = (int(flags | parsed.state.flags), tuple(int(c) for c in code), parsed.state.groups - 1, groupindex,
                 tuple(indexgroup))
        compiled = _sre.compile(pattern, entry[0], list(entry[1]), entry[2], dict(entry[3]), entry[4])
    except Exception:  # noqa: BLE001 — an engine we do not know: the ordinary way
        return re.compile(pattern, flags)
    if compiled.pattern == pattern:
        cache[(pattern, flags)] = entry
        _added = True
    return compiled


def _load() -> dict:
    global _cache
    if _cache is None:
        _cache = {}
        try:
            with open(_FILE, "rb") as f:
                data = marshal.loads(f.read())
            if isinstance(data, dict) and data.get("tag") == _TAG and isinstance(data.get("patterns"), dict):
                _cache = data["patterns"]
        except (OSError, ValueError, EOFError, TypeError):
            pass
        atexit.register(_save)
    return _cache


def _save() -> None:
    """Write the cache back when this process compiled new patterns (atomically; skipped
    where the package folder is read-only)."""
    if not _added or _cache is None:
        return
    import tempfile

    tmp = None
    try:
        os.makedirs(os.path.dirname(_FILE), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".regex-cache.", dir=os.path.dirname(_FILE))
        with os.fdopen(fd, "wb") as f:
            f.write(marshal.dumps({"tag": _TAG, "patterns": _cache}))
        os.chmod(tmp, 0o644)  # readable like the .pyc files beside it
        os.replace(tmp, _FILE)
    except BaseException as exc:  # (Ctrl-C while writing too: no temporary file left behind)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if not isinstance(exc, OSError | ValueError):
            raise
