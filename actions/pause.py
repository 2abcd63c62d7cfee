from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import SLOT_STATUS, STATUS_PAUSED


class ActionPauseCheck(Action):
    """Stop asking for now; the answers stay, "verder" picks up at the open question."""

    def name(self) -> str:
        return "action_pause_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_paused")
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet(SLOT_STATUS, STATUS_PAUSED),
        ]
