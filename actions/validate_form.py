from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.state import (
    SLOT_ANSWER,
    SLOT_ANSWERS,
    SLOT_ASSESSMENT_ID,
    answers_of,
    current_question,
    new_assessment_id,
    user_spoke_last,
)
from bot import runtime
from bot.answering import apply_answer, counts_as_answer, sync_store
from bot.flow import is_complete
from bot.messages import CHOICE_ENTITY

logger = logging.getLogger(__name__)


class ValidateAssessmentForm(FormValidationAction):
    """Each user turn in the check: accept an answer or ask again with a hint."""

    def name(self) -> str:
        return "validate_assessment_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        # One slot is asked again and again; the form ends when all answers are in.
        if is_complete(runtime.assessment(), answers_of(tracker)):
            return []
        return domain_slots

    async def extract_assessment_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """Take the user's message as an answer unless it is a meta request."""
        logger.debug(
            "extract_assessment_answer: recent events %s",
            [(e.get("event"), e.get("name")) for e in tracker.events[-12:]],
        )
        if not user_spoke_last(tracker):
            return {}  # the form runs after an interruption or its start: nothing new said
        message = tracker.latest_message
        text = message.get("text") or ""
        if next(tracker.get_latest_entity_values(CHOICE_ENTITY), None) is not None:
            return {SLOT_ANSWER: text or "button"}
        intent = (message.get("intent") or {}).get("name")
        question = current_question(runtime.assessment(), tracker)
        if not counts_as_answer(question, intent, text):
            return {}
        return {SLOT_ANSWER: text}

    async def validate_assessment_answer(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        if slot_value is None:
            return {}  # the slot was only reset (e.g. at the start): nothing was said
        assessment = runtime.assessment()
        before = answers_of(tracker)
        choice = next(tracker.get_latest_entity_values(CHOICE_ENTITY), None)
        text = slot_value if isinstance(slot_value, str) else ""
        step = apply_answer(assessment, before, choice, text)
        for message in step.messages:
            dispatcher.utter_message(text=message)
        slots: dict[str, Any] = {SLOT_ANSWER: None}
        if step.accepted:
            assessment_id = tracker.get_slot(SLOT_ASSESSMENT_ID) or new_assessment_id()
            sync_store(
                runtime.store(),
                assessment,
                assessment_id,
                runtime.person_for(tracker.sender_id),
                before,
                step.answers,
            )
            slots.update({SLOT_ANSWERS: step.answers, SLOT_ASSESSMENT_ID: assessment_id})
        return slots
