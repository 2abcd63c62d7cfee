"""/health and /ready answers, the same for every process.

``/health`` says only that the process is up (a restart helps when it is
not). ``/ready`` runs the process's dependency checks (the results database
readable) and answers 503 when one fails, so a load balancer stops sending
traffic without restarting anything. The body names each check and says
``ok`` or ``failing``; the reason goes to the log, not to the caller.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

logger = logging.getLogger(__name__)

#: A dependency check: returns when the dependency works, raises when it does not.
Check = Callable[[], object]


def health() -> tuple[int, dict[str, Any]]:
    return 200, {"status": "ok"}


async def readiness(checks: Mapping[str, Check]) -> tuple[int, dict[str, Any]]:
    """Run each check in a worker thread (they may touch files); 503 when any fails."""
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.to_thread(check)
            results[name] = "ok"
        except Exception as exc:
            # Our checks raise errors without personal data (StoreError names the
            # operation, the file and SQLite's reason).
            logger.warning("not ready: %s failed: %s", name, exc)
            results[name] = "failing"
    ready = all(result == "ok" for result in results.values())
    return (200 if ready else 503), {
        "status": "ready" if ready else "not ready",
        "checks": results,
    }
