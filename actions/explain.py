from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.state import current_question
from bot import runtime
from bot.conversation.messages import why_message


class ActionExplainQuestion(Action):
    """Say which job requirement the open question is about."""

    def name(self) -> str:
        return "action_explain_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        assessment = runtime.assessment()
        question = current_question(assessment, tracker)
        if question is None:
            dispatcher.utter_message(response="utter_no_open_question")
        else:
            dispatcher.utter_message(text=why_message(assessment, question))
        return []
