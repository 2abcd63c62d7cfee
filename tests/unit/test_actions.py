"""Each action with a real rasa-sdk Tracker and CollectingDispatcher."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import ActionExplainAdvice, ActionMoreAdvice
from actions.ask_question import ActionAskAssessmentAnswer
from actions.delete_data import ActionDeleteData
from actions.explain import ActionExplainQuestion
from actions.faq import ActionOutOfScope
from actions.go_back import ActionGoBack
from actions.pause import ActionPauseCheck, ActionPauseWithoutCheck
from actions.restart_check import ActionRestartCheck
from actions.session_start import ActionSessionStart
from actions.share_code import ActionShareCode, ActionWithdrawShareCode
from actions.show_result import ActionShowResult
from actions.start_check import ActionStartCheck
from actions.validate_form import ValidateAssessmentForm
from bot import runtime
from tests.conftest import ROOT, all_answers

SENDER = "test-sender-1"


@pytest.fixture(scope="module")
def domain() -> dict[str, Any]:
    return Domain.load(str(ROOT / "domain.yml")).as_dict()


@pytest.fixture(autouse=True)
def _runtime(isolated_runtime: Path) -> Path:
    return isolated_runtime


def tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    return Tracker(
        sender_id=SENDER,
        slots=slots or {},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": entities or [],
        },
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def validate(domain, slots, text="", choice=None):
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "choice", "value": choice}] if choice else []
    result = await ValidateAssessmentForm().validate_assessment_answer(
        text, dispatcher, tracker(slots, text, entities=entities), domain
    )
    return result, [m.get("text") for m in dispatcher.messages]


async def test_start_check_introduces_itself_and_resets(domain):
    dispatcher = CollectingDispatcher()
    events = await ActionStartCheck().run(dispatcher, tracker(), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_intro", "utter_privacy_intro"]
    assert dispatcher.messages[0]["question_count"] == 25
    privacy = dispatcher.messages[1]
    assert privacy["retention_days"] == 90
    assert privacy["privacy_url"].endswith("/privacy")
    slots = slot_values(events)
    assert slots["answers"] == {} and slots["check_status"] == "in_progress"
    assert len(slots["assessment_id"]) == 32


async def test_start_check_resumes_a_paused_check(domain):
    dispatcher = CollectingDispatcher()
    slots = {"check_status": "paused", "answers": {"toestemming": "ja"}}
    events = await ActionStartCheck().run(dispatcher, tracker(slots), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_welcome_back"]
    assert slot_values(events) == {"check_status": "in_progress", "assessment_answer": None}


async def test_ask_shows_the_open_question_with_buttons(domain):
    dispatcher = CollectingDispatcher()
    await ActionAskAssessmentAnswer().run(
        dispatcher, tracker({"answers": {"toestemming": "nee"}}), domain
    )
    (message,) = dispatcher.messages
    assert message["text"].startswith("Vraag 1 van 25\n")
    assert message["buttons"][0]["payload"] == '/inform{"choice": "beroep:winkel"}'


async def test_consent_button_starts_storage(domain):
    slots = {"answers": {}, "assessment_id": "a" * 32}
    result, messages = await validate(domain, slots, "/inform", choice="toestemming:ja")
    assert result == {
        "assessment_answer": None,
        "clarifying": None,
        "answers": {"toestemming": "ja"},
        "assessment_id": "a" * 32,
    }
    assert messages == []
    stored = runtime.store().latest(runtime.person_for(SENDER))
    assert stored.answers == {"toestemming": "ja"}


async def test_typed_answer_is_confirmed_and_stored(domain):
    await validate(domain, {"answers": {}, "assessment_id": "b" * 32}, "ja hoor")
    answers = {"toestemming": "ja", "beroep": "winkel", "opleiding": "vmbo", "tijden": "beide",
               "kanaal": "beide", "talen": "geen"}  # fmt: skip
    result, messages = await validate(
        domain, {"answers": answers, "assessment_id": "b" * 32}, "ja klopt wel"
    )
    assert result["answers"]["comm_luisteren"] == "wel"
    assert messages == ["Ik noteer: Klopt."]
    stored = runtime.store().latest(runtime.person_for(SENDER))
    assert stored.answers["comm_luisteren"] == "wel"


async def test_without_consent_nothing_is_stored(domain):
    result, _ = await validate(domain, {"answers": {}}, "nee")
    assert result["answers"] == {"toestemming": "nee"}
    await validate(domain, {"answers": result["answers"]}, "horeca")
    assert runtime.store().latest(runtime.person_for(SENDER)) is None


async def test_unclear_answer_gets_a_hint_and_no_change(domain):
    slots = {"answers": {"toestemming": "nee"}}
    result, messages = await validate(domain, slots, "12345")
    assert result == {"assessment_answer": None, "clarifying": None}
    assert messages == ["Sorry, dat antwoord begrijp ik niet. "
                        "Kies een knop of typ in een paar woorden wat je doet, "
                        "bijvoorbeeld 'verkoper' of 'ober'."]  # fmt: skip


async def test_button_of_an_old_question_is_not_taken(domain):
    slots = {"answers": {"toestemming": "nee"}}
    result, messages = await validate(domain, slots, "/inform", choice="toestemming:ja")
    assert result == {"assessment_answer": None, "clarifying": None}
    assert "andere vraag" in messages[0]


async def test_a_fairly_clear_answer_gets_bedoel_je_with_buttons(domain):
    slots = {"answers": {"toestemming": "nee"}}
    dispatcher = CollectingDispatcher()
    text = "kassa en bediening"
    result = await ValidateAssessmentForm().validate_assessment_answer(
        text, dispatcher, tracker(slots, text), domain
    )
    assert result["assessment_answer"] is None
    assert result["clarifying"] in {"beroep:horeca,winkel", "beroep:winkel,horeca"}
    (message,) = dispatcher.messages
    assert message["text"].startswith("Bedoel je ")
    titles = [b["title"] for b in message["buttons"]]
    assert set(titles[:2]) == {"Horeca", "Winkel of verkoop"} and titles[2] == "Iets anders"
    # The question is not asked again in full under the "Bedoel je", and the offer stays,
    # so a typed "ja" or "2" on the next turn refers to it.
    said = {"event": "bot", "text": message["text"], "data": {"buttons": message["buttons"]}}
    ask = CollectingDispatcher()
    events = await ActionAskAssessmentAnswer().run(
        ask, tracker({**slots, **result}, events=[said]), domain
    )
    assert ask.messages == [] and events == []
    # After something else (an explanation), the question is asked in full and the offer ends.
    later = [said, {"event": "bot", "text": "Deze vraag gaat over ...", "data": {}}]
    ask = CollectingDispatcher()
    events = await ActionAskAssessmentAnswer().run(
        ask, tracker({**slots, **result}, events=later), domain
    )
    assert ask.messages[0]["text"].startswith("Vraag 1 van 25")
    assert slot_values(events) == {"clarifying": None}


async def test_iets_anders_asks_the_question_again(domain):
    slots = {"answers": {"toestemming": "nee"}}
    result, messages = await validate(domain, slots, "/inform", choice="beroep:_anders")
    assert result == {"assessment_answer": None, "clarifying": None}
    assert messages[0].startswith("Geen probleem.")


async def test_form_run_validates_and_finishes_when_complete(domain, assessment):
    answers = all_answers(assessment, consent="nee")
    last = assessment.questions[-1]
    del answers[last.id]
    events = [
        {"event": "user", "text": "1", "parse_data": {}},
        {"event": "slot", "name": "assessment_answer", "value": "1"},
    ]
    dispatcher = CollectingDispatcher()
    result = await ValidateAssessmentForm().run(
        dispatcher,
        tracker({"answers": answers, "assessment_answer": "1"}, "1", events=events,
                active_loop="assessment_form"),
        domain,
    )  # fmt: skip
    slots = slot_values(result)
    assert slots["answers"][last.id] == last.options[0].id
    assert slots["requested_slot"] is None  # all answered: the form ends


async def test_explain_uses_the_question_or_group(domain, assessment):
    dispatcher = CollectingDispatcher()
    await ActionExplainQuestion().run(dispatcher, tracker({"answers": {}}), domain)
    assert dispatcher.messages[0]["text"] == assessment.consent.why
    dispatcher = CollectingDispatcher()
    await ActionExplainQuestion().run(
        dispatcher, tracker({"answers": all_answers(assessment)}), domain
    )
    assert dispatcher.messages[0]["response"] == "utter_no_open_question"


async def test_go_back_reopens_the_previous_question_and_unstores_it(domain):
    slots = {"answers": {}, "assessment_id": "c" * 32}
    first, _ = await validate(domain, slots, "ja")
    second, _ = await validate(domain, {**slots, "answers": first["answers"]}, "horeca")
    dispatcher = CollectingDispatcher()
    events = await ActionGoBack().run(
        dispatcher, tracker({**slots, "answers": second["answers"]}), domain
    )
    assert slot_values(events)["answers"] == {"toestemming": "ja"}
    assert dispatcher.messages[0]["response"] == "utter_going_back"
    stored = runtime.store().latest(runtime.person_for(SENDER))
    assert stored.answers == {"toestemming": "ja"}


async def test_starting_over_forgets_the_answers_and_keeps_the_consent(domain):
    slots = {"answers": {}, "assessment_id": "d" * 32}
    first, _ = await validate(domain, slots, "ja")
    second, _ = await validate(domain, {**slots, "answers": first["answers"]}, "horeca")
    dispatcher = CollectingDispatcher()
    events = await ActionRestartCheck().run(
        dispatcher, tracker({**slots, "answers": second["answers"]}), domain
    )
    values = slot_values(events)
    assert values["answers"] == {"toestemming": "ja"}
    assert values["assessment_id"] != "d" * 32
    assert dispatcher.messages[0]["response"] == "utter_restarting"
    assert runtime.store().result("d" * 32) is None


async def test_go_back_at_the_first_question(domain):
    dispatcher = CollectingDispatcher()
    assert await ActionGoBack().run(dispatcher, tracker({"answers": {}}), domain) == []
    assert dispatcher.messages[0]["response"] == "utter_cannot_go_back"


async def test_pause_deactivates_the_form(domain):
    dispatcher = CollectingDispatcher()
    events = await ActionPauseCheck().run(
        dispatcher, tracker(active_loop="assessment_form"), domain
    )
    assert ActiveLoop(None) in events
    assert slot_values(events)["check_status"] == "paused"


async def test_pausing_with_no_question_open_says_so_and_that_pausing_can(domain):
    dispatcher = CollectingDispatcher()
    events = await ActionPauseWithoutCheck().run(
        dispatcher, tracker(text="kan ik pauzeren"), domain
    )
    (message,) = dispatcher.messages
    assert events == [] and message["text"].startswith("Er staat nu geen vraag open.")
    assert "pauzeren en later verder" in message["text"] and "minuten" in message["text"]
    assert message["text"].endswith("Typ 'verder' om door te gaan met de check.")


async def test_show_result_stores_and_sends_the_fixed_json(domain, assessment):
    answers = all_answers(assessment)
    dispatcher = CollectingDispatcher()
    events = await ActionShowResult().run(
        dispatcher, tracker({"answers": answers, "assessment_id": "d" * 32}), domain
    )
    custom, text, advice, code = dispatcher.messages
    assert "Je score is 100 van de 100." in text["text"]
    assert re.search(r"Je deelcode voor je adviseur: [2-9A-Z]{4}-[2-9A-Z]{4}", code["text"])
    assert (
        "Mijn advies voor jou:\n1. Certificaat van de Klantenservice Federatie (KSF)"
        in advice["text"]
    )
    assert custom["custom"] == {
        "type": "assessment_result",
        "scores": dict.fromkeys(
            ["communicatief", "analytisch", "schakelen", "commercieel", "administratief"], 100
        ),
        "overall": 100,
        "routes": [
            "ksf_branchecertificaat",
            "mbo3_contactcenter",
            "mbo3_commercieel_binnendienst",
        ],
        "completed": True,
    }
    assert slot_values(events)["check_status"] == "done"
    stored = runtime.store().latest(runtime.person_for(SENDER))
    assert stored.completed and stored.scores == custom["custom"]["scores"]
    assert stored.answers == answers


async def test_show_result_without_consent_stores_nothing(domain, assessment):
    dispatcher = CollectingDispatcher()
    answers = all_answers(assessment, consent="nee")
    await ActionShowResult().run(dispatcher, tracker({"answers": answers}), domain)
    assert dispatcher.messages[0]["custom"]["completed"] is True
    assert not any("deelcode" in (m.get("text") or "") for m in dispatcher.messages)
    assert runtime.store().latest(runtime.person_for(SENDER)) is None


async def test_show_result_before_the_end(domain):
    dispatcher = CollectingDispatcher()
    assert await ActionShowResult().run(dispatcher, tracker({"answers": {}}), domain) == []
    assert dispatcher.messages[0]["response"] == "utter_no_result_yet"


async def test_session_start_carries_answers_and_pauses(domain):
    slots = {"answers": {"toestemming": "ja"}, "check_status": "in_progress",
             "requested_slot": "assessment_answer", "assessment_answer": None}  # fmt: skip
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker(slots), domain)
    assert events[0] == SessionStarted()
    assert events[-1] == ActionExecuted("action_listen")
    assert SlotSet("check_status", "paused") in events
    assert SlotSet("answers", {"toestemming": "ja"}) in events
    assert not any(e.get("name") == "requested_slot" for e in events)


async def test_delete_data_removes_stored_results(domain, assessment):
    await ActionShowResult().run(
        CollectingDispatcher(),
        tracker({"answers": all_answers(assessment), "assessment_id": "e" * 32}),
        domain,
    )
    dispatcher = CollectingDispatcher()
    events = await ActionDeleteData().run(dispatcher, tracker(), domain)
    assert runtime.store().latest(runtime.person_for(SENDER)) is None
    assert slot_values(events)["answers"] == {}
    assert dispatcher.messages[0]["response"] == "utter_data_deleted"


async def extract(domain, slots, text, intent, latest_action="action_listen"):
    events = [
        {"event": "action", "name": "assessment_form"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {}},
    ]
    if latest_action != "action_listen":
        events.append({"event": "action", "name": latest_action})
    events.append({"event": "action", "name": "assessment_form"})  # Rasa sends the form's run
    t = tracker(slots, text, intent=intent, events=events)
    return await ValidateAssessmentForm().extract_assessment_answer(
        CollectingDispatcher(), t, domain
    )


async def test_extract_takes_any_answer_attempt(domain):
    assert await extract(domain, {"answers": {}}, "misschien", "out_of_scope") == {
        "assessment_answer": "misschien"
    }
    slots = {"answers": {"toestemming": "ja"}}
    assert await extract(domain, slots, "wisselend", "delete_data") == {
        "assessment_answer": "wisselend"
    }


async def test_extract_leaves_meta_requests_to_the_rules(domain):
    assert await extract(domain, {"answers": {}}, "waarom vraag je dit", "ask_why") == {}


async def test_extract_keeps_a_plain_option_even_if_nlu_says_meta(domain):
    slots = {"answers": {"toestemming": "nee"}}
    assert await extract(domain, slots, "2", "go_back") == {"assessment_answer": "2"}
    assert await extract(domain, slots, "Horeca", "greet") == {"assessment_answer": "Horeca"}


async def test_extract_ignores_the_message_after_an_interruption(domain):
    assert await extract(domain, {"answers": {}}, "ja", "affirm", "action_explain_question") == {}


async def test_explain_advice_names_the_answers_behind_each_route(domain, assessment):
    dispatcher = CollectingDispatcher()
    await ActionExplainAdvice().run(
        dispatcher, tracker({"answers": all_answers(assessment)}), domain
    )
    text = dispatcher.messages[0]["text"]
    assert text.startswith("Waarom dit advies?")
    assert "- Certificaat van de Klantenservice Federatie (KSF): je totaalscore is 100." in text
    assert "werk.nl" in text


async def test_more_advice_lists_every_route_with_source(domain, assessment):
    dispatcher = CollectingDispatcher()
    await ActionMoreAdvice().run(dispatcher, tracker({"answers": all_answers(assessment)}), domain)
    text = dispatcher.messages[0]["text"]
    assert "Wft-diploma" in text and "Bron: Klantenservice Federatie" in text
    assert "https://www.ksfbranchecertificaat.nl" in text


async def test_advice_actions_wait_for_the_end_of_the_check(domain):
    for action in (ActionExplainAdvice(), ActionMoreAdvice()):
        dispatcher = CollectingDispatcher()
        await action.run(dispatcher, tracker({"answers": {}}), domain)
        assert dispatcher.messages[0]["response"] == "utter_advice_after_check"


async def test_extract_takes_a_clear_occupation_even_if_nlu_says_faq(domain):
    slots = {"answers": {"toestemming": "nee"}}
    assert await extract(domain, slots, "ik werkte in een callcenter", "faq") == {
        "assessment_answer": "ik werkte in een callcenter"
    }
    assert await extract(domain, slots, "wat verdien je in een callcenter?", "faq") == {}


async def test_a_reset_slot_is_not_an_answer(domain):
    dispatcher = CollectingDispatcher()
    result = await ValidateAssessmentForm().validate_assessment_answer(
        None, dispatcher, tracker({"answers": {}}), domain
    )
    assert result == {}
    assert dispatcher.messages == []


def code_in(message: dict[str, Any]) -> str:
    found = re.search(r"deelcode voor je adviseur: ([2-9A-Z]{4}-[2-9A-Z]{4})", message["text"])
    assert found, message
    return found.group(1)


async def test_share_code_is_the_same_when_asked_again_until_withdrawn(domain, assessment):
    slots = {"answers": all_answers(assessment), "assessment_id": "e" * 32}
    finished = CollectingDispatcher()
    await ActionShowResult().run(finished, tracker(slots), domain)
    first = code_in(finished.messages[3])

    again = CollectingDispatcher()
    assert await ActionShareCode().run(again, tracker(slots), domain) == []
    assert code_in(again.messages[0]) == first
    assert "De code werkt tot" in again.messages[0]["text"]

    withdrawn = CollectingDispatcher()
    await ActionWithdrawShareCode().run(withdrawn, tracker(slots), domain)
    assert withdrawn.messages[0]["response"] == "utter_share_code_withdrawn"
    assert runtime.store().assessment_for_code(first.replace("-", ""), "2000-01-01") is None

    twice = CollectingDispatcher()
    await ActionWithdrawShareCode().run(twice, tracker(slots), domain)
    assert twice.messages[0]["response"] == "utter_no_code_to_withdraw"

    fresh = CollectingDispatcher()
    await ActionShareCode().run(fresh, tracker(slots), domain)
    assert code_in(fresh.messages[0]) != first


async def test_no_share_code_without_a_stored_result(domain, assessment):
    dispatcher = CollectingDispatcher()
    await ActionShareCode().run(dispatcher, tracker({"answers": {}}), domain)
    assert dispatcher.messages[0]["response"] == "utter_no_share_code"


async def test_deleting_data_also_removes_share_codes(domain, assessment):
    slots = {"answers": all_answers(assessment), "assessment_id": "f" * 32}
    finished = CollectingDispatcher()
    await ActionShowResult().run(finished, tracker(slots), domain)
    code = code_in(finished.messages[3]).replace("-", "")
    assert runtime.store().assessment_for_code(code, "2000-01-01") == "f" * 32
    await ActionDeleteData().run(CollectingDispatcher(), tracker(slots), domain)
    assert runtime.store().assessment_for_code(code, "2000-01-01") is None


async def test_topic_buttons_during_the_check_are_not_hidden_by_the_question(domain):
    """After "Waar gaat je vraag over?" the question is not asked again under it."""
    offer = {"event": "bot", "text": "Waar gaat je vraag over?",
             "data": {"buttons": [{"title": "Salaris", "payload": '/faq{"faq_topic": "salaris"}'}]}}  # fmt: skip
    ask = CollectingDispatcher()
    slots = {"answers": {"toestemming": "nee"}}
    assert await ActionAskAssessmentAnswer().run(ask, tracker(slots, events=[offer]), domain) == []
    assert ask.messages == []


async def test_a_work_question_the_nlu_put_out_of_scope_gets_the_closest_topics(domain):
    dispatcher = CollectingDispatcher()
    text = "kan ik met mijn laptop thuis werken voor ze"
    await ActionOutOfScope().run(dispatcher, tracker(text=text, intent="out_of_scope"), domain)
    (message,) = dispatcher.messages
    assert message["text"].startswith("Die vraag kan ik niet goed plaatsen")
    payloads = [b["payload"] for b in message["buttons"]]
    assert '/faq{"faq_topic": "thuiswerken"}' in payloads and len(payloads) <= 3


async def test_a_question_far_from_every_topic_gets_the_out_of_scope_reply(domain, monkeypatch):
    import bot.understanding.faq_topics as faq_topics

    # The ranking is fixed: the topic model's own numbers move with every example added.
    monkeypatch.setattr(faq_topics, "rank_topics", lambda text: (("mijn_gegevens", 0.2),))
    dispatcher = CollectingDispatcher()
    text = "wie wint het songfestival"
    await ActionOutOfScope().run(dispatcher, tracker(text=text, intent="out_of_scope"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_out_of_scope"]
