"""Rendering: one data object per page, then HTML (or JSON) from it.

A page handler builds a pydantic model (the page's typed context, its data), and
:func:`page` renders it into a template inside the shell: the navigation of the
actor's role, the CSRF token every form and htmx request carries, and the message
area. The JSON API returns the same models, so what a page shows and what a script
reads cannot drift apart. Jinja2 escapes every value (``autoescape``), so text from
documents, file names and notes reaches the browser as text, never as markup.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel

from innodrive.errors import InnodriveError
from innodrive.plans.wording import goal_of
from innodrive.services import access
from innodrive.services.actor import ROLE_NAMES, Actor
from innodrive.web.routes import ROUTES

LIGHT_NAMES = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "灰灯", "blue": "蓝灯"}


class NavItem(BaseModel):
    label: str
    href: str
    active: bool = False


class Shell(BaseModel):
    """What every page's frame needs: who is signed in, where they may go, the CSRF token."""

    title: str
    user: str | None
    role_name: str | None
    scope: str | None
    nav: list[NavItem]
    csrf: str
    path: str
    signed_in: bool


# (label, route name) in the order of a week's work; shown when the role holds the route's right
NAVIGATION: tuple[tuple[str, str], ...] = (
    ("总览", "overview"),
    ("目标看板", "board"),
    ("计划与文件", "plans"),
    ("任务台账", "tasks"),
    ("督查督办", "duban"),
    ("专项督查", "inspections"),
    ("督查通报", "tongbao"),
    ("第三方评估", "evaluation"),
    ("人大监督", "npc"),
    ("数据", "data"),
    ("企业培育", "enterprises"),
    ("人才库", "talent_list"),
    ("人才服务", "talent_requests"),
    ("人才考核", "talent_figures"),
    ("技术市场", "market_results"),
    ("科技项目", "projects"),
    ("我的评审", "reviews"),
    ("年度考核", "kaohe"),
    ("审计日志", "audit"),
    ("账号管理", "admin_users"),
    ("公开摘要", "public_summary"),
    ("立项公示", "publicity"),
)


def navigation(actor: Actor, path: str) -> list[NavItem]:
    items = []
    for label, name in NAVIGATION:
        r = ROUTES.get(name)
        if r is None or not access.can(actor, r.permission):
            continue
        active = path == r.path or (r.path != "/" and path.startswith(r.path + "/"))
        items.append(NavItem(label=label, href=r.path, active=active))
    return items


def scope_label(actor: Actor) -> str | None:
    if actor.role.value == "public":
        return None
    parts = []
    if actor.region_code:
        from innodrive.regions import all_regions

        r = all_regions().get(actor.region_code)
        parts.append(r.name if r else actor.region_code)
    else:
        parts.append("全部地区")
    if actor.unit:
        parts.append(actor.unit)
    return "，".join(parts)


def shell(request: Request, title: str) -> Shell:
    caller = getattr(request.state, "caller", None)
    from innodrive.services.actor import Actor as _Actor

    actor = caller.actor if caller else _Actor.public()
    signed_in = caller is not None and caller.how == "session"
    csrf = caller.csrf if caller else (getattr(request.state, "new_csrf", "") or request.cookies.get("innodrive_csrf", ""))
    return Shell(title=title, user=(actor.name or actor.username) if signed_in else None,
                 role_name=ROLE_NAMES[actor.role] if signed_in else None,
                 scope=scope_label(actor) if signed_in else None, nav=navigation(actor, request.url.path),
                 csrf=csrf, path=request.url.path, signed_in=signed_in)


def _number(value: Any, digits: int = 4) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN never reaches a page as a number
            return "—"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.{digits}g}"
    return str(value)


def _datetime(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        local = value.astimezone(dt.timezone(dt.timedelta(hours=8)))
        return local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@cache
def environment() -> Environment:
    folder = resources.files("innodrive.web") / "templates"
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _number
    env.filters["when"] = _datetime
    env.filters["goal"] = goal_of
    env.filters["pct"] = lambda v, digits=0: "—" if v is None else f"{v * 100:.{digits}f}%"
    env.filters["points"] = lambda v: "—" if v is None else f"{v:+.1f} 个百分点"
    env.globals["LIGHT_NAMES"] = LIGHT_NAMES
    env.globals["url"] = lambda name, **params: ROUTES[name].path.format(**params)
    return env


def fragment(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def page(request: Request, template: str, data: BaseModel | None, *, title: str, status_code: int = 200,
         **extra: Any) -> HTMLResponse:
    """Render ``data`` (the page's typed context) into ``template`` inside the shell."""
    html = environment().get_template(template).render(shell=shell(request, title), page=data, **extra)
    return HTMLResponse(html, status_code=status_code)


CSRF_PLACEHOLDER = "\x00csrf\x00"


def cached_page(request: Request, template: str, *, key: tuple, build, title, **extra: Any) -> HTMLResponse:
    """Like :func:`page` for the heavy, often-opened pages (总览, 目标看板, a target): the
    page's data, title (``title`` may be a function of the data) and rendered content
    are memoised per worker until the database changes (:mod:`innodrive.web.cache`); only the shell (who is signed in, the CSRF
    token) is rendered for each request. ``key`` must hold everything the data depends
    on besides the database (the actor's scope, the date, the filters)."""
    from markupsafe import Markup

    from innodrive.web import cache

    env = environment()

    def render_blocks() -> tuple[str, str, str]:
        t = env.get_template(template)
        data = build()
        text = title(data) if callable(title) else title
        context = t.new_context({"shell": shell(request, text).model_copy(update={"csrf": CSRF_PLACEHOLDER}),
                                 "page": data, **extra})
        head = "".join(t.blocks["head"](context)) if "head" in t.blocks else ""
        return text, head, "".join(t.blocks["main"](context))

    text, head, main = cache.memo(request.app.state.store, ("page", template, key), render_blocks,
                                  at=getattr(request.state, "db_version", None))
    sh = shell(request, text)
    html = env.get_template("_cached.html").render(
        shell=sh, head_html=Markup(head), main_html=Markup(main.replace(CSRF_PLACEHOLDER, sh.csrf)))
    return HTMLResponse(html)


class ErrorPage(BaseModel):
    status: int
    message: str
    problems: list[str]
    back: str | None


def _same_site_back(request: Request) -> str | None:
    referer = request.headers.get("referer") or ""
    base = str(request.base_url)
    if referer.startswith(base) and referer.rstrip("/") != str(request.url).rstrip("/"):
        return "/" + referer[len(base):]
    return None


def error_page(request: Request, exc: InnodriveError, status: int) -> HTMLResponse:
    data = ErrorPage(status=status, message=str(exc), problems=[str(p) for p in exc.problems[:200]],
                     back=_same_site_back(request))
    title = {401: "请先登录", 403: "无权访问", 404: "未找到", 429: "请稍后再试"}.get(status, "出错了")
    return page(request, "error.html", data, title=title, status_code=status)
