"""The cluster's ports, folders, environment and nginx config, as pure functions.

Kept free of processes and the clock so the unit tests can check exactly what
`make cluster` would start (tests/unit/test_cluster_config.py).
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from string import Template
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
NGINX_TEMPLATE = Path(__file__).with_name("nginx.conf.template")

#: What nginx answers when no Rasa replica could answer a chat message (502/503/504):
#: the same promise as the bot's own "try again" (bot/channels/guard.py).
RETRY_TEXT = (
    "Sorry, er ging iets mis aan onze kant. Je antwoorden zijn niet kwijt. "
    "Probeer het zo opnieuw: stuur je bericht dan nog een keer."
)

#: Make's exports that `python -m scripts.cluster` needs even when started without make.
_QUIET_ENV = {
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONDONTWRITEBYTECODE": "1",
    "RASA_TELEMETRY_ENABLED": "false",
}
#: Inherited settings that would point a cluster process at the developer's own files.
_DROPPED_ENV = ("KC_RESULTS_DB", "KC_IDENTITY_KEY", "KC_DEMO", "WEB_PORT", "WEB_HOST")


@dataclass(frozen=True)
class Ports:
    """Every port of the cluster; each can be moved with an environment variable."""

    front: int = 8080
    action_pool: int = 5150
    actions: tuple[int, ...] = (5155, 5156)
    rasa: tuple[int, ...] = (5105, 5106)
    web: tuple[int, ...] = (8101, 8102)
    postgres: int = 5433
    redis: int = 6380

    #: field -> environment variable that overrides it
    ENV_NAMES = {
        "front": "KC_CLUSTER_PORT",
        "action_pool": "KC_CLUSTER_ACTION_POOL_PORT",
        "actions": "KC_CLUSTER_ACTION_PORTS",
        "rasa": "KC_CLUSTER_RASA_PORTS",
        "web": "KC_CLUSTER_WEB_PORTS",
        "postgres": "KC_CLUSTER_POSTGRES_PORT",
        "redis": "KC_CLUSTER_REDIS_PORT",
    }

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Ports:
        """Defaults, with KC_CLUSTER_PORT=8090 or KC_CLUSTER_RASA_PORTS=6105,6106 applied."""
        values: dict[str, object] = {}
        for item in fields(cls):
            raw = env.get(cls.ENV_NAMES[item.name], "").strip()
            if not raw:
                continue
            numbers = tuple(_port(cls.ENV_NAMES[item.name], p) for p in raw.split(","))
            if isinstance(getattr(cls, item.name), tuple):
                values[item.name] = numbers
            elif len(numbers) == 1:
                values[item.name] = numbers[0]
            else:
                raise ValueError(f"{cls.ENV_NAMES[item.name]} takes one port, got {raw!r}")
        ports = cls(**values)  # type: ignore[arg-type]
        ports.check()
        return ports

    @classmethod
    def free(cls) -> Ports:
        """Ports nobody listens on now (the test's cluster must not meet `make cluster`)."""
        picked = _free_ports(10)
        return cls(
            front=picked[0], action_pool=picked[1], actions=(picked[2], picked[3]),
            rasa=(picked[4], picked[5]), web=(picked[6], picked[7]), postgres=picked[8],
            redis=picked[9],
        )  # fmt: skip

    def all(self) -> list[int]:
        return [
            self.front, self.action_pool, *self.actions, *self.rasa, *self.web,
            self.postgres, self.redis,
        ]  # fmt: skip

    def check(self) -> None:
        """Two services on one port would fail late and confusingly: fail now."""
        ports = self.all()
        if len(set(ports)) != len(ports):
            raise ValueError(f"the cluster's ports must all differ, got {ports}")
        if not (self.actions and self.rasa and self.web):
            raise ValueError("the cluster needs at least one action server, Rasa and web app")


def _port(name: str, text: str) -> int:
    text = text.strip()
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"{name} must hold port numbers from 1 to 65535, got {text!r}")
    return int(text)


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass(frozen=True)
class Layout:
    """Where the cluster keeps everything: ``var/cluster`` for `make cluster`."""

    root: Path

    @property
    def pg_data(self) -> Path:
        return self.root / "pg"

    @property
    def pg_run(self) -> Path:
        """PostgreSQL's Unix socket folder (the superuser connects here, never over TCP)."""
        return self.root / "run"

    @property
    def pg_password(self) -> Path:
        return self.root / "pg.password"

    @property
    def logs(self) -> Path:
        return self.root / "log"

    @property
    def nginx(self) -> Path:
        return self.root / "nginx"

    @property
    def nginx_conf(self) -> Path:
        return self.nginx / "nginx.conf"

    @property
    def redis(self) -> Path:
        return self.root / "redis"

    @property
    def identity_key(self) -> Path:
        return self.root / "identity.key"

    @property
    def endpoints(self) -> Path:
        return self.root / "endpoints.yml"

    @property
    def tracker_db(self) -> Path:
        """Only used while bot/ ignores KC_TRACKER_DATABASE_URL (then both replicas share it)."""
        return self.root / "tracker.db"

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"


