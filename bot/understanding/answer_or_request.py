"""While a question is open: is this message an answer, or a request?

The answer comes first. A message that plausibly answers the open question
is an answer. It leaves the question only for a clear request: pausing,
going back or erasing (clear words only, :mod:`bot.understanding.requests`), asking why,
asking for help, asking about one's data, or a question (a question word, a
question mark, or a verb before its subject) that is not itself an answer.
The NLU's intent counts only for requests that change nothing, only when it
is confident and the message is no answer at all, and a question about the
work must also read as a question: the NLU calls many an explaining answer
("kan met iedereen opschieten") a question about the work.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.check.assessment import Question
from bot.understanding.answer_parser import DONT_KNOW_VIA, Outcome, ParsedAnswer, parse_answer
from bot.understanding.requests import (
    FLOW_REQUESTS,
    MY_DATA,
    QUESTION,
    asks_in_general,
    explicit_request,
    looks_like_question,
    mentions_personal_data,
    starts_like_question,
    starts_with_question_word,
)

#: Intents that, when confident, make a non-answer a request; none of them changes the flow.
GENTLE_REQUEST_INTENTS = frozenset(
    {"greet", "thanks", "bot_challenge", "help", "ask_why", "faq", "ask_advice_why",
     "more_advice", "share_code", "withdraw_code", "show_my_data"}
)  # fmt: skip
#: Every intent a message during the check can be sent to instead of the answer.
REQUEST_INTENTS = GENTLE_REQUEST_INTENTS | FLOW_REQUESTS | {QUESTION}
#: Pausing and going back may also come from a very sure NLU, but only for a message that
#: is no answer at all; erasing always needs clear words.
NLU_FLOW_REQUESTS = frozenset({"pause", "goodbye", "go_back"})
FLOW_CONFIDENCE = 0.97
#: How sure the NLU must be before a non-answer counts as one of those requests.
GENTLE_CONFIDENCE = 0.80
#: Intents of a question that opens like one ("kan ik thuiswerken"), and how sure the NLU must be.
QUESTION_INTENTS = frozenset({"faq", "ask_why", "help", "show_my_data"})
QUESTION_CONFIDENCE = 0.6
#: Parses that name an option so plainly that nothing overrules them.
PLAIN_VIA = frozenset({"number", "text"})


@dataclass(frozen=True)
class TurnReading:
    """How one message during the check is read."""

    parsed: ParsedAnswer
    #: The intent of the request when the message is not an answer; None for an answer.
    request: str | None = None

    @property
    def is_answer(self) -> bool:
        return self.request is None


def read_turn(
    question: Question, text: str, intent: str | None = None, confidence: float = 0.0
) -> TurnReading:
    """Decide whether ``text`` answers ``question`` or asks for something else."""
    parsed = parse_answer(question, text)
    if parsed.via in PLAIN_VIA and parsed.outcome is not Outcome.UNKNOWN:
        return TurnReading(parsed)
    explicit = explicit_request(text)
    if explicit is not None:
        return TurnReading(parsed, explicit)
    if parsed.via == DONT_KNOW_VIA:
        return TurnReading(parsed)  # "geen idee" replies to the question: it asks nothing
    if intent == MY_DATA and not mentions_personal_data(text):
        intent = QUESTION  # "mijn kat heet Pip, wat vind je daarvan?" asks for no data
    plausible = parsed.outcome in {Outcome.MATCHED, Outcome.CLARIFY}
    if starts_with_question_word(text):
        return TurnReading(parsed, _question_intent(intent))
    if looks_like_question(text) and not plausible:
        return TurnReading(parsed, _question_intent(intent))
    if asks_in_general(text) and not parsed.matched:
        return TurnReading(parsed, _question_intent(intent))
    if starts_like_question(text) and (
        "?" in text
        or (not plausible and intent in QUESTION_INTENTS and confidence >= QUESTION_CONFIDENCE)
    ):
        return TurnReading(parsed, _question_intent(intent))
    if (
        parsed.outcome in {Outcome.UNKNOWN, Outcome.EMPTY}
        and intent in NLU_FLOW_REQUESTS
        and confidence >= FLOW_CONFIDENCE
    ):
        return TurnReading(parsed, intent)  # "ik heb nu echt geen tijd meer" (no answer at all)
    if (
        not plausible
        and intent in GENTLE_REQUEST_INTENTS
        and intent != QUESTION  # a question about the work must read as a question
        and confidence >= GENTLE_CONFIDENCE
    ):
        return TurnReading(parsed, intent)
    return TurnReading(parsed)


def _question_intent(intent: str | None) -> str:
    """A question goes to the rule the NLU chose when that is a gentle one, else to the FAQ."""
    return intent if intent in GENTLE_REQUEST_INTENTS else QUESTION
