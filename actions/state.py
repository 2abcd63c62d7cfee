"""Reading the check's state from a tracker, shared by the actions."""

from __future__ import annotations

import uuid
from typing import Any

from rasa_sdk import Tracker

from bot.check.assessment import Assessment, Question
from bot.check.flow import open_question

SLOT_ANSWERS = "answers"
SLOT_ANSWER = "assessment_answer"
SLOT_ASSESSMENT_ID = "assessment_id"
SLOT_STATUS = "check_status"
#: The question whose typed answer just got a "Bedoel je ...?" (not asked again in full).
SLOT_CLARIFYING = "clarifying"
FORM_NAME = "assessment_form"

STATUS_IN_PROGRESS = "in_progress"
STATUS_PAUSED = "paused"
STATUS_DONE = "done"


def answers_of(tracker: Tracker) -> dict[str, str]:
    """The answers so far; anything that is not a text-to-text mapping is ignored."""
    value: Any = tracker.get_slot(SLOT_ANSWERS)
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}


def current_question(assessment: Assessment, tracker: Tracker) -> Question | None:
    return open_question(assessment, answers_of(tracker))


def new_assessment_id() -> str:
    return uuid.uuid4().hex


def user_spoke_last(tracker: Tracker) -> bool:
    """True when the newest user message has not been handled by any action yet.

    The form also runs right after an interruption (a rule's answer) or after
    it was started; then the latest message is not an answer to the question.
    Rasa sends the form's own run along to its validation action, so that one
    does not count.
    """
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind == "action" and event.get("name") not in {"action_listen", FORM_NAME, None}:
            return False
    return False
