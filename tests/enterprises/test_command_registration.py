"""``innodrive enterprises …`` registers only its own command module (its start-up is the
serial part of a large check): the output, the files written and the exit status are those
of the application with every command registered."""

from __future__ import annotations

import subprocess
import sys

from .test_screening import GOOD
from .test_service_and_outputs import _csv_bytes

RUN = ("import sys; from innodrive import cli\n"
       "if sys.argv[1] == 'full': cli.register()\n"
       "code = cli.main(sys.argv[2:])\n"
       "print('PLANS-LOADED' if 'innodrive.cli.plans' in sys.modules else 'ALONE', file=sys.stderr)\n"
       "sys.exit(code)")


def test_enterprises_registers_only_its_module_and_prints_what_the_full_app_prints(tmp_path):
    reg = tmp_path / "r.csv"
    reg.write_bytes(_csv_bytes([GOOD, dict(GOOD, name="")]))
    cases = [["enterprises", "check", str(reg), "--on", "2024-06-30", "--out", "{out}/r.csv"],
             ["enterprises", "check", str(reg), "--on", "2024-06-30", "--code", GOOD["credit_code"]],
             ["enterprises", "template", "--out", "{out}/t.csv", "--on", "2024-06-30"],
             ["enterprises", "--help"], ["enterprises", "check", "--help"], ["enterprises", "chek"],
             ["enterprises", "check", str(tmp_path / "missing.csv")],
             ["enterprises", "funnel", "--region", "宜宾市", "--year", "2022"]]
    for case in cases:
        results = {}
        for mode in ("solo", "full"):  # (names of one length)
            out = tmp_path / mode
            out.mkdir(exist_ok=True)
            args = [a.replace("{out}", str(out)) for a in case]
            r = subprocess.run([sys.executable, "-c", RUN, mode, *args], capture_output=True, text=True,
                               env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "INNODRIVE_HOME": str(out / "home"),
                                    "INNODRIVE_USER": "tester"})
            files = {p.name: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
            results[mode] = (r.returncode, r.stdout.replace(str(out), "OUT"), r.stderr.replace(str(out), "OUT"), files)
        alone, full = results["solo"], results["full"]
        assert alone[2].endswith("ALONE\n") and full[2].endswith("PLANS-LOADED\n"), case
        assert alone[0] == full[0] and alone[1] == full[1] and alone[3] == full[3], case
        assert alone[2].replace("ALONE", "") == full[2].replace("PLANS-LOADED", ""), case
    assert results["full"][0] == 2 and "innodrive init" in results["full"][2]  # the funnel needs a database
