"""The bot's Dutch messages built from content and scores (no Rasa here).

Channels get plain data: a text and buttons with a title and a payload. The
payload carries the question id, so a tap on an old button is recognised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.advice.rules import Advice, AdviceContent
from bot.check.assessment import KIND_SCENARIO, Assessment, Option, Question
from bot.check.flow import progress
from bot.check.scoring import Result
from bot.result.view import (
    NO_FITTING_ROUTE,
    TOP_ROUTES,
    ZERO_SCORE_WORDS,
    ResultView,
    route_views,
    view_from_scores,
)

CHOICE_ENTITY = "choice"
#: A tapped FAQ topic button: /faq{"faq_topic": "salaris"}.
FAQ_TOPIC_ENTITY = "faq_topic"
#: The "Iets anders" button under a "Bedoel je ...?": none of the offered options.
OTHER_CHOICE = "_anders"
OTHER_LABEL = "Iets anders"
ANSWER_INTENT = "inform"
RESULT_TYPE = "assessment_result"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str
    #: The option's short label (at most 20 characters) for channels with small buttons.
    short: str = ""


@dataclass(frozen=True)
class BotMessage:
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)

    def as_buttons(self) -> list[dict[str, str]]:
        return [
            {"title": b.title, "payload": b.payload, **({"short": b.short} if b.short else {})}
            for b in self.buttons
        ]


def choice_value(question: Question, option: Option) -> str:
    return f"{question.id}:{option.id}"


def choice_payload(question: Question, option: Option) -> str:
    entities = json.dumps({CHOICE_ENTITY: choice_value(question, option)}, ensure_ascii=False)
    return f"/{ANSWER_INTENT}{entities}"


def parse_choice(value: Any) -> tuple[str, str] | None:
    """Split a button's ``question:option`` value; None when it is not one."""
    if not isinstance(value, str) or value.count(":") != 1:
        return None
    question_id, option_id = value.split(":")
    return (question_id, option_id) if question_id and option_id else None


def question_message(assessment: Assessment, question: Question) -> BotMessage:
    lines = []
    position = progress(assessment, question)
    if position is not None:
        lines.append(f"Vraag {position[0]} van {position[1]}")
    lines.append(question.text)
    if question.prompt:
        lines.append(question.prompt)
    buttons = tuple(Button(o.label, choice_payload(question, o), o.short) for o in question.options)
    return BotMessage("\n".join(lines), buttons)


def clarify_message(question: Question, options: tuple[Option, ...]) -> BotMessage:
    """ "Bedoel je ...?" with the one or two likely options and "Iets anders" as buttons."""
    named = " of ".join(f"'{o.label}'" for o in options)
    buttons = tuple(Button(o.label, choice_payload(question, o), o.short) for o in options)
    return BotMessage(
        f"Bedoel je {named}? Tik op je antwoord.",
        (*buttons, Button(OTHER_LABEL, other_choice_payload(question))),
    )


def other_choice_payload(question: Question) -> str:
    other = json.dumps({CHOICE_ENTITY: f"{question.id}:{OTHER_CHOICE}"}, ensure_ascii=False)
    return f"/{ANSWER_INTENT}{other}"


def is_other_choice(question: Question, payload: str) -> bool:
    """Is this the "Iets anders" button of a "Bedoel je ...?" for ``question``?"""
    return payload == other_choice_payload(question)


def hint_message(question: Question) -> str:
    """When nothing is close: say so and how to answer (fairly close gets "Bedoel je")."""
    return f"Sorry, dat antwoord begrijp ik niet. {question.hint}"


