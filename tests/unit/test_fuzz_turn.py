"""Fuzz one turn of the check: reading a turn and applying an answer never raise."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.check.flow import open_question
from bot.conversation.apply_answer import AnswerStep, apply_answer
from bot.understanding.answer_or_request import REQUEST_INTENTS, read_turn
from bot.understanding.requests import FLOW_REQUESTS, explicit_request, looks_like_question
from tests.unit.fuzzing import (
    ASSESSMENT,
    FUZZ,
    QUESTIONS,
    SHORT_TEXT,
)

INTENTS = st.one_of(
    st.none(),
    st.sampled_from(sorted(REQUEST_INTENTS)),
    st.sampled_from(["inform", "affirm", "deny", "nlu_fallback", "out_of_scope"]),
    st.text(max_size=30),
)


@settings(FUZZ, max_examples=150)
@given(
    question=st.sampled_from(QUESTIONS),
    intent=INTENTS,
    confidence=st.floats(0, 1),
    text=SHORT_TEXT,
)
def test_read_turn_never_raises_and_flow_needs_clear_words(question, intent, confidence, text):
    reading = read_turn(question, text, intent, confidence)
    assert reading.request is None or reading.request in REQUEST_INTENTS
    if reading.request == "delete_data":
        assert explicit_request(text) == "delete_data"  # erasing: never from the NLU alone
    elif reading.request in FLOW_REQUESTS and explicit_request(text) != reading.request:
        # pausing or going back from the NLU alone: only when very sure and no answer at all
        assert intent == reading.request and confidence >= 0.97 and not reading.parsed.option


@settings(FUZZ, max_examples=60)
@given(data=st.data(), intent=st.sampled_from(sorted(REQUEST_INTENTS)))
def test_an_exact_label_is_an_answer_whatever_the_nlu_says(data, intent):
    question = data.draw(st.sampled_from(QUESTIONS), label="question")
    option = data.draw(st.sampled_from(question.options), label="option")
    assume(not looks_like_question(option.label))
    assert read_turn(question, option.label, intent, 1.0).is_answer


@st.composite
def answer_states(draw) -> dict[str, str]:
    """Answers so far: a valid prefix of the check, plus sometimes junk keys and values."""
    answered = draw(st.integers(0, len(QUESTIONS)))
    answers = {q.id: draw(st.sampled_from(q.options)).id for q in QUESTIONS[:answered]}
    junk = draw(
        st.dictionaries(
            st.one_of(st.sampled_from([q.id for q in QUESTIONS]), st.text(max_size=10)),
            st.text(max_size=10),
            max_size=3,
        )
    )
    return {**answers, **junk}


def _choices() -> st.SearchStrategy[str | None]:
    well_formed = st.sampled_from(QUESTIONS).flatmap(
        lambda q: st.sampled_from([f"{q.id}:{o.id}" for o in q.options])
    )
    return st.one_of(st.none(), well_formed, st.text(max_size=40), st.just(":"), st.just("a:b:c"))


@settings(FUZZ, max_examples=150)
@given(answers=answer_states(), choice=_choices(), text=SHORT_TEXT)
def test_apply_answer_never_raises_and_only_answers_the_open_question(answers, choice, text):
    question = open_question(ASSESSMENT, answers)
    step = apply_answer(ASSESSMENT, answers, choice, text)
    assert isinstance(step, AnswerStep)
    assert all(isinstance(m, str) and m for m in step.messages)
    if not step.accepted:
        assert step.answers == answers
        return
    assert question is not None
    assert set(step.answers) == set(answers) | {question.id}
    assert question.option(step.answers[question.id]) is not None
    assert {k: v for k, v in step.answers.items() if k != question.id} == {
        k: v for k, v in answers.items() if k != question.id
    }
    if choice == f"{question.id}:{step.answers[question.id]}":
        assert step.messages == ()
