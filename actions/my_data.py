from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot import runtime
from bot.config import get_settings
from bot.conversation.store_unavailable import TRY_AGAIN
from bot.observability import metrics
from bot.privacy.my_data import build_export, export_text
from bot.storage.results_store import StoreError

logger = logging.getLogger(__name__)


class ActionShowMyData(Action):
    """ "Wat weet je van mij?": a short summary, plus the full export as JSON."""

    def name(self) -> str:
        return "action_show_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        settings = get_settings()
        try:
            export = build_export(
                runtime.store(),
                runtime.assessment(),
                runtime.person_for(tracker.sender_id),
                tracker.events,
                settings.retention_days,
            )
        except StoreError:
            metrics.error("store")
            logger.exception("results store unavailable for 'wat weet je van mij'")
            dispatcher.utter_message(text=TRY_AGAIN)
            return []
        text = export_text(export, settings.privacy_url, settings.retention_days)
        dispatcher.utter_message(text=text)
        dispatcher.utter_message(json_message=export)
        return []
