"""Render Rasa's endpoints.yml with ports and paths from the environment.

Rasa 3.6 does not expand ``${VAR}`` in the action server URL, so the launch
scripts write a copy with ACTION_PORT and KC_TRACKER_DB applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml


def render_endpoints(template: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """A copy of the endpoints with the environment's overrides applied."""
    endpoints: dict[str, Any] = yaml.safe_load(yaml.safe_dump(dict(template)))
    port = env.get("ACTION_PORT")
    action = endpoints.get("action_endpoint") or {}
    if port and action.get("url"):
        if not port.isdigit():
            raise ValueError(f"ACTION_PORT must be a number, got {port!r}")
        parts = urlsplit(action["url"])
        action["url"] = urlunsplit(parts._replace(netloc=f"{parts.hostname}:{port}"))
    tracker_db = env.get("KC_TRACKER_DB")
    store = endpoints.get("tracker_store") or {}
    if tracker_db and store.get("dialect") == "sqlite":
        store["db"] = tracker_db
        Path(tracker_db).parent.mkdir(parents=True, exist_ok=True)
    return endpoints


def write_endpoints(source: Path, target: Path, env: Mapping[str, str]) -> Path:
    rendered = render_endpoints(yaml.safe_load(source.read_text(encoding="utf-8")), env)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(rendered, sort_keys=False), encoding="utf-8")
    return target
