"""After the load test: is every user's result stored exactly once, and completed?"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.check.assessment import load_assessment
from bot.privacy.pseudonyms import pseudonym
from scripts.bench.common import PYTHON, ROOT

ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback \(most recent call last\)")
CLI_SPOT_CHECKS = 3


@dataclass
class StorageCheck:
    users: int
    stored_once: int = 0
    completed: int = 0
    matching: int = 0  # scores, overall and routes equal to what the user was shown
    problems: list[str] = field(default_factory=list)
    cli_checked: int = 0
    log_errors: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems and not self.log_errors and self.matching == self.users


def _read_key(var_dir: Path) -> bytes:
    key_file = var_dir / "identity.key"
    if not key_file.exists():
        raise RuntimeError(f"no identity key in {var_dir}: nothing was stored")
    return key_file.read_text(encoding="ascii").strip().encode("ascii")


def verify(
    var_dir: Path, env: dict[str, str], shown: dict[str, dict[str, Any]], expected_users: int
) -> StorageCheck:
    """Compare results.db with the results the users were shown (one row per user)."""
    check = StorageCheck(users=expected_users)
    if len(shown) != expected_users:
        check.problems.append(f"{expected_users - len(shown)} user(s) never saw a result")
    question_count = len(load_assessment().questions)
    key = _read_key(var_dir)
    db = sqlite3.connect(f"file:{var_dir / 'results.db'}?mode=ro", uri=True, timeout=30)
    try:
        for sender, result in sorted(shown.items()):
            rows = db.execute(
                "SELECT id, completed_at, scores, overall, routes FROM assessments "
                "WHERE person = ?",
                (pseudonym(sender, key),),
            ).fetchall()
            if len(rows) != 1:
                check.problems.append(f"{sender}: {len(rows)} assessment rows")
                continue
            check.stored_once += 1
            assessment_id, completed_at, scores, overall, routes = rows[0]
            if completed_at is None:
                check.problems.append(f"{sender}: stored but not completed")
                continue
            check.completed += 1
            answers = db.execute(
                "SELECT COUNT(*) FROM answers WHERE assessment_id = ?", (assessment_id,)
            ).fetchone()[0]
            same = (
                json.loads(scores) == result["scores"]
                and overall == result["overall"]
                and json.loads(routes) == result["routes"]
                and answers == question_count
            )
            if same:
                check.matching += 1
            else:
                check.problems.append(f"{sender}: stored result differs ({answers} answers)")
    finally:
        db.close()
    for sender in sorted(shown)[:CLI_SPOT_CHECKS]:
        _cli_check(sender, env, shown[sender], check)
    return check


def _cli_check(
    sender: str, env: dict[str, str], shown: dict[str, Any], check: StorageCheck
) -> None:
    """`python -m bot results --sender ID --json`, as an operator would check it."""
    completed = subprocess.run(
        [PYTHON, "-m", "bot", "results", "--sender", sender, "--json"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        check.problems.append(f"{sender}: bot results failed: {completed.stderr.strip()[-200:]}")
        return
    stored = json.loads(completed.stdout)
    if not stored["completed"] or stored["overall"] != shown["overall"]:
        check.problems.append(f"{sender}: bot results shows {stored}")
        return
    check.cli_checked += 1


def log_errors(text: str) -> list[str]:
    """Lines of a server log that report an error."""
    return [line.strip()[:300] for line in text.splitlines() if ERROR_LINE.search(line)]
