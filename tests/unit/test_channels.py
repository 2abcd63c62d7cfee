from __future__ import annotations

import pytest
import rasa.core.channels.socketio as rasa_socketio
import socketio
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOOutput

from bot.channels import guard
from bot.channels.guard import guarded
from bot.channels.socketio import (
    KlantcontactSocketIOInput,
    ResultSafeSocketIOOutput,
    with_result_safe_output,
)
from bot.config import ChannelSettings, ConfigError


class RecordingServer(socketio.AsyncServer):
    """A real AsyncServer whose emit records instead of sending."""

    def __init__(self) -> None:
        super().__init__(async_mode="asgi")
        self.emitted: list[tuple[str, dict]] = []

    async def emit(self, event, data=None, to=None, room=None, **kwargs):
        self.emitted.append((event, {"data": data, "room": room, **kwargs}))


async def test_custom_json_is_sent_as_event_data():
    server = RecordingServer()
    output = ResultSafeSocketIOOutput(server, "bot_uttered")
    result = {
        "type": "assessment_result",
        "scores": {},
        "overall": 1,
        "routes": [],
        "completed": True,
    }
    await output.send_custom_json("session-1", result)
    assert server.emitted == [("bot_uttered", {"data": result, "room": "session-1"})]


def test_channel_keeps_the_socketio_name_and_settings():
    channel = KlantcontactSocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
         "session_persistence": True}
    )  # fmt: skip
    assert channel.name() == "socketio"
    assert channel.session_persistence is True
    assert channel.get_output_channel() is None  # no server before the blueprint is built


async def test_each_message_gets_the_result_safe_output_without_patching_rasa():
    channel = KlantcontactSocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered"}
    )
    received: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)
        await message.output_channel.send_custom_json(message.sender_id, {"type": "x"})

    channel.blueprint(on_new_message)
    assert rasa_socketio.SocketIOOutput is SocketIOOutput  # Rasa's module is untouched
    emitted: list[tuple] = []

    async def emit(event, data=None, room=None, **kwargs):
        emitted.append((event, data, room))

    channel.sio.emit = emit
    rasas_handler = channel.sio.handlers["/"]["user_uttered"]  # builds Rasa's SocketIOOutput
    await rasas_handler("sid-1", {"message": "hoi"})
    assert [m.text for m in received] == ["hoi"]
    assert emitted == [("bot_uttered", {"type": "x"}, "sid-1")]


async def test_the_output_swap_keeps_rasas_server_and_event():
    server = RecordingServer()
    received: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    rasas_output = SocketIOOutput(server, "bot_uttered")
    await with_result_safe_output(on_new_message)(UserMessage("hoi", rasas_output, "s1"))
    output = received[0].output_channel
    assert isinstance(output, ResultSafeSocketIOOutput)
    assert (output.sio, output.bot_message_evt) == (server, "bot_uttered")


def test_channel_settings_come_from_the_environment():
    assert ChannelSettings.from_env({}) == ChannelSettings(
        action_server_url="http://127.0.0.1:5055", public_web_url="", whatsapp={}
    )
    settings = ChannelSettings.from_env(
        {"ACTION_PORT": "6000", "KC_PUBLIC_WEB_URL": "https://kc.example.nl/",
         "WHATSAPP_APP_SECRET": "s", "WHATSAPP_ACCESS_TOKEN": "", "WHATSAPP_OTHER": "x"}
    )  # fmt: skip
    assert settings.action_server_url == "http://127.0.0.1:6000"
    assert settings.public_web_url == "https://kc.example.nl"
    assert settings.whatsapp == {"app_secret": "s"}  # empty and unknown ones are left out
    remote = ChannelSettings.from_env({"KC_ACTION_SERVER_URL": "http://actions:5055/"})
    assert remote.action_server_url == "http://actions:5055"
    with pytest.raises(ConfigError, match="ACTION_PORT"):
        ChannelSettings.from_env({"ACTION_PORT": "vijf"})


async def test_the_guard_asks_the_action_server_of_the_settings(monkeypatch):
    asked: list[str] = []

    async def is_up(base_url: str) -> bool:
        asked.append(base_url)
        return True

    monkeypatch.setattr(guard, "action_server_is_up", is_up)
    monkeypatch.setenv("KC_ACTION_SERVER_URL", "http://actions.internal:5055/")

    async def silent(message: UserMessage) -> None:
        return None

    handler = guarded(silent)
    monkeypatch.setenv("KC_ACTION_SERVER_URL", "http://elsewhere:1")  # read once, at start
    await handler(UserMessage("hoi", RecordingOutput(), "s1"))
    assert asked == ["http://actions.internal:5055"]


