"""The whole check over the REST channel: once by buttons, once by typing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests

from bot.advice.rules import load_advice
from bot.check.assessment import KIND_SCALE, Assessment, Question
from bot.conversation.save_result import evaluate
from tests.e2e.conftest import BotServers

pytestmark = pytest.mark.e2e

SCALE_WORDS = {
    "helemaal_niet": "nee echt niet",
    "niet": "niet echt",
    "soms": "gaat wel",
    "wel": "ja klopt wel",
    "helemaal": "klopt helemaal",
}
ORDINAL_WORDS = ["de eerste", "de tweede", "de derde", "de vierde", "de vijfde", "de zesde",
                 "de zevende"]  # fmt: skip


def planned_option(assessment: Assessment, question: Question) -> int:
    """The same varied choice in both runs: option index from the question's position."""
    if question is assessment.consent:
        return 0
    return assessment.questions.index(question) * 3 % len(question.options)


def typed_answer(assessment: Assessment, question: Question, index: int) -> str:
    option = question.options[index]
    if question is assessment.consent:
        return "ja hoor"
    if question.kind == KIND_SCALE:
        return SCALE_WORDS[option.id]
    style = assessment.questions.index(question) % 3
    if style == 0:
        return str(index + 1)
    if style == 1:
        return ORDINAL_WORDS[index]
    return option.label.lower()


def open_question_of(messages: list[dict[str, Any]], assessment: Assessment) -> Question | None:
    """The question whose buttons the bot just sent (payload carries its id)."""
    for message in reversed(messages):
        for button in message.get("buttons", []):
            found = re.search(r'"choice": "([^":]+):', button["payload"])
            if found:
                return assessment.question(found.group(1))
    return None


