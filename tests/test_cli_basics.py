"""The CLI frame: help works, settings are listed, errors never show a traceback."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "innodrive", *args], capture_output=True, text=True)


def test_help_lists_commands():
    r = run("--help")
    assert r.returncode == 0
    assert "settings" in r.stdout


def test_settings_lists_every_setting():
    from innodrive import settings

    r = run("settings")
    assert r.returncode == 0
    for s in settings.SETTINGS:
        assert s.env in r.stdout


def test_readme_documents_every_setting_and_command():
    from pathlib import Path

    from innodrive import settings
    from innodrive.cli import app

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for s in settings.SETTINGS:
        assert s.env in readme, f"README does not mention {s.env}"
    import typer.main

    group = typer.main.get_group(app)
    for name in group.commands:
        assert f"innodrive {name}" in readme, f"README does not show `innodrive {name}`"


def test_every_year_and_date_option_reads_what_data_import_reads(tmp_path, monkeypatch, capsys):
    """Issue 8 §14: ``--year 2024年`` and ``--on 2024/6/30`` work wherever a year or date is
    asked for, and a bad one is refused in Chinese (not Click's "not a valid integer")."""
    import re
    from pathlib import Path

    from innodrive.cli import main

    monkeypatch.setenv("INNODRIVE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("INNODRIVE_DATABASE_URL", raising=False)
    cli = Path(__file__).parents[1] / "src" / "innodrive" / "cli"
    int_years = [f"{f.name}: {m.group(0)}" for f in cli.glob("*.py")
                 for m in re.finditer(r'int(?: \| None)? = typer\.Option\([^)]*help="[^"]*(?:年份|年度)[^"]*"[^)]*\)',
                                      f.read_text(encoding="utf-8")) if "year_parser" not in m.group(0)]
    assert int_years == []
    assert main(["enterprises", "template", "--on", "2026年4月1日", "--out", str(tmp_path / "t.xlsx")]) == 0
    assert (tmp_path / "t.xlsx").exists()
    capsys.readouterr()
    assert main(["enterprises", "template", "--on", "2026/13/1", "--out", str(tmp_path / "u.xlsx")]) == 2
    assert "--on“2026/13/1”无法识别" in capsys.readouterr().err.replace("\n", "")
    assert main(["market", "contracts", "list", "--year", "2024年度"]) != 2 or "年份" not in capsys.readouterr().err
    assert main(["market", "contracts", "list", "--year", "今年"]) == 2
    assert "--year 年份“今年”无法识别" in capsys.readouterr().err


def test_help_points_only_to_what_a_clone_has():
    """Issue 8 §17: ``--json`` help once sent users to a research file outside the repository
    (../shared/…). Every help text and message in the package names only shipped files and
    the README."""
    import re
    from pathlib import Path

    src = Path(__file__).parents[1] / "src" / "innodrive"
    outside = [f"{f.relative_to(src)}:{n}" for f in src.rglob("*.py")
               for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1)
               if re.search(r"\.\./shared|/work/|shared/research", line)]
    assert outside == []
    from typer.testing import CliRunner

    from innodrive.cli.app import app

    text = CliRunner().invoke(app, ["extract", "--help"], env={"COLUMNS": "300"}).output
    assert "--json" in text and "README" in text and "shared" not in text
