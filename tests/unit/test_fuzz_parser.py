"""Fuzz the answer parser: any text gives one of the question's own options or none."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.understanding.answer_parser import Outcome, ParsedAnswer, parse_answer
from tests.unit.fuzzing import (
    ASSESSMENT,
    FUZZ,
    LONG_TEXT,
    PARSER_VIAS,
    QUESTIONS,
    SHORT_TEXT,
    mixed_case,
)


def _check_parsed(question: Any, result: ParsedAnswer) -> None:
    assert isinstance(result, ParsedAnswer)
    assert result.outcome in set(Outcome)
    assert result.matched is (result.outcome is Outcome.MATCHED)
    if result.outcome is Outcome.MATCHED:
        assert result.option is not None
        assert result.option in question.options
        assert result.via in PARSER_VIAS
    else:
        assert result.option is None


@settings(FUZZ, max_examples=100)
@given(text=SHORT_TEXT)
def test_parse_answer_never_raises_and_only_returns_the_questions_own_options(text):
    for question in QUESTIONS:
        _check_parsed(question, parse_answer(question, text))


@settings(FUZZ, max_examples=25)
@given(question=st.sampled_from(QUESTIONS), text=LONG_TEXT)
@example(question=ASSESSMENT.question("comm_luisteren"), text="9" * 5_000)
def test_parse_answer_on_very_long_messages(question, text):
    _check_parsed(question, parse_answer(question, text))


PADDING = st.text(st.sampled_from([" ", "\t", "\n", "\u00a0", "\u3000"]), max_size=4)


@settings(FUZZ, max_examples=150)
@given(data=st.data(), left=PADDING, right=PADDING, inner=st.sampled_from([" ", "  ", " \t "]))
def test_an_options_exact_label_in_any_case_and_spacing_gives_that_option(data, left, right, inner):
    question = data.draw(st.sampled_from(QUESTIONS), label="question")
    option = data.draw(st.sampled_from(question.options), label="option")
    flips = data.draw(st.lists(st.booleans(), max_size=len(option.label)), label="flips")
    typed = left + inner.join(mixed_case(option.label, flips).split(" ")) + right
    result = parse_answer(question, typed)
    assert result.outcome is Outcome.MATCHED, (question.id, typed, result)
    assert result.option == option


@settings(FUZZ, max_examples=60)
@given(data=st.data(), left=PADDING, right=PADDING)
def test_an_options_number_gives_that_option(data, left, right):
    question = data.draw(st.sampled_from(QUESTIONS), label="question")
    number = data.draw(st.integers(1, len(question.options)), label="number")
    result = parse_answer(question, f"{left}{number}{right}")
    assert result.matched and result.via == "number"
    assert result.option == question.options[number - 1]
