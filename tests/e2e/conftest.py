"""Start the real action server and Rasa for end-to-end tests (loopback only).

Also the shared pieces of the e2e tests: the opening turns of a check
(``begin_check``), the web app and the browser (``web_url``, ``browser``,
``browser_page``), and the ordering that runs the log check last.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from bot.rasa_integration.endpoints_file import write_endpoints
from tests.conftest import ROOT

MODEL = ROOT / "models" / "klantcontact.tar.gz"
VENV_BIN = Path(sys.executable).parent
START_TIMEOUT_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 30
#: KC_E2E_DEBUG=1 makes both servers log at debug level (into the test's log folder).
DEBUG = ["--debug"] if os.environ.get("KC_E2E_DEBUG") == "1" else []
#: Tests with this marker run after all others: they read what the whole run wrote.
RUNS_LAST = "runs_last"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{RUNS_LAST}: runs after every other e2e test (it reads the whole run's logs)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the ``runs_last`` tests to the end, whatever their file names."""
    items.sort(key=lambda item: item.get_closest_marker(RUNS_LAST) is not None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class BotServers:
    rasa_url: str
    env: dict[str, str]
    var_dir: Path
    log_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    rasa_command: list[str] = field(default_factory=list)
    actions_command: list[str] = field(default_factory=list)
    action_port: int = 0

    def stop_actions(self) -> None:
        """Stop the action server (processes[0]) as a crash or a deploy would."""
        actions = self.processes[0]
        actions.terminate()
        actions.wait(timeout=60)

    def start_actions(self) -> None:
        log = (self.log_dir / "actions.log").open("a")
        actions = subprocess.Popen(self.actions_command, cwd=ROOT, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT)  # fmt: skip
        self.processes[0] = actions
        wait_until_up(f"http://127.0.0.1:{self.action_port}/health", self.processes, self.log_dir)

    def start_rasa(self) -> None:
        log = (self.log_dir / "rasa.log").open("a")
        rasa = subprocess.Popen(self.rasa_command, cwd=ROOT, env=self.env, stdout=log,
                                stderr=subprocess.STDOUT)  # fmt: skip
        self.processes = [p for p in self.processes if p.poll() is None] + [rasa]
        wait_until_up(f"{self.rasa_url}/", self.processes, self.log_dir)

    def restart_rasa(self) -> None:
        """Stop Rasa as an operator would (SIGTERM) and start it again."""
        rasa = self.processes[-1]
        rasa.terminate()
        rasa.wait(timeout=60)
        self.start_rasa()

    def stop(self) -> None:
        """Stop every server (SIGTERM, then SIGKILL after 30 s); their logs are then complete."""
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)

    def send(self, sender: str, message: str) -> list[dict]:
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=HTTP_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        return response.json()

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


