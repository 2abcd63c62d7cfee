"""The bot's reply to a question about the work: one answer, or a choice of topics.

A tapped topic button or a clear question gets the answer from
``bot/content/facts.yml``. A question that could be two or three topics gets
those topics as buttons ("Waar gaat je vraag over?"), never the wrong answer.
"Heb ik iets aan mijn werk in de winkel?" also gets the carry-over text for
that kind of work from ``bot/content/advice.yml``.
"""

from __future__ import annotations

import json

from bot.advice.faq import Topic, render_answer
from bot.advice.rules import AdviceContent
from bot.check.assessment import Assessment
from bot.conversation.messages import FAQ_TOPIC_ENTITY, BotMessage, Button
from bot.understanding.answer_parser import clearly_named_option
from bot.understanding.faq_topics import choose_topic, offer_for_unplaced

#: The topic whose answer adds what the person's own work brings.
EXPERIENCE_TOPIC = "ervaring"
OCCUPATION_QUESTION = "beroep"
WHICH_TOPIC = "Waar gaat je vraag over? Kies een onderwerp, of stel je vraag anders."
NO_TOPIC = (
    "Daar heb ik geen antwoord op. Ik weet veel over werk in klantcontact, zoals salaris, "
    "werktijden, opleidingen en doorgroeien. Voor andere vragen kun je terecht op werk.nl "
    "of bij je adviseur van UWV."
)

#: A message the NLU placed outside the work that is still close to some topics.
NOT_PLACED = (
    "Die vraag kan ik niet goed plaatsen. Gaat het over een van deze onderwerpen? Tik erop. "
    "Gaat het over iets anders? Daar kan ik je niet mee helpen. Kijk dan op werk.nl."
)

#: "kan ik pauzeren?" with no check going on: answered with the topic on the check's length.
PAUSE_TOPIC = "duur_check"
NOTHING_TO_PAUSE = "Er staat nu geen vraag open."
GO_ON = "Typ 'verder' om door te gaan met de check."


TOPIC_PAYLOAD_START = "/faq{"


def topic_payload(topic: Topic) -> str:
    return "/faq" + json.dumps({FAQ_TOPIC_ENTITY: topic.id}, ensure_ascii=False)


def is_topic_payload(payload: str) -> bool:
    """A button that picks a topic ("Waar gaat je vraag over?")."""
    return payload.startswith(TOPIC_PAYLOAD_START)


def faq_reply(
    text: str,
    tapped_topic: str | None,
    topics: tuple[Topic, ...],
    assessment: Assessment,
    advice: AdviceContent,
) -> BotMessage:
    """Answer the question, offer the closest topics, or say there is no answer."""
    by_id = {t.id: t for t in topics}
    if tapped_topic in by_id:
        return BotMessage(_answer(by_id[tapped_topic], text, assessment, advice))
    choice = choose_topic(text)
    if choice.answer in by_id:
        return BotMessage(_answer(by_id[choice.answer], text, assessment, advice))
    offered = [by_id[t] for t in choice.offered if t in by_id]
    if not offered:
        return BotMessage(NO_TOPIC)
    return BotMessage(WHICH_TOPIC, tuple(Button(t.title, topic_payload(t)) for t in offered))


def out_of_scope_reply(text: str, topics: tuple[Topic, ...]) -> BotMessage | None:
    """The closest topics as buttons for a message the NLU placed outside the work.

    None when no topic is close: then the plain out-of-scope reply fits.
    """
    by_id = {t.id: t for t in topics}
    offered = [by_id[t] for t in offer_for_unplaced(text) if t in by_id]
    if not offered:
        return None
    return BotMessage(NOT_PLACED, tuple(Button(t.title, topic_payload(t)) for t in offered))


def _answer(topic: Topic, text: str, assessment: Assessment, advice: AdviceContent) -> str:
    answer = render_answer(topic, assessment)
    if topic.id != EXPERIENCE_TOPIC:
        return answer
    question = assessment.question(OCCUPATION_QUESTION)
    work = clearly_named_option(question, text) if question is not None else None
    if work is None:
        return answer
    carry_over = advice.related_work.get(work.id)
    return f"{carry_over}\n{answer}" if carry_over else answer


def nothing_to_pause_reply(topics: tuple[Topic, ...], assessment: Assessment) -> str:
    """ "kan ik stoppen en later verder?" outside the check: yes, and how long it takes."""
    by_id = {t.id: t for t in topics}
    parts = [NOTHING_TO_PAUSE]
    if PAUSE_TOPIC in by_id:
        parts.append(render_answer(by_id[PAUSE_TOPIC], assessment))
    parts.append(GO_ON)
    return " ".join(parts)
