"""Indented JSON text, the same characters as ``json.dumps(obj, ensure_ascii=False, indent=n)``.

Why not ``json.dumps``: with ``indent`` set, CPython before 3.13 does not use its C encoder
but the pure-Python one, a generator per nesting level and a ``yield`` per token.
``extract --out`` writes every plan's contract indented (about as many bytes of JSON as the
document has of text), and that encoder took about a sixth of the CPU time of a folder of
reports (0.24 s for 10 MB of documents, with 2.0 s for their extraction). Here strings go
through the same C function the encoder uses (``encode_basestring``) and the structure is
joined by a plain recursive function: about three times faster, the same text (tests
compare the two on the contracts of the corpus and on hostile values).

Only what ``json.dumps`` takes without a ``default`` is accepted: ``dict`` (keys ``str``,
``int``, ``float``, ``bool``, ``None``), ``list``, ``tuple``, ``str``, ``int``, ``float``,
``bool`` and ``None``; anything else raises ``TypeError``, as ``json.dumps`` does (the
message need not be the same; there is no check for circular references: a plan's
contract is a tree).
"""

from __future__ import annotations

from json.encoder import encode_basestring  # the C function when _json is built (always, in CPython)

_INFINITY = float("inf")


def _float(o: float) -> str:
    """As ``json``'s ``floatstr`` with ``allow_nan``: NaN and the infinities as JavaScript writes them."""
    if o != o:
        return "NaN"
    if o == _INFINITY:
        return "Infinity"
    if o == -_INFINITY:
        return "-Infinity"
    return float.__repr__(o)


def _key(k) -> str:
    """A dict key as ``json`` writes it (``skipkeys=False``): strings as they are, numbers,
    booleans and None as their JSON text, quoted."""
    if isinstance(k, str):
        return encode_basestring(k)
    if isinstance(k, float):
        return encode_basestring(_float(k))
    if k is True:
        return '"true"'
    if k is False:
        return '"false"'
    if k is None:
        return '"null"'
    if isinstance(k, int):
        return encode_basestring(int.__repr__(k))
    raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")


def dumps_indented(obj, indent: int) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=indent)``, faster (see the module's doc)."""
    parts: list[str] = []
    _encode(obj, parts, "\n", " " * indent)
    return "".join(parts)


def _encode(o, parts: list[str], newline: str, step: str) -> None:
    """Append the JSON text of ``o`` to ``parts``; ``newline`` is a line break and the
    indent of the level ``o`` is written at."""
    # (the order of the tests is json's: True and False are ints, and str is tested first)
    if isinstance(o, str):
        parts.append(encode_basestring(o))
    elif o is None:
        parts.append("null")
    elif o is True:
        parts.append("true")
    elif o is False:
        parts.append("false")
    elif isinstance(o, int):
        parts.append(int.__repr__(o))
    elif isinstance(o, float):
        parts.append(_float(o))
    elif isinstance(o, (list, tuple)):
        if not o:
            parts.append("[]")
            return
        inner = newline + step
        append = parts.append
        sep = "[" + inner
        for item in o:
            # (exact str and int, most values of a contract, written here without a call)
            t = type(item)
            append(sep)
            if t is str:
                append(encode_basestring(item))
            elif t is int:
                append(int.__repr__(item))
            else:
                _encode(item, parts, inner, step)
            sep = "," + inner
        append(newline)
        append("]")
    elif isinstance(o, dict):
        if not o:
            parts.append("{}")
            return
        inner = newline + step
        append = parts.append
        sep = "{" + inner
        for k, v in o.items():
            key = encode_basestring(k) if type(k) is str else _key(k)
            t = type(v)
            append(sep)
            append(key)
            if t is str:
                append(": ")
                append(encode_basestring(v))
            elif v is None:
                append(": null")
            elif t is int:
                append(": ")
                append(int.__repr__(v))
            else:
                append(": ")
                _encode(v, parts, inner, step)
            sep = "," + inner
        append(newline)
        append("}")
    else:
        raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")
