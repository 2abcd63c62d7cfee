"""Answers about the work (FAQ), loaded from ``bot/content/facts.yml``.

``action_answer_faq`` sends them (:mod:`bot.conversation.faq_replies`); which topic was
asked is decided by :mod:`bot.understanding.faq_topics` from the examples in
``data/nlu/faq.yml``, so there are no Rasa responses to keep in step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.check.assessment import Assessment
from bot.check.flow import duration_minutes
from bot.config import DEFAULT_RETENTION_DAYS
from bot.content_files import CONTENT_DIR, ContentError, read_yaml

FACTS_FILE = CONTENT_DIR / "facts.yml"
#: A figure needs a source with a year in brackets, e.g. "(UWV, 2017)".
SOURCE_WITH_YEAR = re.compile(r"\([^()]*\b(?:19|20)\d\d[^()]*\)")
#: An answer is short: a dated figure and where to check today may take a fourth sentence.
MAX_SENTENCES = 4
MAX_TITLE = 20


@dataclass(frozen=True)
class Topic:
    id: str
    answer: str
    #: Short title for a topic button (WhatsApp allows 20 characters).
    title: str = ""


def load_facts(path: Path | str = FACTS_FILE) -> tuple[Topic, ...]:
    path = Path(path)
    raw = read_yaml(path)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("topics"), list):
        raise ContentError(path, "topics", "must be a non-empty list")
    topics = tuple(_topic(path, item, f"topics[{i}]") for i, item in enumerate(raw["topics"]))
    ids = [t.id for t in topics]
    if len(set(ids)) != len(ids):
        raise ContentError(path, "topics", f"ids must be unique, got {ids}")
    return topics


def _topic(path: Path, raw: Any, where: str) -> Topic:
    if not isinstance(raw, Mapping):
        raise ContentError(path, where, "must be a mapping (key: value)")
    topic_id, answer, title = raw.get("id"), raw.get("answer"), raw.get("title")
    if not isinstance(topic_id, str) or not re.fullmatch(r"[a-z_]+", topic_id):
        raise ContentError(path, f"{where}.id", "must be lower case letters and _")
    if not isinstance(answer, str) or not answer.strip():
        raise ContentError(path, f"{where}.answer", "must be a non-empty text")
    answer = " ".join(answer.split())
    plain = re.sub(r"\{\w+\}", "", answer)
    if re.search(r"\d", SOURCE_WITH_YEAR.sub("", plain)) and not SOURCE_WITH_YEAR.search(plain):
        raise ContentError(path, f"{where}.answer", "has a figure but no source with a year")
    if len(re.findall(r"[.!?](?:\s|$)", answer)) > MAX_SENTENCES:
        raise ContentError(path, f"{where}.answer", f"has more than {MAX_SENTENCES} sentences")
    if not isinstance(title, str) or not 0 < len(title) <= MAX_TITLE:
        raise ContentError(path, f"{where}.title", f"must be a text of 1 to {MAX_TITLE} characters")
    return Topic(topic_id, answer, title)


def render_answer(topic: Topic, assessment: Assessment) -> str:
    """Fill in the numbers that come from the questions file."""
    return topic.answer.format(
        question_count=len(assessment.numbered_questions),
        minutes=duration_minutes(assessment),
        retention_days=DEFAULT_RETENTION_DAYS,
    )
