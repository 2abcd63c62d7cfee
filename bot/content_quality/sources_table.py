"""docs/sources.md: every factual claim the bot can make, with its source.

The table lists each claim by id (``faq.salaris``, ``route.mbo3_contactcenter``,
``role.helpdesk``, ``note.kans_op_werk``, ``work.winkel``, ``group.analytisch``,
``why.opleiding``), the text as the bot says it, the source and when it was
checked. ``python -m bot check-content`` fails when the table misses a claim,
names one that no longer exists, quotes a text that has changed since, or has
no source; ``python -m bot sources --write`` brings the quoted texts up to date
and adds rows for new claims (source "TODO", which fails until filled in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.advice.faq import Topic
from bot.advice.rules import AdviceContent
from bot.check.assessment import Assessment
from bot.content_files import CONTENT_DIR

SOURCES_FILE = CONTENT_DIR.parents[1] / "docs" / "sources.md"
START = "<!-- claims:start -->"
END = "<!-- claims:end -->"
HEADER = "| id | the bot says | source | checked |\n| --- | --- | --- | --- |"
TODO = "TODO"
_ROW = re.compile(r"^\|\s*`(?P<id>[\w.]+)`\s*\|(?P<text>.*)\|(?P<source>.*)\|(?P<checked>.*)\|\s*$")


@dataclass(frozen=True)
class Row:
    id: str
    text: str
    source: str
    checked: str


def _plain(text: str) -> str:
    return " ".join(text.replace("\\|", "|").split())


def claims(
    assessment: Assessment, content: AdviceContent, topics: tuple[Topic, ...]
) -> dict[str, str]:
    """Every claim id in the content with its text as the bot says it, in file order."""
    found: dict[str, str] = {}
    for topic in topics:
        found[f"faq.{topic.id}"] = topic.answer
    for route in content.routes:
        found[f"route.{route.id}"] = f"{route.name}: {route.what} {route.practical}"
    for role in content.roles:
        found[f"role.{role.id}"] = " ".join(
            p for p in (f"{role.name}:", role.what, role.reason) if p
        )
    for note in content.practical:
        found[f"note.{note.id}"] = note.text
    for work, text in content.related_work.items():
        found[f"work.{work}"] = text
    for group in assessment.groups:
        found[f"group.{group.id}"] = group.why
    for question in (*assessment.intake, *assessment.scored_questions):
        if question.why:
            found[f"why.{question.id}"] = question.why
    return {key: _plain(text) for key, text in found.items()}


def read_rows(markdown: str) -> dict[str, Row]:
    rows = {}
    for line in markdown.splitlines():
        match = _ROW.match(line)
        if match:
            cells = {k: _plain(v) for k, v in match.groupdict().items()}
            rows[cells["id"]] = Row(**cells)
    return rows


def table_problems(found: dict[str, str], rows: dict[str, Row]) -> list[str]:
    """What is wrong between the content's claims and the table, one line each."""
    problems = []
    for key, text in found.items():
        row = rows.get(key)
        if row is None:
            problems.append(f"{key}: missing (run: python -m bot sources --write)")
            continue
        if row.text != text:
            problems.append(f"{key}: the text changed; check its source, then update the row")
        if not row.source or TODO in row.source or not row.checked or TODO in row.checked:
            problems.append(f"{key}: needs a source and the date it was checked")
    problems += [f"{key}: no such claim in the content" for key in rows if key not in found]
    return problems


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_table(found: dict[str, str], rows: dict[str, Row]) -> str:
    lines = [HEADER]
    for key, text in found.items():
        row = rows.get(key)
        source, checked = (row.source, row.checked) if row else (TODO, TODO)
        lines.append(f"| `{key}` | {_cell(text)} | {_cell(source)} | {_cell(checked)} |")
    return "\n".join(lines)


def updated_document(markdown: str, found: dict[str, str]) -> str:
    """The document with the table rewritten: current texts, sources kept by id."""
    table = render_table(found, read_rows(markdown))
    if START in markdown and END in markdown:
        before, rest = markdown.split(START, 1)
        after = rest.split(END, 1)[1]
        return f"{before}{START}\n{table}\n{END}{after}"
    return f"{markdown.rstrip()}\n\n{START}\n{table}\n{END}\n"


def sources_problems(found: dict[str, str], path: Path = SOURCES_FILE) -> list[str]:
    if not path.exists():
        return [f"{path}: not found (run: python -m bot sources --write)"]
    return [f"{path.name}: {p}" for p in table_problems(found, read_rows(path.read_text("utf-8")))]
