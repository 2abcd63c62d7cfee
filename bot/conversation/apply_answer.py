"""Apply one answer to the check: decide the option, keep the store in step.

This is the logic behind the form's validation, kept free of Rasa so it can
be tested directly. The caller passes the button value (if a button was
pressed) and the typed text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.check.assessment import Assessment, Option, Question
from bot.check.flow import consent_given, open_question
from bot.conversation.messages import (
    OTHER_CHOICE,
    confirm_typed_message,
    dont_know_message,
    hint_message,
    parse_choice,
)
from bot.observability import metrics
from bot.storage.results_store import ResultsStore, StoreError
from bot.understanding.answer_parser import DONT_KNOW_VIA, Outcome, parse_answer
from bot.understanding.clarify import Offer, read_reply

logger = logging.getLogger(__name__)


SOMETHING_ELSE = "Geen probleem. Kies het antwoord dat past, of typ het op een andere manier."


@dataclass(frozen=True)
class AnswerStep:
    """What one user turn did: the new answers and what to say first."""

    answers: dict[str, str]
    accepted: bool
    messages: tuple[str, ...] = field(default_factory=tuple)
    #: Options to offer as "Bedoel je ...?" when the typed answer was only fairly clear.
    clarify: tuple[Option, ...] = field(default_factory=tuple)


def apply_answer(
    assessment: Assessment,
    answers: Mapping[str, str],
    choice: str | None,
    text: str,
    offer: Offer | None = None,
) -> AnswerStep:
    """Turn a button value or typed text into an answer for the open question.

    ``offer`` is the "Bedoel je ...?" the bot just asked, if any: "ja", "nee"
    or a button's number then refer to it. Accepted answers (tapped or typed) and
    "Bedoel je ...?" questions are counted here, the one place every answer passes.
    """
    step = _decide(assessment, answers, choice, text, offer)
    if step.accepted:
        metrics.answer_accepted(tapped=bool(choice))
    if step.clarify:
        metrics.clarification_asked()
    return step


def _decide(
    assessment: Assessment,
    answers: Mapping[str, str],
    choice: str | None,
    text: str,
    offer: Offer | None,
) -> AnswerStep:
    question = open_question(assessment, answers)
    if question is None:
        return AnswerStep(dict(answers), accepted=False)
    reply = None if choice else read_reply(question, offer, text)
    if reply is not None and reply.none_of_these:
        return AnswerStep(dict(answers), accepted=False, messages=(SOMETHING_ELSE,))
    if reply is not None and reply.which_one:
        return AnswerStep(dict(answers), accepted=False, clarify=reply.which_one)
    if reply is not None and reply.option is not None:
        confirmation = confirm_typed_message(reply.option, free_text=False)
        return AnswerStep({**answers, question.id: reply.option.id}, True, (confirmation,))
    picked = parse_choice(choice) if choice else None
    if picked is not None:
        question_id, option_id = picked
        if question_id == question.id and option_id == OTHER_CHOICE:
            return AnswerStep(dict(answers), accepted=False, messages=(SOMETHING_ELSE,))
        option = question.option(option_id) if question_id == question.id else None
        if option is None:
            return AnswerStep(
                dict(answers),
                accepted=False,
                messages=(
                    "Die knop hoort bij een andere vraag. Kies een antwoord bij deze vraag.",
                ),
            )
        return AnswerStep({**answers, question.id: option.id}, accepted=True)
    parsed = parse_answer(question, text)
    if parsed.outcome is Outcome.CLARIFY and parsed.candidates:
        return AnswerStep(dict(answers), accepted=False, clarify=parsed.candidates)
    if parsed.via == DONT_KNOW_VIA:
        return AnswerStep(dict(answers), accepted=False, messages=(dont_know_message(question),))
    if not parsed.matched or parsed.option is None:
        return AnswerStep(dict(answers), accepted=False, messages=(hint_message(question),))
    confirmation = confirm_typed_message(parsed.option, free_text=parsed.via == "free text")
    return AnswerStep({**answers, question.id: parsed.option.id}, True, (confirmation,))


def sync_store(
    store: ResultsStore,
    assessment: Assessment,
    assessment_id: str,
    person: str,
    before: Mapping[str, str],
    after: Mapping[str, str],
) -> None:
    """Write the newest answer when consent is given; forget all when it is withdrawn.

    A failing store never stops the check: the answers stay in the
    conversation and are written in full when the check completes.
    """
    try:
        if consent_given(assessment, after):
            if not consent_given(assessment, before):
                store.start_assessment(assessment_id, person, assessment.version)
            for question_id, option_id in after.items():
                if before.get(question_id) != option_id:
                    question = assessment.question(question_id)
                    option = question.option(option_id) if question else None
                    if question is not None and option is not None:
                        store.record_answer(assessment_id, question_id, option_id, option.points)
        elif consent_given(assessment, before):
            store.delete_assessment(assessment_id)
    except StoreError:
        metrics.error("store")
        logger.exception("results store unavailable; answers kept in the conversation")


def remove_previous_answer(
    store: ResultsStore, assessment: Assessment, assessment_id: str, question: Question
) -> None:
    """Remove a stored answer after "terug"; the store follows the conversation."""
    try:
        if question.id == assessment.consent.id:
            store.delete_assessment(assessment_id)
        else:
            store.remove_answer(assessment_id, question.id)
    except StoreError:
        metrics.error("store")
        logger.exception("results store unavailable while going back")


def unfinished_check_removed(store: ResultsStore, assessment_id: str) -> None:
    """Forget the answers of a check the person starts over ("opnieuw beginnen")."""
    try:
        store.delete_assessment(assessment_id)
    except StoreError:
        metrics.error("store")
        logger.exception("results store unavailable while starting over")