def wait_until_up(url: str, processes: list[subprocess.Popen], log_dir: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                logs = "\n".join(p.read_text()[-3000:] for p in log_dir.glob("*.log"))
                raise RuntimeError(f"a server exited early:\n{logs}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not come up within {START_TIMEOUT_SECONDS} s")


WHATSAPP_SECRET = "test-app-secret"
WHATSAPP_VERIFY_TOKEN = "test-verify-token"
#: With WhatsApp configured, Rasa refuses to start without a public https web address
#: (the privacy and PDF links must open on a phone); a reserved name, never fetched.
PUBLIC_WEB_URL = "https://klantcontact.example"


@pytest.fixture(scope="session")
def fake_graph():
    from tests.e2e.fake_graph import FakeGraph

    graph = FakeGraph().start()
    yield graph
    graph.stop()


def launch_bot_servers(
    var_dir: Path, graph_url: str, extra_env: dict[str, str] | None = None
) -> BotServers:
    """The action server and Rasa as `make run` starts them, on free ports, in ``var_dir``.

    ``extra_env`` adds settings, e.g. the cluster profile's database URLs.
    """
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}; run `make train` first")
    log_dir = var_dir / "log"
    log_dir.mkdir(exist_ok=True)
    action_port, rasa_port = free_port(), free_port()
    env = {
        **os.environ,
        "KC_VAR_DIR": str(var_dir),
        "KC_TRACKER_DB": str(var_dir / "tracker.db"),
        "ACTION_PORT": str(action_port),
        "SANIC_HOST": "127.0.0.1",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "WHATSAPP_VERIFY_TOKEN": WHATSAPP_VERIFY_TOKEN,
        "WHATSAPP_APP_SECRET": WHATSAPP_SECRET,
        "WHATSAPP_ACCESS_TOKEN": "test-access-token",
        "WHATSAPP_PHONE_NUMBER_ID": "1234567890",
        "WHATSAPP_GRAPH_BASE_URL": graph_url,
        "WHATSAPP_BACKOFF_SECONDS": "0.05",
        "KC_PUBLIC_WEB_URL": PUBLIC_WEB_URL,
    }
    for name in ("KC_RESULTS_DB", "KC_IDENTITY_KEY", "KC_IDENTITY_KEY_FILE", "KC_DATABASE_URL",
                 "KC_TRACKER_DATABASE_URL", "KC_REDIS_URL"):  # fmt: skip
        env.pop(name, None)
    env.update(extra_env or {})
    endpoints = write_endpoints(ROOT / "endpoints.yml", var_dir / "endpoints.yml", env)
    actions_command = [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                       "--port", str(action_port), *DEBUG]  # fmt: skip
    actions = subprocess.Popen(
        actions_command, cwd=ROOT, env=env, stdout=(log_dir / "actions.log").open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    servers = BotServers(
        f"http://127.0.0.1:{rasa_port}", env, var_dir, log_dir, processes=[actions],
        actions_command=actions_command, action_port=action_port,
        rasa_command=[str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--interface",
                      "127.0.0.1", "--port", str(rasa_port), "--credentials", "credentials.yml",
                      "--endpoints", str(endpoints), *DEBUG],
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{action_port}/health", servers.processes, log_dir)
        servers.start_rasa()
    except BaseException:
        servers.stop()
        raise
    return servers


@pytest.fixture(scope="session")
def bot_servers(tmp_path_factory: pytest.TempPathFactory, fake_graph) -> Iterator[BotServers]:
    servers = launch_bot_servers(tmp_path_factory.mktemp("var"), fake_graph.url)
    try:
        yield servers
    finally:
        servers.stop()


#: The usual start of a check: a greeting and consent to storing the answers.
OPENING = ("hoi", "ja")


@pytest.fixture
def begin_check(bot_servers: BotServers) -> Callable[..., list[dict]]:
    """``begin_check(sender)`` greets, consents and answers the first question with
    "horeca"; ``answers=()`` stops at the first question. Returns the bot's last reply."""

    def begin(sender: str, answers: Sequence[str] = ("horeca",)) -> list[dict]:
        messages: list[dict] = []
        for text in (*OPENING, *answers):
            messages = bot_servers.send(sender, text)
        return messages

    return begin


# --- the web app and the browser ------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
STEP_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def web_url(bot_servers: BotServers) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "--port", str(port), "--rasa-url", bot_servers.rasa_url],
        cwd=ROOT, env=bot_servers.env, stdout=(bot_servers.log_dir / "web.log").open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", [process], bot_servers.log_dir)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: make installs Debian's 'chromium' package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Remember whether the test itself failed, for fixtures that save evidence then."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


def call_failed(request: pytest.FixtureRequest) -> bool:
    """In a fixture's teardown: did the test that used it fail?"""
    return request.node.stash.get(_CALL_FAILED, False)


def save_failure_screenshot(page, screens: Path) -> None:
    """A full-page screenshot of ``page`` in ``screens``; the path is printed."""
    path = screens / "failure.png"
    try:
        screens.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot of the page when the test failed: {path}")
    except Exception as error:  # the page may be gone; the test's own error matters
        print(f"no screenshot of the failure: {error}")


@contextmanager
def browser_page(browser, screens: Path, **options):
    """A page in a new browser context, closed afterwards. When the test fails inside
    the ``with``, a screenshot goes to ``screens`` (a test's ``tmp_path``: one per run)."""
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield page
    except BaseException:
        save_failure_screenshot(page, screens)
        raise
    finally:
        context.close()
