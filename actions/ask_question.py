from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.state import current_question
from bot import runtime
from bot.messages import question_message


class ActionAskAssessmentAnswer(Action):
    """Ask the open question with its progress and a button per option."""

    def name(self) -> str:
        return "action_ask_assessment_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        assessment = runtime.assessment()
        question = current_question(assessment, tracker)
        if question is not None:
            message = question_message(assessment, question)
            dispatcher.utter_message(text=message.text, buttons=message.as_buttons())
        return []
