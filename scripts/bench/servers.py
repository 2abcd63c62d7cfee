"""Start and stop the bots' servers on free loopback ports and measure them.

Our bot runs like `make run` and the e2e tests: the action server and ``rasa run``
with credentials.yml and endpoints rendered by
``bot.rasa_integration.endpoints_file.write_endpoints``,
with an isolated KC_VAR_DIR (results.db, identity key) and KC_TRACKER_DB.
The stock bot runs ``rasa run`` in its ``rasa init`` folder (it needs no action
server; its endpoints.yml keeps Rasa's in-memory tracker store).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.rasa_integration.endpoints_file import write_endpoints
from scripts.bench.common import RASA, ROOT, base_env

START_TIMEOUT_SECONDS = 600
HTTP_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="utf-8")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _status_kib(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_mib(pid: int, field_name: str = "VmRSS") -> float:
    """Resident memory of a process and its children in MiB (VmRSS, or VmHWM for the peak)."""
    return sum(_status_kib(p, field_name) for p in _descendants(pid)) / 1024


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def post_message(url: str, sender: str, message: str) -> list[dict]:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
        return json.loads(response.read().decode("utf-8"))


@dataclass
class Deployment:
    """One bot's running processes and what their start took."""

    name: str
    rasa_url: str
    log_dir: Path
    env: dict[str, str]
    var_dir: Path | None = None
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    started_at: float = 0.0
    ready_seconds: dict[str, float] = field(default_factory=dict)

    def _spawn(self, role: str, command: list[str], cwd: Path) -> None:
        log = (self.log_dir / f"{role}.log").open("w", encoding="utf-8")
        self.processes[role] = subprocess.Popen(
            command, cwd=cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def _wait(self, role: str, url: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    tail = (self.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"{self.name} {name} exited early:\n{tail}")
            if http_ok(url):
                self.ready_seconds[role] = time.monotonic() - self.started_at
                return
            time.sleep(0.1)
        raise RuntimeError(f"{url} did not come up within {START_TIMEOUT_SECONDS} s")

    def first_reply(self, sender: str, message: str) -> list[dict]:
        """Send the first message and record when its reply arrived (since process start)."""
        reply = post_message(self.rasa_url, sender, message)
        self.ready_seconds["first reply"] = time.monotonic() - self.started_at
        return reply

    def memory(self, field_name: str = "VmRSS") -> dict[str, float]:
        return {role: memory_mib(p.pid, field_name) for role, p in self.processes.items()}

    def log_text(self, role: str) -> str:
        return (self.log_dir / f"{role}.log").read_text(encoding="utf-8", errors="replace")

    def profile_endpoints(self) -> Path | None:
        """Endpoints for an in-process agent: same action server, its own tracker database."""
        if self.var_dir is None:
            return None
        env = {**self.env, "KC_TRACKER_DB": str(self.var_dir / "profile-tracker.db")}
        return write_endpoints(ROOT / "endpoints.yml", self.var_dir / "profile-endpoints.yml", env)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def start_ours(model: Path, work: Path) -> Deployment:
    """Action server and Rasa for our bot, both started at the same moment."""
    var_dir = work / "var-ours"
    log_dir = var_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    action_port, rasa_port = free_port(), free_port()
    env = base_env(
        KC_VAR_DIR=str(var_dir),
        KC_TRACKER_DB=str(var_dir / "tracker.db"),
        ACTION_PORT=str(action_port),
        SANIC_HOST="127.0.0.1",
    )
    for name in ("KC_RESULTS_DB", "KC_IDENTITY_KEY", "KC_IDENTITY_KEY_FILE"):
        env.pop(name, None)
    endpoints = write_endpoints(ROOT / "endpoints.yml", var_dir / "endpoints.yml", env)
    deployment = Deployment("ours", f"http://127.0.0.1:{rasa_port}", log_dir, env, var_dir)
    deployment.started_at = time.monotonic()
    deployment._spawn(
        "actions",
        [RASA, "run", "actions", "--actions", "actions", "--port", str(action_port)],
        ROOT,
    )
    deployment._spawn(
        "rasa",
        [RASA, "run", "--model", str(model), "--interface", "127.0.0.1", "--port",
         str(rasa_port), "--credentials", "credentials.yml", "--endpoints", str(endpoints)],
        ROOT,
    )  # fmt: skip
    try:
        deployment._wait("action server", f"http://127.0.0.1:{action_port}/health")
        deployment._wait("rasa", f"{deployment.rasa_url}/")
    except BaseException:
        deployment.stop()
        raise
    return deployment


def start_stock(model: Path, project: Path, work: Path) -> Deployment:
    """``rasa run`` for the stock moodbot in its own folder (no action server needed)."""
    log_dir = work / "var-stock" / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    deployment = Deployment("stock", f"http://127.0.0.1:{port}", log_dir, base_env())
    deployment.started_at = time.monotonic()
    deployment._spawn(
        "rasa",
        [RASA, "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port),
         "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
        project,
    )  # fmt: skip
    try:
        deployment._wait("rasa", f"{deployment.rasa_url}/")
    except BaseException:
        deployment.stop()
        raise
    return deployment
