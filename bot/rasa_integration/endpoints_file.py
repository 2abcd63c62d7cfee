"""Render Rasa's endpoints.yml with ports and paths from the environment.

Rasa 3.6 does not expand ``${VAR}`` in the action server URL, so the launch
scripts write a copy with ACTION_PORT and KC_TRACKER_DB applied. In the
cluster profile (docs/deploy.md) KC_TRACKER_DATABASE_URL puts the tracker
store on PostgreSQL and KC_REDIS_URL adds Rasa's Redis lock store, so two
messages of one conversation that reach two replicas are handled in turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import yaml


def render_endpoints(template: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """A copy of the endpoints with the environment's overrides applied."""
    endpoints: dict[str, Any] = yaml.safe_load(yaml.safe_dump(dict(template)))
    port = env.get("ACTION_PORT")
    action = endpoints.get("action_endpoint") or {}
    if env.get("KC_ACTION_ENDPOINT_URL") and action.get("url"):
        action["url"] = env["KC_ACTION_ENDPOINT_URL"]  # another host, e.g. in containers
    elif port and action.get("url"):
        if not port.isdigit():
            raise ValueError(f"ACTION_PORT must be a number, got {port!r}")
        parts = urlsplit(action["url"])
        action["url"] = urlunsplit(parts._replace(netloc=f"{parts.hostname}:{port}"))
    tracker_db = env.get("KC_TRACKER_DB")
    store = endpoints.get("tracker_store") or {}
    tracker_url = env.get("KC_TRACKER_DATABASE_URL")
    if tracker_url and store:
        store.update(postgresql_store(tracker_url))
    elif tracker_db and store.get("dialect") == "sqlite":
        store["db"] = tracker_db
        Path(tracker_db).parent.mkdir(parents=True, exist_ok=True)
    redis_url = env.get("KC_REDIS_URL")
    if redis_url:
        endpoints["lock_store"] = redis_lock_store(redis_url)
    return endpoints


def postgresql_store(url: str) -> dict[str, Any]:
    """Rasa's SQL tracker store keys for a ``postgresql://user:password@host:port/db`` URL."""
    parts = urlsplit(url)
    keys: dict[str, Any] = {
        "dialect": "postgresql",
        "url": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "db": parts.path.lstrip("/") or "rasa",
    }
    if parts.username:
        keys["username"] = unquote(parts.username)
    if parts.password:
        keys["password"] = unquote(parts.password)
    keys.pop("login_db", None)
    return keys


def redis_lock_store(url: str) -> dict[str, Any]:
    """Rasa's ``RedisLockStore`` keys for a ``redis[s]://[:password@]host:port/db`` URL."""
    parts = urlsplit(url)
    keys: dict[str, Any] = {
        "type": "redis",
        "url": parts.hostname or "127.0.0.1",
        "port": parts.port or 6379,
        "db": int(parts.path.lstrip("/") or 0),
        "key_prefix": "kc",
    }
    if parts.password:
        keys["password"] = unquote(parts.password)
    if parts.scheme == "rediss":
        keys["use_ssl"] = True
    return keys


def write_endpoints(source: Path, target: Path, env: Mapping[str, str]) -> Path:
    rendered = render_endpoints(yaml.safe_load(source.read_text(encoding="utf-8")), env)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(rendered, sort_keys=False), encoding="utf-8")
    return target
