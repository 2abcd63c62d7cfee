"""Score the answer-or-request decision and the FAQ topics on a labelled set.

Pure functions over the items and an ``intent_of`` callable, so the same
code runs with Rasa's trained NLU (`make nlu-eval`) or without it (quick
development runs with ``--no-rasa``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.check.assessment import Assessment
from bot.understanding.answer_or_request import read_turn
from bot.understanding.answer_parser import Outcome
from bot.understanding.faq_topics import choose_topic, offer_for_unplaced
from bot.understanding.requests import FLOW_REQUESTS

#: (intent name, confidence) for a text, as Rasa's NLU would give it.
IntentOf = Callable[[str], tuple[str | None, float]]
REQUEST_PREFIX = "request:"
ASK = "ask"
OUT_OF_SCOPE = "out_of_scope"
#: Intents whose own reply (outside the check) answers a topic of the FAQ, so a question sent
#: there is answered. Each was credited from the round named; `make nlu-eval` also prints the
#: scoring of every earlier round, down to none credited (docs/nlu.md has them all).
#: - third round: the share-code reply says how the adviser sees the result and points to
#:   werk.nl; the reply to "ben je een mens?" / "ik wil een mens spreken" says to ask the UWV
#:   adviser via werk.nl.
#: - fourth round: "kan ik pauzeren?" with no check going on gets the check-length topic
#:   itself (action_pause_without_check); "wat weet je van mij" shows exactly what is kept and
#:   how to erase it; "kan ik mijn gegevens laten wissen" gets the offer to erase them.
ANSWERED_BY_OWN_RULE: dict[str, tuple[str, str]] = {
    "share_code": ("adviseur", "third"),
    "bot_challenge": ("adviseur", "third"),
    "pause": ("duur_check", "fourth"),
    "show_my_data": ("mijn_gegevens", "fourth"),
    "delete_data": ("mijn_gegevens", "fourth"),
}
#: The rounds in order; scoring "as of" a round credits that round's rules and earlier ones.
ROUNDS = ("none", "third", "fourth")
#: A goodbye during the check pauses it, just as a pause does.
SAME_RULE = {"pause", "goodbye"}
#: Requests that would leave the question: the bot must never do this for an answer.
LEAVING = FLOW_REQUESTS


def load_items(path: Path) -> list[dict[str, Any]]:
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["items"])


@dataclass
class AnswerScores:
    answers: int = 0
    understood: int = 0
    stored_right: int = 0
    clarified_right: int = 0
    wrong_stored: int = 0
    taken_as_leaving: int = 0
    taken_as_other_request: int = 0
    asks: int = 0
    asks_right: int = 0
    requests: int = 0
    requests_recognised: int = 0
    requests_right_kind: int = 0
    misses: list[str] = field(default_factory=list)

    def rates(self) -> dict[str, float]:
        return {
            "typed answers understood": _rate(self.understood, self.answers),
            "wrong option stored silently": _rate(self.wrong_stored, self.answers + self.asks),
            "answers taken as pause, back or erase": float(self.taken_as_leaving),
            "answers taken as another request": float(self.taken_as_other_request),
            "unclear answers not guessed": _rate(self.asks_right, self.asks),
            "real requests recognised": _rate(self.requests_recognised, self.requests),
            "requests sent to the right rule": _rate(self.requests_right_kind, self.requests),
        }


@dataclass
class FaqScores:
    questions: int = 0
    first_right: int = 0
    offered_right: int = 0
    out_of_scope: int = 0
    out_of_scope_right: int = 0
    offers_made: int = 0
    misses: list[str] = field(default_factory=list)

    def rates(self) -> dict[str, float]:
        return {
            "FAQ: right topic answered or first offered": _rate(self.first_right, self.questions),
            "FAQ: right topic among the offered": _rate(self.offered_right, self.questions),
            "FAQ: share of questions answered with buttons": _rate(
                self.offers_made, self.questions
            ),
            "out of scope: no topic answered": _rate(self.out_of_scope_right, self.out_of_scope),
        }


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def score_answers(
    assessment: Assessment, items: list[dict[str, Any]], intent_of: IntentOf
) -> AnswerScores:
    scores = AnswerScores()
    for item in items:
        question = assessment.question(str(item["q"]))
        if question is None:
            raise ValueError(f"unknown question {item['q']!r}")
        text, expect = str(item["text"]), str(item["expect"])
        intent, confidence = intent_of(text)
        reading = read_turn(question, text, intent, confidence)
        parsed = reading.parsed
        shown = _describe(reading)
        if expect.startswith(REQUEST_PREFIX):
            scores.requests += 1
            wanted = expect[len(REQUEST_PREFIX) :]
            if reading.request is not None:
                scores.requests_recognised += 1
                if reading.request == wanted or {reading.request, wanted} == SAME_RULE:
                    scores.requests_right_kind += 1
                else:
                    scores.misses.append(f"request {wanted} went to {reading.request}: {text!r}")
            else:
                scores.misses.append(f"request {wanted} read as {shown} [{question.id}]: {text!r}")
            continue
        if reading.request is not None:
            if reading.request in LEAVING:
                scores.taken_as_leaving += 1
            else:
                scores.taken_as_other_request += 1
        stored = (
            parsed.option.id if reading.is_answer and parsed.matched and parsed.option else None
        )
        first = (
            parsed.candidates[0].id
            if reading.is_answer and parsed.outcome is Outcome.CLARIFY and parsed.candidates
            else None
        )
        if expect == ASK:
            scores.asks += 1
            if stored is None and reading.request not in LEAVING:
                scores.asks_right += 1
            else:
                scores.wrong_stored += stored is not None
                scores.misses.append(f"unclear, but {shown} [{question.id}]: {text!r}")
            continue
        scores.answers += 1
        if stored == expect:
            scores.understood += 1
            scores.stored_right += 1
        elif stored is None and first == expect:
            scores.understood += 1
            scores.clarified_right += 1
        else:
            scores.wrong_stored += stored is not None
            scores.misses.append(f"expected {expect}, {shown} [{question.id}]: {text!r}")
    return scores


def _describe(reading: Any) -> str:
    if reading.request is not None:
        return f"request {reading.request}"
    parsed = reading.parsed
    if parsed.matched and parsed.option is not None:
        return f"stored {parsed.option.id} (via {parsed.via})"
    if parsed.outcome is Outcome.CLARIFY:
        return "asked 'Bedoel je' " + "/".join(o.id for o in parsed.candidates)
    return f"asked again ({parsed.outcome.value})"


def credited_rules(as_of: str = ROUNDS[-1]) -> dict[str, str]:
    """Intent -> topic its reply answers, for the rules credited by round ``as_of``."""
    rounds = ROUNDS[: ROUNDS.index(as_of) + 1]
    return {i: topic for i, (topic, since) in ANSWERED_BY_OWN_RULE.items() if since in rounds}


def score_faq(
    items: list[dict[str, Any]], intent_of: IntentOf, as_of: str = ROUNDS[-1]
) -> FaqScores:
    """As the bot answers outside the check: the NLU says *that*, the topic model says *which*.

    ``as_of`` scores as in an earlier round: "none" counts every question that one of our own
    rules answered (share code, "ben je een mens", pausing, my data) as a miss.
    """
    credited = credited_rules(as_of)
    scores = FaqScores()
    for item in items:
        text, topic = str(item["text"]), str(item["topic"])
        intent, _ = intent_of(text)
        if intent in ANSWERED_BY_OWN_RULE:
            # Their replies are no FAQ answer to an out-of-scope question ("ben je een robot?").
            own = intent in credited and topic != OUT_OF_SCOPE
            answered, offered = (credited[intent] if own else None), ()
        elif intent == OUT_OF_SCOPE:
            answered, offered = None, offer_for_unplaced(text)  # action_out_of_scope
        elif intent is not None and intent != "faq":
            answered, offered = None, ()
        else:
            choice = choose_topic(text)
            answered, offered = choice.answer, choice.offered
        if topic == OUT_OF_SCOPE:
            scores.out_of_scope += 1
            if answered is None:
                scores.out_of_scope_right += 1
            else:
                scores.misses.append(f"out of scope, answered {answered}: {text!r}")
            continue
        scores.questions += 1
        scores.offers_made += answered is None and bool(offered)
        first = answered or (offered[0] if offered else None)
        if first == topic:
            scores.first_right += 1
        if answered == topic or (answered is None and topic in offered):
            scores.offered_right += 1
        if first != topic:
            what = f"answered {answered}" if answered else f"offered {list(offered)}"
            scores.misses.append(f"{topic}: intent {intent}, {what}: {text!r}")
    return scores


def kind_counts(items: list[dict[str, Any]]) -> Counter[str]:
    return Counter(str(i.get("expect", i.get("topic"))).split(":")[0] for i in items)
