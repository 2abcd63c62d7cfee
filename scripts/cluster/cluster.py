"""The cluster as a Python object: start it, break parts of it, stop it.

`python -m scripts.cluster up` and the load test both use :class:`Cluster`:
``start()``, ``kill(name)`` / ``restart(name)`` for one service (``rasa-1``,
``actions-2``, ...), ``restart_postgres()`` and ``stop()``.
"""

from __future__ import annotations

import os
import pwd
import signal
import socket
import subprocess
import time
from collections.abc import Callable

from bot.privacy.pseudonyms import load_or_create_key
from scripts.bench.common import PYTHON, RASA
from scripts.cluster import install
from scripts.cluster.config import (
    ROOT,
    Layout,
    Ports,
    cluster_env,
    front_url,
    is_root,
    nginx_config,
)
from scripts.cluster.postgres import Postgres, password
from scripts.cluster.services import Service, ServiceError, http_ok, redis_pong

MODEL = ROOT / "models" / "klantcontact.tar.gz"
#: Two Rasa replicas load their model at once on 2 cores: allow for a slow machine.
START_TIMEOUT_SECONDS = 900
PREPARE_TIMEOUT_SECONDS = 300
NGINX_WORKER_USER = "www-data"

Say = Callable[[str], None]


def _worker_user() -> str | None:
    """nginx started as root hands its workers to www-data (Debian's nginx user)."""
    if not is_root():
        return None
    try:
        pwd.getpwnam(NGINX_WORKER_USER)
    except KeyError:
        return "nobody"
    return NGINX_WORKER_USER


