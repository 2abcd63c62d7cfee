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
    SLOT_CLARIFYING,
    answers_of,
    current_question,
    new_assessment_id,
    user_spoke_last,
)
from bot import runtime
from bot.check.flow import is_complete
from bot.conversation.apply_answer import apply_answer, sync_store
from bot.conversation.messages import CHOICE_ENTITY, FAQ_TOPIC_ENTITY, clarify_message
from bot.privacy.unsaved_conversations import said_no
from bot.understanding.answer_or_request import read_turn
from bot.understanding.clarify import Offer

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
        if next(tracker.get_latest_entity_values(FAQ_TOPIC_ENTITY), None) is not None:
            return {}  # a tapped topic button: the FAQ rule answers it
        intent = message.get("intent") or {}
        question = current_question(runtime.assessment(), tracker)
        if question is None:
            return {}
        reading = read_turn(
            question, text, intent.get("name"), float(intent.get("confidence") or 0.0)
        )
        if not reading.is_answer:
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
        offer = Offer.decode(tracker.get_slot(SLOT_CLARIFYING))
        step = apply_answer(assessment, before, choice, text, offer)
        for message in step.messages:
            dispatcher.utter_message(text=message)
        slots: dict[str, Any] = {SLOT_ANSWER: None, SLOT_CLARIFYING: None}
        question = current_question(assessment, tracker)
        if step.clarify and question is not None:
            clarify = clarify_message(question, step.clarify)
            dispatcher.utter_message(text=clarify.text, buttons=clarify.as_buttons())
            slots[SLOT_CLARIFYING] = Offer(question.id, tuple(o.id for o in step.clarify)).encode()
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
            if said_no(assessment, {SLOT_ANSWERS: step.answers}) and not said_no(
                assessment, {SLOT_ANSWERS: before}
            ):
                # From now on the conversation is kept in memory only
                # (bot.rasa_integration.tracker_store).
                dispatcher.utter_message(response="utter_not_stored")
        return slots
