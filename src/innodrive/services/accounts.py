"""Accounts, sign-in, sessions and API tokens: who is acting on the web and the API.

An account has one role (:class:`~innodrive.services.actor.Role`) and a region scope;
a 责任单位 account also names its unit. Managing accounts needs ``users.manage``
(管理员; the CLI's local operator holds every right, so the first administrator is
created from the command line). Signing in checks the Argon2 hash, counts failures
in the database (so the limit holds across every server worker) and opens a session
row whose random token goes into the browser's cookie; every later request resolves
that token (or an API token) back to an :class:`Actor`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets as pysecrets

from pydantic import BaseModel
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from innodrive import settings
from innodrive.accounts import secrets
from innodrive.accounts.db import ApiTokenRow, LoginAttemptRow, StagedUploadRow, UserRow, WebSessionRow
from innodrive.errors import Conflict, Forbidden, InputError, NotAuthenticated, NotFound
from innodrive.services.access import require
from innodrive.services.actor import ROLE_NAMES, Actor, Channel, Role
from innodrive.services.identity import ACCOUNT_COLUMNS, account_actor
from innodrive.store import Store, audit
from innodrive.store.derived import VERSION_QUERY
from innodrive.store.derived import version as database_version
from innodrive.store.engine import first_row
from innodrive.store.schema import RegionRow, utcnow

RATE_WINDOW = dt.timedelta(minutes=15)
IP_FACTOR = 4
SEEN_EVERY = dt.timedelta(minutes=5)
STAGED_FOR = dt.timedelta(hours=2)
ROLE_BY_NAME: dict[str, Role] = {**{v: k for k, v in ROLE_NAMES.items()}, **{r.value: r for r in Role}}
ACCOUNT_ROLES = tuple(r for r in Role if r != Role.PUBLIC)


class UserView(BaseModel):
    id: int
    username: str
    name: str
    role: Role
    role_name: str
    region_code: str | None
    region_name: str | None
    unit: str | None
    active: bool
    created_at: dt.datetime
    created_by: str
    tokens: int = 0


class IssuedToken(BaseModel):
    """A new API token: ``token`` is shown once and never stored in clear."""

    username: str
    label: str
    token: str
    expires_at: dt.datetime | None


class SignIn(BaseModel):
    """An open web session: ``token`` goes into the cookie, ``csrf`` into every form."""

    token: str
    csrf: str
    expires_at: dt.datetime
    actor: Actor


class StagedUpload(BaseModel):
    id: str
    kind: str
    file_name: str
    size: int
    sha256: str
    options: dict
    content: bytes


# -- reading -------------------------------------------------------------------


def parse_role(text: str) -> Role:
    role = ROLE_BY_NAME.get((text or "").strip())
    if role is None or role == Role.PUBLIC:
        names = "、".join(ROLE_NAMES[r] for r in ACCOUNT_ROLES)
        raise InputError(f"未知的角色“{text}”；可用：{names}（公众无需账号）", field="role")
    return role


def _view(row: UserRow, regions: dict[str, str], tokens: int = 0) -> UserView:
    role = Role(row.role)
    return UserView(id=row.id, username=row.username, name=row.name, role=role, role_name=ROLE_NAMES[role],
                    region_code=row.region_code, region_name=regions.get(row.region_code or ""), unit=row.unit,
                    active=row.active, created_at=_aware(row.created_at), created_by=row.created_by, tokens=tokens)


def _region_names(session: Session, codes) -> dict[str, str]:
    codes = {c for c in codes if c}
    if not codes:
        return {}
    return dict(session.execute(select(RegionRow.code, RegionRow.name).where(RegionRow.code.in_(codes))).all())


def list_users(store: Store, actor: Actor) -> list[UserView]:
    require(actor, "users.manage")
    with store.read() as session:
        rows = session.scalars(select(UserRow).order_by(UserRow.id)).all()
        counts = dict(session.execute(
            select(ApiTokenRow.user_id, func.count()).where(ApiTokenRow.revoked_at.is_(None))
            .group_by(ApiTokenRow.user_id)).all())
        names = _region_names(session, [r.region_code for r in rows])
        return [_view(r, names, counts.get(r.id, 0)) for r in rows]


def actor_of(row: UserRow, via: Channel) -> Actor:
    """The account ``row`` as an actor (:func:`~innodrive.services.identity.account_actor`)."""
    return account_actor(*(getattr(row, c) for c in ACCOUNT_COLUMNS), via=via)


def actor_for_username(store: Store, username: str, *, via: Channel = "cli") -> Actor | None:
    """The account called ``username`` as an actor, or ``None`` when there is no such
    account (or the database has no account tables yet). A disabled account is refused."""
    try:
        with store.read() as session:
            row = session.scalar(select(UserRow).where(UserRow.username == username))
            if row is None:
                return None
            return actor_of(row, via)
    except DBAPIError:  # a database older than the accounts tables
        return None


# -- managing accounts ----------------------------------------------------------------


def _resolve_region(session: Session, region: str | None) -> str | None:
    if not region or not region.strip():
        return None
    from innodrive.store.reference import resolve_region

    code, problem = resolve_region(region)
    if code is None:
        raise InputError(problem or f"未知的地区“{region}”", field="region")
    if session.get(RegionRow, code) is None:
        raise InputError(f"地区“{region}”（{code}）不在数据库中", field="region")
    return code


def _check_scope(role: Role, region_code: str | None, unit: str | None) -> None:
    if role == Role.UNIT and not unit:
        raise InputError("责任单位账号必须指定所属单位（如 市经信局）", field="unit")
    if role == Role.COUNTY and not region_code:
        raise InputError("区县账号必须指定所属区县", field="region")
    if role != Role.UNIT and unit:
        raise InputError("只有责任单位账号可以指定所属单位", field="unit")


def _clean_username(username: str) -> str:
    name = (username or "").strip()
    if not name or len(name) > 100:
        raise InputError("用户名不能为空，且不超过 100 个字符", field="username")
    if any(c.isspace() for c in name) or any(c in name for c in "/\\<>\"'&"):
        raise InputError("用户名不能包含空格或 / \\ < > \" ' & 等字符", field="username")
    return name


def add_user(store: Store, actor: Actor, *, username: str, password: str, role: Role | str,
             name: str = "", region: str | None = None, unit: str | None = None) -> UserView:
    """Register an account (管理员 only). ``region`` is a name or GB/T 2260 code."""
    require(actor, "users.manage")
    username = _clean_username(username)
    role = role if isinstance(role, Role) else parse_role(role)
    if role == Role.PUBLIC:
        parse_role(role.value)
    unit = (unit or "").strip() or None
    secrets.check_password_policy(password, username=username)
    password_hash = secrets.hash_password(password)

    def work(session: Session) -> UserView:
        if session.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
            raise Conflict(f"用户名“{username}”已存在", field="username")
        region_code = _resolve_region(session, region)
        _check_scope(role, region_code, unit)
        now = utcnow()
        row = UserRow(username=username, name=(name or "").strip() or username, role=role.value,
                      region_code=region_code, unit=unit, password_hash=password_hash, active=True,
                      created_at=now, created_by=actor.username, password_changed_at=now)
        session.add(row)
        session.flush()
        view = _view(row, _region_names(session, [region_code]))
        audit.record(session, actor=actor.username, action="user.add", entity="user", entity_id=row.id,
                     summary=f"新增账号 {username}（{ROLE_NAMES[role]}{'，' + view.region_name if view.region_name else ''}"
                             f"{'，' + unit if unit else ''}）",
                     after=view.model_dump(exclude={"created_at"}))
        return view

    return store.run(work)


def _user(session: Session, username: str) -> UserRow:
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    if row is None:
        raise NotFound(f"没有名为“{username}”的账号", field="username")
    return row


def set_active(store: Store, actor: Actor, username: str, active: bool) -> UserView:
    """Disable (or enable again) an account; disabling ends its sessions and tokens at once."""
    require(actor, "users.manage")

    def work(session: Session) -> UserView:
        row = _user(session, username)
        if not active and actor.user_id is not None and row.id == actor.user_id:
            raise InputError("不能停用自己的账号", field="username")
        before = row.active
        row.active = active
        if not active:
            session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
        audit.record(session, actor=actor.username, action="user.enable" if active else "user.disable",
                     entity="user", entity_id=row.id,
                     summary=f"{'启用' if active else '停用'}账号 {username}",
                     before={"active": before}, after={"active": active})
        return _view(row, _region_names(session, [row.region_code]))

    return store.run(work)


def reset_password(store: Store, actor: Actor, username: str, password: str) -> UserView:
    """Set a new password for an account (管理员); its open sessions end."""
    require(actor, "users.manage")
    secrets.check_password_policy(password, username=username)
    password_hash = secrets.hash_password(password)

    def work(session: Session) -> UserView:
        row = _user(session, username)
        row.password_hash = password_hash
        row.password_changed_at = utcnow()
        session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
        audit.record(session, actor=actor.username, action="user.password", entity="user", entity_id=row.id,
                     summary=f"重设账号 {username} 的密码")
        return _view(row, _region_names(session, [row.region_code]))

    return store.run(work)


def change_own_password(store: Store, actor: Actor, old: str, new: str) -> None:
    """A signed-in person changes their own password (the old one is asked again)."""
    if actor.user_id is None:
        raise NotAuthenticated("请先登录")
    secrets.check_password_policy(new, username=actor.username)
    new_hash = secrets.hash_password(new)
    with store.read() as session:
        current_hash = session.scalar(select(UserRow.password_hash).where(UserRow.id == actor.user_id)) or ""
    if not secrets.verify_password(old, current_hash):
        raise InputError("原密码不正确", field="old_password")

    def work(session: Session) -> None:
        row = session.get(UserRow, actor.user_id)
        row.password_hash = new_hash
        row.password_changed_at = utcnow()
        audit.record(session, actor=actor.username, action="user.password", entity="user", entity_id=row.id,
                     summary="修改本人密码")

    store.run(work)


def issue_token(store: Store, actor: Actor, username: str, *, label: str = "", days: int | None = 365) -> IssuedToken:
    """A new API token for ``username`` (管理员). The token is returned once."""
    require(actor, "users.manage")
    if days is not None and not 1 <= days <= 3650:
        raise InputError("有效天数应在 1 到 3650 之间", field="days")
    token = secrets.new_token(secrets.TOKEN_PREFIX)
    now = utcnow()
    expires = now + dt.timedelta(days=days) if days else None

    def work(session: Session) -> IssuedToken:
        row = _user(session, username)
        if not row.active:
            raise InputError(f"账号“{username}”已停用，不能发放令牌", field="username")
        text = (label or "").strip()[:100] or "脚本"
        session.add(ApiTokenRow(user_id=row.id, token_hash=secrets.token_hash(token), label=text,
                                created_at=now, expires_at=expires))
        audit.record(session, actor=actor.username, action="token.issue", entity="user", entity_id=row.id,
                     summary=f"为账号 {username} 发放接口令牌“{text}”",
                     after={"expires_at": expires})
        return IssuedToken(username=username, label=text, token=token, expires_at=expires)

    return store.run(work)


def revoke_tokens(store: Store, actor: Actor, username: str) -> int:
    require(actor, "users.manage")

    def work(session: Session) -> int:
        row = _user(session, username)
        n = session.execute(update(ApiTokenRow).where(ApiTokenRow.user_id == row.id, ApiTokenRow.revoked_at.is_(None))
                            .values(revoked_at=utcnow())).rowcount
        audit.record(session, actor=actor.username, action="token.revoke", entity="user", entity_id=row.id,
                     summary=f"吊销账号 {username} 的全部接口令牌（{n} 个）")
        return n

    return store.run(work)


# -- signing in ----------------------------------------------------------------------


def _recent_failures(session: Session, *, username: str | None = None, ip: str | None = None) -> int:
    since = utcnow() - RATE_WINDOW
    q = select(func.count()).select_from(LoginAttemptRow).where(LoginAttemptRow.at >= since,
                                                                LoginAttemptRow.success.is_(False))
    if username is not None:
        q = q.where(LoginAttemptRow.username == username)
    if ip is not None:
        q = q.where(LoginAttemptRow.ip == ip)
    return session.scalar(q) or 0


def sign_in(store: Store, *, username: str, password: str, ip: str | None = None) -> SignIn:
    """Check a user name and password and open a session.

    Refused with one message whether the name or the password is wrong (no probing of
    user names); after ``INNODRIVE_LOGIN_MAX_FAILURES`` failures of one name (or four
    times as many from one address) within 15 minutes, further attempts are refused
    until the window has passed, even with the right password.
    """
    username = (username or "").strip()[:100]
    limit = max(1, settings.int_setting("login_max_failures"))
    ip = (ip or "")[:64] or None
    with store.read() as session:
        blocked = (_recent_failures(session, username=username) >= limit
                   or (ip is not None and _recent_failures(session, ip=ip) >= limit * IP_FACTOR))
        row = session.scalar(select(UserRow).where(UserRow.username == username)) if username else None
        if row is not None:
            session.expunge(row)  # keep its loaded values after the read transaction ends
    if blocked:
        raise Forbidden("登录失败次数过多，请 15 分钟后再试", http_status=429)
    ok = row is not None and secrets.verify_password(password or "", row.password_hash)
    if row is None:
        secrets.dummy_verify()
    ok = ok and row.active
    token, csrf = secrets.new_token(), secrets.new_token()
    now = utcnow()
    expires = now + dt.timedelta(hours=max(1, settings.int_setting("session_hours")))

    def work(session: Session) -> Actor | None:
        session.add(LoginAttemptRow(at=now, username=username or "-", ip=ip, success=ok))
        if not ok:
            return None
        session.add(WebSessionRow(id=secrets.token_hash(token), user_id=row.id, csrf_token=csrf, created_at=now,
                                  last_seen_at=now, expires_at=expires, ip=ip))
        session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
        session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < now - dt.timedelta(days=30)))
        audit.record(session, actor=row.username, action="user.login", entity="user", entity_id=row.id,
                     summary=f"登录（{ip or '未知地址'}）")
        return actor_of(row, "web")

    actor = store.run(work)
    if actor is None:
        if row is not None and not row.active and secrets.verify_password(password or "", row.password_hash):
            raise Forbidden("该账号已停用，请联系管理员")
        raise NotAuthenticated("用户名或密码不正确")
    return SignIn(token=token, csrf=csrf, expires_at=expires, actor=actor)


def sign_out(store: Store, token: str) -> None:
    def work(session: Session) -> None:
        row = session.get(WebSessionRow, secrets.token_hash(token))
        if row is not None:
            user = session.get(UserRow, row.user_id)
            session.delete(row)
            if user is not None:
                audit.record(session, actor=user.username, action="user.logout", entity="user", entity_id=user.id,
                             summary="退出登录")

    store.run(work)


_SESSION = (select(WebSessionRow.id.label("session_key"), WebSessionRow.csrf_token, WebSessionRow.expires_at,
                   WebSessionRow.last_seen_at, UserRow.id.label("user_id"), UserRow.username, UserRow.name,
                   UserRow.role, UserRow.region_code, UserRow.unit, UserRow.active)
            .join(UserRow, UserRow.id == WebSessionRow.user_id).subquery("s"))
_VERSION = VERSION_QUERY.subquery("v")
# the database version (see innodrive.store.derived) and the session with its account, in
# one statement: a row always, its session columns empty when the cookie matches nothing
_SESSION_AND_VERSION = (select(_VERSION.c[0].label("version"), *(c for c in _SESSION.c if c.key != "session_key"))
                        .select_from(_VERSION.outerjoin(_SESSION, _SESSION.c.session_key == bindparam("session_key"))))


def session_and_version(store: Store, token: str | None) -> tuple[int, tuple[Actor, str] | None]:
    """The database's version (the key of every page cache) and the actor and CSRF
    token of the session whose cookie holds ``token`` (``None`` when there is no cookie,
    or the session is unknown, expired or its account disabled).

    Every web request asks this first, so it is one indexed statement, read outside any
    transaction in a single round trip to the database (:func:`innodrive.store.engine.first_row`);
    nothing of it is remembered between requests, so signing out or disabling an account
    takes effect on the very next request of every worker.
    """
    if not token or len(token) > 200:
        return database_version(store), None
    key = secrets.token_hash(token)
    row = first_row(store.engine, _SESSION_AND_VERSION, {"session_key": key})
    version = (row[0] if row is not None else 0) or 0
    if row is None or row[1] is None:
        return version, None
    _, csrf, expires_at, last_seen, user_id, username, name, role, region_code, unit, active = row
    now = utcnow()
    if _aware(expires_at) <= now or not active:
        return version, None
    if now - _aware(last_seen) >= SEEN_EVERY:
        # sliding expiry, written at most every few minutes so reads stay reads
        hours = max(1, settings.int_setting("session_hours"))
        store.run(lambda s: s.execute(update(WebSessionRow).where(WebSessionRow.id == key)
                                      .values(last_seen_at=now, expires_at=now + dt.timedelta(hours=hours))))
    return version, (account_actor(username, name, role, region_code, unit, user_id, active, via="web"), csrf)


def session_actor(store: Store, token: str) -> tuple[Actor, str] | None:
    """The actor and CSRF token of the session whose cookie holds ``token``, or
    ``None`` when it is unknown, expired or its account disabled."""
    return session_and_version(store, token)[1]


def token_actor(store: Store, token: str) -> Actor | None:
    """The actor of an API token, or ``None`` when unknown, expired, revoked or disabled."""
    if not token or len(token) > 200:
        return None
    key = secrets.token_hash(token)
    now = utcnow()
    with store.read() as session:
        found = session.execute(select(ApiTokenRow, UserRow).join(UserRow, UserRow.id == ApiTokenRow.user_id)
                                .where(ApiTokenRow.token_hash == key)).first()
        if found is None:
            return None
        trow, user = found
        if trow.revoked_at is not None or not user.active:
            return None
        if trow.expires_at is not None and _aware(trow.expires_at) <= now:
            return None
        token_id, last_used, actor = trow.id, trow.last_used_at, actor_of(user, "api")
    if last_used is None or now - _aware(last_used) >= SEEN_EVERY:
        store.run(lambda s: s.execute(update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=now)))
    return actor


# -- uploads waiting for confirmation -----------------------------------------------------


def stage_upload(store: Store, actor: Actor, *, kind: str, file_name: str, content: bytes,
                 options: dict | None = None) -> str:
    """Keep an uploaded file until its owner confirms it (a preview, then the real
    import), in the database so that any worker can finish the job. Returns its id."""
    staged_id = pysecrets.token_hex(16)
    now = utcnow()

    def work(session: Session) -> str:
        session.execute(delete(StagedUploadRow).where(StagedUploadRow.expires_at < now))
        session.add(StagedUploadRow(id=staged_id, user_id=actor.user_id, username=actor.username, kind=kind,
                                    file_name=file_name, size=len(content),
                                    sha256=hashlib.sha256(content).hexdigest(), content=content,
                                    options=dict(options or {}), created_at=now, expires_at=now + STAGED_FOR))
        return staged_id

    return store.run(work)


def staged_upload(store: Store, actor: Actor, staged_id: str, *, kind: str) -> StagedUpload:
    """The staged file ``staged_id`` of ``actor`` (nobody else's)."""
    with store.read() as session:
        row = session.get(StagedUploadRow, (staged_id or "")[:32])
        if row is not None:
            session.expunge(row)
    if row is None or row.kind != kind or row.username != actor.username or _aware(row.expires_at) <= utcnow():
        raise NotFound("待确认的上传文件不存在或已过期，请重新上传", field="staged")
    return StagedUpload(id=row.id, kind=row.kind, file_name=row.file_name, size=row.size, sha256=row.sha256,
                        options=row.options or {}, content=row.content)


def drop_staged(store: Store, actor: Actor, staged_id: str) -> None:
    store.run(lambda s: s.execute(delete(StagedUploadRow).where(StagedUploadRow.id == staged_id,
                                                                StagedUploadRow.username == actor.username)))


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


__all__ = ["ACCOUNT_ROLES", "IssuedToken", "SignIn", "StagedUpload", "UserView", "actor_for_username", "add_user",
           "change_own_password", "issue_token", "list_users", "parse_role", "reset_password", "revoke_tokens",
           "session_actor", "session_and_version", "set_active", "sign_in", "sign_out", "stage_upload", "staged_upload", "token_actor"]
