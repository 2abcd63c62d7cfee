"""Password checks off the event loop, at most a few at a time.

One scrypt check with our parameters takes about 128 MiB of memory for a
fraction of a second. A burst of logins must not run dozens at once, so the
checks run on a small thread pool of their own (``MAX_PARALLEL`` threads),
and when too many are already waiting the login is refused with "busy"
instead of queued without end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

#: Password checks that may run at the same time (each ~128 MiB).
MAX_PARALLEL = 2
#: Checks that may wait for a free thread before new logins are refused.
MAX_WAITING = 16

T = TypeVar("T")


class TooBusy(RuntimeError):
    """Too many password checks are waiting already."""


class PasswordChecks:
    """Run blocking password checks on ``parallel`` threads, with a bounded queue."""

    def __init__(self, parallel: int = MAX_PARALLEL, waiting: int = MAX_WAITING) -> None:
        self.parallel = parallel
        self.waiting = waiting
        self._executor: ThreadPoolExecutor | None = None
        self._in_flight = 0

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self.parallel, thread_name_prefix="kc-password"
            )
        return self._executor

    async def run(self, check: Callable[..., T], *args: object) -> T:
        if self._in_flight >= self.parallel + self.waiting:
            raise TooBusy
        self._in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool(), check, *args)
        finally:
            self._in_flight -= 1

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
