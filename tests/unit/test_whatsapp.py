"""WhatsApp message formats and the channel's duplicate handling, in-process."""

from __future__ import annotations

import hashlib
import hmac

from bot import runtime
from bot.channels.whatsapp import WhatsAppInput, config_from
from bot.channels.whatsapp_format import (
    choice_messages,
    parse_webhook,
    shorten,
    signature_is_valid,
    split_text,
)


def test_signature_check():
    body = b'{"a": 1}'
    good = "sha256=" + hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert signature_is_valid("secret", body, good)
    assert not signature_is_valid("secret", body + b" ", good)
    assert not signature_is_valid("secret", body, None)
    assert not signature_is_valid("secret", body, "sha1=abc")
    assert not signature_is_valid("", body, good)


def test_parse_text_buttons_lists_media_and_skip_statuses():
    def msg(**fields):
        return {"from": "316", "id": fields.pop("id"), **fields}

    payload = {"entry": [{"changes": [{"value": {
        "statuses": [{"id": "wamid.s", "status": "read"}],
        "messages": [
            msg(id="1", type="text", text={"body": "hoi"}),
            msg(id="2", type="interactive", interactive={"type": "button_reply",
                "button_reply": {"id": "/inform{}", "title": "Ja"}}),
            msg(id="3", type="interactive", interactive={"type": "list_reply",
                "list_reply": {"id": "/x", "title": "X"}}),
            msg(id="4", type="sticker", sticker={}),
            {"type": "text"},
        ],
    }}]}]}  # fmt: skip
    items = parse_webhook(payload)
    assert [(i.message_id, i.kind, i.text) for i in items] == [
        ("1", "text", "hoi"), ("2", "text", "/inform{}"), ("3", "text", "/x"), ("4", "media", ""),
    ]  # fmt: skip
    assert parse_webhook([1, 2]) == [] and parse_webhook({"entry": "x"}) == []


def test_shorten_never_cuts_a_word():
    assert shorten("Klopt helemaal niet", 20) == "Klopt helemaal niet"
    assert shorten("Ik laat hem uitpraten en zeg dat ik het snap", 20) == "Ik laat hem…"
    assert len(shorten("a " * 100, 72)) <= 72


def test_split_text_at_sentences():
    text = " ".join(f"Zin nummer {n} is hier." for n in range(400))
    parts = split_text(text, 1000)
    assert all(len(p) <= 1000 for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts) == text


def buttons(*titles):
    return [{"title": t, "payload": f'/inform{{"choice": "q:{n}"}}'} for n, t in enumerate(titles)]


def test_up_to_three_short_options_are_reply_buttons():
    (message,) = choice_messages("316", "Mag ik?", buttons("Ja, bewaar ze", "Nee, niet bewaren"))
    interactive = message["interactive"]
    assert interactive["type"] == "button"
    assert [b["reply"]["title"] for b in interactive["action"]["buttons"]] == [
        "Ja, bewaar ze", "Nee, niet bewaren"]  # fmt: skip


def test_long_options_are_numbered_in_the_body():
    long = buttons("Ik laat hem uitpraten en toon begrip", "Ik verbind hem door", "Ik hang op")
    (message,) = choice_messages("316", "Wat doe je?", long)
    interactive = message["interactive"]
    assert "1. Ik laat hem uitpraten en toon begrip" in interactive["body"]["text"]
    assert [b["reply"]["title"] for b in interactive["action"]["buttons"]] == [
        "Antwoord 1", "Antwoord 2", "Antwoord 3"]  # fmt: skip


def test_four_to_ten_options_are_a_list_and_more_are_numbered_text():
    (message,) = choice_messages("316", "Diploma?", buttons(*[f"Optie {n}" for n in range(6)]))
    rows = message["interactive"]["action"]["sections"][0]["rows"]
    assert message["interactive"]["type"] == "list" and len(rows) == 6
    many = choice_messages("316", "Kies", buttons(*[f"Optie {n}" for n in range(12)]))
    assert all(m["type"] == "text" for m in many)
    assert "12. Optie 11" in many[-1]["text"]["body"]


def test_config_comes_from_the_environment_when_credentials_are_empty():
    config = config_from({"verify_token": None}, {"WHATSAPP_VERIFY_TOKEN": "v",
                         "WHATSAPP_APP_SECRET": "s", "WHATSAPP_ACCESS_TOKEN": "a",
                         "WHATSAPP_PHONE_NUMBER_ID": "1"})  # fmt: skip
    assert config.complete and config.graph.api_version == "v21.0"
    assert not config_from({}, {}).complete


async def test_a_redelivery_after_a_restart_of_the_channel_is_ignored(isolated_runtime):
    from bot.channels.whatsapp_format import Incoming

    config = config_from({}, {"WHATSAPP_VERIFY_TOKEN": "v", "WHATSAPP_APP_SECRET": "s",
                              "WHATSAPP_ACCESS_TOKEN": "a", "WHATSAPP_PHONE_NUMBER_ID": "1"})  # fmt: skip
    handled = []

    async def on_new_message(message):
        handled.append(message)

    item = Incoming("wamid.x", "31611111111", "text", "hoi")
    await WhatsAppInput(config)._handle([item], on_new_message)
    runtime.reset()  # a new process: new store connection, same database file
    await WhatsAppInput(config)._handle([item], on_new_message)
    assert len(handled) == 1
    assert handled[0].sender_id != "31611111111" and "31611111111" not in handled[0].sender_id
