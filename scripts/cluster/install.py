"""Debian's PostgreSQL, Redis and nginx: found, or installed when we may.

As root (a container, a fresh server) `make cluster` installs what is missing
with apt-get; otherwise it says which packages to install and stops.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from scripts.cluster.config import is_root

APT_TIMEOUT_SECONDS = 900


class InstallError(RuntimeError):
    """A server program is missing and could not be installed."""


@dataclass(frozen=True)
class Programs:
    """Absolute paths of the server programs the cluster runs."""

    pg_bin: Path  # folder with initdb, pg_ctl, postgres, psql
    redis_server: Path
    nginx: Path

    def pg(self, name: str) -> str:
        return str(self.pg_bin / name)


def _pg_bin() -> Path | None:
    """Debian's newest /usr/lib/postgresql/N/bin, else the folder of pg_ctl on PATH."""
    found = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p, "pg_ctl").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1]
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).resolve().parent if pg_ctl else None


def _program(name: str, *candidates: str) -> Path | None:
    for candidate in candidates:
        if Path(candidate).exists():
            return Path(candidate)
    found = shutil.which(name)
    return Path(found) if found else None


def find() -> tuple[Programs | None, list[str]]:
    """The programs, or the Debian packages still missing."""
    pg_bin = _pg_bin()
    redis = _program("redis-server", "/usr/bin/redis-server")
    nginx = _program("nginx", "/usr/sbin/nginx")
    missing = [
        package
        for package, path in (("postgresql", pg_bin), ("redis-server", redis), ("nginx", nginx))
        if path is None
    ]
    if missing or pg_bin is None or redis is None or nginx is None:
        return None, missing
    return Programs(pg_bin, redis, nginx), []


def ensure(say: object = print) -> Programs:
    """Find the programs; as root apt-get install the missing ones first."""
    programs, missing = find()
    if programs is not None:
        return programs
    if not is_root():
        raise InstallError(
            f"missing: {' '.join(missing)}. Install them first:\n"
            f"  sudo apt-get install {' '.join(missing)}"
        )
    say(f"Installing {' '.join(missing)} with apt-get ...")  # type: ignore[operator]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", *missing],
    ):
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=APT_TIMEOUT_SECONDS,
            check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise InstallError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    programs, missing = find()
    if programs is None:
        raise InstallError(f"still missing after apt-get: {' '.join(missing)}")
    return programs
