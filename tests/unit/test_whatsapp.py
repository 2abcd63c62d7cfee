"""WhatsApp message formats, turns, start-up checks and duplicate handling, in-process."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import re
import subprocess
import sys
import threading
from typing import Any

import pytest

from bot import runtime
from bot.channels import chart_worker
from bot.channels.whatsapp import (
    WhatsAppConfigError,
    WhatsAppInput,
    config_from,
    require_public_web_url,
)
from bot.channels.whatsapp_format import (
    BUTTON_TITLE,
    ROW_DESCRIPTION,
    ROW_TITLE,
    SHOWN_BUTTONS,
    SHOWN_LIST,
    TEXT_ONLY_REPLY,
    choice_messages,
    parse_webhook,
    say_what_is_on_screen,
    shorten,
    signature_is_valid,
    split_text,
)
from bot.channels.whatsapp_output import RESULT_CAPTION, ScreenMemory, WhatsAppOutput
from bot.conversation.messages import RESULT_TYPE, clarify_message, hint_message, question_message


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


def test_long_options_are_a_list_with_short_titles_and_the_full_text_once():
    long = [{"title": "Ik laat hem uitpraten en toon begrip", "payload": "/a", "short": "Laat hem uitpraten"},
            {"title": "Ik verbind hem meteen door met een collega", "payload": "/b"},
            {"title": "Ik hang op", "payload": "/c", "short": "Ophangen"}]  # fmt: skip
    (message,) = choice_messages("316", "Wat doe je?", long)
    interactive = message["interactive"]
    assert interactive["type"] == "list"
    assert interactive["body"]["text"] == "Wat doe je?\n\nTik op 'Kies' en kies een antwoord."
    assert interactive["action"]["button"] == "Kies"
    rows = interactive["action"]["sections"][0]["rows"]
    assert [(r["title"], r.get("description")) for r in rows] == [
        ("Laat hem uitpraten", "Ik laat hem uitpraten en toon begrip"),
        ("Ik verbind hem meteen…", "Ik verbind hem meteen door met een collega"),  # no short: cut
        ("Ik hang op", None),  # fits a row: its own words
    ]  # fmt: skip


def test_a_bedoel_je_names_the_options_and_gets_short_buttons():
    offer = [{"title": "Klantenservice of callcenter", "payload": "/a", "short": "Klantenservice"},
             {"title": "Iets anders", "payload": "/b"}]  # fmt: skip
    text = "Bedoel je 'Klantenservice of callcenter'? Tik op je antwoord."
    (message,) = choice_messages("316", text, offer)
    interactive = message["interactive"]
    assert interactive["type"] == "button" and interactive["body"]["text"] == text
    assert [b["reply"]["title"] for b in interactive["action"]["buttons"]] == [
        "Klantenservice", "Iets anders"]  # fmt: skip


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


# --- every real question on WhatsApp -------------------------------------------------

PLACEHOLDER = re.compile(r"(antwoord|optie|keuze)\s*\d+", re.IGNORECASE)


def shown_options(message: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(title, description, payload) of the buttons or rows of an interactive message."""
    interactive = message["interactive"]
    if interactive["type"] == "button":
        return [
            (b["reply"]["title"], "", b["reply"]["id"]) for b in interactive["action"]["buttons"]
        ]
    rows = interactive["action"]["sections"][0]["rows"]
    return [(r["title"], r.get("description", ""), r["id"]) for r in rows]


def test_every_question_shows_its_options_once_with_titles_of_their_own(assessment):
    for question in assessment.questions:
        message = question_message(assessment, question)
        (sent,) = choice_messages("316", message.text, message.as_buttons())
        interactive = sent["interactive"]
        options = shown_options(sent)
        assert [payload for _, _, payload in options] == [b.payload for b in message.buttons]
        limit = BUTTON_TITLE if interactive["type"] == "button" else ROW_TITLE
        for (title, description, _), option in zip(options, question.options, strict=True):
            assert title and len(title) <= limit and not PLACEHOLDER.search(title), question.id
            assert title in (option.label, option.short), (question.id, title)
            assert len(description) <= ROW_DESCRIPTION
            # What is shown is the option's full text, in the title or the description.
            assert option.label in (title, description) or description.endswith("…")
        body = interactive["body"]["text"]
        if interactive["type"] == "list":
            labels = {o.label for o in question.options} | {o.short for o in question.options}
            listed = [line.strip(" -*0123456789.") for line in body.splitlines()]
            assert not labels & set(listed), (question.id, body)
            assert "'Kies'" in body and "knop" not in body, (question.id, body)


