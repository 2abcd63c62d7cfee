from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import (
    SLOT_ANSWER,
    SLOT_ANSWERS,
    SLOT_ASSESSMENT_ID,
    SLOT_STATUS,
    STATUS_IN_PROGRESS,
    answers_of,
    new_assessment_id,
)
from bot import runtime
from bot.check.flow import consent_given
from bot.conversation.apply_answer import unfinished_check_removed


class ActionRestartCheck(Action):
    """Start over during the check: forget its answers, keep the consent, ask question 1."""

    def name(self) -> str:
        return "action_restart_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        assessment = runtime.assessment()
        answers = answers_of(tracker)
        assessment_id = tracker.get_slot(SLOT_ASSESSMENT_ID)
        if assessment_id and consent_given(assessment, answers):
            unfinished_check_removed(runtime.store(), assessment_id)
        consent_id = assessment.consent.id
        kept = {consent_id: answers[consent_id]} if consent_id in answers else {}
        dispatcher.utter_message(response="utter_restarting")
        return [
            SlotSet(SLOT_ANSWERS, kept),
            SlotSet(SLOT_ANSWER, None),
            SlotSet(SLOT_ASSESSMENT_ID, new_assessment_id()),
            SlotSet(SLOT_STATUS, STATUS_IN_PROGRESS),
        ]
