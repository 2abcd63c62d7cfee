from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.state import answers_of
from bot import runtime
from bot.flow import is_complete
from bot.messages import advice_full_text, advice_reasons_text
from bot.results import evaluate


class ActionExplainAdvice(Action):
    """ "Waarom dit advies?": the answers and scores behind each advised item."""

    def name(self) -> str:
        return "action_explain_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        assessment, content = runtime.assessment(), runtime.advice_content()
        answers = answers_of(tracker)
        if not is_complete(assessment, answers):
            dispatcher.utter_message(response="utter_advice_after_check")
            return []
        _, advice = evaluate(assessment, content, answers)
        dispatcher.utter_message(text=advice_reasons_text(content, advice))
        return []


class ActionMoreAdvice(Action):
    """All advised routes with practical facts, sources and links."""

    def name(self) -> str:
        return "action_more_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        assessment, content = runtime.assessment(), runtime.advice_content()
        answers = answers_of(tracker)
        if not is_complete(assessment, answers):
            dispatcher.utter_message(response="utter_advice_after_check")
            return []
        _, advice = evaluate(assessment, content, answers)
        dispatcher.utter_message(text=advice_full_text(content, advice))
        return []
