"""Slowing down repeated failures (wrong passwords, wrong share codes).

After ``free_attempts`` failures for a key (a username, an IP address, a
session), the next attempt must wait; the wait doubles with each further
failure up to ``max_wait`` seconds. A success clears the key. Kept in memory:
the web app is one process, and a restart only gives back a few attempts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0


@dataclass
class Throttle:
    free_attempts: int = 3
    base_wait: float = 2.0
    max_wait: float = 300.0
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 10_000
    _records: dict[str, _Record] = field(default_factory=dict)

    def wait_for(self, *keys: str) -> float:
        """Seconds to wait before another attempt for any of these keys (0 = go ahead)."""
        now = self.clock()
        waits = [0.0]
        for key in keys:
            record = self._records.get(key)
            if record is None or record.failures < self.free_attempts:
                continue
            extra = record.failures - self.free_attempts
            wait = min(self.base_wait * 2**extra, self.max_wait)
            waits.append(max(0.0, record.last + wait - now))
        return max(waits)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        if len(self._records) >= self.max_keys:
            self._forget_oldest()
        for key in keys:
            record = self._records.setdefault(key, _Record())
            record.failures += 1
            record.last = now

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._records.pop(key, None)

    def _forget_oldest(self) -> None:
        oldest = sorted(self._records.items(), key=lambda item: item[1].last)
        for key, _ in oldest[: len(oldest) // 2]:
            del self._records[key]
