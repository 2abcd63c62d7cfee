"""The whole check by typing only, the way people type on a phone (issue 12).

No button payload is sent: every answer is typed, including the reply to a
"Bedoel je ...?". Answers that look like commands ("hangt ervan af",
"wisselend", "leg stap voor stap", "even wennen maar het lukt") must be
taken as answers, and questions about the work asked on the way must be
answered without losing the open question.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.check.assessment import Assessment, Question
from tests.e2e.conftest import BotServers
from tests.e2e.test_conversation import open_question_of, result_of, stored

pytestmark = pytest.mark.e2e

#: Question id -> (what a person types, the option a careful reader would pick).
PHONE_ANSWERS: dict[str, tuple[str, str]] = {
    "toestemming": ("jaa is goed", "ja"),
    "beroep": ("ik stond achter de kassa bij de appie", "winkel"),
    "opleiding": ("mbo niveau 2 gedaan", "mbo12"),
    "tijden": ("avonden wel", "avond"),
    "kanaal": ("liever typen dan bellen", "schriftelijk"),
    "talen": ("alleen nederlands", "geen"),
    "comm_luisteren": ("jaa hoor", "wel"),
    "comm_mensen": ("100%", "helemaal"),
    "comm_boze_klant": ("ik leg meteen uit hoe het bezrgen werkt", "uitleggen"),
    "comm_uitleggen": ("leg stap voor stap", "stap_voor_stap"),
    "ana_kern": ("hangt ervan af", "soms"),
    "ana_uitzoeken": ("wisselend", "soms"),
    "ana_twee_vragen": ("ik vraag door en help met allebei", "allebei"),
    "ana_niet_weten": ("opzoeken en ik kom erop terug", "uitzoeken"),
    "sch_tegelijk": ("zo nu en dan", "soms"),
    "sch_druk": ("nee joh", "niet"),
    "sch_wachtrij": ("rustig helpen en een belmoment afspreken", "rustig_helpen"),
    "sch_wisselen": ("even wennen maar het lukt", "wennen"),
    "com_tevreden": ("ja tuurlijk", "wel"),  # "Klopt" or "Klopt helemaal": asks, "1" picks
    "com_verkopen": ("beetje wel beetje niet", "soms"),
    "com_kans": ("ik vertel over een sneller abonement", "aanbieden"),
    "com_nee_horen": ("hoort erbij, ik blijf vriendelijk", "hoort_erbij"),
    "adm_typen": ("klopt helemaaal", "helemaal"),
    "adm_spelling": ("niet echt", "niet"),
    "adm_adres": ("ik lees het hardop voor ter controle", "controleren"),
    "adm_mail": ("nalezen op fouten", "nalezen"),
}
#: What the bot says when it leaves the question; none of it may follow an answer.
LEAVING = ("we stoppen even", "Wil je dat ik alles van je wis", "we gaan een vraag terug")
#: Questions about the work typed in the middle of the check, with a word of the answer.
QUESTIONS_ON_THE_WAY = {
    "ana_kern": ("kan ik later doorgroeien?", "teamleider"),
    "sch_druk": ("ben ik niet te oud voor dit werk? ik ben 52", "45"),
}
#: Not knowing, typed before the answer: nothing is stored, the same question stays open.
NOT_KNOWING_ON_THE_WAY = {"sch_tegelijk": "geen idee joh", "adm_adres": "kweenie"}


def offered_options(messages: list[dict[str, Any]]) -> list[str]:
    """Option ids of the newest "Bedoel je ...?" buttons (without "Iets anders")."""
    clarify = next(m for m in reversed(messages) if m.get("text", "").startswith("Bedoel je"))
    found = [re.search(r'"choice": "[^":]+:([^"]+)"', b["payload"]) for b in clarify["buttons"]]
    return [f.group(1) for f in found if f and f.group(1) != "_anders"]


def answer_by_typing(
    servers: BotServers, sender: str, question: Question, text: str, wanted: str
) -> list[dict[str, Any]]:
    messages = servers.send(sender, text)
    said = " ".join(m.get("text", "") for m in messages)
    assert not any(words in said for words in LEAVING), (question.id, text, said)
    if any(m.get("text", "").startswith("Bedoel je") for m in messages):
        offered = offered_options(messages)
        assert offered[0] == wanted, (question.id, text, offered)
        reply = "ja" if len(offered) == 1 else "1"  # typed, as on a phone
        messages = servers.send(sender, reply)
    return messages


def test_the_check_can_be_completed_by_typing_everyday_dutch(bot_servers, assessment: Assessment):
    sender = "e2e-phone-typing"
    messages = bot_servers.send(sender, "hoi")
    asked: list[str] = []
    for _ in range(len(assessment.questions) + 5):
        question = open_question_of(messages, assessment)
        if question is None:
            break
        asked.append(question.id)
        if question.id in QUESTIONS_ON_THE_WAY:
            faq, word = QUESTIONS_ON_THE_WAY[question.id]
            reply = bot_servers.send(sender, faq)
            assert word in " ".join(m.get("text", "") for m in reply), (faq, reply)
            assert open_question_of(reply, assessment) is question
        if question.id in NOT_KNOWING_ON_THE_WAY:
            reply = bot_servers.send(sender, NOT_KNOWING_ON_THE_WAY[question.id])
            said = " ".join(m.get("text", "") for m in reply)
            assert said.startswith("Dat geeft niet.") and "Sorry" not in said, reply
            assert open_question_of(reply, assessment) is question
        text, wanted = PHONE_ANSWERS[question.id]
        messages = answer_by_typing(bot_servers, sender, question, text, wanted)
        assert open_question_of(messages, assessment) is not question or result_of(messages)
    assert asked == [q.id for q in assessment.questions]
    assert result_of(messages) is not None
    saved = stored(bot_servers, sender)
    assert saved["answers"] == {q: option for q, (_, option) in PHONE_ANSWERS.items()}


def test_start_de_check_then_1_is_taken_as_the_first_option(bot_servers, assessment: Assessment):
    sender = "e2e-start-then-1"
    bot_servers.send(sender, "Start de check")
    messages = bot_servers.send(sender, "1")
    assert open_question_of(messages, assessment).id == "beroep", messages
    messages = bot_servers.send(sender, "2")
    assert open_question_of(messages, assessment).id == "opleiding", messages
    # "3" for the diploma: the third button or "Mbo niveau 3 of 4"? The bot asks, and the
    # button's number typed next picks it.
    messages = bot_servers.send(sender, "3")
    said = " ".join(m.get("text", "") for m in messages)
    assert "Bedoel je" in said and "Mbo niveau 3 of 4" in said, messages
    for text in ("2", "1", "1", "1"):  # "Mbo niveau 3 of 4", then the rest of the intake
        messages = bot_servers.send(sender, text)
    assert open_question_of(messages, assessment).id == "comm_luisteren", messages
    assert stored(bot_servers, sender)["answers"]["opleiding"] == "mbo34"
    messages = bot_servers.send(sender, "wisselend")  # not "wis": an answer, never erasing
    said = " ".join(m.get("text", "") for m in messages)
    assert not any(words in said for words in LEAVING), said
    assert open_question_of(messages, assessment).id == "comm_mensen"


def test_a_tapped_topic_button_gets_that_answer_also_during_the_check(bot_servers, assessment):
    from bot.advice.faq import load_facts, render_answer

    salaris = next(render_answer(t, assessment) for t in load_facts() if t.id == "salaris")
    sender = "e2e-topic-button"
    bot_servers.send(sender, "hoi")
    messages = bot_servers.send(sender, '/faq{"faq_topic": "salaris"}')
    assert messages[0]["text"] == salaris
    assert open_question_of(messages, assessment).id == "toestemming"
