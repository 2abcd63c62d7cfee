from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.state import answers_of
from bot import runtime
from bot.advice.rules import Advice, AdviceContent
from bot.check.flow import is_complete
from bot.conversation.messages import advice_full_text, advice_reasons_text
from bot.conversation.save_result import evaluate


class _AdviceAction(Action, ABC):
    """Shows the advice for the finished check in one of its forms."""

    render: Callable[[AdviceContent, Advice], str]

    @abstractmethod
    def name(self) -> str: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        assessment, content = runtime.assessment(), runtime.advice_content()
        answers = answers_of(tracker)
        if not is_complete(assessment, answers):
            dispatcher.utter_message(response="utter_advice_after_check")
            return []
        _, advice = evaluate(assessment, content, answers)
        dispatcher.utter_message(text=type(self).render(content, advice))
        return []


class ActionExplainAdvice(_AdviceAction):
    """ "Waarom dit advies?": the answers and scores behind each advised item."""

    render = staticmethod(advice_reasons_text)

    def name(self) -> str:
        return "action_explain_advice"


class ActionMoreAdvice(_AdviceAction):
    """All advised routes with practical facts, sources and links."""

    render = staticmethod(advice_full_text)

    def name(self) -> str:
        return "action_more_advice"
