"""Apply one answer to the check: decide the option, keep the store in step.

This is the logic behind the form's validation, kept free of Rasa so it can
be tested directly. The caller passes the button value (if a button was
pressed) and the typed text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.answers import Outcome, normalize, parse_answer
from bot.assessment import Assessment, Question
from bot.flow import consent_given, open_question
from bot.messages import confirm_typed_message, hint_message, parse_choice
from bot.store import ResultsStore, StoreError

logger = logging.getLogger(__name__)


#: Intents that, while a question is open, mean "not an answer": a rule
#: answers them and the question is asked again.
META_INTENTS = frozenset(
    {"greet", "goodbye", "thanks", "bot_challenge", "help", "ask_why", "go_back", "pause",
     "delete_data", "faq", "ask_advice_why", "more_advice", "share_code", "withdraw_code",
     "show_my_data"}
)  # fmt: skip
QUESTION_WORDS = frozenset(
    {"wat", "hoe", "hoeveel", "waarom", "wanneer", "waar", "wie", "welke", "welk", "is", "kan",
     "kun", "mag", "moet", "heb", "heeft", "ben", "zijn", "krijg", "verdien", "wordt"}
)  # fmt: skip
#: How a typed text can name an option so plainly that no intent overrules it.
PLAIN_ANSWER_VIA = frozenset({"number", "text"})


def counts_as_answer(question: Question | None, intent: str | None, text: str) -> bool:
    """Should this message be treated as an answer to the open question?

    Everything is an answer attempt except the meta intents; but a text that
    is exactly an option's number or label ("2", "Klopt") is an answer even
    when the NLU thinks otherwise.
    """
    if intent not in META_INTENTS:
        return True
    if question is None or looks_like_question(text):
        return False
    parsed = parse_answer(question, text)
    if parsed.via in PLAIN_ANSWER_VIA:
        return True
    # "ik werkte in een callcenter" may look like a question about the work to
    # the NLU; when it clearly names an option, it is an answer.
    return intent == "faq" and parsed.matched and parsed.via != "free text"


def looks_like_question(text: str) -> bool:
    """A question mark, or a Dutch question word first: "wat verdien je?"."""
    words = normalize(text).split()
    return text.strip().endswith("?") or bool(words and words[0] in QUESTION_WORDS)


@dataclass(frozen=True)
class AnswerStep:
    """What one user turn did: the new answers and what to say first."""

    answers: dict[str, str]
    accepted: bool
    messages: tuple[str, ...] = field(default_factory=tuple)


def apply_answer(
    assessment: Assessment,
    answers: Mapping[str, str],
    choice: str | None,
    text: str,
) -> AnswerStep:
    """Turn a button value or typed text into an answer for the open question."""
    question = open_question(assessment, answers)
    if question is None:
        return AnswerStep(dict(answers), accepted=False)
    picked = parse_choice(choice) if choice else None
    if picked is not None:
        question_id, option_id = picked
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
    if not parsed.matched or parsed.option is None:
        ambiguous = parsed.outcome is Outcome.AMBIGUOUS
        return AnswerStep(
            dict(answers), accepted=False, messages=(hint_message(question, ambiguous),)
        )
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
        logger.exception("results store unavailable; answers kept in the conversation")


def previous_answer_removed(
    store: ResultsStore, assessment: Assessment, assessment_id: str, question: Question
) -> None:
    """Remove a stored answer after "terug"; the store follows the conversation."""
    try:
        if question.id == assessment.consent.id:
            store.delete_assessment(assessment_id)
        else:
            store.remove_answer(assessment_id, question.id)
    except StoreError:
        logger.exception("results store unavailable while going back")
