from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import SLOT_CLARIFYING, current_question
from bot import runtime
from bot.clarify import Offer
from bot.messages import question_message


class ActionAskAssessmentAnswer(Action):
    """Ask the open question with its progress and a button per option (not after a "Bedoel je")."""

    def name(self) -> str:
        return "action_ask_assessment_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        assessment = runtime.assessment()
        question = current_question(assessment, tracker)
        offer = Offer.decode(tracker.get_slot(SLOT_CLARIFYING))
        if question is not None and offer is not None and offer.question_id == question.id:
            # "Bedoel je ...?" was just asked with its buttons; the full question stays above it.
            return [SlotSet(SLOT_CLARIFYING, None)]
        if question is not None:
            message = question_message(assessment, question)
            dispatcher.utter_message(text=message.text, buttons=message.as_buttons())
        return []
