"""The advice rules, including the edge cases named in the issue."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from bot.advice.rules import ADVICE_FILE, AdviceInputs, advise, load_advice
from bot.check.assessment import ContentError
from bot.conversation.messages import advice_reasons_text, advice_text
from bot.conversation.save_result import evaluate
from tests.conftest import all_answers


@pytest.fixture(scope="module")
def content(assessment):
    return load_advice(assessment)


def advice_for(assessment, content, answers):
    return evaluate(assessment, content, answers)[1]


def test_all_high_gets_ksf_first_and_no_courses(assessment, content):
    advice = advice_for(assessment, content, all_answers(assessment, "max"))
    assert advice.route_ids[0] == "ksf_branchecertificaat"
    assert not [r for r in advice.route_ids if r.startswith("cursus_")]
    assert "inbound" in {r.id for r in advice.roles}
    # Not measured by the check: offered as "ook mogelijk", never as a fit.
    assert "helpdesk" in {r.id for r in advice.possible}
    assert "helpdesk" not in {r.id for r in advice.roles}


def test_all_low_gets_only_short_courses_and_no_roles(assessment, content):
    advice = advice_for(assessment, content, all_answers(assessment, "min"))
    assert advice.route_ids == [
        "cursus_gespreksvaardigheid",
        "cursus_typen",
        "cursus_nederlands_schrijven",
        "cursus_verkoop",
    ]
    assert advice.roles == () and advice.possible == ()


def test_advice_does_not_depend_on_consent(assessment, content):
    with_consent = advice_for(assessment, content, all_answers(assessment, "max", consent="ja"))
    without = advice_for(assessment, content, all_answers(assessment, "max", consent="nee"))
    assert with_consent == without


def test_only_written_channels_means_no_phone_roles(assessment, content):
    answers = all_answers(assessment, "max")
    answers["kanaal"] = "schriftelijk"
    roles = {r.id for r in advice_for(assessment, content, answers).roles}
    assert "outbound_verkoop" not in roles
    assert "webcare_chat" in roles


def test_evening_work_impossible_adds_the_practical_note(assessment, content):
    answers = all_answers(assessment, "max")
    assert not any("overdag" in n for n in advice_for(assessment, content, answers).practical)
    answers["tijden"] = "nee"
    notes = advice_for(assessment, content, answers).practical
    assert any("alleen overdag" in n for n in notes)


def test_education_picks_the_mbo_or_hbo_route(assessment, content):
    answers = all_answers(assessment, "max")
    answers["opleiding"] = "hbo_wo"
    routes = advice_for(assessment, content, answers).route_ids
    # Post-hbo needs experience in customer contact, not only the diploma.
    assert "posthbo_customer_service_management" not in routes
    answers["beroep"] = "klantcontact"
    routes = advice_for(assessment, content, answers).route_ids
    assert "posthbo_customer_service_management" in routes
    assert "mbo3_contactcenter" not in routes
    answers["opleiding"] = "mbo34"
    routes = advice_for(assessment, content, answers).route_ids
    assert {"mbo4_teamleider", "mbo4_accountmanager"} <= set(routes)


def test_related_work_carries_over(assessment, content):
    answers = all_answers(assessment, "max")
    answers["beroep"] = "horeca"
    assert "horeca" in advice_for(assessment, content, answers).related_work
    answers["beroep"] = "anders"
    assert advice_for(assessment, content, answers).related_work is None


def test_every_route_has_a_reason_traceable_to_answers(assessment, content):
    answers = all_answers(assessment, "min")
    answers["adm_typen"] = "soms"
    advice = advice_for(assessment, content, answers)
    typing = next(r for r in advice.routes if r.id == "cursus_typen")
    assert "je antwoord bij typen: 'Soms wel, soms niet'" in typing.reasons
    text = advice_reasons_text(content, advice)
    assert "Cursus typen: je antwoord bij typen: 'Soms wel, soms niet'" in text


def test_advice_text_shows_three_routes_and_offers_more(assessment, content):
    advice = advice_for(assessment, content, all_answers(assessment, "min"))
    text = advice_text(content, advice)
    assert "\n3. Cursus Nederlandse spelling en schrijven:" in text
    assert "4." not in text
    assert "meer advies" in text and "waarom dit advies" in text
    assert "werk.nl" in text


def test_a_rule_with_any_needs_one_condition(assessment, content):
    answers = all_answers(assessment, "max")
    answers["comm_luisteren"] = "helemaal_niet"
    answers["comm_mensen"] = "helemaal_niet"
    result, advice = evaluate(assessment, content, answers)
    assert result.scores["communicatief"] == 50
    route = next(r for r in advice.routes if r.id == "cursus_gespreksvaardigheid")
    assert route.reasons == ("je score voor contact met mensen is 50, daar kun je nog in groeien",)


@pytest.fixture
def raw() -> dict[str, Any]:
    return yaml.safe_load(ADVICE_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (
            lambda r: r["routes"][0]["when"]["all"][0].update(overall={"min": 200}),
            "routes[0].when.all[0].overall.min",
        ),
        (
            lambda r: r["routes"][1]["when"]["any"][0]["score"].update(group="nope"),
            "routes[1].when.any[0].score.group",
        ),
        (
            lambda r: r["roles"][1]["when"]["all"][1]["answer"].update(question="nope"),
            "roles[1].when.all[1].answer.question",
        ),
        (
            lambda r: r["roles"][1]["when"]["all"][1]["answer"].update({"in": ["fax"]}),
            "roles[1].when.all[1].answer",
        ),
        (lambda r: r["routes"][0].pop("source"), "routes[0].source"),
        (lambda r: r["routes"][0].update(source="UWV"), "routes[0].source"),
        (lambda r: r["routes"][0].update(link="http://example.org"), "routes[0].link"),
        (lambda r: r["related_work"].update(astronaut="x"), "related_work.astronaut"),
        (lambda r: r["routes"][0]["when"].update(sometimes=[]), "routes[0].when"),
    ],
)
def test_broken_advice_names_file_and_field(assessment, raw, mutate, field, tmp_path):
    broken = copy.deepcopy(raw)
    mutate(broken)
    path = tmp_path / "advice.yml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_advice(assessment, path)
    assert err.value.where == field


def test_advise_is_pure(assessment, content):
    answers = all_answers(assessment)
    result = evaluate(assessment, content, answers)[0]
    assert advise(content, AdviceInputs(assessment, answers, result)) == advise(
        content, AdviceInputs(assessment, dict(answers), result)
    )
