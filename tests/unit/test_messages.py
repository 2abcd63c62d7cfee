from __future__ import annotations

from bot.check.scoring import score
from bot.conversation.messages import (
    choice_payload,
    hint_message,
    parse_choice,
    question_message,
    result_payload,
    result_text,
    why_message,
)
from tests.conftest import all_answers


def test_question_message_shows_progress_and_a_button_per_option(assessment):
    question = assessment.scored_questions[0]
    message = question_message(assessment, question)
    total = len(assessment.numbered_questions)
    assert message.text.startswith(f"Vraag {len(assessment.intake) + 1} van {total}\n")
    assert question.text in message.text
    assert [b.title for b in message.buttons] == [o.label for o in question.options]


def test_consent_question_has_no_progress(assessment):
    assert not question_message(assessment, assessment.consent).text.startswith("Vraag")


def test_button_payload_round_trip(assessment):
    question = assessment.question("comm_boze_klant")
    payload = choice_payload(question, question.options[1])
    assert payload == '/inform{"choice": "comm_boze_klant:uitleggen"}'
    assert parse_choice("comm_boze_klant:uitleggen") == ("comm_boze_klant", "uitleggen")
    assert parse_choice("nonsense") is None
    assert parse_choice(None) is None


def test_why_message_falls_back_to_the_group(assessment):
    scale_question = assessment.question("adm_typen")
    assert assessment.group("administratief").why in why_message(assessment, scale_question)
    scenario = assessment.question("adm_adres")
    assert why_message(assessment, scenario) == scenario.why


def test_hint_repeats_the_question_hint(assessment):
    question = assessment.question("comm_luisteren")
    assert question.hint in hint_message(question)


def test_result_payload_has_the_fixed_keys(assessment):
    result = score(assessment, all_answers(assessment))
    payload = result_payload(result)
    assert payload == {
        "type": "assessment_result",
        "scores": {g: 100 for g in ("communicatief", "analytisch", "schakelen", "commercieel",
                                    "administratief")},
        "overall": 100,
        "routes": [],
        "completed": True,
    }  # fmt: skip


def test_result_text_names_score_strengths_and_development(assessment):
    answers = all_answers(assessment)
    answers["adm_adres"] = "snel_intypen"
    answers["adm_mail"] = "collega_laten_doen"
    text = result_text(assessment, score(assessment, answers))
    assert "Je score is 90 van de 100." in text
    assert "Hier ben je sterk in:\n- contact met mensen\n- problemen oplossen\n" in text
    assert "Hier kun je nog in groeien:\n- typen, spelling en nauwkeurig werken\n" in text
