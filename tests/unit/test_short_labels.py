"""Every option has a short label of its own, checked by `python -m bot check-content`.

Short labels go on WhatsApp's reply buttons (20 characters) and list rows (24),
and stay in the person's chat history, so they must make sense read back.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from bot.check.assessment import QUESTIONS_FILE, SHORT_LABEL_MAX, ContentError, parse_assessment
from bot.cli import cli


@pytest.fixture
def raw() -> dict[str, Any]:
    return yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))


def test_every_option_has_a_short_label_of_its_own(assessment):
    for question in assessment.questions:
        shorts = [o.short for o in question.options]
        assert all(0 < len(s) <= SHORT_LABEL_MAX for s in shorts), (question.id, shorts)
        assert len({s.lower() for s in shorts}) == len(shorts), (question.id, shorts)
        for option in question.options:
            assert not option.short.lower().startswith(("antwoord", "optie")), option
            # A label that fits on a button is its own short label.
            if len(option.label) <= SHORT_LABEL_MAX:
                assert option.short == option.label, option


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r["consent"]["options"][0].pop("short"), "consent.options[0].short"),
        (lambda r: r["scales"]["eens5"]["options"][1].update(short="Klopt niet, echt helemaal niet"),
         "scales.eens5.options[1].short"),
        (lambda r: r["groups"][0]["questions"][2]["options"][0].update(short="Antwoord 1"),
         "groups[0].questions[2].options[0].short"),
        (lambda r: r["intake"][0]["options"][1].update(short=r["intake"][0]["options"][0]["short"]),
         "intake[0].options"),
    ],
)  # fmt: skip
def test_a_missing_long_or_placeholder_short_label_is_a_content_error(raw, mutate, field):
    broken = copy.deepcopy(raw)
    mutate(broken)
    with pytest.raises(ContentError) as err:
        parse_assessment(broken, "questions.yml")
    assert err.value.where == field


def test_check_content_names_a_short_label_that_is_too_long(raw, tmp_path: Path):
    raw["intake"][1]["options"][0]["short"] = "Geen diploma of alleen basisschool"
    path = tmp_path / "questions.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check-content", str(path)])
    assert result.exit_code == 1
    assert "intake[1].options[0].short" in result.output and "20" in result.output
