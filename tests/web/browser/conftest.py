"""Browser tests: a real ``innodrive serve`` process on a demo database, driven by
Playwright through Debian's ``chromium`` (no browser download), with CJK fonts.

One server and one browser serve the whole session (starting them costs seconds);
each test gets a fresh browser context (its own cookies). Every journey ends in a
screenshot under ``out/screenshots/`` — look at them: Chinese text, real data,
coloured lights.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "out" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CONSTRUCTED = "构造的测试数据（非真实统计）"
STARTUP_SECONDS = 240
AS_OF = "2025-06-30"  # journeys look at the board on a fixed day, whatever the machine's date


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/web/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it with apt)")
        pytest.skip("chromium is not installed: apt-get install chromium fonts-noto-cjk")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--disable-dev-shm-usage", "--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1360, "height": 900},
            "timezone_id": "Asia/Shanghai"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def innodrive(home: Path, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "INNODRIVE_HOME": str(home), "INNODRIVE_USER": "demo"}
    env.pop("INNODRIVE_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "innodrive", *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


class Server:
    """``innodrive serve`` in a child process; can be stopped and started again on the same database."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "INNODRIVE_HOME": str(self.home)}
        env.pop("INNODRIVE_DATABASE_URL", None)
        self.process = subprocess.Popen([sys.executable, "-m", "innodrive", "serve", "--port", str(self.port)],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # a guard against a server that never answers: on a loaded machine (two cores shared by
        # several test runs) the server and its two workers have taken 84 s to answer
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"innodrive serve exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()  # not left running after the run
        raise RuntimeError(f"innodrive serve did not answer within {STARTUP_SECONDS} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """A database as ``make demo`` builds it: shipped statistics, the five example
    documents, one demo account per role."""
    from innodrive.web.demo import DEMO_ACCOUNTS  # noqa: F401  (the accounts the tests sign in with)

    home = tmp_path_factory.mktemp("web-demo")
    innodrive(home, "init")
    examples = sorted((ROOT / "examples" / "documents").glob("*.txt"))
    innodrive(home, "plan", "add", *map(str, examples))
    # CONSTRUCTED statistics for 乐山市 (labelled so in their source), so that targets about
    # high-tech enterprises have actual values, lights and charts
    seed = home / "constructed_hnte.csv"
    seed.write_text("地区,指标,年份,值,单位,来源\n" + "".join(
        f"乐山市,高新技术企业数量,{year},{value},家,{CONSTRUCTED}\n"
        for year, value in ((2020, 80), (2021, 95), (2022, 110), (2023, 125), (2024, 140))), encoding="utf-8")
    innodrive(home, "data", "import", str(seed))
    env_before = os.environ.get("INNODRIVE_HOME")
    os.environ["INNODRIVE_HOME"] = str(home)
    try:
        from innodrive.store import open_store
        from innodrive.web.demo import create_demo_accounts

        store = open_store()
        create_demo_accounts(store)
        store.close()
    finally:
        if env_before is None:
            os.environ.pop("INNODRIVE_HOME", None)
        else:
            os.environ["INNODRIVE_HOME"] = env_before
    return home


@pytest.fixture(scope="session")
def server(demo_home):
    s = Server(demo_home)
    s.start()
    yield s
    s.stop()


@pytest.fixture
def shot(request):
    """``shot(page)`` saves the page as ``out/screenshots/<test name>.png`` (the journey's artefact)."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, suffix: str = "") -> Path:
        name = request.node.name.replace("[", "-").replace("]", "").replace("/", "-")
        path = SHOTS / f"{name}{('-' + suffix) if suffix else ''}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page, server, username: str, password: str | None = None) -> None:
    from innodrive.web.demo import DEMO_PASSWORD

    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
