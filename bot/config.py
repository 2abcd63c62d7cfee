"""Settings from environment variables, read in one place.

Defaults suit a laptop: files under ``var/`` in the project folder, servers on
127.0.0.1. Read with :func:`get_settings` (cached) so nothing runs at import.

Rasa's input channels (bot/channels) read :class:`ChannelSettings` when Rasa
builds them: ``KC_ACTION_SERVER_URL`` (the action server whose ``/health`` the
channels ask when a message got no reply; default ``http://127.0.0.1:$ACTION_PORT``),
``KC_PUBLIC_WEB_URL`` as set, and the ``WHATSAPP_*`` variables.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: What the bot promises users (intro text, FAQ); KC_RETENTION_DAYS may only shorten it.
DEFAULT_RETENTION_DAYS = 90
#: How long a share code for an adviser works unless KC_SHARE_CODE_DAYS says otherwise.
DEFAULT_SHARE_CODE_DAYS = 30


class ConfigError(ValueError):
    """An environment variable has a value the bot cannot use."""


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    results_db: Path
    identity_key: str | None
    identity_key_file: Path
    retention_days: int
    spacy_dir: Path
    share_code_days: int = DEFAULT_SHARE_CODE_DAYS
    demo: bool = False
    tracker_db: Path = Path("var/tracker.db")
    #: Where users reach the web pages (KC_PUBLIC_WEB_URL; the privacy statement is linked
    #: from the chat). Empty: this web app's own address, see ``web_url``.
    public_web_url: str = ""
    #: Reverse proxies whose X-Forwarded-For header names the real client (KC_TRUSTED_PROXIES).
    trusted_proxies: tuple[Network, ...] = ()
    #: Where ``python -m bot web`` listens (WEB_HOST, WEB_PORT).
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    #: The Rasa address the chat widget connects to (KC_RASA_PUBLIC_URL).
    rasa_public_url: str = "http://127.0.0.1:5005"
    #: The action server's port, written into Rasa's endpoints (ACTION_PORT).
    action_port: int = 5055
    #: The demo adviser's password (KC_DEMO_PASSWORD); None: drawn at each seed.
    demo_password: str | None = None
    #: Any text (KC_DEMO_SEED): the same text gives the same demo password and share codes.
    demo_seed: str | None = None
    #: "text" (default) or "json": one JSON object per log line (KC_LOG_FORMAT,
    #: bot/observability/json_logs.py).
    log_format: str = "text"
    #: PostgreSQL for the results (KC_DATABASE_URL); None: the SQLite file ``results_db``.
    database_url: str | None = None
    #: PostgreSQL for Rasa's conversations (KC_TRACKER_DATABASE_URL); None: ``tracker_db``.
    tracker_database_url: str | None = None
    #: Redis for Rasa's lock store and unsaved conversations (KC_REDIS_URL); None: in process.
    redis_url: str | None = None
    #: The whole URL Rasa calls for actions (KC_ACTION_ENDPOINT_URL), for an action server
    #: or pool on another host (containers); None: http://127.0.0.1:ACTION_PORT/webhook.
    action_endpoint_url: str | None = None

    @property
    def tracker_location(self) -> Path | str:
        """Where Rasa keeps conversations: the PostgreSQL URL, else the SQLite file."""
        return self.tracker_database_url or self.tracker_db

    @property
    def web_url(self) -> str:
        """KC_PUBLIC_WEB_URL, else http://WEB_HOST:WEB_PORT, so a demo on 8300 links to 8300."""
        if self.public_web_url:
            return self.public_web_url.rstrip("/")
        return f"http://{_link_host(self.web_host)}:{self.web_port}"

    @property
    def privacy_url(self) -> str:
        return f"{self.web_url}/privacy"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        var_dir = Path(env.get("KC_VAR_DIR", "var"))
        retention = _days(env, "KC_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
        share_days = _days(env, "KC_SHARE_CODE_DAYS", DEFAULT_SHARE_CODE_DAYS)
        return cls(
            var_dir=var_dir,
            results_db=Path(env.get("KC_RESULTS_DB", var_dir / "results.db")),
            identity_key=env.get("KC_IDENTITY_KEY") or None,
            identity_key_file=Path(env.get("KC_IDENTITY_KEY_FILE", var_dir / "identity.key")),
            retention_days=retention,
            spacy_dir=Path(env.get("KC_SPACY_DIR", var_dir / "spacy-nl")),
            share_code_days=share_days,
            demo=env.get("KC_DEMO", "") == "1",
            tracker_db=Path(env.get("KC_TRACKER_DB", var_dir / "tracker.db")),
            public_web_url=_web_url(env.get("KC_PUBLIC_WEB_URL", "")),
            trusted_proxies=_networks(env.get("KC_TRUSTED_PROXIES", "")),
            web_host=env.get("WEB_HOST", "127.0.0.1"),
            web_port=_port(env, "WEB_PORT", 8000),
            rasa_public_url=env.get("KC_RASA_PUBLIC_URL", "http://127.0.0.1:5005"),
            action_port=_port(env, "ACTION_PORT", 5055),
            demo_password=_demo_password(env.get("KC_DEMO_PASSWORD", "")),
            demo_seed=env.get("KC_DEMO_SEED") or None,
            log_format=_log_format(env.get("KC_LOG_FORMAT", "")),
            database_url=_database_url(env, "KC_DATABASE_URL"),
            tracker_database_url=_database_url(env, "KC_TRACKER_DATABASE_URL"),
            redis_url=_redis_url(env.get("KC_REDIS_URL", "")),
            action_endpoint_url=_action_endpoint_url(env.get("KC_ACTION_ENDPOINT_URL", "")),
        )


def _days(env: dict[str, str], name: str, default: int) -> int:
    value = env.get(name, str(default))
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name} must be a whole number of days, got {value!r}")
    return int(value)


