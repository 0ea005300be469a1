"""Settings, declared once.

Each setting has a name, an environment variable, a default and a help text in
Chinese. ``innodrive settings`` lists them from this table, and a test checks the
README mentions every one, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

TYPE_CHECKING = False  # pathlib only where it is used: ``extract --json`` start-up reads settings
if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str
    secret: bool = False  # never shown: ``innodrive settings`` says only whether it is set


SETTINGS: tuple[Setting, ...] = (
    Setting("home", "INNODRIVE_HOME", "~/.local/share/innodrive",
            "工作目录：默认数据库文件和证明材料存放于此（默认为当前用户的数据目录，"
            "设置了 XDG_DATA_HOME 时为其下的 innodrive；与运行命令时所在的目录无关）"),
    Setting("blobs", "INNODRIVE_BLOBS", "",
            "证明材料存储目录（按 SHA-256 存放，数据库中只记哈希值）；留空则为工作目录下的 blobs。"
            "多台机器共用一个 PostgreSQL 数据库时应指向同一个共享目录"),
    Setting("database_url", "INNODRIVE_DATABASE_URL", "",
            "数据库地址（SQLAlchemy URL）；留空则使用工作目录下的 SQLite 文件 innodrive.sqlite"),
    Setting("max_input_mb", "INNODRIVE_MAX_INPUT_MB", "200",
            "单个输入文件的大小上限（MB），超过则拒绝读取并说明原因"),
    Setting("user", "INNODRIVE_USER", "",
            "操作人姓名：写入审计日志和进展报送；留空则使用系统登录名（命令的 --by 参数优先）"),
    Setting("demo_home", "INNODRIVE_DEMO_HOME", "out/demo",
            "make demo 使用的演示目录（相对于源码目录；每次运行都重建其中的演示数据库，不影响工作目录）"),
    Setting("test_postgres_url", "INNODRIVE_TEST_POSTGRES_URL", "",
            "仅供测试：PostgreSQL 服务器地址，测试在其上创建并删除临时数据库（CI 由 .ci/postgres.sh 设置）"),
    Setting("session_hours", "INNODRIVE_SESSION_HOURS", "12",
            "网页登录的有效时长（小时）：超过此时长未操作需重新登录"),
    Setting("secure_cookie", "INNODRIVE_SECURE_COOKIE", "0",
            "设为 1 时登录 Cookie 只经 HTTPS 发送（在 HTTPS 反向代理之后部署时应开启）"),
    Setting("upload_max_mb", "INNODRIVE_UPLOAD_MAX_MB", "20",
            "网页上传单个文件（政策文件、数据表、证明材料、企业登记表）的大小上限（MB）"),
    Setting("login_max_failures", "INNODRIVE_LOGIN_MAX_FAILURES", "5",
            "同一账号 15 分钟内允许的登录失败次数，超过后暂停该账号登录 15 分钟（同一地址为其 4 倍）"),
    Setting("cjk_font", "INNODRIVE_CJK_FONT", "",
            "PDF 报告和图表嵌入的中文 TrueType 字体文件（.ttf/.ttc）；留空则自动查找文泉驿微米黑等系统字体"),
    Setting("talent_key", "INNODRIVE_TALENT_KEY", "",
            "人才个人信息（姓名、证件号码、联系方式）加密密钥：32字节随机数的 Base64 编码（innodrive talent keygen 生成）；"
            "只保存在服务器环境中，绝不写入数据库；未设置时人才库不能读写个人信息", secret=True),
    Setting("talent_old_keys", "INNODRIVE_TALENT_OLD_KEYS", "",
            "更换人才信息密钥期间仍可解密的旧密钥（逗号分隔）；运行 innodrive talent rekey 全部改用新密钥后即可删除",
            secret=True),
    Setting("public_map", "INNODRIVE_PUBLIC_MAP", "0",
            "设为 1 时公开页面“全省市州对比”显示市州边界地图（边界数据源自商业网络地图服务，向公众展示地图通常须取得审图号）；"
            "默认显示方块示意图"),
    Setting("debug", "INNODRIVE_DEBUG", "0",
            "设为 1 时内部错误显示完整调用栈（仅供开发者排查）"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """The current value of a setting: the environment first, then the default."""
    s = _BY_NAME[name]
    return os.environ.get(s.env, s.default)


def home() -> Path:
    """The working folder: ``INNODRIVE_HOME``, else the per-user data folder
    (``$XDG_DATA_HOME/innodrive`` or ``~/.local/share/innodrive``) — never the folder the
    command happens to be run from, so a database is not lost by changing directory."""
    from pathlib import Path

    value = os.environ.get("INNODRIVE_HOME", "").strip()
    if value:
        return Path(value).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    if xdg:
        return Path(xdg).expanduser() / "innodrive"
    return Path(_BY_NAME["home"].default).expanduser()


SQLITE_FILE_NAME = "innodrive.sqlite"


def database_url() -> str:
    """``INNODRIVE_DATABASE_URL``, else the SQLite file ``innodrive.sqlite`` in the working
    folder (:func:`home`). The store opens it (``innodrive.store.engine``); the ``status``
    fast path reads the same SQLite file without SQLAlchemy."""
    configured = get("database_url").strip()
    if configured:
        return configured
    return "sqlite:///" + str((home() / SQLITE_FILE_NAME).resolve())


MAX_INPUT_MB_CEILING = 1024 * 1024  # one terabyte: anything above is a typo, not a limit


def max_input_bytes() -> int:
    """``INNODRIVE_MAX_INPUT_MB`` in bytes; a value that is not a positive finite number
    of megabytes is refused with a message instead of being ignored."""
    import math

    from innodrive.errors import InputError

    raw = get("max_input_mb").strip()
    try:
        mb = float(raw)
    except ValueError:
        mb = float("nan")
    if not math.isfinite(mb) or mb <= 0 or mb > MAX_INPUT_MB_CEILING:
        raise InputError(f"环境变量 INNODRIVE_MAX_INPUT_MB 的值“{raw}”无效：应为 1 到 {MAX_INPUT_MB_CEILING} 之间的"
                         f"兆字节数（如 200）", field="INNODRIVE_MAX_INPUT_MB")
    return int(mb * 1024 * 1024)


def current_user() -> str:
    """Who is acting, for the audit log: ``INNODRIVE_USER`` if set, else the login name.
    Here rather than in the store, so that the ``status`` fast path names its operator
    without importing SQLAlchemy."""
    import getpass

    name = get("user").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def debug() -> bool:
    return get("debug") not in ("", "0", "false", "False")


def int_setting(name: str) -> int:
    """An integer setting; a value that is not a number falls back to the default."""
    try:
        return int(float(get(name)))
    except ValueError:
        return int(float(_BY_NAME[name].default))


def flag(name: str) -> bool:
    return get(name).strip() not in ("", "0", "false", "False", "no")
