"""``innodrive serve``: the web workbench on this machine's database.

Uvicorn serves the FastAPI application (:func:`innodrive.web.app.create_app`). Every
worker opens the same database; sessions, sign-in limits and staged uploads live in
it, so ``--workers N`` (or several machines in front of one PostgreSQL) behave as
one server.
"""

from __future__ import annotations

import typer

from innodrive.cli.app import app


def default_workers() -> int:
    """One worker per processor core (at most 8): a page is CPU work in Python, and one
    process uses one core."""
    from innodrive import cores

    return min(8, cores.usable())


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址；0.0.0.0 表示所有网卡（请置于 HTTPS 反向代理之后）"),
    port: int = typer.Option(8000, "--port", help="端口"),
    workers: int = typer.Option(0, "--workers", help="工作进程数（多进程共享同一数据库）；0 表示按本机处理器核数（最多 8 个）"),
) -> None:
    """启动网页工作台（总览、目标看板、计划与文件、任务台账、数据、审计日志、企业培育与 /api/v1 接口）。

    先用 innodrive init 建库、innodrive users add 建立管理员账号。

    示例：innodrive serve
          innodrive serve --host 0.0.0.0 --port 8080 --workers 4
    """
    import uvicorn

    from innodrive.cli.output import out
    from innodrive.errors import InputError
    from innodrive.store import open_store
    from innodrive.store.engine import describe

    if not 1 <= port <= 65535:
        raise InputError(f"端口 {port} 不正确（应为 1–65535）", field="port")
    if workers == 0:
        workers = default_workers()
    if not 1 <= workers <= 64:
        raise InputError(f"工作进程数 {workers} 不正确（应为 1–64）", field="workers")
    store = open_store()  # refuse an uninitialised database before starting workers
    where = describe(store.url)
    store.close()
    out.print(f"innodrive 网页工作台：http://{host}:{port}/ （数据库 {where}，{workers} 个工作进程；Ctrl+C 停止）")
    uvicorn.run("innodrive.web.app:create_served_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False, proxy_headers=True, server_header=False)
