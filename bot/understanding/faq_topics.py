"""Which question about the work was asked: answer it, or offer the closest topics.

Rasa's NLU decides *that* a message is a question about the work (intent
``faq``); this module decides *which* one, from the example questions in
``data/nlu/faq.yml`` and ``bot/content/faq_examples.yml``. When it is not sure it
does not answer the wrong topic: it offers the two or three closest topics as
buttons. The model is a linear classifier on character n-grams and words. It
takes about 6 s to train on 2,900 questions, so Rasa trains it when it loads our
model (:mod:`bot.rasa_integration.nlu_components`) and keeps it in ``var/cache``;
the action server then loads that file in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bot.config import get_settings
from bot.content_files import PROJECT_ROOT
from bot.understanding.normalise import normalize
from bot.understanding.text_classifier import cached_text_classifier

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

FAQ_EXAMPLES_FILE = PROJECT_ROOT / "data" / "nlu" / "faq.yml"
#: More questions per topic for the topic model only (Rasa does not read bot/content/).
TOPIC_ONLY_EXAMPLES_FILE = PROJECT_ROOT / "bot" / "content" / "faq_examples.yml"
FAQ_INTENT = "faq"
#: Answer outright when the best topic is this likely and clearly ahead of the next.
ANSWER_PROBABILITY = 0.5
ANSWER_LEAD = 0.18
#: Topics below this are not worth offering; below it for the best one, nothing fits.
OFFER_PROBABILITY = 0.05
MAX_OFFERED = 3
#: A message the NLU did not take for a question about the work ("kan ik met mijn laptop thuis
#: werken" as out of scope) still gets the closest topics as buttons when the best is this likely.
UNPLACED_OFFER_PROBABILITY = 0.4


@dataclass(frozen=True)
class TopicChoice:
    """What to do with a question: answer one topic, offer a few, or neither."""

    answer: str | None
    offered: tuple[str, ...] = ()
    ranked: tuple[tuple[str, float], ...] = ()


def load_examples(path: Path = FAQ_EXAMPLES_FILE) -> dict[str, list[str]]:
    """Topic id -> example questions, from Rasa's NLU file (intent faq, metadata topic)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples: dict[str, list[str]] = {}
    for block in raw.get("nlu", []):
        topic = (block.get("metadata") or {}).get("topic")
        if block.get("intent") != FAQ_INTENT or not isinstance(topic, str):
            continue
        lines = [line.strip() for line in str(block.get("examples", "")).splitlines()]
        examples.setdefault(topic, []).extend(
            line[2:].strip() for line in lines if line.startswith("- ")
        )
    return examples


def rank_topics(text: str) -> tuple[tuple[str, float], ...]:
    """Every topic with its probability for ``text``, most likely first."""
    model = _model()
    probabilities = model.predict_proba([normalize(text)])[0]
    return tuple(
        sorted(
            ((str(t), float(p)) for t, p in zip(model.classes_, probabilities, strict=True)),
            key=lambda pair: pair[1],
            reverse=True,
        )
    )


def choose_topic(text: str) -> TopicChoice:
    """Answer when one topic is clearly meant; otherwise offer the closest ones."""
    ranked = rank_topics(text)
    (best, p_best), (_, p_second) = ranked[0], ranked[1]
    if p_best >= ANSWER_PROBABILITY and p_best - p_second >= ANSWER_LEAD:
        return TopicChoice(best, (), ranked)
    offered = tuple(t for t, p in ranked[:MAX_OFFERED] if p >= OFFER_PROBABILITY)
    return TopicChoice(None, offered, ranked)


def offer_for_unplaced(text: str) -> tuple[str, ...]:
    """Topics worth offering for a message the NLU placed outside the work, or none.

    Never an answer: the person taps a topic or asks again, so a real
    out-of-scope question ("hoeveel verdient een programmeur") is not
    answered with our salary facts.
    """
    ranked = rank_topics(text)
    if ranked[0][1] < UNPLACED_OFFER_PROBABILITY:
        return ()
    return tuple(t for t, p in ranked[:MAX_OFFERED] if p >= OFFER_PROBABILITY)


def load_topic_only_examples(path: Path = TOPIC_ONLY_EXAMPLES_FILE) -> dict[str, list[str]]:
    """Topic id -> more example questions that only the topic model learns from."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    topics = raw.get("topics") or {}
    return {
        str(topic): [str(q).strip() for q in questions or []] for topic, questions in topics.items()
    }


def all_examples() -> dict[str, list[str]]:
    """What the topic model learns from: Rasa's FAQ examples and the topic-only ones."""
    examples = load_examples()
    for topic, questions in load_topic_only_examples().items():
        examples.setdefault(topic, []).extend(questions)
    return examples


@lru_cache(maxsize=1)
def _model() -> Pipeline:
    texts: list[str] = []
    labels: list[str] = []
    for topic, examples in all_examples().items():
        for example in examples:
            texts.append(normalize(example))
            labels.append(topic)
    cache = get_settings().var_dir / "cache"
    return cached_text_classifier(texts, labels, 5, 10, cache, name="faq-topics")


def warm_up() -> None:
    """Train or load the topic model now, so no person waits for it on a first question."""
    _model()
