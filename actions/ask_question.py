from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import SLOT_CLARIFYING, current_question
from bot import runtime
from bot.check.assessment import Question
from bot.conversation.faq_replies import is_topic_payload
from bot.conversation.messages import is_other_choice, question_message
from bot.understanding.clarify import Offer


class ActionAskAssessmentAnswer(Action):
    """Ask the open question with its progress and a button per option (not after a "Bedoel je")."""

    def name(self) -> str:
        return "action_ask_assessment_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        assessment = runtime.assessment()
        question = current_question(assessment, tracker)
        if question is None:
            return []
        if just_clarified(tracker, question) or just_offered_topics(tracker):
            # "Bedoel je ...?" or "Waar gaat je vraag over?" was asked this turn with its
            # buttons, under the question: those buttons are what the person answers now.
            return []
        message = question_message(assessment, question)
        dispatcher.utter_message(text=message.text, buttons=message.as_buttons())
        return [SlotSet(SLOT_CLARIFYING, None)]  # asked in full: "ja" no longer means the offer


def _latest_bot_buttons(tracker: Tracker) -> list[dict[str, Any]]:
    latest = next((e for e in reversed(tracker.events) if e.get("event") == "bot"), None)
    return ((latest or {}).get("data") or {}).get("buttons") or []


def just_offered_topics(tracker: Tracker) -> bool:
    """The bot's newest message offers topics of questions about the work as buttons."""
    return any(is_topic_payload(b.get("payload", "")) for b in _latest_bot_buttons(tracker))


def just_clarified(tracker: Tracker, question: Question) -> bool:
    """The bot's newest message is this question's "Bedoel je ...?" (its "Iets anders" button)."""
    offer = Offer.decode(tracker.get_slot(SLOT_CLARIFYING))
    if offer is None or offer.question_id != question.id:
        return False
    return any(
        is_other_choice(question, b.get("payload", "")) for b in _latest_bot_buttons(tracker)
    )
