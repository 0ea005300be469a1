"""The characters a pattern's matches can open or close with, read from the pattern itself.

A rule that matches a pattern at the start of a short text (``rx.match(after)``) or at its
end (``…$``) fails on most texts, and each failure still costs a call into the regex engine
(and, for ``$``, a scan of the whole text for a suffix). Asking the text's first or last
character first is far cheaper; the set of characters asked is derived here from the
parsed pattern, so that it cannot drift from the pattern's words when they change.

When a set cannot be bounded (a negated class, ``.``, a category such as ``\\w``, a match
that may be empty, case-insensitive matching …) the functions say so with ``None``, and the
gate built from it lets every text through.

Parsing a pattern in Python costs about as much as compiling it, so the sets are kept
between runs with the compiled patterns (:func:`innodrive.regex_cache.kept`), stamped with
this file's size and time like a ``.pyc``: ``innodrive extract --json`` does not parse
them again at each start.
"""

from __future__ import annotations

import os
from re import _constants as c
from re import _parser

from innodrive import regex_cache

try:
    _stat = os.stat(__file__)
    _STAMP: tuple | None = (_stat.st_mtime_ns, _stat.st_size)
except OSError:  # pragma: no cover — no source file: derived afresh in each run
    _STAMP = None

_ZERO_WIDTH = (c.AT, c.ASSERT, c.ASSERT_NOT)
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT)
_CASELESS = c.SRE_FLAG_IGNORECASE | c.SRE_FLAG_LOCALE


def _sequence(items, last: bool):
    """(the characters the sequence's non-empty matches can open with — close with when
    ``last`` — or None when unbounded, whether it can match the empty string)."""
    out: set[str] = set()
    for op, av in (reversed(items) if last else items):
        chars, empty = _item(op, av, last)
        if chars is None:
            return None, False
        out |= chars
        if not empty:
            return out, False
    return out, True


def _item(op, av, last: bool):
    if op is c.LITERAL:
        return {chr(av)}, False
    if op is c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is c.LITERAL:
                chars.add(chr(value))
            elif kind is c.RANGE:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:   # a negated class or a category: any of thousands of characters
                return None, False
        return chars, False
    if op is c.BRANCH:
        chars, empty = set(), False
        for alternative in av[1]:
            more, may_be_empty = _sequence(alternative, last)
            if more is None:
                return None, False
            chars |= more
            empty = empty or may_be_empty
        return chars, empty
    if op is c.SUBPATTERN:
        if av[1] & _CASELESS:
            return None, False
        return _sequence(av[3], last)
    if op is c.ATOMIC_GROUP:
        return _sequence(av, last)
    if op in _REPEATS:
        if av[1] == 0:
            return set(), True
        chars, empty = _sequence(av[2], last)
        return chars, empty or av[0] == 0
    if op in _ZERO_WIDTH:   # (an anchor or a look-around consumes nothing: the next item decides)
        return set(), True
    return None, False      # ``.``, a negated literal, a back-reference …


def _parsed(pattern):
    parsed = _parser.parse(pattern.pattern, pattern.flags)
    return None if parsed.state.flags & (_CASELESS | c.SRE_FLAG_MULTILINE) else list(parsed)


def _kept(derive, pattern):
    if _STAMP is None:
        return derive(pattern)
    return regex_cache.kept(("edges", _STAMP, derive.__name__, pattern.pattern, pattern.flags),
                            lambda: derive(pattern))


def opening_chars(pattern) -> frozenset[str] | None:
    """The characters ``pattern.match(text)`` needs ``text`` to open with (None: any)."""
    return _kept(_opening_chars, pattern)


def closing_chars(pattern) -> frozenset[str] | None:
    """The characters ``pattern.search(text)`` needs ``text`` to close with, for a pattern
    that ends with ``$`` or ``\\Z`` (None: any, or a pattern anchored otherwise). ``$`` also
    matches before a final line break: then the line break is one of them."""
    return _kept(_closing_chars, pattern)


def longest(pattern: str) -> int:
    """The most characters a match of ``pattern`` (a pattern's text, without repeats that
    are unbounded) can hold: the ``lead`` of :func:`innodrive.extraction.scan.matches_near`
    for the words a pattern opens with before its core (a few alternatives, parsed at import)."""
    return _parser.parse(pattern).getwidth()[1]


def _opening_chars(pattern) -> frozenset[str] | None:
    items = _parsed(pattern)
    if items is None:
        return None
    chars, empty = _sequence(items, last=False)
    return None if chars is None or empty else frozenset(chars)


def _closing_chars(pattern) -> frozenset[str] | None:
    items = _parsed(pattern)
    if not items or items[-1] not in ((c.AT, c.AT_END), (c.AT, c.AT_END_STRING)):
        return None
    chars, empty = _sequence(items[:-1], last=True)
    if chars is None or empty:
        return None
    return frozenset(chars | {"\n"} if items[-1][1] is c.AT_END else chars)


class _Every:
    """Holds every character: the gate of a pattern whose edge characters are unbounded."""

    __slots__ = ()

    def __contains__(self, char: str) -> bool:
        return True


EVERY = _Every()


def opening_gate(pattern):
    """What to ask ``text[:1] in`` before ``pattern.match(text)``."""
    chars = opening_chars(pattern)
    return EVERY if chars is None else chars


def closing_gate(pattern):
    """What to ask ``text[-1:] in`` before ``pattern.search(text)`` (a pattern ending with ``$``)."""
    chars = closing_chars(pattern)
    return EVERY if chars is None else chars
