"""Run `rasa data validate` and fail on every warning that matters.

One warning is expected and allowed: a response is "not used in any story or
rule" when only a custom action sends it (tests/unit/test_domain_sync.py
checks those responses exist). Any other warning, or a failing validation,
fails this script.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNUSED = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")
WARNING = re.compile(r"UserWarning: (.*)")


def responses_sent_by_actions() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "actions").glob("*.py"):
        found |= set(re.findall(r'response="(utter_\w+)"', path.read_text(encoding="utf-8")))
    return found


def main() -> int:
    rasa = Path(sys.executable).parent / "rasa"
    process = subprocess.run(
        [str(rasa), "data", "validate"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    output = process.stdout + process.stderr
    allowed = responses_sent_by_actions()
    problems = []
    for message in WARNING.findall(output):
        unused = UNUSED.search(message)
        if unused and unused.group(1) in allowed:
            continue
        problems.append(message.strip())
    for problem in problems:
        print(f"validation warning: {problem}")
    if process.returncode != 0:
        print(output[-4000:])
        print(f"rasa data validate failed with exit code {process.returncode}")
        return 1
    if problems:
        return 1
    print(f"rasa data validate: OK ({len(allowed)} responses sent by actions allowed as unused)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
