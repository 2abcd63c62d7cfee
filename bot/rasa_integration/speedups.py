"""Measured speed-ups and one fix for Rasa 3.6.21: every change we make to Rasa, in one list.

``make bench`` profiled one turn (docs/benchmarks.md). Each patch replaces one
attribute of a Rasa class; ``install_speedups()`` installs them all (after a
version check) and keeps what it replaced, ``uninstall_speedups()`` puts it back.
One line each: what is replaced -- why -- measured gain -- how it is verified.

1. ``RemoteAction._validate_action_result`` -- Rasa validates the JSON schema itself
   against its meta-schema on every action server response; we build the validator
   once (same schema, same error) -- about 20 ms per call, 40 ms per turn -- test:
   accepts and rejects like Rasa, with Rasa's error text.
2. ``MessageProcessor._parse_message_with_graph`` -- Rasa 3.6 runs the whole NLU
   pipeline for button payloads (``/inform{"choice": ...}``) only for its last step,
   RegexMessageHandler, to replace the result; we parse payloads first with that
   step's parser, as Rasa 1 and 2 did -- 8 ms per turn, NLU down to 1 ms -- test:
   the same parse data as the graph's last step, and the pipeline is not asked.
3. ``DialogueStateTracker.applied_events`` -- Rasa recomputes the applied events
   from the first event, five times per turn (quadratic in a form); we carry the
   result on from the last call (``bot.rasa_integration.applied_events``) -- a fifth
   of a turn at the end of the check -- test: a property test against Rasa's method.
4. ``FailSafeTrackerStore.on_tracker_store_error`` and ``..._retrieve_error`` -- not a
   speed-up but a fix: when the tracker database fails (a PostgreSQL restart), Rasa
   goes on with an empty in-memory conversation, so the person is greeted anew in
   the middle of the check and the turn is saved in one replica's memory only; we
   let the error reach the channel, whose guard (``bot.channels.guard``) asks the
   person in Dutch to send the message again -- the check continues at the open
   question -- test: a failing store raises through Rasa's wrapper; ``make cluster-test``
   restarts PostgreSQL during checks.
5. ``MessageProcessor.handle_message`` -- a fix too: a message a client sends twice with
   the same id (a lost reply) is answered again from the conversation instead of being
   handled twice (``bot.rasa_integration.replayed_turns``); messages without an id are
   handled as before, at no cost -- test: a second copy changes nothing and gets the
   same replies; ``make cluster-test`` loses replies on purpose.

Not patches (nothing of Rasa is replaced):

- ``bot.storage.tracker_sql.tune_sqlite_connection``: WAL with ``synchronous=NORMAL``
  instead of a full fsync per commit, as a listener on our tracker store's own
  engine -- the tracker store's share of a turn -- test: the tracker database is in WAL mode.
- The socket.io fix for custom JSON (``bot.channels.socketio``) is a bug fix, not a
  speed-up, and swaps the output channel of each message instead of patching Rasa.

Why patches and not Rasa's extension points:

- No extension point reaches the response check: Rasa builds ``RemoteAction``
  itself for every custom action.
- ``UserMessage.parse_data`` set by our channels would skip ``parse_message``, but
  an input channel has no domain (Rasa drops payloads of unknown intents and
  entities by the domain, which can change when a model is loaded), and the
  bench's profile and ``/model/parse`` call the processor without a channel.
- A tracker subclass would not reach every tracker: Rasa builds trackers with
  ``DialogueStateTracker(...)`` by name (``from_dict``, ``init_copy``, the SQL
  store's ``retrieve``).

``install_at_rasa_start()`` is called from one place: ``ClearRequests.load`` in
``bot.rasa_integration.nlu_components``, which Rasa runs when it loads our model
(``rasa run``, ``rasa shell``, the bench's profile), before the first message. On a
Rasa version other than :data:`TESTED_RASA_VERSION` it stops Rasa with a message.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.utils.cli import print_error_and_exit

from bot.rasa_integration import applied_events, replayed_turns

#: The only Rasa version these patches were measured and tested on.
TESTED_RASA_VERSION = "3.6.21"
#: The name Rasa's RegexMessageHandler gives the entities of a payload.
PAYLOAD_EXTRACTOR = "RegexMessageHandler"


class UnsupportedRasaVersion(RuntimeError):
    """The installed Rasa is not the one the patches replace parts of."""


def installed_rasa_version() -> str:
    return importlib.metadata.version("rasa")


def check_rasa_version() -> None:
    """Refuse another Rasa: a patch could silently replace code that has changed."""
    installed = installed_rasa_version()
    if installed != TESTED_RASA_VERSION:
        raise UnsupportedRasaVersion(
            f"Rasa {installed} is installed, but bot/rasa_integration/speedups.py replaces "
            f"parts of Rasa {TESTED_RASA_VERSION} and is tested only with that version. "
            f"Install rasa=={TESTED_RASA_VERSION} (make install), or check every patch in "
            "that file against the new Rasa and then change TESTED_RASA_VERSION."
        )


def cached_response_validator(_rasa_method: Any) -> Callable[..., bool]:
    """RemoteAction's response check with a validator built once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your "
                "response from the Action endpoint is valid. For more information about "
                f"the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise
        return True

    return validate_action_result


