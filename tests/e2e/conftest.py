"""Start the real action server and Rasa for end-to-end tests (loopback only)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def bot_servers(tmp_path_factory: pytest.TempPathFactory, fake_graph) -> Iterator[BotServers]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}; run `make train` first")
    var_dir = tmp_path_factory.mktemp("var")
    log_dir = var_dir / "log"
    log_dir.mkdir()
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
        "WHATSAPP_GRAPH_BASE_URL": fake_graph.url,
        "WHATSAPP_BACKOFF_SECONDS": "0.05",
        "KC_PUBLIC_WEB_URL": PUBLIC_WEB_URL,
    }
    for name in ("KC_RESULTS_DB", "KC_IDENTITY_KEY", "KC_IDENTITY_KEY_FILE"):
        env.pop(name, None)
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
        yield servers
    finally:
        for process in servers.processes:
            process.terminate()
        for process in servers.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
