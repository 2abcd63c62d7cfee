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
