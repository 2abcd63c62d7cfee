from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.state import (
    SLOT_ASSESSMENT_ID,
    SLOT_STATUS,
    STATUS_DONE,
    answers_of,
    new_assessment_id,
)
from bot import runtime
from bot.check.flow import consent_given, is_complete
from bot.config import get_settings
from bot.conversation.messages import advice_text, result_payload, result_text
from bot.conversation.save_result import evaluate, save_result
from bot.observability import metrics
from bot.privacy.share_code_format import share_code_text
from bot.privacy.share_codes import ShareCode, share_code_for
from bot.storage.results_store import StoreError

logger = logging.getLogger(__name__)


class ActionShowResult(Action):
    """Score the finished check, advise, store it (with consent) and show it."""

    def name(self) -> str:
        return "action_show_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        assessment, content = runtime.assessment(), runtime.advice_content()
        answers = answers_of(tracker)
        if not is_complete(assessment, answers):
            dispatcher.utter_message(response="utter_no_result_yet")
            return []
        result, advice = evaluate(assessment, content, answers)
        metrics.check_completed()
        assessment_id = tracker.get_slot(SLOT_ASSESSMENT_ID) or new_assessment_id()
        code: ShareCode | None = None
        if consent_given(assessment, answers):
            person = runtime.person_for(tracker.sender_id)
            saved = save_result(
                runtime.store(), assessment, assessment_id, person, answers, result,
                advice.route_ids,
            )  # fmt: skip
            if saved:
                try:
                    code = share_code_for(runtime.store(), person, get_settings().share_code_days)
                except StoreError:  # the result is stored; "mijn code" gives it later
                    metrics.error("store")
                    logger.exception("results store unavailable while giving a share code")
        # The result card (the chart on WhatsApp) first, then the words and the advice.
        dispatcher.utter_message(json_message=result_payload(result, advice.route_ids))
        dispatcher.utter_message(text=result_text(assessment, result))
        dispatcher.utter_message(text=advice_text(content, advice))
        if code is not None:
            dispatcher.utter_message(text=share_code_text(code.code, code.expires_at))
        return [SlotSet(SLOT_STATUS, STATUS_DONE), SlotSet(SLOT_ASSESSMENT_ID, assessment_id)]
