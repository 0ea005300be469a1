"""Issue 8 §18: the bundled examples carry names a person can read, and ``make demo``
evaluates at one fixed date (the same lights whenever it is run) and ends with the next steps.
The CLI itself is stubbed here: each command is tested where it lives; this checks the script."""

from __future__ import annotations

import re

from innodrive import demo

DATED = {"status": "--as-of", "tasks": "--as-of", "duban": "--as-of", "enterprises": "--on"}


def test_example_documents_have_readable_names():
    names = sorted(p.name for p in demo.EXAMPLES.glob("*.txt"))
    assert len(names) >= 5
    for name in names:
        # city_what_year.txt, in Chinese: 自贡_市委十二届十二次全会公报_2021.txt
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}_[\u4e00-\u9fff0-9_（）]+_(19|20)\d\d\.txt", name), name


def test_the_demo_runs_at_a_fixed_date_and_ends_with_the_next_steps(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INNODRIVE_DEMO_HOME", str(tmp_path / "demo"))
    calls: list[list[str]] = []
    monkeypatch.setattr(demo, "cli_main", lambda args: calls.append(list(args)) or 0)
    assert demo.main() == 0
    printed = capsys.readouterr().out
    assert calls and calls[0] == ["settings"]
    for args in calls:
        option = DATED.get(args[0])
        if option and args[:2] != ["enterprises", "template"]:
            assert option in args, args
            assert args[args.index(option) + 1] == demo.AS_OF, args
    assert any(a[:1] == ["status"] for a in calls) and any(a[:1] == ["tasks"] for a in calls)
    tail = printed.strip().splitlines()
    assert "下一步" in printed and any("innodrive plan show" in line for line in tail[-6:])
    assert str(tmp_path / "demo") in printed