def database_url(ports: Ports, password: str, database: str) -> str:
    return f"postgresql://kc:{quote(password, safe='')}@127.0.0.1:{ports.postgres}/{database}"


def redis_url(ports: Ports) -> str:
    return f"redis://127.0.0.1:{ports.redis}/0"


def front_url(ports: Ports) -> str:
    return f"http://127.0.0.1:{ports.front}"


#: Seconds a conversation lock lives in Redis (Rasa's TICKET_LOCK_LIFETIME; docs/deploy.md).
LOCK_LIFETIME_SECONDS = 20


def cluster_env(
    base: Mapping[str, str], layout: Layout, ports: Ports, password: str
) -> dict[str, str]:
    """The environment every bot process of the cluster shares (one key, one database)."""
    env = {k: v for k, v in base.items() if k not in _DROPPED_ENV}
    env.update(_QUIET_ENV)
    env.setdefault("KC_SPACY_DIR", str(ROOT / "var" / "spacy-nl"))
    env.update(
        KC_VAR_DIR=str(layout.root),
        KC_TRACKER_DB=str(layout.tracker_db),
        KC_DATABASE_URL=database_url(ports, password, "kc_results"),
        KC_TRACKER_DATABASE_URL=database_url(ports, password, "kc_tracker"),
        KC_REDIS_URL=redis_url(ports),
        KC_IDENTITY_KEY_FILE=str(layout.identity_key),
        ACTION_PORT=str(ports.action_pool),
        KC_ACTION_SERVER_URL=f"http://127.0.0.1:{ports.action_pool}",
        KC_PUBLIC_WEB_URL=front_url(ports),
        KC_RASA_PUBLIC_URL=front_url(ports),
        KC_TRUSTED_PROXIES="127.0.0.1/32",
        # Rasa's conversation lock in Redis outlives a killed replica by this many seconds:
        # the person waits at most that long. Rasa's default is 60; a turn takes < 5 s.
        TICKET_LOCK_LIFETIME=base.get("TICKET_LOCK_LIFETIME") or str(LOCK_LIFETIME_SECONDS),
    )
    return env


def retry_json() -> str:
    """The body nginx sends instead of a 502/503/504 from the Rasa pool (REST's format)."""
    return json.dumps([{"recipient_id": "", "text": RETRY_TEXT}], ensure_ascii=True)


def _nginx_string(text: str) -> str:
    """``text`` as a single-quoted nginx string (no variables: ``$`` is refused)."""
    if "$" in text:
        raise ValueError("nginx would read $ as a variable")
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _servers(ports: tuple[int, ...], extra: str = "") -> str:
    return "\n".join(f"        server 127.0.0.1:{p}{extra};" for p in ports)


def render_nginx(
    template: str,
    layout: Layout,
    ports: Ports,
    worker_user: str | None = None,
    expose_upstream: bool = False,
) -> str:
    """nginx.conf.template filled in. ``worker_user``: the workers' user when nginx starts
    as root. ``expose_upstream``: the load test's X-KC-Upstream response header (which
    Rasa replica answered); never for `make cluster`."""
    upstream_header = "add_header X-KC-Upstream $upstream_addr always;" if expose_upstream else ""
    return Template(template).substitute(
        user_line=f"user {worker_user};" if worker_user else "",
        nginx_dir=str(layout.nginx),
        log_dir=str(layout.logs),
        front_port=ports.front,
        action_pool_port=ports.action_pool,
        rasa_servers=_servers(ports.rasa, " max_fails=1 fail_timeout=5s"),
        rasa_sticky_servers=_servers(ports.rasa),
        web_servers=_servers(ports.web, " max_fails=1 fail_timeout=5s"),
        action_servers=_servers(ports.actions, " max_fails=1 fail_timeout=5s"),
        retry_body=_nginx_string(retry_json()),
        upstream_header=upstream_header,
    )


def nginx_config(layout: Layout, ports: Ports, worker_user: str | None, expose: bool) -> str:
    return render_nginx(
        NGINX_TEMPLATE.read_text(encoding="utf-8"), layout, ports, worker_user, expose
    )


def is_root() -> bool:
    return os.geteuid() == 0
