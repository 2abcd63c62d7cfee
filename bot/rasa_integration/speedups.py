"""Measured speed-ups for Rasa 3.6, installed once when Rasa loads our tracker store.

``make bench`` profiled one turn (docs/benchmarks.md). Rasa checks every action
server response with ``jsonschema.validate``, which first validates the schema
itself against its meta-schema: about 20 ms per call, two calls per turn. Here
the validator is built once and reused, with the same schema and the same
error. The SQLite tracker store committed with a full fsync on every turn; WAL
with ``synchronous=NORMAL`` keeps it durable against crashes of the process
and is much faster.

Rasa 3.6 also runs the whole NLU pipeline (spaCy, DIET, the ResponseSelector)
for button payloads such as ``/inform{"choice": ...}``, only for the last
component (RegexMessageHandler) to replace the result with the payload's
intent. Rasa 1 and 2 parsed such messages before the pipeline;
``install_payload_shortcut`` does that again, with the parser the last
component uses, so the result is identical. And
``bot.rasa_integration.applied_events`` stops Rasa from recomputing a tracker's applied events
from the start on every call.
"""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
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

from bot.rasa_integration import applied_events

_INSTALLED: list[bool] = []
#: The name Rasa's RegexMessageHandler gives the entities of a payload.
PAYLOAD_EXTRACTOR = "RegexMessageHandler"


def install_all() -> None:
    """Install every speed-up once (idempotent)."""
    if _INSTALLED:
        return
    install_cached_response_validator()
    install_payload_shortcut()
    DialogueStateTracker.applied_events = applied_events.applied_events  # type: ignore[method-assign]
    _INSTALLED.append(True)


def install_cached_response_validator() -> None:
    """Replace RemoteAction's per-call schema check with a validator built once."""
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

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def install_payload_shortcut() -> None:
    """Parse ``/intent{...}`` payloads without running the NLU pipeline (as Rasa 1 and 2 did)."""
    through_pipeline = MessageProcessor._parse_message_with_graph

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

    MessageProcessor._parse_message_with_graph = parse_message_with_graph  # type: ignore[method-assign]


def tune_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    """SQLAlchemy "connect" listener for the SQLite tracker store."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    # Privacy, not speed: deleted conversations are overwritten with zeros
    # (bot.storage.sqlite_hygiene).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()
