"""The compiled-regex cache behind fast start-up gives exactly what re.compile gives."""

from __future__ import annotations

import re
import subprocess
import sys

from innodrive import regex_cache

PATTERNS = [
    (r"(?P<num>(?<![\d.])\d{1,12}(?:\.\d{1,6})?)(?P<unit>万元|亿元|家|%)(?P<post>以上|左右)?", 0),
    (r"[^\W\d_a-zA-Z]{2,8}?(?:委员会|委)", 0),
    (r"^(?:一|二|三)、\s*(?P<title>.+)$", re.M),
    (r"abc", re.I),
]
TEXTS = ["新增高新技术企业50家以上，研发投入1.5亿元左右", "中共某市委员会", "一、总体要求\n二、主要目标", "ABC abc"]


def test_cached_patterns_match_like_re_compile(tmp_path, monkeypatch):
    monkeypatch.setattr(regex_cache, "_FILE", tmp_path / "cache.marshal")
    monkeypatch.setattr(regex_cache, "_cache", None)
    first = [regex_cache.compile(p, f) for p, f in PATTERNS]
    regex_cache._save()
    assert (tmp_path / "cache.marshal").exists()
    monkeypatch.setattr(regex_cache, "_cache", None)  # a new process: served from the file
    second = [regex_cache.compile(p, f) for p, f in PATTERNS]
    for (p, f), a, b in zip(PATTERNS, first, second, strict=True):
        ref = re.compile(p, f)
        assert a.pattern == b.pattern == p and a.groupindex == b.groupindex == ref.groupindex
        for text in TEXTS:
            want = [(m.span(), m.groupdict()) for m in ref.finditer(text)]
            assert [(m.span(), m.groupdict()) for m in a.finditer(text)] == want
            assert [(m.span(), m.groupdict()) for m in b.finditer(text)] == want


def test_a_damaged_cache_falls_back_to_compiling(tmp_path, monkeypatch):
    bad = tmp_path / "cache.marshal"
    bad.write_bytes(b"\x00not marshal at all")
    monkeypatch.setattr(regex_cache, "_FILE", bad)
    monkeypatch.setattr(regex_cache, "_cache", None)
    rx = regex_cache.compile(r"(\d+)家")
    assert rx.findall("新增50家") == ["50"]


def test_wrong_engine_code_in_the_cache_is_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setattr(regex_cache, "_FILE", tmp_path / "cache.marshal")
    monkeypatch.setattr(regex_cache, "_cache", {(r"(\d+)家", 0): (32, (1, 2, 3), 1, {}, (None, None))})
    rx = regex_cache.compile(r"(\d+)家")
    assert rx.findall("新增50家") == ["50"]


def test_extract_json_does_not_import_typer_rich_or_pydantic(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("某市2031年科技工作要点\n一、主要目标\n全年新增高新技术企业120家。", encoding="utf-8")
    code = ("import sys, runpy; sys.argv = ['innodrive', 'extract', sys.argv[1], '--json']\n"
            "from innodrive.launch import try_run\n"
            "status = try_run(sys.argv[1:])\n"
            "print('MODULES', sorted(m for m in ('typer', 'rich', 'pydantic', 'click') if m in sys.modules), status)")
    r = subprocess.run([sys.executable, "-c", code, str(doc)], capture_output=True, text=True)
    assert "MODULES [] 0" in r.stdout, r.stdout + r.stderr


def test_derived_values_are_kept_between_runs_under_their_key(tmp_path, monkeypatch):
    """kept() computes a value once, writes it with the compiled patterns, and serves it
    in the next process without computing it; another key computes afresh."""
    monkeypatch.setattr(regex_cache, "_FILE", tmp_path / "cache.marshal")
    monkeypatch.setattr(regex_cache, "_cache", None)
    calls = []

    def compute(value):
        calls.append(value)
        return value

    assert regex_cache.kept(("edges", 1, "ab"), lambda: compute(frozenset("ab"))) == frozenset("ab")
    assert regex_cache.kept(("edges", 1, "ab"), lambda: compute(None)) == frozenset("ab")
    regex_cache.compile(r"ab")
    regex_cache._save()
    monkeypatch.setattr(regex_cache, "_cache", None)  # a new process: served from the file
    assert regex_cache.kept(("edges", 1, "ab"), lambda: compute(None)) == frozenset("ab")
    assert regex_cache.kept(("edges", 2, "ab"), lambda: compute(None)) is None
    assert calls == [frozenset("ab"), None]
    assert regex_cache.compile(r"ab").pattern == "ab"
