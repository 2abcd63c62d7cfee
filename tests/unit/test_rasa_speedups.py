"""The Rasa speed-ups give exactly Rasa's results (bot.rasa_integration.speedups, bot.rasa_integration.applied_events)."""

from __future__ import annotations

import copy
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.processor import MessageProcessor
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_integration.applied_events import applied_events, rasa_applied_events
from bot.rasa_integration.speedups import install_payload_shortcut
from bot.rasa_integration.tracker_store import ErasingSQLTrackerStore

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
LOOPS = ["assessment_form", "other_form"]

EVENTS = st.one_of(
    st.sampled_from([*LOOPS, "action_listen", "utter_x", "action_ask_answer"]).map(ActionExecuted),
    st.sampled_from([*LOOPS, None]).map(ActiveLoop),
    st.sampled_from(["hoi", "ja", "3"]).map(lambda t: UserUttered(t, {"name": "answer"})),
    st.sampled_from(LOOPS).map(ActionExecutionRejected),
    st.just(None).map(lambda _: ActionReverted()),
    st.just(None).map(lambda _: UserUtteranceReverted()),
    st.just(None).map(lambda _: Restarted()),
    st.just(None).map(lambda _: SessionStarted()),
    st.sampled_from(["a", "b"]).map(lambda v: SlotSet("answer", v)),
)


@settings(max_examples=300, deadline=None)
@given(batches=st.lists(st.lists(EVENTS, max_size=8), max_size=12))
def test_applied_events_equal_rasas_after_every_batch(batches):
    """Events arrive in batches (one per action); every call must equal Rasa's."""
    tracker = DialogueStateTracker("s", [])
    for batch in batches:
        for event in batch:
            tracker.events.append(event)  # no side effects on slots, as in a replay
        assert applied_events(tracker) == rasa_applied_events(tracker)


def test_applied_events_are_recomputed_for_a_new_deque_and_not_copied():
    tracker = DialogueStateTracker("s", [])
    tracker.events.extend([ActionExecuted("action_listen"), UserUttered("hoi")])
    first = applied_events(tracker)
    first.clear()  # callers get their own list
    assert len(applied_events(tracker)) == 2
    duplicate = copy.deepcopy(tracker)
    duplicate.events.append(ActionExecuted("utter_x"))
    assert applied_events(duplicate) == rasa_applied_events(duplicate)
    tracker._reset()
    tracker.events.append(ActionExecuted("utter_y"))
    assert applied_events(tracker) == rasa_applied_events(tracker)


def test_a_new_loop_name_in_later_events_changes_earlier_ones_too():
    """Rasa collects loop names from all events; a new one forces a full recompute."""
    tracker = DialogueStateTracker("s", [])
    tracker.events.extend(
        [ActionExecuted("other_form"), SlotSet("answer", "a"), ActionExecuted("other_form")]
    )
    before = applied_events(tracker)
    tracker.events.append(ActiveLoop("other_form"))
    after = applied_events(tracker)
    assert after == rasa_applied_events(tracker)
    assert len(after) != len(before) + 1


def _payload_parse(text: str) -> tuple[dict, bool]:
    """Parse through the shortcut; report whether the pipeline was asked."""
    domain = Domain.load(str(DOMAIN_FILE))
    asked: list[str] = []

    class Processor:
        pass

    processor = Processor()
    processor.domain = domain
    original = MessageProcessor._parse_message_with_graph
    MessageProcessor._parse_message_with_graph = lambda self, m, t, o=True: (
        asked.append(m.text) or {"text": m.text, "intent": {"name": "pipeline"}}
    )
    try:
        install_payload_shortcut()
        message = type("UserMessage", (), {"text": text})()
        parsed = MessageProcessor._parse_message_with_graph(processor, message, None)
    finally:
        MessageProcessor._parse_message_with_graph = original
    return parsed, bool(asked)


def _as_rasa_graph_parses(text: str) -> dict:
    """What Rasa's graph returns: RegexMessageHandler is its last NLU step."""
    domain = Domain.load(str(DOMAIN_FILE))
    from_diet = Message(
        {"text": text, "intent": {"name": "greet", "confidence": 0.3}},
        output_properties={"text", "intent"},
    )
    [handled] = RegexMessageHandler().process([from_diet], domain)
    parse_data = {"text": "", "intent": {"name": None, "confidence": 0.0}, "entities": []}
    parse_data.update(handled.as_dict(only_output_properties=True))
    return parse_data


@pytest.mark.parametrize(
    "payload",
    [
        '/inform{"choice": "comm_mensen:graag"}',
        "/inform",
        '/share_code{"code": "ABCD-EFGH"}',
        "/affirm@0.8",
        "/inform{kapot",  # Rasa warns and keeps the intent, in the graph too
    ],
)
def test_payloads_skip_the_pipeline_with_the_graphs_result(payload):
    parsed, asked = _payload_parse(payload)
    assert not asked
    assert parsed == _as_rasa_graph_parses(payload)
    assert parsed["intent"]["name"] == payload[1:].split("{")[0].split("@")[0]
    if "choice" in payload:
        assert parsed["entities"][0]["value"] == "comm_mensen:graag"


@pytest.mark.parametrize("text", ["hoi", "/geen_intent_van_ons", "/{}", "", "  "])
def test_typed_text_and_unknown_payloads_go_through_the_pipeline(text):
    parsed, asked = _payload_parse(text)
    assert asked
    assert parsed["intent"]["name"] == "pipeline"


async def test_stored_event_count_equals_rasas_query_across_sessions(tmp_path):
    domain = Domain.load(str(DOMAIN_FILE))
    store = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    assert store.stored_event_count("nobody") == 0
    tracker = DialogueStateTracker("s1", domain.slots)
    for number in range(3):
        tracker.update(UserUttered(f"hoi {number}", {"name": "greet"}))
    await store.save(tracker)

    def rasa_count(sender: str) -> int:
        with store.session_scope() as session:
            return store._event_query(session, sender, fetch_events_from_all_sessions=False).count()

    assert store.stored_event_count("s1") == rasa_count("s1") == 3
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(UserUttered("weer hoi", {"name": "greet"}))
    await store.save(tracker)
    assert store.stored_event_count("s1") == rasa_count("s1") == 2
    assert store.stored_event_count("s2") == rasa_count("s2") == 0


async def test_a_kept_tracker_is_saved_from_its_known_count_without_duplicates(tmp_path):
    domain = Domain.load(str(DOMAIN_FILE))
    db = tmp_path / "t.db"
    store = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    tracker = DialogueStateTracker("s1", domain.slots)
    tracker.update(UserUttered("hoi", {"name": "greet"}))
    await store.save(tracker)
    for number in range(5):
        kept = await store.retrieve("s1")
        assert kept is tracker
        kept.update(UserUttered(f"bericht {number}", {"name": "greet"}))
        await store.save(kept)
        await store.save(kept)  # a second save in one turn adds nothing
    with sqlite3.connect(db) as conn:
        texts = [json_text for (json_text,) in conn.execute("SELECT data FROM events ORDER BY id")]
    assert len(texts) == 6
    reread = await ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db)).retrieve(
        "s1"
    )
    assert [e.text for e in reread.events] == ["hoi"] + [f"bericht {n}" for n in range(5)]
