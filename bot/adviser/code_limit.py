"""A hard limit on wrong share codes, per adviser and per client address.

Each wrong code is a row ``(kind, key, at)`` in the results database table
``code_attempts``: one for the adviser account, one for the client address.
When either has ``MAX_WRONG`` wrong codes within ``WINDOW``, every lookup
(right codes too) is refused until the oldest of them is older than the
window. A right code does not reset anything, and a restart forgets nothing.
Rows older than the window are deleted at every lookup and by ``purge``.

Refusals are logged for the operator with the adviser and the address, never
with the code that was tried.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.storage import code_attempts_table
from bot.storage.results_store import ResultsStore, iso

#: Wrong codes allowed per adviser and per client address within WINDOW.
MAX_WRONG = 10
WINDOW = timedelta(hours=1)
#: A refusal for the same key is logged at most once per this period.
LOG_EVERY = timedelta(minutes=5)

ADVISER, ADDRESS = "adviser", "address"

log = logging.getLogger(__name__)


@dataclass
class CodeLimit:
    max_wrong: int = MAX_WRONG
    window: timedelta = WINDOW
    _logged: dict[tuple[str, str], datetime] = field(default_factory=dict)

    def wait_for(self, store: ResultsStore, adviser: str, address: str) -> float:
        """Seconds until a code may be tried again (0: go ahead); forgets old attempts."""
        now = store.clock()
        since = iso(now - self.window)
        waits = [0.0]
        keys = [(ADVISER, adviser), (ADDRESS, address)]
        for (kind, key), rows in code_attempts_table.wrong_codes_since(store, keys, since).items():
            if len(rows) >= self.max_wrong:
                free_at = datetime.fromisoformat(rows[len(rows) - self.max_wrong]) + self.window
                waits.append(max(1.0, (free_at - now).total_seconds()))
                self._log_refusal(now, kind, key, len(rows))
        return max(waits)

    def wrong(self, store: ResultsStore, adviser: str, address: str) -> None:
        """Count one wrong (unknown, expired, withdrawn or malformed) code."""
        keys = [(ADVISER, adviser), (ADDRESS, address)]
        code_attempts_table.add_wrong_code(store, keys, iso(store.clock()))

    def _log_refusal(self, now: datetime, kind: str, key: str, wrong: int) -> None:
        last = self._logged.get((kind, key))
        if last is not None and now - last < LOG_EVERY:
            return
        if len(self._logged) > 10_000:
            self._logged.clear()
        self._logged[(kind, key)] = now
        log.warning(
            "Share code lookups refused for %s %s: %d wrong codes in the last %d minutes",
            kind, key, wrong, int(self.window.total_seconds() // 60),
        )  # fmt: skip
