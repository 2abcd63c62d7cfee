from __future__ import annotations

from bot.check.flow import (
    consent_given,
    is_complete,
    open_question,
    previous_question,
    progress,
    without_answer,
)
from tests.conftest import all_answers


def test_the_check_starts_with_consent(assessment):
    assert open_question(assessment, {}) is assessment.consent
    assert previous_question(assessment, {}) is None


def test_open_question_moves_through_the_content_order(assessment):
    answers: dict[str, str] = {}
    seen = []
    while (question := open_question(assessment, answers)) is not None:
        seen.append(question.id)
        answers[question.id] = question.options[0].id
    assert seen == [q.id for q in assessment.questions]
    assert is_complete(assessment, answers)


def test_invalid_stored_option_reopens_the_question(assessment):
    answers = {assessment.consent.id: "maybe"}
    assert open_question(assessment, answers) is assessment.consent


def test_previous_question_is_the_last_answered_before_the_open_one(assessment):
    answers = {"toestemming": "ja", "beroep": "winkel"}
    assert open_question(assessment, answers).id == "opleiding"
    assert previous_question(assessment, answers).id == "beroep"
    answers = without_answer(answers, "beroep")
    assert open_question(assessment, answers).id == "beroep"
    assert previous_question(assessment, answers).id == "toestemming"


def test_previous_question_after_completion_is_the_last_question(assessment):
    answers = all_answers(assessment)
    assert previous_question(assessment, answers).id == assessment.questions[-1].id


def test_progress_counts_intake_and_groups_not_consent(assessment):
    total = len(assessment.intake) + len(assessment.scored_questions)
    assert progress(assessment, assessment.consent) is None
    assert progress(assessment, assessment.intake[0]) == (1, total)
    assert progress(assessment, assessment.scored_questions[-1]) == (total, total)


def test_consent(assessment):
    assert consent_given(assessment, {"toestemming": "ja"})
    assert not consent_given(assessment, {"toestemming": "nee"})
    assert not consent_given(assessment, {})
