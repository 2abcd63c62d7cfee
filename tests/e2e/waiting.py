"""Wait for a condition instead of sleeping a fixed time before an assertion."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(predicate: Callable[[], T], timeout: float, what: str, interval: float = 0.05) -> T:
    """Poll ``predicate`` until it gives something truthy and return that.

    A fixed sleep is either too short on a busy machine (a flaky test) or too
    long everywhere; polling returns as soon as the condition holds and fails
    with ``what`` in the message when it never does.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