def result_of(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next(
        (m["custom"] for m in messages
         if isinstance(m.get("custom"), dict) and m["custom"].get("type") == "assessment_result"),
        None,
    )  # fmt: skip


def run_check(servers: BotServers, assessment: Assessment, sender: str, typed: bool):
    messages = servers.send(sender, "hoi" if typed else "/start_check")
    intro = " ".join(m.get("text", "") for m in messages)
    assert "digitale assistent" in intro and "geen test" in intro
    assert "bewaar" in intro and "90 dagen" in intro and "verwijder mijn gegevens" in intro
    assert "begrijp ik niet" not in intro
    asked: list[str] = []
    last_sent = ""
    for _ in range(len(assessment.questions) + 5):
        question = open_question_of(messages, assessment)
        if question is None:
            break
        asked.append(question.id)
        text = next(m["text"] for m in reversed(messages) if m.get("buttons"))
        if question in assessment.numbered_questions:
            number = assessment.numbered_questions.index(question) + 1
            assert text.startswith(f"Vraag {number} van {len(assessment.numbered_questions)}")
        index = planned_option(assessment, question)
        if typed:
            message = typed_answer(assessment, question, index)
        else:
            message = next(
                b for b in messages[-1]["buttons"] if b["title"] == question.options[index].label
            )["payload"]
        last_sent = message
        messages = servers.send(sender, message)
    assert asked == [q.id for q in assessment.questions], (last_sent, messages)
    result = result_of(messages)
    assert result is not None, messages
    return result, messages


def stored(servers: BotServers, sender: str) -> dict[str, Any]:
    process = servers.cli("results", "--sender", sender, "--json")
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def test_check_by_buttons_and_by_typing_store_the_same_result(bot_servers, assessment):
    by_buttons, messages = run_check(bot_servers, assessment, "e2e-buttons", typed=False)
    by_typing, _ = run_check(bot_servers, assessment, "e2e-typing", typed=True)

    assert set(by_buttons) == {"type", "scores", "overall", "routes", "completed"}
    planned = {q.id: q.options[planned_option(assessment, q)].id for q in assessment.questions}
    _, advice = evaluate(assessment, load_advice(assessment), planned)
    assert by_buttons["routes"] == advice.route_ids
    assert by_buttons["routes"], "the planned answers should lead to at least one route"
    assert set(by_buttons["scores"]) == {g.id for g in assessment.groups}
    assert by_buttons == by_typing
    summary = next(m["text"] for m in messages if "Dit is je uitslag" in m.get("text", ""))
    assert f"Je score is {by_buttons['overall']} van de 100." in summary

    first, second = stored(bot_servers, "e2e-buttons"), stored(bot_servers, "e2e-typing")
    for saved, shown in ((first, by_buttons), (second, by_typing)):
        assert saved["completed"] is True
        assert {k: saved[k] for k in ("scores", "overall", "routes", "completed")} == {
            k: shown[k] for k in ("scores", "overall", "routes", "completed")
        }
    assert first["answers"] == second["answers"]
    assert len(first["answers"]) == len(assessment.questions)


def test_why_back_and_unclear_answers_keep_the_question_open(bot_servers, assessment):
    sender = "e2e-interrupt"
    bot_servers.send(sender, "hoi")
    messages = bot_servers.send(sender, "nee")  # no consent: nothing is stored
    assert open_question_of(messages, assessment).id == "beroep"

    messages = bot_servers.send(sender, "waarom vraag je dit")
    assert assessment.question("beroep").why in messages[0]["text"]
    assert open_question_of(messages, assessment).id == "beroep"

    messages = bot_servers.send(sender, "hoeveel verdien je bij een klantenservice?")
    assert "cao" in messages[0]["text"]
    assert open_question_of(messages, assessment).id == "beroep"

    messages = bot_servers.send(sender, "xqzw")
    assert "begrijp ik niet" in messages[0]["text"]
    assert open_question_of(messages, assessment).id == "beroep"

    messages = bot_servers.send(sender, "ik werkte in de horeca")
    assert open_question_of(messages, assessment).id == "opleiding"
    messages = bot_servers.send(sender, "terug")
    assert open_question_of(messages, assessment).id == "beroep"

    messages = bot_servers.send(sender, "pauze")
    assert open_question_of(messages, assessment) is None
    messages = bot_servers.send(sender, "ik wil verder")
    assert "Welkom terug" in messages[0]["text"]
    assert open_question_of(messages, assessment).id == "beroep"

    assert bot_servers.cli("results", "--sender", sender, "--json").returncode == 1
    # After "nee" the conversation lives in Rasa's memory only: not a byte on disk.
    on_disk = b"".join(p.read_bytes() for p in bot_servers.var_dir.glob("tracker.db*"))
    assert sender.encode() not in on_disk and b"xqzw" not in on_disk


def test_every_work_topic_is_answered_outside_the_check(bot_servers, assessment):
    """For every FAQ topic a typical question gets that topic's answer from the running bot."""
    import yaml

    from bot.advice.faq import load_facts, render_answer
    from tests.conftest import ROOT

    answers = {t.id: render_answer(t, assessment) for t in load_facts()}
    examples = yaml.safe_load((ROOT / "data" / "nlu" / "faq.yml").read_text(encoding="utf-8"))
    for item in examples["nlu"]:
        topic = item["metadata"]["topic"]
        question = item["examples"].splitlines()[0].lstrip("- ").strip()
        messages = bot_servers.send("e2e-faq", question)
        # "ervaring" adds the carry-over text of the work it names first.
        assert messages and messages[0].get("text", "").endswith(answers[topic]), (
            question,
            messages,
        )
    messages = bot_servers.send("e2e-faq", "wie wint het wk voetbal")
    assert "Daar kan ik je helaas niet mee helpen" in messages[0]["text"]


def test_a_check_survives_a_restart_of_rasa(bot_servers, assessment, begin_check):
    """Conversations live in the SQL tracker store: after a restart the user goes on."""
    sender = "e2e-restart"
    messages = begin_check(sender)
    assert open_question_of(messages, assessment).id == "opleiding"
    bot_servers.restart_rasa()
    messages = bot_servers.send(sender, "vmbo")
    assert open_question_of(messages, assessment).id == "tijden"
    stored = json.loads(bot_servers.cli("results", "--sender", sender, "--json").stdout)
    assert stored["answers"] == {"toestemming": "ja", "beroep": "horeca", "opleiding": "vmbo"}


def test_a_message_sent_again_with_its_id_is_answered_again_not_handled_twice(
    bot_servers, assessment
):
    """A lost reply: the person sends the same typed answer again (REST ``message_id``)."""
    sender = "e2e-same-id"

    def send(text: str, message_id: str) -> list[dict[str, Any]]:
        response = requests.post(
            f"{bot_servers.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, "message_id": message_id},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    send("hoi", "id-1")
    send("ja", "id-2")
    first = send("ik werkte in de horeca", "id-3")
    assert open_question_of(first, assessment).id == "opleiding"
    again = send("ik werkte in de horeca", "id-3")  # the reply got lost: sent again
    assert again == first
    stored_once = stored(bot_servers, sender)["answers"]
    assert set(stored_once) == {"toestemming", "beroep"}
    after = send("mbo 3", "id-4")
    assert open_question_of(after, assessment).id not in ("beroep", "opleiding")
    assert stored(bot_servers, sender)["answers"]["opleiding"] == "mbo34"
    wrong = requests.post(
        f"{bot_servers.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "hoi", "message_id": ["not", "text"]},
        timeout=60,
    )
    assert wrong.status_code == 400 and "message_id" in wrong.text
