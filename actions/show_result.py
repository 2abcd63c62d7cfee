from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import (
    SLOT_ASSESSMENT_ID,
    SLOT_STATUS,
    STATUS_DONE,
    answers_of,
    new_assessment_id,
)
from bot import runtime
from bot.flow import consent_given, is_complete
from bot.messages import related_work_label, result_payload, result_text
from bot.results import save_result
from bot.scoring import score

logger = logging.getLogger(__name__)


class ActionShowResult(Action):
    """Score the finished check, store it (with consent) and show it."""

    def name(self) -> str:
        return "action_show_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        assessment = runtime.assessment()
        answers = answers_of(tracker)
        if not is_complete(assessment, answers):
            dispatcher.utter_message(response="utter_no_result_yet")
            return []
        result = score(assessment, answers)
        routes: list[str] = []
        assessment_id = tracker.get_slot(SLOT_ASSESSMENT_ID) or new_assessment_id()
        if consent_given(assessment, answers):
            save_result(
                runtime.store(),
                assessment,
                assessment_id,
                runtime.person_for(tracker.sender_id),
                answers,
                result,
                routes,
            )
        related = related_work_label(assessment, answers)
        dispatcher.utter_message(text=result_text(assessment, result, related))
        dispatcher.utter_message(json_message=result_payload(result, routes))
        return [SlotSet(SLOT_STATUS, STATUS_DONE), SlotSet(SLOT_ASSESSMENT_ID, assessment_id)]
