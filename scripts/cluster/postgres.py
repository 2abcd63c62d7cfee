"""A private PostgreSQL for the cluster: its own data folder, port and Unix socket.

As root, PostgreSQL refuses to run, so every command runs as the ``postgres``
user (``runuser``) and its folders belong to that user. The superuser only
connects over the Unix socket (peer authentication); the bot connects over TCP
on 127.0.0.1 as role ``kc`` with a generated password (scram-sha-256).
"""

from __future__ import annotations

import getpass
import os
import pwd
import secrets
import shutil
import stat
import subprocess
from pathlib import Path

from scripts.cluster.config import Layout, Ports, is_root
from scripts.cluster.install import Programs

DATABASES = ("kc_results", "kc_tracker")
ROLE = "kc"
PG_TIMEOUT_SECONDS = 120
SERVER_USER = "postgres"


class PostgresError(RuntimeError):
    """A PostgreSQL command failed."""


def superuser() -> str:
    """initdb names the superuser after the OS user that runs it."""
    return SERVER_USER if is_root() else getpass.getuser()


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if is_root() else command


def _give_to_server_user(path: Path, mode: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if is_root():
        user = pwd.getpwnam(SERVER_USER)
        os.chown(path, user.pw_uid, user.pw_gid)
    os.chmod(path, mode)


def let_server_user_in(layout: Layout) -> None:
    """As root, the postgres user must pass through the folders above its data (search
    only, o+x: it cannot list them). The bot tightens its var folder to 0700 at start,
    so this runs before every pg_ctl call."""
    if not is_root():
        return
    folder = layout.root.resolve()
    while True:
        mode = stat.S_IMODE(folder.stat().st_mode)
        if not mode & stat.S_IXOTH:
            os.chmod(folder, mode | stat.S_IXOTH)
        if folder.parent == folder:
            return
        folder = folder.parent


def password(layout: Layout) -> str:
    """Role kc's password from var/cluster/pg.password (0600), drawn on first use."""
    path = layout.pg_password
    if path.exists():
        os.chmod(path, 0o600)
        return path.read_text(encoding="ascii").strip()
    layout.root.mkdir(parents=True, exist_ok=True)
    text = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
    return text


class Postgres:
    """pg_ctl for the cluster's data folder."""

    def __init__(self, programs: Programs, layout: Layout, ports: Ports) -> None:
        self.programs = programs
        self.layout = layout
        self.ports = ports

    def _run(self, command: list[str], log_name: str, stdin: str | None = None) -> None:
        let_server_user_in(self.layout)
        log_path = self.layout.log(log_name)
        data = stdin.encode("utf-8") if stdin is not None else None
        with log_path.open("ab") as log:
            os.fchmod(log.fileno(), 0o600)
            # The server inherits this log as its output, so the postgres user never
            # needs to open a path under the (private) log folder.
            done = subprocess.run(
                _as_server_user(command), cwd=self.layout.pg_data, input=data, stdout=log,
                stderr=subprocess.STDOUT, timeout=PG_TIMEOUT_SECONDS, check=False,
                start_new_session=True,
            )  # fmt: skip
        if done.returncode != 0:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
            raise PostgresError(f"{Path(command[0]).name} failed; {log_path} ends:\n{tail}")

    def initialised(self) -> bool:
        return (self.layout.pg_data / "PG_VERSION").exists()

    def init(self) -> None:
        """initdb on first run: UTF-8, peer auth on the socket, passwords over TCP."""
        _give_to_server_user(self.layout.pg_data, 0o700)
        if self.initialised():
            return
        self._run(
            [self.programs.pg("initdb"), "-D", str(self.layout.pg_data), "-E", "UTF8",
             "--no-locale", "--auth-local=peer", "--auth-host=scram-sha-256"],
            "postgres-init",
        )  # fmt: skip

    def running(self) -> bool:
        let_server_user_in(self.layout)
        done = subprocess.run(
            _as_server_user([self.programs.pg("pg_ctl"), "status", "-D", str(self.layout.pg_data)]),
            cwd=self.layout.pg_data, capture_output=True, timeout=PG_TIMEOUT_SECONDS,
            check=False,
        )  # fmt: skip
        return done.returncode == 0

    def _options(self) -> str:
        return (
            f"-p {self.ports.postgres} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.layout.pg_run} -c unix_socket_permissions=0700"
        )

    def start(self) -> None:
        _give_to_server_user(self.layout.pg_run, 0o700)
        if self.running():  # left over from a launcher that was killed: start clean
            self.stop()
        self._run(
            [self.programs.pg("pg_ctl"), "start", "-w", "-t", "60", "-D",
             str(self.layout.pg_data), "-o", self._options()],
            "postgres",
        )  # fmt: skip

    def stop(self) -> None:
        if self.initialised() and self.running():
            self._run(
                [self.programs.pg("pg_ctl"), "stop", "-w", "-m", "fast", "-D",
                 str(self.layout.pg_data)],
                "postgres",
            )  # fmt: skip

    def restart(self) -> None:
        """pg_ctl restart -m fast: every open connection of every process is cut."""
        self._run(
            [self.programs.pg("pg_ctl"), "restart", "-w", "-m", "fast", "-t", "60", "-D",
             str(self.layout.pg_data), "-o", self._options()],
            "postgres",
        )  # fmt: skip

    def ensure_databases(self, kc_password: str) -> None:
        """Role kc (password from pg.password) and its databases; safe to run every time."""
        quoted = kc_password.replace("'", "''")
        sql = [
            f"SELECT 'CREATE ROLE {ROLE} LOGIN' WHERE NOT EXISTS "  # noqa: S608 (constants)
            f"(SELECT FROM pg_roles WHERE rolname = '{ROLE}')\\gexec",
            f"ALTER ROLE {ROLE} LOGIN PASSWORD '{quoted}';",
        ]
        for database in DATABASES:
            sql.append(
                f"SELECT 'CREATE DATABASE {database} OWNER {ROLE}' WHERE NOT EXISTS "  # noqa: S608
                f"(SELECT FROM pg_database WHERE datname = '{database}')\\gexec"
            )
        self._run(
            [self.programs.pg("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h",
             str(self.layout.pg_run), "-p", str(self.ports.postgres), "-U", superuser(),
             "-d", "postgres"],
            "postgres-setup", stdin="\n".join(sql) + "\n",
        )  # fmt: skip


def remove_data(layout: Layout) -> None:
    """Only for the test's throw-away folder."""
    shutil.rmtree(layout.pg_data, ignore_errors=True)
