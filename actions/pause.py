from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import SLOT_STATUS, STATUS_PAUSED
from bot import runtime
from bot.conversation.faq_replies import nothing_to_pause_reply


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


class ActionPauseWithoutCheck(Action):
    """ "pauze" or "kan ik pauzeren?" with no question open: say so, and that pausing can."""

    def name(self) -> str:
        return "action_pause_without_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(
            text=nothing_to_pause_reply(runtime.faq_topics(), runtime.assessment())
        )
        return []
