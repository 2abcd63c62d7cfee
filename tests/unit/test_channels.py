from __future__ import annotations

import socketio

from bot.channels.socketio import KlantcontactSocketIOInput, ResultSafeSocketIOOutput


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
