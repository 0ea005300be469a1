"""What may reach a terminal: text from documents and file names, made harmless.

A document or a file name can carry terminal escape sequences (``ESC[2J`` clears the
screen, ``ESC]52;…`` writes the clipboard, OSC 8 forges links) and other control or
direction-override characters that make a line say something other than what it is.
Everything innodrive prints that came from a user's file passes :func:`printable`
first. This module imports nothing heavy: the fast ``extract --json`` path uses it too.
"""

from __future__ import annotations

from innodrive import regex_cache

# ESC-introduced sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-character escapes), then
# any single C0/C1 control character except tab and newline, DEL, and the bidirectional
# overrides and isolates (U+202A–U+202E, U+2066–U+2069)
_ESCAPES = regex_cache.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)
_C1_IN_JSON = regex_cache.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """``text`` with escape sequences and control characters removed (tab and newline kept)."""
    s = str(text)
    return _ESCAPES.sub("", s) if _needs_cleaning(s) else s


def _needs_cleaning(s: str) -> bool:
    return any(ch < " " and ch not in "\t\n" or "\x7f" <= ch <= "\x9f" or "\u202a" <= ch <= "\u202e"
               or "\u2066" <= ch <= "\u2069" for ch in s) if len(s) < 256 else _ESCAPES.search(s) is not None


def json_for_terminal(json_text: str) -> str:
    """JSON text safe to print: ``json.dumps`` escapes C0 controls, but with
    ``ensure_ascii=False`` it leaves DEL, the C1 controls (``\\x9b`` is a CSI on some
    terminals) and direction overrides raw; they are written as ``\\uXXXX`` escapes,
    which any JSON reader turns back into the same characters."""
    return _C1_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json_text)
