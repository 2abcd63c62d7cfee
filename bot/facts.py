"""Answers about the work (FAQ), loaded from ``bot/content/facts.yml``.

Rasa's response selector needs the answers as responses named
``utter_faq/<topic>``; :func:`faq_responses_yaml` writes them from the
content file, and a test keeps ``data/responses/faq.yml`` equal to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.assessment import CONTENT_DIR, Assessment
from bot.config import DEFAULT_RETENTION_DAYS
from bot.content_reader import ContentError, read_yaml
from bot.flow import duration_minutes

FACTS_FILE = CONTENT_DIR / "facts.yml"
RETRIEVAL_INTENT = "faq"
#: A figure needs a source with a year in brackets, e.g. "(UWV, 2017)".
SOURCE_WITH_YEAR = re.compile(r"\([^()]*\b(?:19|20)\d\d[^()]*\)")
MAX_SENTENCES = 3


@dataclass(frozen=True)
class Topic:
    id: str
    answer: str


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
    topic_id, answer = raw.get("id"), raw.get("answer")
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
    return Topic(topic_id, answer)


def render_answer(topic: Topic, assessment: Assessment) -> str:
    """Fill in the numbers that come from the questions file."""
    return topic.answer.format(
        question_count=len(assessment.numbered_questions),
        minutes=duration_minutes(assessment),
        retention_days=DEFAULT_RETENTION_DAYS,
    )


def faq_responses_yaml(topics: tuple[Topic, ...], assessment: Assessment) -> str:
    responses = {
        f"utter_{RETRIEVAL_INTENT}/{t.id}": [{"text": render_answer(t, assessment)}] for t in topics
    }
    header = (
        "# Generated from bot/content/facts.yml; do not edit by hand.\n"
        "#   .venv/bin/python -m bot faq-responses > data/responses/faq.yml\n"
    )
    body = yaml.safe_dump(
        {"version": "3.1", "responses": responses},
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    return header + body
