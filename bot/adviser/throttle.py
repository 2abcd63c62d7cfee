"""Slowing down repeated wrong passwords.

After ``free_attempts`` failures for a key, the next attempt must wait; the
wait doubles with each further failure up to ``max_wait`` seconds. A success
clears the key; a key without failures for ``forget_after`` seconds starts
again. Kept in memory: the web app is one process, and a restart only gives
back a few attempts. Wrong share codes are limited in the database instead
(``bot.adviser.code_limit``), because there every guess counts.

:class:`LoginThrottle` keys wrong passwords by (username, client address)
and by client address, never by username alone: someone who types wrong
passwords for an adviser's name from elsewhere does not lock that adviser
out.
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
    forget_after: float = 3600.0
    _records: dict[str, _Record] = field(default_factory=dict)

    def wait_for(self, *keys: str) -> float:
        """Seconds to wait before another attempt for any of these keys (0 = go ahead)."""
        now = self.clock()
        waits = [0.0]
        for key in keys:
            record = self._records.get(key)
            if record is None or record.failures < self.free_attempts:
                continue
            if now - record.last > self.forget_after:
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
            if now - record.last > self.forget_after:
                record.failures = 0
            record.failures += 1
            record.last = now

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._records.pop(key, None)

    def _forget_oldest(self) -> None:
        oldest = sorted(self._records.items(), key=lambda item: item[1].last)
        for key, _ in oldest[: len(oldest) // 2]:
            del self._records[key]


@dataclass
class LoginThrottle:
    """Wrong passwords per (username, address) and per address.

    A right password clears its (username, address) key but not the address
    key, so one valid account cannot be used to reset the count for guessing
    other accounts from the same address. The address allows more attempts,
    because several advisers may share an office address.
    """

    per_user_address: Throttle = field(default_factory=lambda: Throttle(free_attempts=3))
    per_address: Throttle = field(
        default_factory=lambda: Throttle(free_attempts=10, forget_after=900.0)
    )

    @staticmethod
    def _user_key(username: str, address: str) -> str:
        return f"user:{username.strip().lower()}|ip:{address}"

    def set_clock(self, clock: Callable[[], float]) -> None:
        self.per_user_address.clock = clock
        self.per_address.clock = clock

    def wait_for(self, username: str, address: str) -> float:
        return max(
            self.per_user_address.wait_for(self._user_key(username, address)),
            self.per_address.wait_for(f"ip:{address}"),
        )

    def failed(self, username: str, address: str) -> None:
        self.per_user_address.failed(self._user_key(username, address))
        self.per_address.failed(f"ip:{address}")

    def succeeded(self, username: str, address: str) -> None:
        self.per_user_address.succeeded(self._user_key(username, address))
