"""A message sent twice with one id is answered once (bot.rasa_integration.replayed_turns)."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.rasa_integration.replayed_turns import METADATA_KEY, client_message_id, replies_to


def said(text: str, message_id: str | None = None) -> UserUttered:
    metadata = {METADATA_KEY: message_id} if message_id else {}
    return UserUttered(text, {"name": "inform"}, metadata=metadata)


BUTTONS = [{"title": "Mbo niveau 3 of 4", "payload": '/inform{"choice": "opleiding:mbo34"}'}]
EVENTS = [
    said("hoi", "m1"),
    BotUttered("Welkom!"),
    said("horeca", "m2"),
    ActionExecuted("assessment_form"),
    SlotSet("answers", {"beroep": "horeca"}),
    BotUttered("Wat is je hoogste diploma?", {"buttons": BUTTONS}),
    BotUttered(None, {"custom": {"type": "progress", "step": 2}}),
    said("mbo 3", "m3"),
    BotUttered("Vraag 1 van 25"),
]


def test_the_replies_to_a_known_id_are_what_the_bot_said_to_it():
    assert replies_to(EVENTS, "m2") == [
        {"text": "Wat is je hoogste diploma?", "buttons": BUTTONS},
        {"custom": {"type": "progress", "step": 2}},
    ]
    assert replies_to(EVENTS, "m3") == [{"text": "Vraag 1 van 25"}]


def test_an_unknown_id_or_a_message_without_replies_is_handled_as_new():
    assert replies_to(EVENTS, "m9") is None
    assert replies_to([*EVENTS, said("nog een", "m4")], "m4") is None  # nothing said yet
    assert replies_to([said("geen id"), BotUttered("Hoi")], "") is None


def test_only_a_text_id_counts():
    assert client_message_id({METADATA_KEY: "abc"}) == "abc"
    for metadata in (None, {}, {METADATA_KEY: ""}, {METADATA_KEY: 12}, {"other": "x"}):
        assert client_message_id(metadata) is None


def test_the_last_answered_copy_counts_when_a_message_came_more_than_twice():
    """Copy 1 got no answer (the guard said "probeer het opnieuw"), copy 2 was handled."""
    events = [
        said("hoi", "m1"),
        BotUttered("Welkom!"),
        said("horeca", "m2"),
        ActionExecuted("action_listen"),
        said("horeca", "m2"),
        BotUttered("Wat is je hoogste diploma?"),
    ]
    assert replies_to(events, "m2") == [{"text": "Wat is je hoogste diploma?"}]
    assert replies_to([*events, said("horeca", "m2")], "m2") == [
        {"text": "Wat is je hoogste diploma?"}
    ]  # copy 3, not answered yet: copy 2's answer is sent again