class Cluster:
    """PostgreSQL, Redis, nginx and the bot's processes for one cluster folder."""

    def __init__(
        self,
        layout: Layout,
        ports: Ports,
        say: Say = print,
        expose_upstream: bool = False,
        base_env: dict[str, str] | None = None,
    ) -> None:
        self.layout = layout
        self.ports = ports
        self.say = say
        self.expose_upstream = expose_upstream
        self.base_env = dict(os.environ if base_env is None else base_env)
        self.services: dict[str, Service] = {}
        self.postgres: Postgres | None = None
        self.env: dict[str, str] = {}
        self.ready_seconds: dict[str, float] = {}

    # -- starting -------------------------------------------------------------------------

    def start(self) -> None:
        """Everything, from nothing if need be; returns when every service is ready."""
        if not MODEL.exists():
            raise ServiceError(f"no model at {MODEL}: run `make train` first")
        programs = install.ensure(self.say)
        self._ports_free()
        self._folders()
        self.env = cluster_env(self.base_env, self.layout, self.ports, password(self.layout))
        load_or_create_key(None, self.layout.identity_key)  # one key, before any process
        self.postgres = Postgres(programs, self.layout, self.ports)
        self.say(f"PostgreSQL on 127.0.0.1:{self.ports.postgres} (data in {self.layout.pg_data})")
        self.postgres.init()
        self.postgres.start()
        self.postgres.ensure_databases(password(self.layout))
        self._define(programs)
        self._start_and_wait(["redis"])
        self._prepare()
        bots = [n for n in self.services if n.split("-")[0] in ("actions", "rasa", "web")]
        self.say(
            f"Starting {len(self.ports.actions)} action servers, {len(self.ports.rasa)} Rasa "
            f"replicas (they load the model: up to a minute), {len(self.ports.web)} web apps ..."
        )
        self._start_and_wait([*bots, "purge", "nginx"])
        if not http_ok(f"{front_url(self.ports)}/", timeout=10):
            raise ServiceError("nginx does not pass requests to the web apps")

    def _ports_free(self) -> None:
        """A port in use would fail one service late, with its error deep in a log."""
        taken = [p for p in self.ports.all() if p != self.ports.postgres and not _free(p)]
        if taken:
            raise ServiceError(
                f"port(s) {', '.join(map(str, taken))} already in use on 127.0.0.1; "
                "another `make cluster`? Stop it, or move the cluster with KC_CLUSTER_PORT, "
                "KC_CLUSTER_RASA_PORTS, ... (scripts/cluster/config.py)"
            )

    def _folders(self) -> None:
        for folder in (self.layout.root, self.layout.logs, self.layout.nginx, self.layout.redis):
            folder.mkdir(parents=True, exist_ok=True)
        # nginx keeps bodies in memory (nginx.conf.template), so its workers never need
        # the temp folders its master creates here.
        for folder in (self.layout.root, self.layout.logs, self.layout.nginx, self.layout.redis):
            os.chmod(folder, 0o700)

    def _prepare(self) -> None:
        """Endpoints for the replicas, and the database tables made once (one-off purge),
        before several processes would race to create them."""
        run = [PYTHON, "-m", "bot", "endpoints", "--out", str(self.layout.endpoints)]
        self._run_once(run, "prepare")
        self._run_once([PYTHON, "-m", "bot", "purge"], "prepare")

    def _run_once(self, command: list[str], log_name: str) -> None:
        log_path = self.layout.log(log_name)
        with log_path.open("ab") as log:
            os.fchmod(log.fileno(), 0o600)
            done = subprocess.run(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                timeout=PREPARE_TIMEOUT_SECONDS, check=False,
            )  # fmt: skip
        if done.returncode != 0:
            raise ServiceError(f"{' '.join(command[1:])} failed; see {log_path}")

    def _define(self, programs: install.Programs) -> None:
        ports, layout, env = self.ports, self.layout, self.env
        self.services = {}

        def add(name: str, command: list[str], ready: Callable[[], bool], **extra: str) -> None:
            self.services[name] = Service(
                name, command, {**env, **extra}, layout.log(name), ROOT, ready
            )

        add(
            "redis",
            [str(programs.redis_server), "--port", str(ports.redis), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(layout.redis),
             "--protected-mode", "yes", "--daemonize", "no", "--loglevel", "warning"],
            lambda: redis_pong(ports.redis),
        )  # fmt: skip
        for number, port in enumerate(ports.actions, 1):
            add(
                f"actions-{number}",
                [RASA, "run", "actions", "--actions", "actions", "--port", str(port)],
                _url_ok(f"http://127.0.0.1:{port}/health"),
                SANIC_HOST="127.0.0.1",
            )
        for number, port in enumerate(ports.rasa, 1):
            add(
                f"rasa-{number}",
                [RASA, "run", "--model", str(MODEL), "--interface", "127.0.0.1", "--port",
                 str(port), "--credentials", "credentials.yml", "--endpoints",
                 str(layout.endpoints), "--cors", "*"],
                _url_ok(f"http://127.0.0.1:{port}/webhooks/rest/ready"),
            )  # fmt: skip
        for number, port in enumerate(ports.web, 1):
            add(
                f"web-{number}",
                [PYTHON, "-m", "bot", "web", "--host", "127.0.0.1", "--port", str(port),
                 "--rasa-url", front_url(ports)],
                _url_ok(f"http://127.0.0.1:{port}/ready"),
            )  # fmt: skip
        add("purge", [PYTHON, "-m", "bot", "purge", "--daily"], lambda: True)
        layout.nginx_conf.write_text(
            nginx_config(layout, ports, _worker_user(), self.expose_upstream), encoding="utf-8"
        )
        nginx = [str(programs.nginx), "-p", str(layout.nginx), "-c", str(layout.nginx_conf),
                 "-e", str(layout.log("nginx-error"))]  # fmt: skip
        self._check_nginx(nginx)
        add("nginx", nginx, _url_ok(f"http://127.0.0.1:{ports.action_pool}/health"))

    def _check_nginx(self, command: list[str]) -> None:
        done = subprocess.run(
            [*command, "-t", "-q"], capture_output=True, text=True, timeout=30, check=False
        )
        if done.returncode != 0:
            raise ServiceError(f"nginx rejects {self.layout.nginx_conf}:\n{done.stderr}")

    def _start_and_wait(self, names: list[str]) -> None:
        for name in names:
            self.services[name].start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        for name in names:
            self.ready_seconds[name] = self.services[name].wait_ready(deadline)

    # -- breaking and mending --------------------------------------------------------------

    def kill(self, name: str) -> None:
        """SIGKILL one service's process group (a crash)."""
        self.services[name].kill()

    def restart(self, name: str, wait: bool = True) -> float:
        """Start a stopped or killed service again; returns seconds until it was ready."""
        service = self.services[name]
        service.stop()
        service.start()
        if not wait:
            return 0.0
        return service.wait_ready(time.monotonic() + START_TIMEOUT_SECONDS)

    def restart_postgres(self) -> None:
        if self.postgres is None:
            raise ServiceError("PostgreSQL was not started")
        self.postgres.restart()

    def dead(self) -> list[str]:
        """Services that should run but do not."""
        return [name for name, service in self.services.items() if not service.alive()]

    # -- stopping ---------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop every process this cluster started: bot processes first, PostgreSQL last."""
        order = [n for n in self.services if n not in ("nginx", "redis")] + ["nginx", "redis"]
        for name in order:
            if name in self.services:
                self.services[name].signal_group(signal.SIGTERM)
        for name in order:
            if name in self.services:
                try:
                    self.services[name].stop()
                except Exception as exc:  # keep stopping the others
                    self.say(f"could not stop {name}: {exc}")
        if self.postgres is not None:
            self.postgres.stop()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _free(port: int) -> bool:
    with socket.socket() as sock:
        # As the servers do: a port with old connections in TIME_WAIT still counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _url_ok(url: str) -> Callable[[], bool]:
    return lambda: http_ok(url)
