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
