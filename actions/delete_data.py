from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import SLOT_ANSWER, SLOT_ANSWERS, SLOT_ASSESSMENT_ID, SLOT_STATUS
from bot import runtime
from bot.conversation.store_unavailable import DELETE_FAILED
from bot.observability import metrics
from bot.storage.results_store import StoreError

logger = logging.getLogger(__name__)


class ActionDeleteData(Action):
    """Delete the stored results of this sender (after they confirmed).

    The conversation itself is erased by the tracker store when Rasa saves
    this turn (``bot.rasa_integration.tracker_store``).
    """

    def name(self) -> str:
        return "action_delete_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            runtime.store().delete_person(runtime.person_for(tracker.sender_id))
        except StoreError:
            metrics.error("store")
            logger.exception("results store unavailable while erasing a person")
            dispatcher.utter_message(text=DELETE_FAILED)
            return []
        dispatcher.utter_message(response="utter_data_deleted")
        # Tells the web widget to forget the conversation kept in the browser too.
        dispatcher.utter_message(json_message={"type": "data_deleted"})
        return [
            SlotSet(SLOT_ANSWERS, {}),
            SlotSet(SLOT_ANSWER, None),
            SlotSet(SLOT_ASSESSMENT_ID, None),
            SlotSet(SLOT_STATUS, None),
        ]
