from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot import runtime
from bot.conversation.faq_replies import faq_reply, out_of_scope_reply
from bot.conversation.messages import FAQ_TOPIC_ENTITY


class ActionAnswerFaq(Action):
    """Answer a question about the work, or offer the closest topics as buttons."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        tapped = next(tracker.get_latest_entity_values(FAQ_TOPIC_ENTITY), None)
        reply = faq_reply(
            tracker.latest_message.get("text") or "",
            tapped,
            runtime.faq_topics(),
            runtime.assessment(),
            runtime.advice_content(),
        )
        dispatcher.utter_message(text=reply.text, buttons=reply.as_buttons())
        return []


class ActionOutOfScope(Action):
    """A message outside the work: offer the closest topics if any are close, else say so."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reply = out_of_scope_reply(tracker.latest_message.get("text") or "", runtime.faq_topics())
        if reply is None:
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            dispatcher.utter_message(text=reply.text, buttons=reply.as_buttons())
        return []
