from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import SLOT_ANSWER, SLOT_STATUS, STATUS_IN_PROGRESS, STATUS_PAUSED

NOT_CARRIED = frozenset({"requested_slot", SLOT_ANSWER, "session_started_metadata"})


class ActionSessionStart(Action):
    """A new session keeps the check's answers; an unfinished check counts as paused."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        for name, value in tracker.slots.items():
            if name in NOT_CARRIED or value is None:
                continue
            if name == SLOT_STATUS and value == STATUS_IN_PROGRESS:
                value = STATUS_PAUSED
            events.append(SlotSet(name, value))
        events.append(ActionExecuted("action_listen"))
        return events
