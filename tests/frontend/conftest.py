"""The web pages: Django's test client for most, and Chromium against a live ASGI server for the rest.

The live server is uvicorn in a subprocess on the test database (the SQLite file, or PostgreSQL's test
database), so data the test writes (with `transactional_db`) is what the browser sees. One server serves the
whole session and one browser a module of tests; each test gets fresh browser contexts.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from functools import cache
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection

from tests.accounts.conftest import CODE, outbox  # noqa: F401 (outbox: texts sent by this process, a fixture)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 360, "height": 640}
SCREENSHOTS = ROOT / "docs" / "screenshots"


# --- The live server ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database: dict, outbox_file: Path) -> dict:
    # The tests write trades and wage lines in their own process, which the server's kept copies would not hear
    # of (zero_gig.kept): the server reads them on every request.
    env = dict(os.environ, DEBUG="1", SMS_BACKEND="tests.frontend.sms.FileBackend",
               SMS_OUTBOX_FILE=str(outbox_file), PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING", KEEP_REFERENCE_TABLES="0")
    if database["ENGINE"] == "django.db.backends.sqlite3":
        env["SQLITE_PATH"] = str(database["NAME"])
        env.pop("DATABASE_URL", None)
    else:
        user, password = database["USER"], database["PASSWORD"]
        auth = f"{user}:{password}@" if password else f"{user}@"
        env["DATABASE_URL"] = f"postgres://{auth}{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return env


class LiveServer:
    def __init__(self, url: str, outbox_file: Path):
        self.url = url
        self.outbox_file = outbox_file

    def texted_code(self, phone: str) -> str:
        """The code in the newest text the server sent to `phone` (texts go out just after the answer)."""
        deadline = time.monotonic() + 5
        while True:
            lines = [line for line in self.outbox_file.read_text(encoding="utf-8").splitlines()
                     if line.startswith(phone + "\t")]
            if lines or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert lines, f"no text to {phone}"
        return CODE.search(lines[-1]).group(1)


@pytest.fixture(scope="session")
def live_asgi_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """uvicorn serving zero_gig.asgi:application on the test database, for the whole session."""
    with django_db_blocker.unblock():
        database = dict(connection.settings_dict)
    outbox_file = tmp_path_factory.mktemp("sms") / "outbox.txt"
    outbox_file.touch()
    port = _free_port()
    log = (tmp_path_factory.mktemp("server") / "uvicorn.log").open("w")
    env = _server_env(database, outbox_file)
    env["PRIVATE_FILES_ROOT"] = str(tmp_path_factory.mktemp("private"))  # evidence photos the browser sends
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "zero_gig.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/offline/", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"the live server did not start; see {log.name}") from None
            time.sleep(0.2)
    yield LiveServer(url, outbox_file)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


# --- The browser ----------------------------------------------------------------------------------

def ensure_chromium() -> str:
    """Debian's Chromium; installed with apt-get when missing (CI and fresh machines run as root)."""
    if not Path(CHROMIUM).exists() and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "fonts-wqy-microhei"], check=False, env=env)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing and could not be installed with apt-get")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser():
    """One Chromium for a module of browser tests.

    Not for the whole session: Playwright's sync API marks an event loop as running on this thread while it is
    started, which would make Django refuse synchronous ORM calls, and asyncio tests start loops, in the tests
    that come after. Inside, the tests' own ORM calls are allowed (they are synchronous all the same).
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS)
        new_context = chromium.new_context

        def watched_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            context.add_init_script(REPORT_CSP_VIOLATIONS)
            context.on("console", _note_csp_violation)
            return context

        patch.setattr(chromium, "new_context", watched_context)
        yield chromium
        chromium.close()


# Every page of every browser test keeps the Content-Security-Policy (zero_gig/csp.py): Chromium writes each
# refusal to the console, and this script also reports the page's securitypolicyviolation events there.
REPORT_CSP_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) => console.error(
  `Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
  + `at ${event.sourceFile}:${event.lineNumber}`));"""
csp_violations: list[str] = []


def _note_csp_violation(message) -> None:
    if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
        csp_violations.append(f"{message.page.url if message.page else ''}: {message.text}")


@pytest.fixture(autouse=True)
def no_csp_violations(request):
    """Fails a browser test whose pages broke the Content-Security-Policy."""
    csp_violations.clear()
    yield
    if "browser" in request.fixturenames and csp_violations:
        found = list(dict.fromkeys(csp_violations))
        csp_violations.clear()
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(found), pytrace=False)


@pytest.fixture
def phone_page(browser, live_asgi_server, request):
    """phone_page(locale="zh-CN", senior=False): a new 360×640 phone with its own cookies, on the live server."""
    contexts = []

    def open_page(locale: str = "zh-CN", senior: bool = False, **options):
        context = browser.new_context(viewport=PHONE, locale=locale, base_url=live_asgi_server.url,
                                      service_workers="block", **options)
        context.set_default_timeout(10_000)
        if senior:
            context.add_cookies([{"name": "zg_senior", "value": "1", "url": live_asgi_server.url}])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def wait_until(page, expression: str, seconds: float = 15) -> None:
    """page.wait_for_function without its eval in the page, which the pages' Content-Security-Policy forbids
    (no 'unsafe-eval'): the expression is asked again through page.evaluate until it is true."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"not true within {seconds} s: {expression}"
        page.wait_for_timeout(100)


@cache
def _axe() -> Axe:
    """One axe-core runner for the process (it only holds the script it injects)."""
    return Axe()


def serious_violations(page) -> list[str]:
    """The page's serious and critical accessibility violations (axe), each as "id (impact): [first targets]".

    Waits for the page's load first: its styles count only once its stylesheets are in (after a click that
    navigates, the next page's elements may be there before its CSS, and axe would judge the browser's defaults).
    """
    page.wait_for_load_state("load")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in _axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]


def fits_the_screen(page, width: int = 360, name: str = "") -> None:
    """Assert that the page does not scroll sideways on a screen `width` px wide, once it has loaded (its
    stylesheets decide the widths; before they are in, the page is laid out with the browser's defaults)."""
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name or page.url} scrolls sideways: {scroll_width} px on a {width} px screen"


def screenshot(page, name: str) -> None:
    """Save the page as <name>.png among the test artifacts ($TEST_ARTIFACTS_DIR, else test-artifacts/screenshots),
    and in docs/screenshots when $SAVE_SCREENSHOTS is set (`make screenshots`): they change with every run."""
    folders = [Path(os.environ.get("TEST_ARTIFACTS_DIR") or ROOT / "test-artifacts" / "screenshots")]
    if os.environ.get("SAVE_SCREENSHOTS"):
        folders.append(SCREENSHOTS)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"{name}.png")
