"""The Rasa domain, the actions and the content must fit together."""

from __future__ import annotations

import re

import pytest
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import ActionExecutor

from actions.state import FORM_NAME, SLOT_ANSWER, SLOT_ANSWERS, SLOT_ASSESSMENT_ID, SLOT_STATUS
from bot.conversation.messages import ANSWER_INTENT, CHOICE_ENTITY, FAQ_TOPIC_ENTITY, choice_payload
from bot.understanding.answer_or_request import REQUEST_INTENTS
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def test_every_domain_action_is_implemented_and_vice_versa(domain):
    executor = ActionExecutor()
    executor.register_package("actions")
    implemented = set(executor.actions)
    declared = set(domain.user_actions) - set(domain.responses)
    assert declared == implemented


def test_every_response_used_by_an_action_exists(domain):
    used = set()
    for path in (ROOT / "actions").glob("*.py"):
        used |= set(re.findall(r'response="(utter_\w+)"', path.read_text(encoding="utf-8")))
    assert used, "no responses found: the pattern is out of date"
    assert used <= set(domain.responses)


def test_slots_and_form_used_by_actions_exist(domain):
    assert {SLOT_ANSWER, SLOT_ANSWERS, SLOT_ASSESSMENT_ID, SLOT_STATUS} <= {
        s.name for s in domain.slots
    }
    assert domain.required_slots_for_form(FORM_NAME) == [SLOT_ANSWER]


def test_every_button_payload_parses_to_a_domain_intent_and_entity(domain, assessment):
    handler = RegexMessageHandler()
    for question in assessment.questions:
        for option in question.options:
            payload = choice_payload(question, option)
            (message,) = handler.process([Message(data={TEXT: payload})], domain=domain)
            assert message.get(INTENT)["name"] == ANSWER_INTENT
            (entity,) = message.get(ENTITIES)
            assert entity["entity"] == CHOICE_ENTITY
            assert entity["value"] == f"{question.id}:{option.id}"
    assert ANSWER_INTENT in domain.intents
    assert CHOICE_ENTITY in domain.entities


def test_request_intents_exist_and_never_block_answers(domain):
    assert set(REQUEST_INTENTS) <= set(domain.intents)
    assert not REQUEST_INTENTS & {"inform", "affirm", "deny", "nlu_fallback"}
    assert FAQ_TOPIC_ENTITY in domain.entities
    (slot,) = [s for s in domain.slots if s.name == SLOT_ANSWER]
    assert [m["type"] for m in slot.mappings] == ["custom"]


def test_every_request_intent_has_a_rule_during_the_check():
    import yaml

    handled = set()
    for path in (ROOT / "data" / "rules").glob("*.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            conditions = rule.get("condition", [])
            if {"active_loop": "assessment_form"} in conditions:
                handled |= {s["intent"] for s in rule["steps"] if "intent" in s}
    assert handled >= REQUEST_INTENTS


def test_response_buttons_use_domain_intents(domain):
    for name, variants in domain.responses.items():
        for variant in variants:
            for button in variant.get("buttons", []):
                intent = button["payload"].lstrip("/").split("{")[0]
                assert intent in domain.intents, f"{name}: {button['payload']}"


def test_check_status_values_match_the_actions(domain):
    from actions import state

    (slot,) = [s for s in domain.slots if s.name == SLOT_STATUS]
    assert set(slot.values) >= {state.STATUS_IN_PROGRESS, state.STATUS_PAUSED, state.STATUS_DONE}


def test_journey_stories_match_the_content(assessment):
    import importlib.util

    path = ROOT / "scripts" / "generate_journey_stories.py"
    spec = importlib.util.spec_from_file_location("generate_journey_stories", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.journey_stories(assessment) + "\n"
    actual = (ROOT / "tests" / "stories" / "test_journey.yml").read_text(encoding="utf-8")
    assert actual == expected, "regenerate tests/stories/test_journey.yml (see its header)"


def test_every_faq_topic_has_training_and_heldout_examples():
    import yaml

    from bot.advice.faq import load_facts

    def topics_in(path):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return {i["metadata"]["topic"] for i in data["nlu"] if i["intent"] == "faq"}

    topics = {t.id for t in load_facts()}
    assert topics_in(ROOT / "data" / "nlu" / "faq.yml") == topics
    assert topics_in(ROOT / "tests" / "data" / "nlu_heldout" / "faq.yml") == topics
