"""A small learned model per answer set: everyday Dutch onto an answer's level.

People answer a scale with words no alias list foresees: "hangt ervan af",
"niet slecht", "jaa 100%". The model learns from labelled examples in
``bot/content/answer_examples.yml`` plus every option's label and aliases,
with character n-grams (typos) and word pairs (negations such as "niet echt").
It is trained on first use in a process (well under a second) and kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.check.assessment import Assessment, Question, iter_option_texts
from bot.content_files import CONTENT_DIR, ContentError, read_yaml
from bot.understanding.normalise import normalize
from bot.understanding.text_classifier import train_text_classifier

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

EXAMPLES_FILE = CONTENT_DIR / "answer_examples.yml"


@dataclass(frozen=True)
class LevelGuess:
    """The model's probability for each option id, best first."""

    ranked: tuple[tuple[str, float], ...]

    @property
    def best(self) -> tuple[str, float]:
        return self.ranked[0]

    @property
    def second(self) -> tuple[str, float]:
        return self.ranked[1] if len(self.ranked) > 1 else ("", 0.0)


#: Examples per answer set: "scales" (shared by the questions on a scale, or one
#: question's own set such as consent) and "questions" (one question's extra examples).
Examples = dict[str, dict[str, dict[str, tuple[str, ...]]]]
SECTIONS = ("scales", "questions")


def load_examples(path: Path | str = EXAMPLES_FILE) -> Examples:
    """Section -> answer set or question id -> option id -> typed examples, validated."""
    path = Path(path)
    raw = read_yaml(path)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("scales"), Mapping):
        raise ContentError(path, "scales", "must be a mapping of answer sets")
    examples: Examples = {}
    for section in SECTIONS:
        sets = raw.get(section) or {}
        if not isinstance(sets, Mapping):
            raise ContentError(path, section, "must be a mapping")
        examples[section] = {}
        for name, levels in sets.items():
            if not isinstance(levels, Mapping):
                raise ContentError(path, f"{section}.{name}", "must map option ids to lists")
            examples[section][str(name)] = {}
            for option_id, texts in levels.items():
                if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                    where = f"{section}.{name}.{option_id}"
                    raise ContentError(path, where, "must be a list of texts")
                examples[section][str(name)][str(option_id)] = tuple(texts)
    return examples


def check_examples(assessment: Assessment, path: Path | str = EXAMPLES_FILE) -> None:
    """Every example set names a scale or question, and only that question's options."""
    examples = load_examples(path)
    names = {q.scale or q.id for q in assessment.questions}
    for name in examples["scales"]:
        if name not in names:
            raise ContentError(path, f"scales.{name}", "is no scale and no question id")
    for name in examples["questions"]:
        if assessment.question(name) is None:
            raise ContentError(path, f"questions.{name}", "is no question id")
    for question in assessment.questions:
        known = {o.id for o in question.options}
        for levels in _sets_for(question, examples):
            unknown = sorted(set(levels) - known)
            if unknown:
                raise ContentError(path, question.id, f"examples for unknown options {unknown}")


def _sets_for(question: Question, examples: Examples) -> list[dict[str, tuple[str, ...]]]:
    found = []
    if question.answer_set in examples["scales"]:
        found.append(examples["scales"][question.answer_set])
    if question.id in examples["questions"]:
        found.append(examples["questions"][question.id])
    return found


@lru_cache(maxsize=1)
def _examples() -> Examples:
    return load_examples()


def has_model(question: Question) -> bool:
    return bool(_sets_for(question, _examples()))


def guess_level(question: Question, text: str) -> LevelGuess | None:
    """The model's ranking of the question's options for ``text``; None without examples."""
    if not has_model(question):
        return None
    model = _model_for(question.id, _training_rows(question))
    probabilities = model.predict_proba([normalize(text)])[0]
    ranked = sorted(
        zip(model.classes_, probabilities, strict=True), key=lambda pair: pair[1], reverse=True
    )
    return LevelGuess(tuple((str(c), float(p)) for c, p in ranked))


@lru_cache(maxsize=64)
def labelled_texts(question: Question) -> dict[str, str]:
    """Normalised text -> option id, for every label, alias and example of the question."""
    return dict(_training_rows(question)) if has_model(question) else {}


@lru_cache(maxsize=64)
def known_words(question: Question) -> frozenset[str]:
    """Every word the model learned from for this question (to spot unknown words)."""
    return frozenset(word for text, _ in _training_rows(question) for word in text.split())


@lru_cache(maxsize=64)
def _training_rows(question: Question) -> tuple[tuple[str, str], ...]:
    """(text, option id) pairs: labels, aliases and the labelled examples."""
    rows: dict[str, str] = {}
    for option, text in iter_option_texts(question):
        rows.setdefault(normalize(text), option.id)
    for levels in _sets_for(question, _examples()):
        for option_id, texts in levels.items():
            if question.option(option_id) is None:
                continue
            for text in texts:
                rows.setdefault(normalize(text), option_id)
    return tuple(sorted((t, o) for t, o in rows.items() if t))


@lru_cache(maxsize=64)
def _model_for(question_id: str, rows: tuple[tuple[str, str], ...]) -> Pipeline:
    texts, labels = zip(*rows, strict=True)
    return train_text_classifier(texts, labels, longest_ngram=4, strength=20)