def payload_shortcut(through_pipeline: Callable[..., dict[str, Any]]) -> Callable[..., Any]:
    """``/intent{...}`` payloads parsed without the pipeline; anything else goes through it."""

    def parse_message_with_graph(
        self: MessageProcessor,
        message: Any,
        tracker: DialogueStateTracker,
        only_output_properties: bool = True,
    ) -> dict[str, Any]:
        unpacked = YAMLStoryReader.unpack_regex_message(
            Message({TEXT: message.text or ""}),
            domain=self.domain,
            entity_extractor_name=PAYLOAD_EXTRACTOR,
        )
        if unpacked.get(INTENT) is None:
            return through_pipeline(self, message, tracker, only_output_properties)
        parse_data: dict[str, Any] = {
            TEXT: "",
            INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
            ENTITIES: [],
        }
        parse_data.update(unpacked.as_dict(only_output_properties=only_output_properties))
        return parse_data

    return parse_message_with_graph


def carried_on_applied_events(_rasa_method: Any) -> Callable[..., Any]:
    return applied_events.applied_events


def errors_reach_the_channel(_rasa_method: Any) -> Callable[..., None]:
    """Raise the tracker store's error instead of falling back to an empty conversation.

    Rasa calls this inside its ``except`` block; raising there ends the message,
    and the channel's guard answers it. The error text is not logged here, and
    the guard logs only its type and where it was raised: a database error's
    text may quote a statement's values.
    """

    def on_error(self: FailSafeTrackerStore, error: Exception) -> None:
        raise error

    return on_error


def answered_once(handle_message: Callable[..., Any]) -> Callable[..., Any]:
    """``handle_message`` that answers a repeated client message id from the conversation."""

    async def handle_once(self: MessageProcessor, message: Any) -> Any:
        message_id = replayed_turns.client_message_id(message.metadata)
        if message_id is not None:
            # Our store's events lookup keeps its cached tracker for the turn that follows.
            store = getattr(self.tracker_store, "_tracker_store", self.tracker_store)
            if hasattr(store, "current_events"):
                events = await store.current_events(message.sender_id)
            else:
                tracker = await self.tracker_store.retrieve(message.sender_id)
                events = tracker.events if tracker else []
            replies = replayed_turns.replies_to(events, message_id)
            if replies is not None:
                for reply in replies:
                    await message.output_channel.send_response(message.sender_id, reply)
                return getattr(message.output_channel, "messages", None)
        return await handle_message(self, message)

    return handle_once


@dataclass(frozen=True)
class Patch:
    """``owner.name`` becomes ``build(Rasa's attribute)`` while installed."""

    owner: type
    name: str
    build: Callable[[Any], Any]


PATCHES: tuple[Patch, ...] = (
    Patch(RemoteAction, "_validate_action_result", cached_response_validator),
    Patch(MessageProcessor, "_parse_message_with_graph", payload_shortcut),
    Patch(DialogueStateTracker, "applied_events", carried_on_applied_events),
    Patch(FailSafeTrackerStore, "on_tracker_store_error", errors_reach_the_channel),
    Patch(FailSafeTrackerStore, "on_tracker_store_retrieve_error", errors_reach_the_channel),
    Patch(MessageProcessor, "handle_message", answered_once),
)

#: Rasa's attributes that are replaced right now, by patch.
_replaced: dict[Patch, Any] = {}


def install_speedups() -> dict[Patch, Any]:
    """Check Rasa's version and install every patch once; returns what they replaced."""
    check_rasa_version()
    if not _replaced:
        for patch in PATCHES:
            original = vars(patch.owner)[patch.name]
            replacement = patch.build(original)
            _replaced[patch] = original
            setattr(patch.owner, patch.name, replacement)
    return dict(_replaced)


def uninstall_speedups() -> None:
    """Give Rasa its own attributes back (for tests; idempotent)."""
    while _replaced:
        patch, original = _replaced.popitem()
        setattr(patch.owner, patch.name, original)


def speedups_installed() -> bool:
    return bool(_replaced)


@contextmanager
def rasa_speedups() -> Iterator[dict[Patch, Any]]:
    """The speed-ups installed for the duration of a ``with`` block."""
    already = speedups_installed()
    replaced = install_speedups()
    try:
        yield replaced
    finally:
        if not already:
            uninstall_speedups()


def install_at_rasa_start() -> None:
    """Install the speed-ups, or stop Rasa with a clear message on another version.

    Exits instead of raising: Rasa catches exceptions while loading a model and
    would go on serving without one.
    """
    try:
        install_speedups()
    except UnsupportedRasaVersion as error:
        print_error_and_exit(str(error))