def dont_know_message(question: Question) -> str:
    """ "geen idee", "weet ik niet": that is fine; help to choose, never store a guess.

    On a scale the middle level is named as the choice for real doubt; a workplace
    scenario asks what the person would do first; other questions get their hint.
    """
    if question.scale and len(question.options) % 2 == 1:
        middle = question.options[len(question.options) // 2]
        return (
            "Dat geeft niet. Denk aan hoe het meestal gaat, op je werk of thuis. "
            f"Kies dan wat het best bij je past. Twijfel je echt? Kies dan '{middle.label}'."
        )
    if question.kind == KIND_SCENARIO:
        return f"Dat geeft niet. Kies wat jij het eerst zou doen. {question.hint}"
    return f"Dat geeft niet. {question.hint}"


def confirm_typed_message(option: Option, free_text: bool) -> str:
    if free_text:
        return f"Dank je. Ik noteer: {option.label.lower()}."
    return f"Ik noteer: {option.label}."


def why_message(assessment: Assessment, question: Question) -> str:
    if question.why:
        return question.why
    if question.group_id:
        group = assessment.group(question.group_id)
        return f"Deze vraag gaat over {group.short}. {group.why}"
    return "Met deze vraag leer ik je beter kennen, zodat het advies bij je past."


def result_text(assessment: Assessment, result: Result) -> str:
    """The result message of a finished check (the advice follows in ``advice_text``)."""
    return view_text(view_from_scores(assessment, result.scores, result.overall))


def view_text(view: ResultView) -> str:
    """The result message: overall, each group, strengths and points to develop."""
    lines = [
        "Klaar! Dit is je uitslag.",
        f"{view.band.overall_words} Je score is {view.overall} van de 100.",
        "",
        "Per onderdeel:",
    ]
    for line in view.groups:
        group = line.group
        # Plain words first, the report's name for the group in brackets (B1: docs/content.md).
        words = ZERO_SCORE_WORDS if line.is_zero else f"{line.score} ({line.band.group_words})"
        lines.append(f"- {_capitalised(group.short)} ({group.name.lower()}): {words}")
    lines += ["", f"{view.strengths_heading}:"]
    lines += [f"- {g.short}" for g in view.strengths]
    lines.append(view.strength_text(view.strengths[0]))
    lines += ["", "Hier kun je nog in groeien:"]
    lines += [f"- {g.short}" for g in view.develop]
    lines.append(view.develop[0].develop)
    return "\n".join(lines)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentences(reasons: tuple[str, ...]) -> str:
    """Reasons as short sentences: "je totaalscore is 80. Je antwoord bij ..."."""
    return " ".join(
        (reason if i == 0 else _capitalised(reason)) + "." for i, reason in enumerate(reasons)
    )


def first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end == -1 else text[: end + 1]


def advice_text(content: AdviceContent, advice: Advice) -> str:
    """The short advice under the result: top routes, fitting work, practical notes."""
    lines = []
    if advice.related_work:
        lines += [advice.related_work, ""]
    routes = route_views(content, advice.route_ids)
    if routes:
        lines.append("Mijn advies voor jou:")
        for number, route in enumerate(routes[:TOP_ROUTES], start=1):
            lines.append(f"{number}. {route.name}: {first_sentence(route.what)}")
    else:
        lines.append(NO_FITTING_ROUTE)
    if advice.roles:
        lines += ["", "Werk dat bij je past:", *(f"- {r.name}" for r in advice.roles)]
    if advice.possible:
        lines += ["", "Ook mogelijk:"]
        lines += [f"- {r.name}. {content.role(r.id).reason}" for r in advice.possible]
    if advice.practical:
        lines += ["", *advice.practical]
    more = " Typ 'meer advies' voor alle adviezen." if len(routes) > TOP_ROUTES else ""
    lines += ["", f"Typ 'waarom dit advies' voor uitleg.{more}", content.adviser]
    return "\n".join(lines)


def advice_reasons_text(content: AdviceContent, advice: Advice) -> str:
    """Per advised route and role: which answers and scores led to it."""
    lines = ["Waarom dit advies? Het volgt uit je antwoorden:"]
    for item in (*advice.routes, *advice.roles):
        because = _sentences(item.reasons) if item.reasons else "dit past bij iedereen die begint."
        lines.append(f"- {item.name}: {because}")
    for item in advice.possible:
        lines.append(f"- {item.name}: {_sentences(item.reasons)} {content.role(item.id).reason}")
    lines += ["", content.adviser]
    return "\n".join(lines)


def advice_full_text(content: AdviceContent, advice: Advice) -> str:
    """Every advised route with what it is, practical facts, source and link."""
    lines = ["Alle adviezen voor jou:"]
    routes = route_views(content, advice.route_ids)
    for route in routes:
        lines += ["", f"{route.name} ({route.level})", route.what, route.practical]
        link = f" Meer informatie: {route.link}" if route.link else ""
        lines.append(f"Bron: {route.source}.{link}")
    if not routes:
        lines.append(NO_FITTING_ROUTE)
    for title, roles in (
        ("Werk dat bij je past:", advice.roles),
        ("Ook mogelijk:", advice.possible),
    ):
        if roles:
            lines += ["", title]
            for item in roles:
                role = content.role(item.id)
                lines.append(
                    " ".join(part for part in (f"- {role.name}:", role.what, role.reason) if part)
                )
    lines += ["", content.adviser]
    return "\n".join(lines)


def result_payload(result: Result, routes: list[str] | None = None) -> dict[str, Any]:
    """The fixed custom message that channels and tests rely on."""
    return {
        "type": RESULT_TYPE,
        "scores": dict(result.scores),
        "overall": result.overall,
        "routes": list(routes or []),
        "completed": True,
    }
