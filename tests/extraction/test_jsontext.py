"""``dumps_indented`` writes the text ``json.dumps(obj, ensure_ascii=False, indent=n)`` writes.

``extract --out`` writes every contract with it (json's own encoder is pure Python when it
indents); the files must stay the same bytes, so it is compared here with ``json.dumps`` on
the contracts and decisions of the corpus and on values chosen to break a hand-written
encoder: escapes, lone surrogates, NaN and the infinities, subclasses, odd keys, nesting.
"""

from __future__ import annotations

import enum
import json
import math
import random
from collections import OrderedDict
from pathlib import Path

import pytest

from innodrive.extraction.jsontext import dumps_indented

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted((ROOT / "tests" / "data" / "real").glob("*.txt")) + sorted((ROOT / "examples" / "documents").glob("*.txt"))


def _same(obj, indent: int) -> None:
    assert dumps_indented(obj, indent) == json.dumps(obj, ensure_ascii=False, indent=indent)


@pytest.mark.parametrize("indent", [0, 1, 2, 4])
def test_contracts_of_the_corpus_are_written_as_json_dumps_writes_them(indent):
    from innodrive.extraction.pipeline import run_path

    for path in CORPUS:
        plan = run_path(path, explain=True)
        _same(plan.to_contract(), indent)
        _same({"decisions": plan.decisions, "warnings": plan.warnings}, indent)


class _Int(int):
    def __repr__(self):  # json writes int.__repr__, not the subclass's
        return "nope"


class _Float(float):
    def __repr__(self):
        return "nope"


class _Str(str):
    pass


class _Colour(enum.IntEnum):
    RED = 1


_STRINGS = ["", "a", "中文", "引号\"与\\反斜杠", "\n\r\t\b\f", "\x00\x01\x1f\x7f", "\u2028\u2029", "\ud800", "\udfff",
            "😀", "\ufeff", "</script>", " 前后空格 ", _Str("子类")]
_SCALARS = [None, True, False, 0, -1, 2**70, -(2**70), 0.0, -0.0, 1.5, 1e300, 1e-300, 3.0, 0.1 + 0.2, math.nan,
            math.inf, -math.inf, _Int(5), _Float(2.5), _Float(math.nan), _Colour.RED, *_STRINGS]


def test_scalars_and_escapes_are_written_as_json_dumps_writes_them():
    for value in _SCALARS:
        for indent in (0, 1, 2):
            _same(value, indent)
            _same([value], indent)
            _same({"k": value}, indent)
            _same([[value, value], {"a": [value]}], indent)


def test_keys_of_every_kind_json_accepts_are_written_as_json_writes_them():
    keys = [*_STRINGS, 0, -7, 2**70, 1.5, -0.0, math.nan, math.inf, -math.inf, True, False, None, _Int(3), _Float(1.25)]
    _same({k: i for i, k in enumerate(keys)}, 1)
    _same(OrderedDict((k, [k]) for k in keys if not isinstance(k, float) or k == k), 2)


def test_empty_containers_and_tuples_are_written_as_json_writes_them():
    for value in ([], {}, (), [[]], [{}], {"a": []}, {"a": {}}, ([1, ()], {"t": (1, "x", None)}), [[[[]]]]):
        for indent in (0, 1, 3):
            _same(value, indent)


@pytest.mark.parametrize("seed", range(5))
def test_random_nested_values_are_written_as_json_writes_them(seed):
    rng = random.Random(seed)

    def value(depth):
        kind = rng.randrange(4 if depth < 5 else 1)
        if kind == 0:
            return rng.choice(_SCALARS)
        if kind == 1:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        if kind == 2:
            return tuple(value(depth + 1) for _ in range(rng.randint(0, 3)))
        return {rng.choice([*_STRINGS, 1, 2.5, None, True]): value(depth + 1) for _ in range(rng.randint(0, 4))}

    for _ in range(200):
        _same(value(0), rng.choice((0, 1, 2)))


@pytest.mark.parametrize("bad", [{1, 2}, b"bytes", object(), [1, {"a": frozenset()}], {(1, 2): "tuple key"}])
def test_what_json_refuses_is_refused(bad):
    with pytest.raises(TypeError):
        json.dumps(bad, ensure_ascii=False, indent=1)
    with pytest.raises(TypeError):
        dumps_indented(bad, 1)
