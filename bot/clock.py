"""The one place the product reads the real clock.

Everything that stamps or compares times takes a :data:`Clock` (a function
returning an aware UTC datetime) so tests can set the time; only this module
calls ``datetime.now``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone

#: A source of "now": aware, in UTC.
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(timezone.utc)


def today(clock: Clock = system_clock) -> date:
    """Today's date in UTC according to ``clock``."""
    return clock().date()
