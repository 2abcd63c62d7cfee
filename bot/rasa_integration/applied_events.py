"""Rasa's ``DialogueStateTracker.applied_events``, carried on from the last call.

Rasa recomputes the applied events (events minus the reverted ones) from the
first event on every call, five times per turn, and for a form the work grows
with the square of the conversation length. The bench's profile put it at a
fifth of a turn at the end of a 25-question check.

The computation is a left fold over the events whose only other input is the
set of loop names found anywhere in the events. So when the tracker's event
deque has only grown since the last call and the new events name no new loop,
the fold can go on from the remembered result. Anything else (a new deque, a
different first or last-seen event, a new loop name) computes it afresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

MEMO_ATTRIBUTE = "_kc_applied_events_memo"
#: Rasa's own method, kept for comparison in the tests.
rasa_applied_events = DialogueStateTracker.applied_events


@dataclass(eq=False)
class _Memo:
    """The fold's state after ``count`` events of the deque ``events``.

    Holds the first and last folded events (strong references, so their
    identity cannot be reused). Copies of a tracker do not inherit it.
    """

    events: Any
    count: int
    first: Event
    last: Event
    loop_names: frozenset[str]
    applied: list[Event]

    def __deepcopy__(self, _memo: dict) -> None:
        return None

    def __copy__(self) -> None:
        return None

    def __reduce__(self) -> tuple:
        return (type(None), ())


def loop_names_of(events: Iterable[Event]) -> frozenset[str]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def fold(
    tracker: DialogueStateTracker,
    events: Iterable[Event],
    applied: list[Event],
    loop_names: frozenset[str],
) -> list[Event]:
    """Rasa 3.6's loop body of ``applied_events``, applied to ``events`` in order."""
    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied = []
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def _usable(memo: _Memo | None, events: Any) -> bool:
    return (
        memo is not None
        and memo.events is events
        and 0 < memo.count <= len(events)
        and events[0] is memo.first
        and events[memo.count - 1] is memo.last
    )


def applied_events(tracker: DialogueStateTracker) -> list[Event]:
    """Same result as Rasa's method; continues from the last call when it can."""
    events = tracker.events
    memo: _Memo | None = tracker.__dict__.get(MEMO_ATTRIBUTE)
    applied: list[Event] | None = None
    if _usable(memo, events):
        assert memo is not None  # for the type checker
        new_events = list(islice(events, memo.count, None))
        if loop_names_of(new_events) <= memo.loop_names:
            loop_names = memo.loop_names
            applied = fold(tracker, new_events, list(memo.applied), loop_names)
    if applied is None:
        loop_names = loop_names_of(events)
        applied = fold(tracker, events, [], loop_names)
    if events:
        tracker.__dict__[MEMO_ATTRIBUTE] = _Memo(
            events, len(events), events[0], events[-1], loop_names, applied
        )
    else:
        tracker.__dict__.pop(MEMO_ATTRIBUTE, None)
    return list(applied)
