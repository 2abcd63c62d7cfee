from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot import runtime
from bot.config import get_settings
from bot.privacy.share_code_format import share_code_text
from bot.privacy.share_codes import NoStoredResult, share_code_for, withdraw


class ActionShareCode(Action):
    """Give the share code of the latest stored result (the same one until it ends)."""

    def name(self) -> str:
        return "action_share_code"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        person = runtime.person_for(tracker.sender_id)
        try:
            code = share_code_for(runtime.store(), person, get_settings().share_code_days)
        except NoStoredResult:
            dispatcher.utter_message(response="utter_no_share_code")
            return []
        dispatcher.utter_message(text=share_code_text(code.code, code.expires_at))
        return []


class ActionWithdrawShareCode(Action):
    """Make the share codes of this sender stop working."""

    def name(self) -> str:
        return "action_withdraw_share_code"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if withdraw(runtime.store(), runtime.person_for(tracker.sender_id)):
            dispatcher.utter_message(response="utter_share_code_withdrawn")
        else:
            dispatcher.utter_message(response="utter_no_code_to_withdraw")
        return []
