"""Two measured speed-ups for Rasa 3.6, installed once when Rasa loads our tracker store.

``make bench`` profiled one turn (docs/benchmarks.md): Rasa checks every action
server response with ``jsonschema.validate``, which first validates the schema
itself against its meta-schema: about 20 ms per call, two calls per turn. Here
the validator is built once and reused, with the same schema and the same
error. The SQLite tracker store committed with a full fsync on every turn; WAL
with ``synchronous=NORMAL`` keeps it durable against crashes of the process
and is much faster.
"""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_INSTALLED: list[bool] = []


def install_cached_response_validator() -> None:
    """Replace RemoteAction's per-call schema check with a validator built once."""
    if _INSTALLED:
        return
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
    _INSTALLED.append(True)


def tune_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    """SQLAlchemy "connect" listener for the SQLite tracker store."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
