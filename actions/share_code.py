from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot import runtime
from bot.config import get_settings
from bot.conversation.store_unavailable import TRY_AGAIN, WITHDRAW_FAILED
from bot.observability import metrics
from bot.privacy.share_code_format import share_code_text
from bot.privacy.share_codes import NoStoredResult, share_code_for, withdraw
from bot.storage.results_store import StoreError

logger = logging.getLogger(__name__)


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
        except StoreError:
            metrics.error("store")
            logger.exception("results store unavailable while giving a share code")
            dispatcher.utter_message(text=TRY_AGAIN)
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
        try:
            withdrawn = withdraw(runtime.store(), runtime.person_for(tracker.sender_id))
        except StoreError:
            metrics.error("store")
            logger.exception("results store unavailable while withdrawing share codes")
            dispatcher.utter_message(text=WITHDRAW_FAILED)
            return []
        if withdrawn:
            dispatcher.utter_message(response="utter_share_code_withdrawn")
        else:
            dispatcher.utter_message(response="utter_no_code_to_withdraw")
        return []
