"""A Rasa NLU component: clear request words and questions decide the intent.

Placed last in config.yml's pipeline. A message with clear words for a
request ("pauze", "vorige vraag", "wis mijn gegevens") gets that intent, so
the rule that answers it always sees the request that was meant, in the
check and outside it. A message that reads as a question but was classified
as an answer, a yes/no or a goodbye ("kan ik later doorgroeien?"), or that DIET gave to a request
without that request's words while the FAQ topic model is confident, is sent
to the FAQ instead, where the closest topics are offered when unsure. The
decision itself lives in :mod:`bot.understanding.requests` (no Rasa there).

Its ``load`` is also where Rasa's speed-ups are installed
(:mod:`bot.rasa_integration.speedups`): Rasa calls it when it loads our model,
in every process that answers users, before the first message.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_integration.speedups import install_at_rasa_start
from bot.understanding.faq_topics import rank_topics
from bot.understanding.faq_topics import warm_up as warm_up_topics
from bot.understanding.normalise import normalize
from bot.understanding.requests import (
    HELP,
    MY_DATA,
    QUESTION,
    WHY,
    explicit_request,
    looks_like_question,
    mentions_personal_data,
    starts_with_question_word,
)

#: Intents a question is never meant as: such a question goes to the FAQ.
NOT_A_QUESTION = frozenset({"inform", "affirm", "deny", "goodbye", "nlu_fallback"})
#: Intents DIET often gives a question about the work ("wat verdien je ermee" as ask_why).
#: Their own requests have clear words (bot/understanding/requests.py);
#: without those words, a question
#: that the FAQ topic model places with confidence goes to the FAQ.
OFTEN_MISTAKEN = frozenset(
    {"ask_why", "help", "pause", "go_back", "delete_data", "ask_advice_why", "more_advice"}
)  # fmt: skip
OUT_OF_SCOPE = "out_of_scope"
BOT_CHALLENGE = "bot_challenge"
#: Words of a question about the bot itself ("wat ben jij", "praat ik met een mens").
ABOUT_THE_BOT = frozenset(
    {"jij", "je", "jou", "u", "bot", "robot", "chatbot", "mens", "computer", "ai", "persoon",
     "echt", "automatisch", "machine", "programma"}
)  # fmt: skip
#: How sure the topic model must be to overrule such an intent.
TOPIC_SURE = 0.5
#: Words by which "waarom ..." points at our question or the person: "waarom wil je dat weten".
ABOUT_OUR_QUESTION = frozenset(
    {"ik", "mijn", "me", "mij", "jou", "je", "jij", "u", "wil", "vraag", "vraagt", "vragen", "dit",
     "dat", "deze", "weten", "check", "test", "antwoord", "antwoorden", "invullen", "nodig"}
)  # fmt: skip
WHY_ABOUT_THE_WORK_WORDS = 6
#: "kun je dat uitleggen" after this many words is a question about what came before.
STORY_WORDS = 15


def decided_intent(text: str, intent: str | None) -> str | None:
    """The intent our rules put in place of the NLU's, or None to keep it."""
    if not text or text.startswith("/"):
        return None  # a button payload carries its own intent
    explicit = explicit_request(text)
    if explicit == WHY and _why_about_the_work(text):
        return QUESTION  # "waarom hebben callcenters vaak korte contracten": not about our question
    if explicit == HELP and _a_story_about_the_work(text):
        return (
            QUESTION  # "... mijn coach noemt klantcontact, wat doe je daar? kun je dat uitleggen?"
        )
    if explicit is not None:
        return explicit if explicit != intent else None
    if intent == MY_DATA and not mentions_personal_data(text):
        # "mijn kat heet Pip, wat vind je daarvan?" is no request for one's data
        return QUESTION if looks_like_question(text) else OUT_OF_SCOPE
    if not looks_like_question(text):
        return None
    if intent in NOT_A_QUESTION:
        return QUESTION
    if intent in OFTEN_MISTAKEN and rank_topics(text)[0][1] >= TOPIC_SURE:
        return QUESTION
    if (
        intent == BOT_CHALLENGE  # "wat is dat voor werk eigenlijk" is no question about the bot
        and starts_with_question_word(text)
        and not ABOUT_THE_BOT & set(normalize(text).split())
        and rank_topics(text)[0][1] >= TOPIC_SURE
    ):
        return QUESTION
    return None


def _why_about_the_work(text: str) -> bool:
    """ "waarom ..." about the work itself: no word points at our question or the person.

    The FAQ then answers, or offers the closest topics when unsure.
    """
    words = normalize(text).split()
    return len(words) >= WHY_ABOUT_THE_WORK_WORDS and not ABOUT_OUR_QUESTION & set(words)


def _a_story_about_the_work(text: str) -> bool:
    """A long message that asks to explain something the topic model places with confidence."""
    return len(normalize(text).split()) >= STORY_WORDS and rank_topics(text)[0][1] >= TOPIC_SURE


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ClearRequests(GraphComponent):
    """Override the intent for clear requests and for questions read as answers."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ClearRequests:
        return cls()

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ClearRequests:
        """Rasa loads our model through here (``rasa run``, ``rasa shell``, the bench's
        profile): the one hook for the speed-ups, which refuses another Rasa version."""
        install_at_rasa_start()
        warm_up_topics()  # before the first message: training takes seconds (faq_topics)
        return cls.create(config, model_storage, resource, execution_context)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            current = message.get(INTENT) or {}
            replacement = decided_intent(message.get(TEXT) or "", current.get("name"))
            if replacement is None:
                continue
            chosen = {"name": replacement, "confidence": 1.0}
            ranking = [
                r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != replacement
            ]
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
        return messages
