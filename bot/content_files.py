"""Reading content YAML with errors that name the file and the field.

Shared by the questions, advice and facts loaders, so that a mistake made by
an adviser always reads the same way: "<file>: <field>: <problem>".
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

#: The content an adviser edits: questions, advice, facts, answer examples, jargon.
CONTENT_DIR = Path(__file__).parent / "content"
#: The repository root, where Rasa's data/ lives (FAQ examples are shared with Rasa).
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class ContentError(ValueError):
    """A content file is missing a field or has a wrong value."""

    def __init__(self, path: Path | str, where: str, problem: str) -> None:
        self.path = str(path)
        self.where = where
        self.problem = problem
        super().__init__(f"{self.path}: {where}: {problem}")


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ContentError(path, "file", "not found") from exc
    except yaml.YAMLError as exc:
        raise ContentError(path, "file", f"is not valid YAML: {exc}") from exc


class ContentReader:
    """Typed accessors for parsed YAML; every error names file and field."""

    def __init__(self, path: Path | str) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> ContentError:
        return ContentError(self.path, where, problem)

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, "must be a mapping (key: value)")
        return value

    def sequence(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(where, "must be a non-empty list")
        return value

    def text(self, spec: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
        value = spec.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{key}", "must be a non-empty text")
        return " ".join(value.split())
