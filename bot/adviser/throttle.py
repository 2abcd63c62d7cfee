"""Slowing down repeated wrong passwords.

After ``free_attempts`` failures for a key, the next attempt must wait; the
wait doubles with each further failure up to ``max_wait`` seconds. A success
clears the key; a key without failures for ``forget_after`` seconds starts
again (:class:`ThrottlePolicy`).

:class:`LoginThrottle` keeps its counts in the results database
(``bot.storage.login_failures_table``), so several web app processes on one
database share them and a restart forgets nothing: guesses spread over
replicas still add up. Keys are stored as keyed hashes only. It keys wrong
passwords by (username, client address) and by client address, never by
username alone: someone who types wrong passwords for an adviser's name from
elsewhere does not lock that adviser out.

:class:`Throttle` is the same policy with counts in memory, for one process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.storage import login_failures_table
from bot.storage.results_store import ResultsStore

#: The kinds of rows in ``login_failures``.
USER_ADDRESS, ADDRESS = "user_address", "address"


@dataclass
class ThrottlePolicy:
    """How long to wait after a number of failures; no state of its own."""

    free_attempts: int = 3
    base_wait: float = 2.0
    max_wait: float = 300.0
    forget_after: float = 3600.0

    def wait(self, failures: int, last: float, now: float) -> float:
        """Seconds still to wait after ``failures``, the last one at ``last`` (0 = go ahead)."""
        if failures < self.free_attempts or now - last > self.forget_after:
            return 0.0
        extra = failures - self.free_attempts
        wait = min(self.base_wait * 2**extra, self.max_wait)
        return max(0.0, last + wait - now)


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0


@dataclass
class Throttle(ThrottlePolicy):
    """The policy with counts in this process's memory."""

    clock: Callable[[], float] = time.monotonic
    max_keys: int = 10_000
    _records: dict[str, _Record] = field(default_factory=dict)

    def wait_for(self, *keys: str) -> float:
        """Seconds to wait before another attempt for any of these keys (0 = go ahead)."""
        now = self.clock()
        waits = [0.0]
        for key in keys:
            record = self._records.get(key)
            if record is not None:
                waits.append(self.wait(record.failures, record.last, now))
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
    """Wrong passwords per (username, address) and per address, in the results database.

    A right password clears its (username, address) key but not the address
    key, so one valid account cannot be used to reset the count for guessing
    other accounts from the same address. The address allows more attempts,
    because several advisers may share an office address.

    ``store`` gives the results store at each call (``bot.runtime.store``);
    moments are the store's clock in seconds unless ``set_clock`` gave one.
    """

    store: Callable[[], ResultsStore]
    per_user_address: ThrottlePolicy = field(
        default_factory=lambda: ThrottlePolicy(free_attempts=3)
    )
    per_address: ThrottlePolicy = field(
        default_factory=lambda: ThrottlePolicy(free_attempts=10, forget_after=900.0)
    )
    clock: Callable[[], float] | None = None

    @staticmethod
    def _keys(username: str, address: str) -> tuple[tuple[str, str], tuple[str, str]]:
        user_key = f"user:{username.strip().lower()}|ip:{address}"
        return (USER_ADDRESS, user_key), (ADDRESS, f"ip:{address}")

    def set_clock(self, clock: Callable[[], float]) -> None:
        self.clock = clock

    def _now(self, store: ResultsStore) -> float:
        return self.clock() if self.clock is not None else store.clock().timestamp()

    def wait_for(self, username: str, address: str) -> float:
        """Seconds to wait before this login may be tried (0 = go ahead)."""
        store = self.store()
        now = self._now(store)
        user, addr = self._keys(username, address)
        found = login_failures_table.failures(store, (user, addr))
        waits = [0.0]
        for key, policy in ((user, self.per_user_address), (addr, self.per_address)):
            if key in found:
                waits.append(policy.wait(*found[key], now))
        return max(waits)

    def failed(self, username: str, address: str) -> None:
        store = self.store()
        user, addr = self._keys(username, address)
        counted = [
            (*user, self.per_user_address.forget_after),
            (*addr, self.per_address.forget_after),
        ]
        login_failures_table.add_failure(store, counted, self._now(store))

    def succeeded(self, username: str, address: str) -> None:
        user, _ = self._keys(username, address)
        login_failures_table.clear(self.store(), [user])
