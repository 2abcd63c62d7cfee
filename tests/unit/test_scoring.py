from __future__ import annotations

from fractions import Fraction

import pytest

from bot.check.assessment import GROUP_IDS
from bot.check.scoring import IncompleteAnswers, band_for, round_half_up, score
from tests.conftest import all_answers


def test_all_highest_answers_score_100(assessment):
    result = score(assessment, all_answers(assessment, "max"))
    assert result.scores == dict.fromkeys(GROUP_IDS, 100)
    assert result.overall == 100
    assert result.band.id == "sterk"


def test_all_lowest_answers_score_0_except_preferring_one_channel(assessment):
    result = score(assessment, all_answers(assessment, "min"))
    # sch_wisselen has no 0: liking one channel best scores 1 of 3 (docs/scoring.md).
    assert result.scores == {**dict.fromkeys(GROUP_IDS, 0), "schakelen": 8}  # (1/3) / 4
    assert result.overall == 2
    assert result.band.id == "zwak"
    # The other groups tie at 0: the first in report order is the second strength.
    assert result.strengths == ("schakelen", "communicatief")
    assert result.develop == ("administratief", "commercieel", "analytisch")


def test_mixed_answers_follow_the_documented_formula(assessment):
    answers = all_answers(assessment, "max")
    # communicatief: two scale questions at "soms" (2 of 4), scenarios at max.
    answers["comm_luisteren"] = "soms"
    answers["comm_mensen"] = "soms"
    # administratief: one scenario at 1 of 3, the rest at max.
    answers["adm_adres"] = "briefje"
    result = score(assessment, answers)
    assert result.scores["communicatief"] == 75  # (0.5 + 0.5 + 1 + 1) / 4
    assert result.scores["administratief"] == 83  # (1 + 1 + 1/3 + 1) / 4 = 83.33
    # overall is the mean of exact group values: (75 + 83.33 + 300) / 5 = 91.67
    assert result.overall == 92
    assert result.strengths == ("analytisch", "schakelen")
    assert result.develop == ("communicatief",)


def test_develop_lists_groups_under_60_lowest_first(assessment):
    answers = all_answers(assessment, "max")
    for qid in ("sch_tegelijk", "sch_druk"):
        answers[qid] = "helemaal_niet"
    answers["sch_wachtrij"] = "paniek"
    for qid in ("com_tevreden", "com_verkopen"):
        answers[qid] = "soms"
    answers["com_kans"] = "niet_mijn_taak"
    result = score(assessment, answers)
    assert result.scores["schakelen"] == 25
    assert result.scores["commercieel"] == 50  # (0.5 + 0.5 + 0 + 1) / 4
    assert result.develop == ("schakelen", "commercieel")


def test_incomplete_answers_raise(assessment):
    answers = all_answers(assessment)
    del answers["adm_mail"]
    with pytest.raises(IncompleteAnswers, match="adm_mail"):
        score(assessment, answers)


def test_unknown_option_counts_as_missing(assessment):
    answers = all_answers(assessment)
    answers["adm_mail"] = "nonsense"
    with pytest.raises(IncompleteAnswers):
        score(assessment, answers)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Fraction(145, 2), 73), (Fraction(289, 4), 72), (Fraction(0), 0), (Fraction(100), 100)],
)
def test_round_half_up(value, expected):
    assert round_half_up(value) == expected


@pytest.mark.parametrize(
    ("value", "band"), [(0, "zwak"), (39, "zwak"), (40, "redelijk"), (60, "goed"), (80, "sterk")]
)
def test_bands(value, band):
    assert band_for(value).id == band


def test_scoring_is_deterministic(assessment):
    answers = all_answers(assessment)
    assert score(assessment, answers) == score(assessment, dict(reversed(answers.items())))


def test_rescored_items_match_docs_scoring(assessment):
    """docs/scoring.md, "Rescored items": the customer's question first, one channel is no 0."""

    def points(question_id):
        return {o.id: o.points for o in assessment.question(question_id).options}

    # Solving the question and then offering what fits beats both halves alone.
    assert points("com_kans") == {"aanbieden": 3, "tips": 2, "niet_mijn_taak": 0}
    assert points("sch_wisselen") == {"leuk": 3, "wennen": 2, "vervelend": 1}
    assert points("com_nee_horen") == {"hoort_erbij": 3, "lastig": 2, "ontmoedigd": 0}
