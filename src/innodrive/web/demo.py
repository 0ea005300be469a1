"""Demo accounts, one per role, for ``make demo`` and the browser tests.

CONSTRUCTED for demonstration: the names, units and the shared password are
invented; a real deployment creates its accounts with ``innodrive users add``.
"""

from __future__ import annotations

from innodrive.services.actor import ROLE_NAMES, Actor, Role

DEMO_PASSWORD = "demo2024pass"

# (username, display name, role, region, unit)
DEMO_ACCOUNTS: tuple[tuple[str, str, Role, str | None, str | None], ...] = (
    ("admin", "系统管理员（演示）", Role.ADMIN, None, None),
    ("office", "乐山市创新办（演示）", Role.OFFICE, "乐山市", None),
    ("jxj", "乐山市经信局（演示）", Role.UNIT, "乐山市", "市经信局"),
    ("shizhong", "市中区科技局（演示）", Role.COUNTY, "511102", None),
    ("evaluator", "第三方评估机构（演示）", Role.EVALUATOR, "乐山市", None),
    ("expert", "评审专家（演示）", Role.REVIEWER, None, None),
    ("npc", "市人大代表（演示）", Role.NPC, "乐山市", None),
)


def create_demo_accounts(store, *, password: str = DEMO_PASSWORD) -> list[tuple[str, str, str]]:
    """Create the demo accounts (skipping those that exist); returns (username, role name, scope) rows."""
    from contextlib import suppress

    from innodrive.errors import Conflict
    from innodrive.services import accounts

    operator = Actor.local_operator("demo")
    rows = []
    for username, name, role, region, unit in DEMO_ACCOUNTS:
        with suppress(Conflict):  # already there from an earlier run
            accounts.add_user(store, operator, username=username, password=password, role=role, name=name,
                              region=region, unit=unit)
        where = region or "全部地区"
        if region and region.isdecimal():
            from innodrive.regions import all_regions

            found = all_regions().get(region)
            where = found.name if found else region
        rows.append((username, ROLE_NAMES[role], "、".join(x for x in (where, unit) if x)))
    return rows


def main(argv: list[str] | None = None) -> int:
    """``make demo``'s last step: add the demo accounts to the demo database and serve it."""
    import argparse
    import os

    from innodrive.demo import demo_home

    parser = argparse.ArgumentParser(prog="python -m innodrive.web.demo")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    home = demo_home()
    os.environ["INNODRIVE_HOME"] = str(home)
    os.environ.pop("INNODRIVE_DATABASE_URL", None)
    from innodrive.store import open_store

    store = open_store()
    try:
        rows = create_demo_accounts(store)
    finally:
        store.close()
    print(f"\n=== 网页工作台 / web workbench: http://{args.host}:{args.port}/")
    print(f"演示账号（构造的演示数据，密码均为 {DEMO_PASSWORD}）/ demo accounts (constructed; password {DEMO_PASSWORD}):")
    for username, role, scope in rows:
        print(f"  {username:<10} {role:<6} {scope}")
    print("按 Ctrl+C 停止 / Ctrl+C stops the server\n", flush=True)
    from innodrive.cli import main as cli_main

    return cli_main(["serve", "--host", args.host, "--port", str(args.port)])


if __name__ == "__main__":
    raise SystemExit(main())
