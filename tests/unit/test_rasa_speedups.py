"""The Rasa speed-ups give exactly Rasa's results, install in one place and undo cleanly.

(bot.rasa_integration.speedups, bot.rasa_integration.applied_events)
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
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

from bot.rasa_integration import speedups
from bot.rasa_integration.applied_events import applied_events, rasa_applied_events
from bot.rasa_integration.nlu_components import ClearRequests
from bot.rasa_integration.speedups import (
    PATCHES,
    TESTED_RASA_VERSION,
    UnsupportedRasaVersion,
    cached_response_validator,
    install_at_rasa_start,
    install_speedups,
    payload_shortcut,
    rasa_speedups,
    speedups_installed,
    uninstall_speedups,
)
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
    asked: list[str] = []

    def pipeline(processor, message, tracker, only_output_properties=True):
        asked.append(message.text)
        return {"text": message.text, "intent": {"name": "pipeline"}}

    processor = type("Processor", (), {"domain": Domain.load(str(DOMAIN_FILE))})()
    message = type("UserMessage", (), {"text": text})()
    return payload_shortcut(pipeline)(processor, message, None), bool(asked)


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


async def test_tracker_store_uses_wal_on_sqlite(tmp_path):
    domain = Domain.load(str(DOMAIN_FILE))
    store = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker("s1", domain.slots)
    tracker.update(UserUttered("hoi", {"name": "greet", "confidence": 1.0}))
    await store.save(tracker)
    with sqlite3.connect(tmp_path / "t.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert len((await store.retrieve("s1")).events) == 1


@pytest.mark.parametrize(
    "result",
    [
        {"events": [], "responses": [{"text": "hoi"}]},
        {"events": "not a list"},
        {"responses": [{"text": 3}], "events": [{"event": "slot"}]},
    ],
)
def test_cached_action_response_validator_accepts_and_rejects_like_rasa(result):
    rasas = RemoteAction._validate_action_result
    ours = cached_response_validator(rasas)
    action = RemoteAction("action_x", None)
    try:
        expected: object = rasas(action, copy.deepcopy(result))
    except ValidationError as error:
        expected = error.message
    if isinstance(expected, str):
        assert "Failed to validate Action server response" in expected
        with pytest.raises(ValidationError) as raised:
            ours(action, result)
        assert raised.value.message == expected
    else:
        assert ours(action, result) is expected is True


# --- installing, undoing, the version check -------------------------------------


def _rasas_own(patch) -> bool:
    return vars(patch.owner)[patch.name].__module__.startswith("rasa.")


def _ours(patch) -> bool:
    return vars(patch.owner)[patch.name].__module__.startswith("bot.rasa_integration.")


@pytest.fixture
def restore_rasa() -> Iterator[None]:
    """Rasa as it was after the test, whatever the test installed."""
    assert not speedups_installed()
    yield
    uninstall_speedups()
    assert all(_rasas_own(patch) for patch in PATCHES)


def test_install_replaces_every_target_and_uninstall_gives_rasas_back(restore_rasa):
    originals = {patch: vars(patch.owner)[patch.name] for patch in PATCHES}
    assert all(_rasas_own(patch) for patch in PATCHES)
    replaced = install_speedups()
    assert replaced == originals
    assert all(_ours(patch) for patch in PATCHES)
    assert install_speedups() == originals  # twice changes nothing
    assert all(_ours(patch) for patch in PATCHES)
    uninstall_speedups()
    assert {patch: vars(patch.owner)[patch.name] for patch in PATCHES} == originals
    uninstall_speedups()  # twice is harmless
    assert not speedups_installed()


def test_the_context_manager_undoes_only_what_it_installed(restore_rasa):
    with rasa_speedups() as replaced:
        assert all(_ours(patch) for patch in PATCHES)
    assert {patch: vars(patch.owner)[patch.name] for patch in PATCHES} == replaced
    install_speedups()
    with rasa_speedups():
        pass
    assert all(_ours(patch) for patch in PATCHES)  # installed before: left installed


def test_the_installed_rasa_is_the_tested_one():
    speedups.check_rasa_version()
    assert speedups.installed_rasa_version() == TESTED_RASA_VERSION


def test_another_rasa_version_is_refused_and_nothing_is_patched(monkeypatch, capsys, restore_rasa):
    monkeypatch.setattr(speedups, "installed_rasa_version", lambda: "3.7.2")
    with pytest.raises(UnsupportedRasaVersion, match=r"Rasa 3\.7\.2 is installed") as refused:
        install_speedups()
    assert f"rasa=={TESTED_RASA_VERSION}" in str(refused.value)
    assert all(_rasas_own(patch) for patch in PATCHES)
    with pytest.raises(SystemExit) as stopped:  # what Rasa sees when it loads the model
        install_at_rasa_start()
    assert stopped.value.code == 1
    assert "Rasa 3.7.2 is installed" in capsys.readouterr().out
    assert not speedups_installed()


def test_rasa_loading_our_model_installs_them(restore_rasa):
    component = ClearRequests.load({}, None, None, None)  # what Rasa's graph calls
    assert isinstance(component, ClearRequests)
    assert all(_ours(patch) for patch in PATCHES)


def test_the_hook_is_in_the_pipeline_rasa_loads():
    """Without ClearRequests in config.yml the speed-ups would silently stay off."""
    config = yaml.safe_load((DOMAIN_FILE.parent / "config.yml").read_text(encoding="utf-8"))
    names = [step["name"] for step in config["pipeline"]]
    assert f"{ClearRequests.__module__}.{ClearRequests.__name__}" in names


def test_building_the_tracker_store_leaves_rasa_alone(tmp_path, restore_rasa):
    ErasingSQLTrackerStore(
        domain=Domain.load(str(DOMAIN_FILE)), dialect="sqlite", db=str(tmp_path / "t.db")
    )
    assert not speedups_installed()
    assert all(_rasas_own(patch) for patch in PATCHES)


def test_the_tracker_sql_names_rasas_session_start_event() -> None:
    """bot.storage has no Rasa import, so it spells the event's type name itself."""
    from rasa.shared.core.events import SessionStarted

    from bot.storage.tracker_sql import SESSION_STARTED

    assert SessionStarted.type_name == SESSION_STARTED


class BrokenStore:
    """A tracker store whose database is down (as during a PostgreSQL restart)."""

    domain = Domain.empty()
    event_broker = None

    async def retrieve(self, sender_id: str) -> None:
        raise ConnectionError("database down")

    async def retrieve_full_tracker(self, sender_id: str) -> None:
        raise ConnectionError("database down")

    async def save(self, tracker: DialogueStateTracker) -> None:
        raise ConnectionError("database down")


async def test_tracker_store_errors_reach_the_channel_instead_of_an_empty_conversation(
    restore_rasa,
):
    from rasa.core.tracker_store import FailSafeTrackerStore

    wrapped = FailSafeTrackerStore(BrokenStore())  # as Rasa's agent wraps every store
    assert await wrapped.retrieve("s1") is None  # Rasa's own: a new, empty conversation
    speedups.install_speedups()
    for call in (wrapped.retrieve("s1"), wrapped.retrieve_full_tracker("s1"),
                 wrapped.save(DialogueStateTracker("s1", []))):  # fmt: skip
        with pytest.raises(ConnectionError):
            await call
