"""Checks over every text the bot can send: B1 readability, jargon and dated figures.

``python -m bot check-content`` (and so ``make test``) runs :func:`text_problems`
and :func:`bot.content_quality.sources_table.table_problems`. The rules and thresholds are
explained in docs/content.md; the measuring functions are in
:mod:`bot.content_quality.readability`.

The texts are gathered from the content files and from the messages built from
them (:mod:`bot.conversation.messages`), rendered for a set of example people so that every
route, role and note appears the way the bot sends it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.advice.faq import Topic
from bot.advice.rules import AdviceContent
from bot.check.assessment import Assessment, Question
from bot.content_files import CONTENT_DIR, ContentError, read_yaml
from bot.content_quality.readability import (
    Jargon,
    flesch_douma,
    jargon_from_mapping,
    long_sentences,
    undated_figures,
    unexplained_jargon,
    words,
)
from bot.conversation.faq_replies import NO_TOPIC, WHICH_TOPIC
from bot.conversation.messages import (
    advice_full_text,
    advice_reasons_text,
    advice_text,
    clarify_message,
    dont_know_message,
    first_sentence,
    hint_message,
    question_message,
    result_text,
    why_message,
)
from bot.conversation.save_result import evaluate

ROOT = CONTENT_DIR.parents[1]
DOMAIN_FILE = ROOT / "domain.yml"
JARGON_FILE = CONTENT_DIR / "jargon.yml"

#: No sentence the bot sends may have more words than this.
MAX_SENTENCE_WORDS = 20
#: A single message of at least this many words must reach MIN_TEXT_SCORE.
SCORED_TEXT_WORDS = 30
#: Flesch-Douma of one message (of at least SCORED_TEXT_WORDS words).
MIN_TEXT_SCORE = 60
#: Flesch-Douma of all content messages together.
MIN_OVERALL_SCORE = 70


@dataclass(frozen=True)
class Text:
    """One text the bot can send, and where it comes from."""

    where: str
    text: str
    #: A button label or topic title: checked for sentence length only.
    button: bool = False
    #: States facts about the work: every figure needs a year in its sentence.
    factual: bool = False
    #: Built from other texts for an example person (not counted twice in the overall score).
    rendered: bool = False


def load_jargon(path: Path = JARGON_FILE) -> tuple[Jargon, ...]:
    raw = read_yaml(path)
    if not isinstance(raw, Mapping) or not raw:
        raise ContentError(path, "top level", "must map words to explanations")
    try:
        return jargon_from_mapping(raw)
    except ValueError as exc:
        raise ContentError(path, "top level", str(exc)) from exc


def domain_texts(path: Path = DOMAIN_FILE) -> Iterator[Text]:
    """The responses in the Rasa domain, with their buttons."""
    domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for name, variants in (domain.get("responses") or {}).items():
        for i, variant in enumerate(variants):
            if variant.get("text"):
                yield Text(f"domain.yml: {name}[{i}]", variant["text"])
            for button in variant.get("buttons", []):
                yield Text(f"domain.yml: {name}[{i}] button", button["title"], button=True)


def question_texts(assessment: Assessment) -> Iterator[Text]:
    for question in assessment.questions:
        where = f"questions.yml: {question.id}"
        factual = question.id != assessment.consent.id
        yield Text(where, question_message(assessment, question).text)
        yield Text(f"{where}.hint", hint_message(question))
        yield Text(f"{where}.dont_know", dont_know_message(question))
        yield Text(f"{where}.why", why_message(assessment, question), factual=factual)
        for option in question.options:
            yield Text(f"{where}.{option.id}", option.label, button=True)
            yield Text(f"{where}.{option.id}.short", option.short, button=True)
    for group in assessment.groups:
        where = f"questions.yml: {group.id}"
        yield Text(f"{where}.why", group.why, factual=True)
        yield Text(f"{where}.strength", group.strength)
        yield Text(f"{where}.develop", group.develop)
    first = assessment.scored_questions[0]
    yield Text("messages.py: clarify", clarify_message(first, first.options[:2]).text)


def fact_texts(topics: tuple[Topic, ...]) -> Iterator[Text]:
    for topic in topics:
        where = f"facts.yml: {topic.id}"
        # As written: {minutes} and {retention_days} are settings of the bot, not figures.
        yield Text(where, topic.answer, factual=True)
        yield Text(f"{where}.title", topic.title, button=True)
    yield Text("faq_replies.py: NO_TOPIC", NO_TOPIC)
    yield Text("faq_replies.py: WHICH_TOPIC", WHICH_TOPIC)


def advice_texts(content: AdviceContent) -> Iterator[Text]:
    for route in content.routes:
        where = f"advice.yml: {route.id}"
        full = (
            f"{route.name} ({route.level})\n{route.what}\n{route.practical}\nBron: {route.source}."
        )
        yield Text(where, full, factual=True)
        yield Text(f"{where} (in the top three)", f"{route.name}: {first_sentence(route.what)}")
    for role in content.roles:
        text = f"{role.name}: {role.what}" + (f" {role.reason}" if role.reason else "")
        yield Text(f"advice.yml: {role.id}", text, factual=True)
    for note in content.practical:
        yield Text(f"advice.yml: {note.id}", note.text, factual=True)
    for work, text in content.related_work.items():
        yield Text(f"advice.yml: related_work.{work}", text, factual=True)
    yield Text("advice.yml: adviser", content.adviser)


def example_people(assessment: Assessment) -> Iterator[tuple[str, dict[str, str]]]:
    """Highest, middle and lowest answers, each with every intake answer in turn."""
    for pick in ("max", "mid", "min"):
        base = {assessment.consent.id: assessment.consent.options[0].id}
        for question in assessment.intake:
            base[question.id] = question.options[0].id
        for question in assessment.scored_questions:
            base[question.id] = _pick(question, pick)
        yield pick, base
        for question in assessment.intake:
            for option in question.options[1:]:
                yield f"{pick}, {question.id}={option.id}", {**base, question.id: option.id}


def _pick(question: Question, pick: str) -> str:
    ranked = sorted(question.options, key=lambda o: o.points or 0)
    index = {"max": -1, "min": 0}.get(pick, len(ranked) // 2)
    return ranked[index].id


def rendered_texts(assessment: Assessment, content: AdviceContent) -> Iterator[Text]:
    """The result and advice messages as example people get them."""
    for name, answers in example_people(assessment):
        result, advice = evaluate(assessment, content, answers)
        for kind, text in (
            ("result", result_text(assessment, result)),
            ("advice", advice_text(content, advice)),
            ("why advice", advice_reasons_text(content, advice)),
            ("all advice", advice_full_text(content, advice)),
        ):
            yield Text(f"{kind} for ({name})", text, rendered=True)


def bot_texts(
    assessment: Assessment,
    content: AdviceContent,
    topics: tuple[Topic, ...],
    domain: Path | None = DOMAIN_FILE,
) -> list[Text]:
    """Every text the bot can send that comes from content or bot/conversation/messages.py."""
    texts = [
        *question_texts(assessment),
        *fact_texts(topics),
        *advice_texts(content),
        *rendered_texts(assessment, content),
    ]
    if domain is not None and domain.exists():
        texts += list(domain_texts(domain))
    return texts


def text_problems(texts: list[Text], jargon: tuple[Jargon, ...]) -> list[str]:
    """Every rule a text breaks, one line each; empty when all is well."""
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for item in texts:
        for sentence in long_sentences(item.text, MAX_SENTENCE_WORDS):
            _add(problems, seen, item, f"sentence of {len(words(sentence))} words: {sentence!r}")
        if item.button:
            continue
        for term in unexplained_jargon(item.text, jargon):
            _add(problems, seen, item, f"'{term}' is not explained where it is first used")
        if item.factual:
            for sentence in undated_figures(item.text):
                _add(problems, seen, item, f"figure without a year: {sentence!r}")
        if not item.rendered and len(words(item.text)) >= SCORED_TEXT_WORDS:
            score = flesch_douma(item.text)
            if score < MIN_TEXT_SCORE:
                _add(problems, seen, item, f"Flesch-Douma {score:.0f} < {MIN_TEXT_SCORE}")
    pooled = [t.text for t in texts if not t.button and not t.rendered]
    overall = flesch_douma(pooled)
    if overall < MIN_OVERALL_SCORE:
        problems.append(f"all texts together: Flesch-Douma {overall:.0f} < {MIN_OVERALL_SCORE}")
    return problems


def _add(problems: list[str], seen: set[tuple[str, str]], item: Text, problem: str) -> None:
    """One line per problem: a rendered message repeats what its parts already said."""
    if (item.rendered and problem in {p for _, p in seen}) or (item.where, problem) in seen:
        return
    seen.add((item.where, problem))
    problems.append(f"{item.where}: {problem}")


def overall_score(texts: list[Text]) -> float:
    return flesch_douma([t.text for t in texts if not t.button and not t.rendered])
