"""Accuracy of the answer parser (bot/understanding/answer_parser.py).

Measured on hand-written held-out answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.check.assessment import KIND_SCALE, load_assessment
from bot.understanding.answer_parser import parse_answer
from scripts.bench.common import ROOT

HELDOUT = ROOT / "tests" / "data" / "answers_heldout.yml"
UNCLEAR = "unclear"


@dataclass(frozen=True)
class Miss:
    question: str
    text: str
    expected: str
    got: str  # an option id, or the parser's outcome when it gave none

    @property
    def kind(self) -> str:
        """ "wrong option" (the bot would store a wrong answer) or "asked again"."""
        if self.got.startswith("(") and self.expected != UNCLEAR:
            return "asked again"
        return "wrong option"


@dataclass
class ParserAccuracy:
    total: int = 0
    correct: int = 0
    by_group: dict[str, list[int]] = field(default_factory=dict)  # group -> [correct, total]
    misses: list[Miss] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def wrong_options(self) -> int:
        return sum(1 for m in self.misses if m.kind == "wrong option")


def _group(question_kind: str, expected: str, question_id: str) -> str:
    if expected == UNCLEAR:
        return "unclear (should ask again)"
    if question_kind == KIND_SCALE:
        return "5-point scale"
    if question_id in {"toestemming", "beroep", "opleiding", "tijden", "kanaal", "talen"}:
        return "consent and intake"
    return "scenarios"


def measure(path: Path = HELDOUT) -> ParserAccuracy:
    """Parse every held-out answer; an "unclear" item is right when no option is stored."""
    assessment = load_assessment()
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]
    result = ParserAccuracy()
    for item in items:
        question = assessment.question(item["question"])
        if question is None:
            raise ValueError(f"{path}: unknown question {item['question']!r}")
        expected = str(item["expected"])
        if expected != UNCLEAR and question.option(expected) is None:
            raise ValueError(f"{path}: {expected!r} is no option of {question.id}")
        parsed = parse_answer(question, str(item["text"]))
        got = parsed.option.id if parsed.option else f"({parsed.outcome.value})"
        # A "Bedoel je ...?" whose first button is right counts as understood (issue 12).
        first = parsed.candidates[0].id if parsed.candidates else None
        ok = (
            got == expected
            or (parsed.option is None and first == expected)
            or (expected == UNCLEAR and parsed.option is None)
        )
        group = _group(question.kind, expected, question.id)
        counts = result.by_group.setdefault(group, [0, 0])
        counts[1] += 1
        result.total += 1
        if ok:
            counts[0] += 1
            result.correct += 1
        else:
            result.misses.append(Miss(question.id, str(item["text"]), expected, got))
    return result
