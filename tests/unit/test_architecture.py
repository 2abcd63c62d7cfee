"""The architecture as written in docs/architecture.md and the README, checked against the code.

The import contracts (``lint-imports`` in ``make lint``) check which package may import
which. These tests check what import contracts cannot see: that the docs name every
module, and that no module outside ``bot/storage`` writes SQL through a handle it got
from the store.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
README = ROOT / "README.md"

#: Methods of sqlite3 connections and sqlite-utils tables: SQL by another name.
SQL_METHODS = {
    "execute",
    "executemany",
    "executescript",
    "rows_where",
    "count_where",
    "delete_where",
    "insert_all",
    "upsert",
    "upsert_all",
    "create_table",
    "add_column",
}
SQL_TEXT = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|PRAGMA)\b", re.S
)


def bot_modules() -> list[Path]:
    return sorted(p for p in BOT.rglob("*.py") if p.name != "__main__.py")


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_names(path: Path) -> set[str]:
    """The ways docs may name a module: its file path, or for a package its folder."""
    rel = relative(path)
    if path.name == "__init__.py":
        return {rel, rel.removesuffix("__init__.py")}
    return {rel}


@pytest.mark.parametrize("path", bot_modules(), ids=relative)
def test_architecture_names_every_module(path: Path) -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert any(name in text for name in module_names(path)), (
        f"{relative(path)} is not named in docs/architecture.md"
    )


def test_readme_names_every_package() -> None:
    layout = README.read_text(encoding="utf-8").split("## Layout", 1)[1].split("\n## ", 1)[0]
    missing = [
        p.parent.name
        for p in sorted(BOT.glob("*/__init__.py"))
        if f"  {p.parent.name}/ " not in layout
    ]
    assert missing == []


def test_readme_documents_every_setting() -> None:
    """bot/config.py is the one reader of the environment; the README's table names it all."""
    names = set(re.findall(r'"((?:KC|WEB|ACTION)_[A-Z_]+)"', (BOT / "config.py").read_text()))
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1]
    assert names, "no settings found in bot/config.py"
    assert sorted(n for n in names if f"`{n}`" not in section) == []


def test_only_config_reads_the_environment() -> None:
    readers = [
        relative(p)
        for p in [*bot_modules(), *sorted((ROOT / "actions").glob("*.py"))]
        if p != BOT / "config.py" and re.search(r"os\.environ|os\.getenv|getenv\(", p.read_text())
    ]
    assert readers == []


def sql_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in SQL_METHODS:
            found.append(f"{relative(path)}:{node.lineno} .{node.attr}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL_TEXT.search(node.value)
        ):
            found.append(f"{relative(path)}:{node.lineno} SQL text")
    return found


def test_only_storage_talks_sql() -> None:
    outside = [
        p
        for p in [*bot_modules(), *sorted((ROOT / "actions").glob("*.py"))]
        if BOT / "storage" not in p.parents
    ]
    uses = [use for p in outside for use in sql_uses(p)]
    assert uses == []


def test_the_sql_check_sees_sql() -> None:
    """The check above would pass on an empty list; make sure it finds real uses."""
    assert sql_uses(BOT / "storage" / "tracker_events.py")