def test_every_bedoel_je_gets_reply_buttons_with_short_labels(assessment):
    for question in assessment.questions:
        for pair in zip(question.options, question.options[1:], strict=False):
            message = clarify_message(question, pair)
            (sent,) = choice_messages("316", message.text, message.as_buttons())
            assert sent["interactive"]["type"] == "button"
            titles = [title for title, _, _ in shown_options(sent)]
            assert titles == [*(o.label if len(o.label) <= 20 else o.short for o in pair),
                              "Iets anders"]  # fmt: skip


@pytest.mark.parametrize("shown", [SHOWN_LIST, SHOWN_BUTTONS])
def test_hints_say_what_is_on_the_screen(assessment, shown):
    for question in assessment.questions:
        hint = say_what_is_on_screen(hint_message(question), shown)
        assert not re.search(r"kies een (van de )?knop", hint, re.IGNORECASE), hint
        if shown == SHOWN_LIST:
            assert "knop" not in hint, hint
    assert say_what_is_on_screen("Kies een knop of typ je beroep.", SHOWN_LIST) == (
        "Tik op 'Kies' en kies een antwoord, of typ je beroep.")  # fmt: skip
    assert say_what_is_on_screen(TEXT_ONLY_REPLY, SHOWN_BUTTONS).endswith("of tik op een knop.")


# --- a turn: chart first, hints by what is on screen, follow-up buttons --------------


