"""Settings from environment variables, read in one place.

Defaults suit a laptop: files under ``var/`` in the project folder, servers on
127.0.0.1. Read with :func:`get_settings` (cached) so nothing runs at import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: What the bot promises users (intro text, FAQ); KC_RETENTION_DAYS may only shorten it.
DEFAULT_RETENTION_DAYS = 90


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

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        var_dir = Path(env.get("KC_VAR_DIR", "var"))
        retention = env.get("KC_RETENTION_DAYS", str(DEFAULT_RETENTION_DAYS))
        if not retention.isdigit() or int(retention) < 1:
            raise ConfigError(
                f"KC_RETENTION_DAYS must be a whole number of days, got {retention!r}"
            )
        return cls(
            var_dir=var_dir,
            results_db=Path(env.get("KC_RESULTS_DB", var_dir / "results.db")),
            identity_key=env.get("KC_IDENTITY_KEY") or None,
            identity_key_file=Path(env.get("KC_IDENTITY_KEY_FILE", var_dir / "identity.key")),
            retention_days=int(retention),
            spacy_dir=Path(env.get("KC_SPACY_DIR", var_dir / "spacy-nl")),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