class RecordingOutput:
    """Enough of an output channel for the guard."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def name(self) -> str:
        return "recording"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs) -> None:
        self.texts.append(text)


# --- botfront's rasa-webchat on the socket.io channel -----------------------------------

import re  # noqa: E402 - this part was appended
from urllib.parse import parse_qsl, urlsplit  # noqa: E402

from bot import runtime  # noqa: E402
from bot.channels import socketio as socketio_channel  # noqa: E402
from bot.channels.socketio import read_user_uttered  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.conversation.messages import result_payload  # noqa: E402
from bot.conversation.save_result import evaluate  # noqa: E402
from bot.web.app import parse_view  # noqa: E402
from tests.conftest import all_answers  # noqa: E402


def rasa_webchat_channel(on_new_message) -> tuple[KlantcontactSocketIOInput, list[tuple]]:
    """Our channel as credentials.yml builds it, with emits recorded as (event, data, room)."""
    channel = KlantcontactSocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
         "session_persistence": True}
    )  # fmt: skip
    channel.blueprint(on_new_message)
    emitted: list[tuple] = []

    async def emit(event, data=None, room=None, **kwargs):
        emitted.append((event, data, room))

    channel.sio.emit = emit
    return channel, emitted


@pytest.mark.parametrize(
    "data",
    [
        {"customData": {}, "session_id": "s1"},  # rasa-webchat without an initPayload
        {"message": "", "customData": {}, "session_id": "s1"},
        {"message": " \n ", "session_id": "s1"},
        {"message": None, "session_id": "s1"},
    ],
)
async def test_an_empty_socketio_message_is_read_as_a_greeting(data):
    received: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)
        await message.output_channel.send_text_message(message.sender_id, "Hoi!")

    channel, emitted = rasa_webchat_channel(on_new_message)
    await channel.sio.handlers["/"]["user_uttered"]("sid-1", data)
    assert [(m.text, m.sender_id) for m in received] == [("/greet", "s1")]
    assert emitted == [("bot_uttered", {"text": "Hoi!"}, "s1")]


def test_only_empty_messages_become_a_greeting_and_only_rasa_webchat_is_marked_plain():
    ours = {"message": "hoi", "session_id": "s1"}
    assert read_user_uttered(ours, "metadata") == ours
    webchat = {"message": "hoi", "customData": {"language": "nl"}, "session_id": "s1"}
    assert read_user_uttered(webchat, "metadata") == {**webchat, "metadata": {"kc_client": "plain"}}
    with_metadata = {**webchat, "metadata": {"page": "/vacatures"}}
    assert read_user_uttered(with_metadata, "metadata")["metadata"] == {
        "page": "/vacatures", "kc_client": "plain"
    }  # fmt: skip
    assert webchat == {"message": "hoi", "customData": {"language": "nl"}, "session_id": "s1"}
    assert read_user_uttered(None, "metadata") is None  # left to Rasa, as before


def finished_result(assessment) -> dict:
    result, advice = evaluate(assessment, runtime.advice_content(), all_answers(assessment))
    return result_payload(result, advice.route_ids)


async def test_rasa_webchat_also_gets_the_result_as_chart_image_and_pdf_link(
    assessment, monkeypatch
):
    web = "https://kc.example.nl"
    settings = Settings.from_env({"KC_PUBLIC_WEB_URL": web})
    monkeypatch.setattr(socketio_channel, "get_settings", lambda: settings)
    result = finished_result(assessment)

    async def on_new_message(message: UserMessage) -> None:
        await message.output_channel.send_custom_json(message.sender_id, dict(result))

    channel, emitted = rasa_webchat_channel(on_new_message)
    handler = channel.sio.handlers["/"]["user_uttered"]
    await handler("sid-1", {"message": "ja", "session_id": "ours"})
    await handler("sid-2", {"message": "ja", "customData": {}, "session_id": "webchat"})

    assert [data for _, data, room in emitted if room == "ours"] == [
        result
    ]  # our widget: as before
    sent = [data for _, data, room in emitted if room == "webchat"]
    assert sent[0] == result and len(sent) == 3
    image = sent[1]["attachment"]
    assert image["type"] == "image" and image["payload"]["title"] == "Je scores in een plaatje"
    chart = urlsplit(image["payload"]["src"])
    assert f"{chart.scheme}://{chart.netloc}{chart.path}" == f"{web}/api/chart.png"
    link = re.fullmatch(
        r"Bewaar je uitslag: \[download je rapport \(PDF\)\]\((\S+)\)", sent[2]["text"]
    )
    assert link and link.group(1) == f"{web}/api/report.pdf?{chart.query}"
    # The web app reads the same result back from the query string.
    view = parse_view(dict(parse_qsl(chart.query)), assessment, runtime.advice_content())
    assert view.scores == result["scores"] and view.overall == result["overall"]
    assert [r.id for r in view.routes] == result["routes"]


async def test_other_custom_json_to_rasa_webchat_gets_nothing_extra():
    server = RecordingServer()
    output = ResultSafeSocketIOOutput(server, "bot_uttered", plain_client=True)
    await output.send_custom_json("s1", {"type": "data_deleted"})
    assert server.emitted == [("bot_uttered", {"data": {"type": "data_deleted"}, "room": "s1"})]
