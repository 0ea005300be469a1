"""The FastAPI application of the workbench.

:func:`create_app` opens the store once per worker process and registers the pages
and the JSON API of every area (``innodrive.web.pages.*``). Nothing a request needs
is kept in the process between requests: sessions, sign-in counts and staged uploads
are in the database, so any number of workers can serve one deployment.

Three layers wrap every request: a cap on the request body (uploads larger than
``INNODRIVE_UPLOAD_MAX_MB`` are refused before they are read), security headers (a
Content-Security-Policy that allows only our own scripts, no framing, no sniffing)
and the anonymous CSRF cookie for the sign-in form.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from innodrive import settings

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
API_DESCRIPTION = """innodrive 网页工作台的 JSON 接口：页面所示、所做的一切都可由脚本完成。

认证：`Authorization: Bearer <令牌>`（由管理员用 `innodrive users token 用户名` 发放），令牌按其账号的角色与地区范围授权。
错误：统一返回 `{"error", "message", "file", "row", "field", "problems"}`，HTTP 状态码表示错误类别。"""


def upload_limit_bytes() -> int:
    return max(1, settings.int_setting("upload_max_mb")) * 1024 * 1024


class BodyLimit:
    """Refuse a request body over the upload limit (plus room for the form around it)
    with 413, whether it declares its length or streams it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = upload_limit_bytes() + 256 * 1024
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:  # bytes: ASCII digits only
            await _too_large(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(scope, receive, send)


class _TooLarge(Exception):
    pass


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    from innodrive.errors import InputError

    mb = settings.int_setting("upload_max_mb")
    error = InputError(f"上传内容超过 {mb} MB 的上限，已拒绝（未作任何改动）", http_status=413)
    if scope["path"].startswith("/api/"):
        response = JSONResponse(error.as_dict(), status_code=413)
    else:
        from fastapi.responses import HTMLResponse

        from innodrive.web import render

        body = render.fragment("_flash.html", level="error", message=str(error), problems=[])
        headers = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
        response = HTMLResponse(body, status_code=413, headers=headers)
    await response(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in dict(SECURITY_HEADERS)]
                headers += SECURITY_HEADERS
                new_csrf = state.get("new_csrf")
                if new_csrf:
                    headers.append((b"set-cookie", _cookie("innodrive_csrf", new_csrf, max_age=None).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cookie(name: str, value: str, *, max_age: int | None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if settings.flag("secure_cookie"):
        parts.append("Secure")
    return "; ".join(parts)


def create_app(database_url: str | None = None) -> FastAPI:
    """The application on the database at ``database_url`` (default: settings)."""
    from innodrive.store import open_store
    from innodrive.web import errors, pages

    app = FastAPI(title="innodrive 网页工作台接口", version="1", description=API_DESCRIPTION,
                  docs_url="/docs", redoc_url=None, openapi_url="/openapi.json")
    app.state.store = open_store(database_url)
    errors.install(app)
    for router in pages.routers():
        app.include_router(router)
    static = resources.files("innodrive.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        # "warm": this worker has evaluated today's boards (see create_served_app)
        return {"ok": True, "warm": getattr(app.state, "warmth", {}).get("warm", True)}

    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit)
    app.router.add_event_handler("shutdown", app.state.store.close)
    return app


def create_served_app() -> FastAPI:
    """The application as ``innodrive serve`` runs it in each worker: :func:`create_app`,
    plus a warm-up when the worker starts — today's evaluation of every target and every
    task is computed in a background thread, so the first official to open the 总览 in
    the morning does not wait for it (every board and 总览 is a filtered view of it)."""
    app = create_app()
    state = {"warm": False}
    app.state.warmth = state

    def warm() -> None:
        import datetime as dt

        from innodrive.services import board

        try:
            today = dt.date.today()
            board.evaluated_targets(app.state.store, as_of=today)
            board.evaluated_tasks(app.state.store, as_of=today)
        except Exception:  # a warm-up only saves time; the first request reports any problem itself
            pass
        finally:
            state["warm"] = True

    def start() -> None:
        import threading

        threading.Thread(target=warm, name="innodrive-warm-up", daemon=True).start()

    app.router.add_event_handler("startup", start)
    return app


def served_routes(app: FastAPI) -> list:
    """Every API route the application serves, including those of included routers
    (FastAPI ≥ 0.160 nests included routers instead of copying their routes)."""
    from fastapi.routing import APIRoute

    found = []

    def walk(routes) -> None:
        for r in routes:
            if isinstance(r, APIRoute):
                found.append(r)
            inner = getattr(r, "original_router", None)
            if inner is not None:
                walk(inner.routes)

    walk(app.routes)
    return found
