"""``innodrive status`` prints a stored board without importing SQLAlchemy, and only when
nothing it depends on has changed (real processes on the demo database: the example
plans and the shipped statistics in a real SQLite file)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The console script's fast path, then the full CLI, in one process; afterwards the probe
# says on stderr whether SQLAlchemy was ever imported (the full path always imports it).
PROBE = ("import sys\nfrom innodrive.cli import main\ncode = main(sys.argv[1:])\n"
         "sys.stderr.write('\\n@fast=' + str('sqlalchemy' not in sys.modules))\nsys.exit(code)\n")
AS_OF = "2024-06-30"  # a fixed date: a run across midnight must not change the key


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The bench's demo database, with accounts of several roles and scopes."""
    home = tmp_path_factory.mktemp("status-fast")
    env = {k: v for k, v in os.environ.items() if k not in ("INNODRIVE_DATABASE_URL", "INNODRIVE_USER")}
    env.update(INNODRIVE_HOME=str(home), COLUMNS="80")
    for args in (["init"], ["plan", "add", *map(str, sorted((ROOT / "examples" / "documents").glob("*.txt")))]):
        subprocess.run([sys.executable, "-m", "innodrive", *args], env=env, check=True, capture_output=True,
                       timeout=300)
    from innodrive.services import accounts
    from innodrive.services.actor import Actor
    from innodrive.store import open_store

    store = open_store(f"sqlite:///{home / 'innodrive.sqlite'}")
    admin = Actor.local_operator("测试管理员")
    for username, role, region, unit in (("mianyang-office", "office", "绵阳市", None),
                                         ("fucheng-county", "county", "涪城区", None),
                                         ("npc-sichuan", "npc", None, None),
                                         ("unit-jingxin", "unit", None, "市经信局"),
                                         ("reviewer", "reviewer", None, None),
                                         ("gone", "office", None, None)):
        accounts.add_user(store, admin, username=username, password="一个足够长的测试口令123", role=role,
                          region=region, unit=unit)
    accounts.set_active(store, admin, "gone", False)
    store.close()
    return env, home / "innodrive.sqlite"


def run(demo, *args, user: str | None = None, columns: str = "80"):
    env, _ = demo
    env = {**env, "COLUMNS": columns, **({"INNODRIVE_USER": user} if user else {})}
    r = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in r.stderr, r.stderr
    stderr, marker = r.stderr.rsplit("\n@fast=", 1)
    return r.returncode, r.stdout, stderr, marker == "True"


def forget(demo) -> None:
    with sqlite3.connect(demo[1]) as conn:
        conn.execute("DELETE FROM status_snapshots")


@pytest.mark.parametrize(("args", "user", "columns"), [
    (("--region", "绵阳市"), None, "80"),
    (("--region", "乐山市"), None, "250"),  # the wide table
    ((), None, "80"),
    (("--region", "宜宾县", "--rules", "wuhan"), None, "120"),  # a retired county: a note on stderr
    (("--region", "绵阳市"), "mianyang-office", "250"),
    ((), "fucheng-county", "80"),
    (("--region", "四川省"), "npc-sichuan", "80"),
])
def test_the_fast_path_prints_byte_for_byte_what_the_full_path_printed(demo, args, user, columns):
    forget(demo)
    full = run(demo, "status", "--as-of", AS_OF, *args, user=user, columns=columns)
    fast = run(demo, "status", "--as-of", AS_OF, *args, user=user, columns=columns)
    assert full[0] == 0 and not full[3], "the first run computes the board"
    assert fast[3], "the second run prints the stored board without importing SQLAlchemy"
    assert fast[:3] == full[:3]
    if "宜宾县" in args:
        assert "已于 2018" in fast[2]


def _forge(demo, *, user: str, region: str | None) -> None:
    """A stored board under the key of ``user``'s own scope at the current data version, as
    if it had been computed for them: the fast path must still check their rights."""
    from innodrive import status_snapshot as snapshot
    from innodrive.services.actor import Actor, Role

    with sqlite3.connect(demo[1]) as conn:
        username, name, role, region_code, unit, user_id, _active = conn.execute(
            "SELECT username, name, role, region_code, unit, id, active FROM users WHERE username = ?",
            (user,)).fetchone()
        who = Actor(username=username, name=name, role=Role(role), region_code=region_code, unit=unit, user_id=user_id)
        k = snapshot.key(day=dt.date.fromisoformat(AS_OF), region=region, rules=None, actor=who)
        body = conn.execute("SELECT body FROM status_snapshots").fetchone()[0]  # any real board
        version = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        conn.execute("INSERT INTO status_snapshots VALUES (?, ?, ?, ?)", (k, version, body, "2024-06-30 00:00:00"))


