from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.check.assessment import (
    GROUP_IDS,
    QUESTIONS_FILE,
    ContentError,
    load_assessment,
    parse_assessment,
)


@pytest.fixture
def raw() -> dict[str, Any]:
    return yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))


def test_content_has_five_groups_in_report_order(assessment):
    assert tuple(g.id for g in assessment.groups) == GROUP_IDS


def test_every_group_has_three_to_five_scored_questions(assessment):
    for group in assessment.groups:
        assert 3 <= len(group.questions) <= 5
        assert all(q.scored and q.max_points > 0 for q in group.questions)


def test_consent_comes_first_and_is_not_numbered(assessment):
    assert assessment.questions[0] is assessment.consent
    assert assessment.consent not in assessment.numbered_questions
    assert {o.id for o in assessment.consent.options} == {"ja", "nee"}


def test_intake_covers_the_issue_topics(assessment):
    assert [q.id for q in assessment.intake] == ["beroep", "opleiding", "tijden", "kanaal", "talen"]
    related = {o.id for o in assessment.question("beroep").options if o.related}
    assert {"winkel", "horeca", "administratie", "receptie"} <= related


def test_question_ids_are_unique(assessment):
    ids = [q.id for q in assessment.questions]
    assert len(ids) == len(set(ids))


def test_missing_file_names_the_file(tmp_path: Path):
    with pytest.raises(ContentError) as err:
        load_assessment(tmp_path / "nope.yml")
    assert "nope.yml" in str(err.value)


def test_invalid_yaml_names_the_file(tmp_path: Path):
    path = tmp_path / "broken.yml"
    path.write_text("groups: [unclosed", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_assessment(path)
    assert "broken.yml" in str(err.value) and "YAML" in str(err.value)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r["groups"][0]["questions"][2]["options"][0].pop("points"),
         "groups[0].questions[2].options[0].points"),
        (lambda r: r["groups"][1]["questions"][0].pop("text"), "groups[1].questions[0].text"),
        (lambda r: r["groups"][0]["questions"][0].update(scale="nope"), "groups[0].questions[0].scale"),
        (lambda r: r["groups"][0]["questions"][2].update(kind="essay"), "groups[0].questions[2].kind"),
        (lambda r: r["intake"][0]["options"][1].update(id="winkel"), "intake[0].options"),
        (lambda r: r["groups"].reverse(), "groups"),
        (lambda r: r["groups"][0]["questions"].__setitem__(slice(2, None), []), "groups[0].questions"),
        (lambda r: r["consent"]["options"][0].update(aliases=[True]), "consent.options[0].aliases"),
        (lambda r: r.update(version="one"), "version"),
        (lambda r: r["intake"][0].update(free_text_option="x"), "intake[0].free_text_option"),
    ],
)  # fmt: skip
def test_broken_content_names_file_and_field(raw, mutate, field):
    broken = copy.deepcopy(raw)
    mutate(broken)
    with pytest.raises(ContentError) as err:
        parse_assessment(broken, "questions.yml")
    assert err.value.path == "questions.yml"
    assert err.value.where == field
    assert str(err.value).startswith(f"questions.yml: {field}:")


def test_duplicate_question_id_is_rejected(raw):
    broken = copy.deepcopy(raw)
    broken["groups"][1]["questions"][0]["id"] = broken["groups"][0]["questions"][0]["id"]
    with pytest.raises(ContentError, match="duplicate question ids"):
        parse_assessment(broken, "questions.yml")
