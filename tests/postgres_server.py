"""A throwaway PostgreSQL server for the store tests, on loopback in a temporary folder.

The store runs on SQLite and on PostgreSQL (``KC_DATABASE_URL``); the same
tests run on both. This starts Debian's PostgreSQL 15 once per test run
(``initdb`` into a temporary folder, a free port on 127.0.0.1, no socket
file outside that folder) and gives each test a new, empty database. As root,
PostgreSQL refuses to run, so the server runs as the ``postgres`` user.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

#: Where Debian puts the server programs; PATH is tried first.
DEBIAN_BIN = Path("/usr/lib/postgresql/15/bin")
START_TIMEOUT_SECONDS = 60


class NoPostgres(RuntimeError):
    """PostgreSQL's server programs are not installed (make install-postgres)."""


def server_program(name: str) -> str:
    found = shutil.which(name) or (str(DEBIAN_BIN / name) if (DEBIAN_BIN / name).exists() else None)
    if found is None:
        raise NoPostgres(
            f"{name} not found: the store tests need PostgreSQL 15 "
            "(sudo apt-get install postgresql; `make test` installs it as root)"
        )
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user() -> list[str]:
    """``runuser -u postgres --`` when running as root, nothing otherwise."""
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")  # KeyError: the Debian package makes this user
    return ["runuser", "-u", "postgres", "--"]


@dataclass
class PostgresServer:
    """One running server; ``new_database()`` gives a test its own empty database."""

    folder: Path
    port: int = field(default_factory=_free_port)
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresServer:
        data = self.folder / "data"
        self.folder.mkdir(parents=True, exist_ok=True)
        user = _as_server_user()
        if user:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(
            [*user, server_program("initdb"), "-D", str(data), "-U", "postgres",
             "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, capture_output=True, timeout=START_TIMEOUT_SECONDS,
        )  # fmt: skip
        self.start_server()
        return self

    @property
    def options(self) -> str:
        """The server's command-line options: this port, loopback only, no fsync (tests)."""
        return (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )

    def stop_server(self) -> None:
        """PostgreSQL goes down (fast shutdown: open connections are cut)."""
        subprocess.run(
            [*_as_server_user(), server_program("pg_ctl"), "-D", str(self.folder / "data"),
             "-m", "fast", "-w", "stop"],
            check=True, capture_output=True, timeout=START_TIMEOUT_SECONDS,
        )  # fmt: skip

    def start_server(self) -> None:
        """PostgreSQL starts (again), on the same port and folder."""
        subprocess.run(
            [*_as_server_user(), server_program("pg_ctl"), "-D", str(self.folder / "data"),
             "-o", self.options, "-l", str(self.folder / "server.log"), "-w",
             "-t", str(START_TIMEOUT_SECONDS), "start"],
            check=True, capture_output=True, timeout=START_TIMEOUT_SECONDS + 10,
        )  # fmt: skip

    def restart(self) -> None:
        """A fast restart: every open connection is cut (for the retry tests)."""
        subprocess.run(
            [*_as_server_user(), server_program("pg_ctl"), "-D", str(self.folder / "data"),
             "-l", str(self.folder / "server.log"), "-m", "fast", "-w",
             "-t", str(START_TIMEOUT_SECONDS), "restart"],
            check=True, capture_output=True, timeout=START_TIMEOUT_SECONDS + 10,
        )  # fmt: skip

    def new_database(self) -> str:
        """A new empty database; returns its URL."""
        name = f"kc_test_{next(self._names)}"
        engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT", future=True)
        try:
            with engine.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [*_as_server_user(), server_program("pg_ctl"), "-D", str(self.folder / "data"),
             "-m", "immediate", "stop"],
            check=False, capture_output=True, timeout=START_TIMEOUT_SECONDS,
        )  # fmt: skip
