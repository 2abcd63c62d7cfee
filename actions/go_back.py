from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import SLOT_ANSWER, SLOT_ANSWERS, SLOT_ASSESSMENT_ID, answers_of
from bot import runtime
from bot.check.flow import consent_given, previous_question, without_answer
from bot.conversation.apply_answer import remove_previous_answer


class ActionGoBack(Action):
    """Reopen the previous question so the person can change the answer."""

    def name(self) -> str:
        return "action_go_back"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        assessment = runtime.assessment()
        answers = answers_of(tracker)
        question = previous_question(assessment, answers)
        if question is None:
            dispatcher.utter_message(response="utter_cannot_go_back")
            return []
        assessment_id = tracker.get_slot(SLOT_ASSESSMENT_ID)
        if assessment_id and consent_given(assessment, answers):
            remove_previous_answer(runtime.store(), assessment, assessment_id, question)
        dispatcher.utter_message(response="utter_going_back")
        return [
            SlotSet(SLOT_ANSWERS, without_answer(answers, question.id)),
            SlotSet(SLOT_ANSWER, None),
        ]
