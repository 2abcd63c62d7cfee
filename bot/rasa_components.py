"""A Rasa NLU component: clear request words and questions decide the intent.

Placed last in config.yml's pipeline. A message with clear words for a
request ("pauze", "vorige vraag", "wis mijn gegevens") gets that intent, so
the rule that answers it always sees the request that was meant, in the
check and outside it. A message that reads as a question but was classified
as an answer, a yes/no or a goodbye ("kan ik later doorgroeien?") is sent
to the FAQ instead, where the closest topics are offered when unsure. The
decision itself lives in :mod:`bot.requests` (no Rasa there).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.requests import QUESTION, explicit_request, looks_like_question

#: Intents a question is never meant as: such a question goes to the FAQ.
NOT_A_QUESTION = frozenset({"inform", "affirm", "deny", "goodbye", "nlu_fallback"})


def decided_intent(text: str, intent: str | None) -> str | None:
    """The intent our rules put in place of the NLU's, or None to keep it."""
    if not text or text.startswith("/"):
        return None  # a button payload carries its own intent
    explicit = explicit_request(text)
    if explicit is not None:
        return explicit if explicit != intent else None
    if looks_like_question(text) and intent in NOT_A_QUESTION:
        return QUESTION
    return None


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
