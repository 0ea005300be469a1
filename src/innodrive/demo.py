"""``make demo``: the main job on the bundled examples (grows with each capability)."""

from __future__ import annotations

from innodrive.cli import main as cli_main


def main() -> int:
    return cli_main(["settings"])


if __name__ == "__main__":
    raise SystemExit(main())