REFUSED = [("reviewer", None, "无权查看目标看板"),
           ("fucheng-county", "乐山市", "只能访问本辖区的数据（乐山市）"),
           ("gone", None, "账号“gone”已停用")]


def test_who_may_not_see_the_board_is_refused_as_on_the_full_path(demo):
    forget(demo)
    refused = {}
    for user, region, message in REFUSED:
        r = run(demo, "status", "--as-of", AS_OF, *(("--region", region) if region else ()), user=user)
        assert r[0] != 0 and message in r[2] and not r[3]
        refused[user] = r
    # the local operator's run stores a board; it is then forged under each refused actor's
    # key, as if computed for them: the fast path must check their rights all the same
    assert run(demo, "status", "--as-of", AS_OF, "--region", "绵阳市")[0] == 0
    for user, region, _ in REFUSED:
        _forge(demo, user=user, region=region)
        assert run(demo, "status", "--as-of", AS_OF, *(("--region", region) if region else ()), user=user) == refused[user]


def test_a_write_a_new_date_or_other_options_are_never_answered_from_a_stored_board(demo, tmp_path):
    forget(demo)
    args = ("status", "--as-of", AS_OF, "--region", "绵阳市")
    before = run(demo, *args)
    assert run(demo, *args)[3]
    # a data import for the region changes the board: the next run computes it again
    data = tmp_path / "统计.csv"
    data.write_text("地区,指标,年份,值,单位,来源\n绵阳市,高新技术企业数量,2024,1200,家,测试数据（非真实统计）\n",
                    encoding="utf-8")
    env = demo[0]
    r = subprocess.run([sys.executable, "-m", "innodrive", "data", "import", str(data)], env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    after = run(demo, *args)
    assert not after[3] and after[0] == before[0] == 0
    assert run(demo, *args) == (*after[:3], True)
    # a task update (lead unit assigned) is a write too
    with sqlite3.connect(demo[1]) as conn:
        task = conn.execute("SELECT id FROM tasks ORDER BY id LIMIT 1").fetchone()[0]
    r = subprocess.run([sys.executable, "-m", "innodrive", "tasks", "assign", str(task), "--lead", "市科技局"], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert not run(demo, *args)[3]
    assert run(demo, *args)[3]
    # another date, another rule set, --plan and --out: not the stored board
    assert not run(demo, "status", "--as-of", "2024-07-01", "--region", "绵阳市")[3]
    assert not run(demo, *args, "--rules", "wuhan")[3]
    assert not run(demo, *args, "--plan", "4")[3]
    out = tmp_path / "看板.csv"
    assert not run(demo, *args, "--out", str(out))[3] and out.exists()


def test_the_key_changes_with_the_code_and_rule_files(tmp_path, monkeypatch):
    import shutil

    from innodrive import status_snapshot as snapshot
    from innodrive.services.actor import Actor

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "src" / "innodrive" / "tracking" / "rules", rules)
    first = snapshot.tree_fingerprint(str(rules))
    assert snapshot.tree_fingerprint(str(rules)) == first
    target = sorted(rules.glob("*.yaml"))[0]
    target.write_text(target.read_text(encoding="utf-8").replace("green", "gren"), encoding="utf-8")
    assert snapshot.tree_fingerprint(str(rules)) != first
    who = Actor.local_operator("张三")
    day = dt.date(2024, 6, 30)
    k = snapshot.key(day=day, region="绵阳市", rules=None, actor=who)
    assert snapshot.key(day=day, region="绵阳市", rules=None, actor=Actor.local_operator("李四")) == k
    assert snapshot.key(day=day + dt.timedelta(days=1), region="绵阳市", rules=None, actor=who) != k
    assert snapshot.key(day=day, region="绵阳市", rules="default", actor=who) != k
    monkeypatch.setattr(snapshot, "_code_version", "another release")
    assert snapshot.key(day=day, region="绵阳市", rules=None, actor=who) != k


def test_no_board_is_stored_or_read_on_postgresql(monkeypatch):
    from innodrive import status_snapshot as snapshot

    monkeypatch.setenv("INNODRIVE_DATABASE_URL", "postgresql+pg8000://postgres@127.0.0.1:54330/innodrive")
    assert snapshot.sqlite_path() is None
    monkeypatch.setenv("INNODRIVE_DATABASE_URL", "sqlite:///:memory:?cache=shared")
    assert snapshot.sqlite_path() is None


def test_a_board_computed_while_another_process_writes_is_printed_and_not_kept(demo):
    forget(demo)
    expected = run(demo, "status", "--as-of", AS_OF, "--region", "乐山市")
    forget(demo)
    writer = sqlite3.connect(demo[1], isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # an import holding the write lock
        r = run(demo, "status", "--as-of", AS_OF, "--region", "乐山市")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert r == expected
    with sqlite3.connect(demo[1]) as conn:
        assert conn.execute("SELECT count(*) FROM status_snapshots").fetchone()[0] == 0


# -- the console script's pre-Typer path: a stored rendering replayed --------------------------

# ``innodrive`` as the console script runs it (innodrive.launch:main); afterwards the probe says
# which heavy libraries were imported (the pre-Typer path imports none of them)
LAUNCH = ("import sys\nfrom innodrive.launch import main\ntry:\n    main()\nfinally:\n"
          "    sys.stderr.write('\\n@heavy=' + ','.join(m for m in ('typer', 'click', 'rich', 'pydantic', 'sqlalchemy')"
          " if m in sys.modules))\n")
HEAVY = {"typer", "click", "rich", "pydantic", "sqlalchemy"}


def launch(demo, *args, user: str | None = None, env: dict | None = None):
    """``innodrive ARGS`` through the console script: (status, stdout, stderr, heavy modules imported)."""
    base = {k: v for k, v in demo[0].items() if k not in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE")}
    full_env = {**base, **(env or {}), **({"INNODRIVE_USER": user} if user else {})}
    r = subprocess.run([sys.executable, "-c", LAUNCH, *args], env=full_env, capture_output=True, text=True,
                       timeout=300)
    assert "Traceback" not in r.stderr, r.stderr
    stderr, marker = r.stderr.rsplit("\n@heavy=", 1)
    return r.returncode, r.stdout, stderr, set(filter(None, marker.split(",")))


@pytest.mark.parametrize(("args", "user", "env"), [
    (("--region", "绵阳市"), None, {"COLUMNS": "80"}),
    (("--region=乐山市",), None, {"COLUMNS": "250"}),  # the wide table
    (("--region", "宜宾县", "--rules", "wuhan"), None, {"COLUMNS": "120", "FORCE_COLOR": "1"}),  # a note on stderr
    (("--region", "绵阳市"), "mianyang-office", {"COLUMNS": "250", "FORCE_COLOR": "1", "TERM": "xterm-256color"}),
    ((), "fucheng-county", {"COLUMNS": "80", "FORCE_COLOR": "1", "NO_COLOR": "1"}),
    (("--rules=default", "--region", "四川省"), "npc-sichuan", {"COLUMNS": "100"}),
])
def test_the_console_script_replays_the_board_byte_for_byte_without_heavy_imports(demo, args, user, env):
    forget(demo)
    full = launch(demo, "status", "--as-of", AS_OF, *args, user=user, env=env)
    replayed = launch(demo, "status", *args, "--as-of", AS_OF, user=user, env=env)
    assert full[0] == 0 and {"typer", "rich", "sqlalchemy"} <= full[3], "the first run computes the board"
    assert replayed[3] == set(), "the second run prints the stored rendering before any heavy import"
    assert replayed[:3] == full[:3]
    colour = env.get("FORCE_COLOR") and not env.get("NO_COLOR")
    assert ("\x1b[" in replayed[1] + replayed[2]) == bool(colour)


def test_today_and_another_terminal_width_are_rendered_once_then_replayed(demo):
    forget(demo)
    first = launch(demo, "status", "--region", "绵阳市")  # today's board, computed and stored
    assert first[0] == 0 and "rich" in first[3]
    assert launch(demo, "status", "--region", "绵阳市") == (*first[:3], set())
    # a wider terminal: the stored screen is printed by Rich for it (no computation) and
    # that rendering is kept too; the narrow one is still there
    wide = launch(demo, "status", "--region", "绵阳市", env={"COLUMNS": "200"})
    assert "rich" in wide[3] and "sqlalchemy" not in wide[3] and wide[1] != first[1]
    assert launch(demo, "status", "--region", "绵阳市", env={"COLUMNS": "200"}) == (*wide[:3], set())
    assert launch(demo, "status", "--region", "绵阳市") == (*first[:3], set())
    # the same through ``python -m innodrive``
    r = subprocess.run([sys.executable, "-m", "innodrive", "status", "--region", "绵阳市"], env=demo[0],
                       capture_output=True, text=True, timeout=300)
    assert (r.returncode, r.stdout, r.stderr) == first[:3]


def test_refusals_are_the_full_paths_even_with_a_forged_board(demo):
    forget(demo)
    refused = {}
    for user, region, message in REFUSED:
        r = launch(demo, "status", "--as-of", AS_OF, *(("--region", region) if region else ()), user=user)
        assert r[0] != 0 and message in r[2] and r[1] == "" and "typer" in r[3]
        refused[user] = r
    assert launch(demo, "status", "--as-of", AS_OF, "--region", "绵阳市")[0] == 0  # stores a board and its rendering
    for user, region, _ in REFUSED:
        _forge(demo, user=user, region=region)  # the board, renderings included, under their key
        assert launch(demo, "status", "--as-of", AS_OF, *(("--region", region) if region else ()), user=user) == \
            refused[user]


@pytest.mark.parametrize("extra", [
    ("--help",), ("--plan", "4"), ("--bogus",), ("--region",), ("--region", "--rules", "wuhan"),
    ("--region", "绵阳市", "--region", "乐山市"), ("--", "--region", "绵阳市"), ("--as-of", "2024-13-45"),
    ("--rules", "../rules.yaml"), ("--region", ""), ("extra-argument",),
])
def test_command_lines_it_does_not_read_go_to_the_full_cli_unchanged(demo, extra):
    args = ("status", *(() if extra[:1] in (("--",), ("--region",), ("--as-of",)) else ("--as-of", AS_OF)), *extra)
    launch(demo, "status", "--as-of", AS_OF, "--region", "绵阳市")  # a stored board is there to be (not) used
    via_script = launch(demo, *args)
    assert "typer" in via_script[3]
    assert via_script[:3] == run(demo, *args)[:3]


def test_a_write_is_never_answered_from_a_stored_rendering(demo, tmp_path):
    forget(demo)
    args = ("status", "--as-of", AS_OF, "--region", "绵阳市")
    launch(demo, *args)
    assert launch(demo, *args)[3] == set()
    with sqlite3.connect(demo[1]) as conn:
        task = conn.execute("SELECT id FROM tasks ORDER BY id LIMIT 1").fetchone()[0]
    r = subprocess.run([sys.executable, "-m", "innodrive", "tasks", "assign", str(task), "--lead", "市经信局"],
                       env=demo[0], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "sqlalchemy" in launch(demo, *args)[3]


def _on_terminal(demo, *args, columns: int) -> tuple[bytes, str]:
    """``innodrive ARGS`` through the console script on a pseudo-terminal of ``columns``
    columns (stdin, stdout and stderr): everything the terminal received, and the heavy
    modules imported."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in demo[0].items() if k not in ("COLUMNS", "FORCE_COLOR", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    p = subprocess.Popen([sys.executable, "-c", LAUNCH, *args], stdin=slave, stdout=slave, stderr=slave,
                         env=env)
    os.close(slave)
    received = bytearray()
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            received += chunk
    finally:
        os.close(master)
        p.wait(timeout=300)
    assert p.returncode == 0
    shown, heavy = bytes(received).rsplit(b"\r\n@heavy=", 1)
    return shown, heavy.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
@pytest.mark.parametrize("columns", [100, 160])
def test_on_a_terminal_the_replayed_board_has_the_same_colours_and_width(demo, columns):
    forget(demo)
    args = ("status", "--as-of", AS_OF, "--region", "绵阳市")
    computed, heavy = _on_terminal(demo, *args, columns=columns)
    assert b"\x1b[" in computed and "sqlalchemy" in heavy  # a terminal gets colours
    assert _on_terminal(demo, *args, columns=columns) == (computed, "")
