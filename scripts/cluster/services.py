"""Child processes of the cluster: started in their own process group, logged, stopped.

Each service runs in a new session, so Ctrl-C in the terminal reaches only the
launcher, which then stops every group it started (and nothing else).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HTTP_TIMEOUT_SECONDS = 3.0
STOP_TIMEOUT_SECONDS = 20.0


class ServiceError(RuntimeError):
    """A service did not start or stopped when it should run."""


def http_ok(url: str, timeout: float = HTTP_TIMEOUT_SECONDS) -> bool:
    """True when ``url`` answers 2xx (loopback health checks only)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def redis_pong(port: int, timeout: float = HTTP_TIMEOUT_SECONDS) -> bool:
    """True when a Redis server on 127.0.0.1:``port`` answers PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def tail(path: Path, chars: int = 2000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return ""


@dataclass
class Service:
    """One long-running process (an action server, a Rasa replica, redis, nginx, ...)."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    cwd: Path
    #: True once the service can take work (its health address answers).
    ready: Callable[[], bool] = field(default=lambda: True)
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    starts: int = 0

    def start(self) -> None:
        """Start (again); output is appended to the log, so a restart keeps the history."""
        if self.alive():
            raise ServiceError(f"{self.name} is already running")
        with self.log.open("ab") as log:
            os.fchmod(log.fileno(), 0o600)
            self.process = subprocess.Popen(
                self.command, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.started_at = time.monotonic()
        self.starts += 1

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, sig: int, leader_just_exited: bool = False) -> None:
        """Send ``sig`` to the service's whole process group (Rasa forks helpers).

        Only while the leader runs, or right after we reaped it: a group id of a
        process that ended long ago could belong to someone else's process by now.
        """
        if self.process is None:
            return
        if self.process.poll() is not None and not leader_just_exited:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL, as a crash: no clean-up code runs."""
        self.signal_group(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            self.signal_group(signal.SIGKILL, leader_just_exited=True)

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """SIGTERM to the group, SIGKILL after ``timeout``."""
        if self.process is None or self.process.returncode is not None:
            return  # never started, or ended and reaped earlier
        if self.process.poll() is None:
            self.signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.signal_group(signal.SIGKILL)
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        # Helpers left in the group after the leader exited.
        self.signal_group(signal.SIGKILL, leader_just_exited=True)

    def wait_ready(self, deadline: float) -> float:
        """Block until ready; returns the seconds since start. Raises if it exits first."""
        while time.monotonic() < deadline:
            if not self.alive():
                raise ServiceError(f"{self.name} stopped; its log ends:\n{tail(self.log)}")
            if self.ready():
                return time.monotonic() - self.started_at
            time.sleep(0.25)
        raise ServiceError(f"{self.name} was not ready in time; its log ends:\n{tail(self.log)}")