def _port(env: dict[str, str], name: str, default: int) -> int:
    value = env.get(name) or str(default)  # an empty variable means the default
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"{name} must be a port number from 1 to 65535, got {value!r}")
    return int(value)


def _demo_password(value: str) -> str | None:
    """KC_DEMO_PASSWORD, checked like any adviser password (12 to 256 characters)."""
    if value and not 12 <= len(value) <= 256:
        raise ConfigError("KC_DEMO_PASSWORD must have 12 to 256 characters")
    return value or None


def _log_format(value: str) -> str:
    value = value.strip().lower() or "text"
    if value not in ("text", "json"):
        raise ConfigError(f"KC_LOG_FORMAT must be 'text' or 'json', got {value!r}")
    return value


def _database_url(env: Mapping[str, str], name: str) -> str | None:
    """A PostgreSQL URL (``postgresql://user:password@host:port/database``) or None."""
    value = env.get(name, "").strip()
    if not value:
        return None
    if not value.startswith(("postgresql://", "postgresql+psycopg2://")):
        raise ConfigError(f"{name} must be a postgresql:// address")
    return value


def _action_endpoint_url(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not value.startswith(("http://", "https://")) or any(c.isspace() for c in value):
        raise ConfigError(f"KC_ACTION_ENDPOINT_URL must be an http(s) address, got {value!r}")
    return value


def _redis_url(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not value.startswith(("redis://", "rediss://")):
        raise ConfigError("KC_REDIS_URL must be a redis:// (or rediss:// with TLS) address")
    return value


def _web_url(value: str) -> str:
    if not value:  # unset or empty: this web app's own address (Settings.web_url)
        return ""
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise ConfigError(f"KC_PUBLIC_WEB_URL must be an http(s) address, got {value!r}")
    return value


def _link_host(host: str) -> str:
    """WEB_HOST as a link can name it: a wildcard address is this machine, IPv6 in brackets."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "127.0.0.1"
    if address.is_unspecified:
        return "127.0.0.1"
    return f"[{host}]" if address.version == 6 else host


def _networks(value: str) -> tuple[Network, ...]:
    """ "127.0.0.1, 10.0.0.0/8" -> networks; addresses, CIDR ranges, commas or spaces."""
    try:
        return tuple(
            ipaddress.ip_network(part, strict=False) for part in value.replace(",", " ").split()
        )
    except ValueError as exc:
        raise ConfigError(
            f"KC_TRUSTED_PROXIES must list IP addresses or ranges like 10.0.0.0/8, got {value!r}"
        ) from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()


#: WhatsApp settings, each from credentials.yml or else from WHATSAPP_<KEY in capitals>.
WHATSAPP_KEYS = (
    "verify_token",
    "app_secret",
    "access_token",
    "phone_number_id",
    "api_version",
    "graph_base_url",
    "timeout_seconds",
    "attempts",
    "backoff_seconds",
)


@dataclass(frozen=True)
class ChannelSettings:
    """What Rasa's input channels read from the environment, when Rasa builds them."""

    #: The action server's base address, for the channels' health check when a message
    #: got no reply (bot/channels/guard.py). KC_ACTION_SERVER_URL, for an action server
    #: on another host (e.g. http://actions:5055); default http://127.0.0.1:$ACTION_PORT.
    #: Rasa itself calls the action server at endpoints.yml's action_endpoint: keep both
    #: pointing at the same server.
    action_server_url: str = "http://127.0.0.1:5055"
    #: KC_PUBLIC_WEB_URL exactly as set, "" when unset: WhatsApp refuses to start without
    #: a public https address (Settings.public_web_url fills in the laptop default).
    public_web_url: str = ""
    #: WHATSAPP_* values that are set, by key of WHATSAPP_KEYS ("verify_token": ...).
    whatsapp: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ChannelSettings:
        env = dict(os.environ if env is None else env)
        action_server_url = env.get("KC_ACTION_SERVER_URL") or (
            f"http://127.0.0.1:{_port(env, 'ACTION_PORT', 5055)}"
        )
        return cls(
            action_server_url=action_server_url.rstrip("/"),
            public_web_url=env.get("KC_PUBLIC_WEB_URL", "").rstrip("/"),
            whatsapp={
                key: env[f"WHATSAPP_{key.upper()}"]
                for key in WHATSAPP_KEYS
                if env.get(f"WHATSAPP_{key.upper()}")
            },
        )