class FakeClient:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.uploads: list[bytes] = []

    async def send_message(self, body: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(body)
        return {}

    async def upload_png(self, data: bytes, filename: str = "uitslag.png") -> str:
        self.uploads.append(data)
        return "media-1"


async def test_the_result_turn_sends_the_chart_first_and_ends_with_advice_buttons(
    isolated_runtime, assessment
):
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
    from rasa.shared.core.domain import Domain
    from rasa.shared.nlu.constants import INTENT, TEXT
    from rasa.shared.nlu.training_data.message import Message

    client = FakeClient()
    output = WhatsAppOutput(client, "316", "https://kc.example.nl", screens=ScreenMemory())
    scores = {g.id: 60 for g in assessment.groups}
    await output.send_response("person", {"text": "Klaar! Dit is je uitslag. Je score is 60."})
    await output.send_response("person", {"text": "Mijn advies voor jou: ..."})
    await output.send_response("person", {"custom": {"type": RESULT_TYPE, "scores": scores,
                                                     "overall": 60, "routes": []}})  # fmt: skip
    assert client.sent == []  # nothing goes out before the turn is done
    await output.flush()
    kinds = [m["type"] for m in client.sent]
    assert kinds == ["image", "text", "text", "text", "interactive"], kinds
    image = client.sent[0]["image"]
    assert image == {"id": "media-1", "caption": RESULT_CAPTION}
    assert "60" not in image["caption"]  # a caption, not the scores again
    assert client.uploads and client.uploads[0].startswith(b"\x89PNG")
    assert client.sent[1]["text"]["body"].startswith("Klaar! Dit is je uitslag.")
    assert client.sent[3]["text"]["body"].startswith("Je rapport als PDF: https://kc.example.nl/")
    follow_up = client.sent[4]["interactive"]
    assert follow_up["type"] == "button"
    buttons = [b["reply"] for b in follow_up["action"]["buttons"]]
    assert [b["title"] for b in buttons] == ["Waarom dit advies?", "Meer advies"]
    domain = Domain.load("domain.yml")
    intents = []
    for button in buttons:
        (parsed,) = RegexMessageHandler().process(
            [Message(data={TEXT: button["id"]})], domain=domain
        )
        intents.append(parsed.get(INTENT)["name"])
    assert intents == ["ask_advice_why", "more_advice"]


async def test_a_hint_before_a_list_in_the_same_turn_names_the_list(assessment):
    client, screens = FakeClient(), ScreenMemory()
    question = assessment.question("beroep")
    message = question_message(assessment, question)
    output = WhatsAppOutput(client, "316", screens=screens)
    await output.send_text_message("person", hint_message(question))
    await output.send_text_with_buttons("person", message.text, message.as_buttons())
    await output.flush()
    hint, asked = client.sent
    assert "Tik op 'Kies' en kies een antwoord" in hint["text"]["body"]
    assert "knop" not in hint["text"]["body"] and "knop" not in text_of(asked)
    assert screens.get("person") == SHOWN_LIST
    # The next turn only says the hint: it still names what is on the screen.
    await output.send_text_message("person", TEXT_ONLY_REPLY)
    await output.flush()
    assert "tik op 'Kies'" in client.sent[-1]["text"]["body"]


def text_of(message: dict[str, Any]) -> str:
    return message["interactive"]["body"]["text"]


async def test_the_chart_is_drawn_while_the_event_loop_keeps_answering(assessment, monkeypatch):
    """The chart is drawn in the worker thread, so webhooks are answered meanwhile.

    No timing: the fake renderer waits until a coroutine on the loop has run. Drawn on
    the loop, it could never see that and would give up; the speed is in `make bench`
    and the WhatsApp e2e test.
    """
    loop_ran = threading.Event()
    threads: list[int] = []

    def fake_render(assessment_: object, scores: object) -> bytes:
        threads.append(threading.get_ident())
        assert loop_ran.wait(timeout=10), "the event loop did not run while the chart was drawn"
        return b"\x89PNG fake"

    async def answer_a_webhook() -> None:
        await asyncio.sleep(0)
        loop_ran.set()

    monkeypatch.setattr(chart_worker, "render_radar_png", fake_render)
    drawing = asyncio.create_task(chart_worker.radar_png(assessment, {"communicatief": 70}))
    await answer_a_webhook()
    assert await drawing == b"\x89PNG fake"
    assert threads and threads[0] != threading.get_ident()


def test_the_worker_draws_a_real_chart(assessment):
    png = chart_worker.warm_up(assessment).result(timeout=60)
    assert png is None
    drawn = asyncio.run(chart_worker.radar_png(assessment, {g.id: 70 for g in assessment.groups}))
    assert drawn.startswith(b"\x89PNG")


def test_importing_the_channel_does_not_load_matplotlib():
    code = "import sys, bot.channels.whatsapp; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- starting the channel ---------------------------------------------------------

CONFIGURED = {"WHATSAPP_VERIFY_TOKEN": "v", "WHATSAPP_APP_SECRET": "s",
              "WHATSAPP_ACCESS_TOKEN": "a", "WHATSAPP_PHONE_NUMBER_ID": "1"}  # fmt: skip


@pytest.mark.parametrize(
    "url", [None, "", "http://bot.example.nl", "https://127.0.0.1:8000", "https://localhost",
            "https://10.1.2.3", "https://[::1]:8000", "bot.example.nl"],
)  # fmt: skip
def test_whatsapp_refuses_to_start_without_a_public_https_web_url(monkeypatch, capsys, url):
    for name, value in CONFIGURED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("KC_PUBLIC_WEB_URL", raising=False)
    if url is not None:
        monkeypatch.setenv("KC_PUBLIC_WEB_URL", url)
    with pytest.raises(WhatsAppConfigError, match="KC_PUBLIC_WEB_URL") as error:
        require_public_web_url(config_from({}, os.environ))
    assert "public https address" in str(error.value) and "docs/whatsapp.md" in str(error.value)
    with pytest.raises(SystemExit) as stopped:
        WhatsAppInput.from_credentials({})  # what Rasa calls at start
    assert stopped.value.code == 1
    assert str(error.value) in " ".join(capsys.readouterr().out.split())


def test_whatsapp_starts_with_a_public_web_url_or_when_it_is_not_configured(monkeypatch):
    monkeypatch.delenv("KC_PUBLIC_WEB_URL", raising=False)
    for name in CONFIGURED:
        monkeypatch.delenv(name, raising=False)
    assert not WhatsAppInput.from_credentials({}).config.complete  # the webhook answers 503
    for name, value in CONFIGURED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KC_PUBLIC_WEB_URL", "https://kc.example.nl/")
    channel = WhatsAppInput.from_credentials({})
    assert channel.config.complete and channel.config.public_web_url == "https://kc.example.nl"


async def test_the_widget_gets_the_short_labels_too(assessment):
    from bot.channels.socketio import ResultSafeSocketIOOutput

    emitted: list[dict[str, Any]] = []

    class Sio:
        async def emit(self, event: str, data: dict[str, Any], room: str) -> None:
            emitted.append(data)

    message = question_message(assessment, assessment.question("comm_boze_klant"))
    await ResultSafeSocketIOOutput(Sio(), "bot_uttered").send_text_with_buttons(
        "room", message.text, message.as_buttons()
    )
    replies = emitted[-1]["quick_replies"]
    assert [r["short"] for r in replies] == [o.short for o in message_options(assessment)]
    assert replies[0]["title"].startswith("Ik laat hem uitpraten")


def message_options(assessment):
    return assessment.question("comm_boze_klant").options
