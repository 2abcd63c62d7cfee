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
    STATUS_PAUSED,
    answers_of,
    current_question,
    new_assessment_id,
)
from bot import runtime
from bot.check.flow import duration_minutes
from bot.config import get_settings
from bot.observability import metrics


class ActionStartCheck(Action):
    """Start a fresh check with the introduction, or resume a paused one."""

    def name(self) -> str:
        return "action_start_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        assessment = runtime.assessment()
        paused = tracker.get_slot(SLOT_STATUS) in {STATUS_PAUSED, STATUS_IN_PROGRESS}
        if paused and answers_of(tracker) and current_question(assessment, tracker):
            dispatcher.utter_message(response="utter_welcome_back")
            return [SlotSet(SLOT_STATUS, STATUS_IN_PROGRESS), SlotSet(SLOT_ANSWER, None)]
        metrics.check_started()
        dispatcher.utter_message(
            response="utter_intro",
            question_count=len(assessment.numbered_questions),
            minutes=duration_minutes(assessment),
        )
        settings = get_settings()
        dispatcher.utter_message(
            response="utter_privacy_intro",
            retention_days=settings.retention_days,
            privacy_url=settings.privacy_url,
        )
        return [
            SlotSet(SLOT_ANSWERS, {}),
            SlotSet(SLOT_ANSWER, None),
            SlotSet(SLOT_ASSESSMENT_ID, new_assessment_id()),
            SlotSet(SLOT_STATUS, STATUS_IN_PROGRESS),
        ]
